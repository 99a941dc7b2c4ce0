//===- Attention.cpp - importer of ONNX Attention (opset 23+) -------------===//
//
// Attention is decomposed into graph ops: scaled Q @ K^T (grouped-query heads
// share K/V through matmul broadcasting, never a repeated copy), softcap,
// the additive bias from the mask and the causal frontier, a softmax that
// gives 0 for fully masked rows, and P @ V.
//
//===----------------------------------------------------------------------===//

#include "frontends/onnx/Ops/Attention.h"

#include <cmath>

using namespace mlir;
using namespace mlir::fmc;
using namespace mlir::fmc::onnx;

namespace {

SmallVector<NamedAttribute> lastAxis(NodeContext &n, int64_t rank) {
  return {n.namedAttr("axes", n.b.getDenseI64ArrayAttr({rank - 1})),
          n.namedAttr("keepdims", n.b.getBoolAttr(true))};
}

/// lhs [B, Hq, S, X] @ rhs [B, Hkv, X, T] with Hq = Hkv * reps: query head h
/// uses key/value head h / reps, through broadcasting over a reps dim.
Value groupedMatMul(NodeContext &n, Value lhs, Value rhs) {
  if (!lhs || !rhs)
    return {};
  auto l = tensorType(lhs).getShape(), r = tensorType(rhs).getShape();
  if (l[1] == r[1])
    return n.op<MatMulOp>({lhs, rhs});
  int64_t reps = l[1] / r[1];
  Value grouped = n.reshapeTo(lhs, {l[0], r[1], reps, l[2], l[3]});
  Value shared = n.reshapeTo(rhs, {r[0], r[1], 1, r[2], r[3]});
  return n.reshapeTo(n.op<MatMulOp>({grouped, shared}),
                     {l[0], l[1], l[2], r[3]});
}

LogicalResult importAttention(NodeContext &n, SmallVectorImpl<Value> &results) {
  FailureOr<Value> q = n.required(0, "Q"), k = n.required(1, "K"),
                   v = n.required(2, "V");
  if (failed(q) || failed(k) || failed(v))
    return failure();
  int64_t rank = tensorType(*q).getRank();
  for (Value x : {*q, *k, *v})
    if (tensorType(x).getRank() != rank || !tensorType(x).hasStaticShape() ||
        (rank != 3 && rank != 4)) {
      n.error() << "Q, K and V must be static 3-D or 4-D tensors of the same "
                   "rank";
      return failure();
    }
  Type element = tensorType(*q).getElementType();
  if (!isa<FloatType>(element)) {
    n.error() << "expects floating-point Q, K, V";
    return failure();
  }
  Value query = *q, key = *k, value = *v;
  if (rank == 3) {
    int64_t qHeads = n.intAttr("q_num_heads", 0);
    int64_t kvHeads = n.intAttr("kv_num_heads", 0);
    if (qHeads <= 0 || kvHeads <= 0 ||
        tensorType(query).getDimSize(2) % qHeads ||
        tensorType(key).getDimSize(2) % kvHeads ||
        tensorType(value).getDimSize(2) % kvHeads) {
      n.error() << "3-D inputs need q_num_heads and kv_num_heads dividing "
                   "the hidden sizes";
      return failure();
    }
    query = splitHeads(n, query, qHeads);
    key = splitHeads(n, key, kvHeads);
    value = splitHeads(n, value, kvHeads);
  }
  Value newKey = key, newValue = value;
  if (Value pastKey = n.input(4)) {
    key = n.op<ConcatOp>({pastKey, key},
                         {n.namedAttr("axis", n.b.getI64IntegerAttr(2))});
  }
  if (Value pastValue = n.input(5)) {
    value = n.op<ConcatOp>({pastValue, value},
                           {n.namedAttr("axis", n.b.getI64IntegerAttr(2))});
  }
  if (!query || !key || !value)
    return failure();
  auto qShape = tensorType(query).getShape();
  int64_t batch = qShape[0], heads = qShape[1], qLen = qShape[2];
  int64_t kvHeads = tensorType(key).getDimSize(1);
  int64_t total = tensorType(key).getDimSize(2);
  int64_t pastLen = n.input(4) ? tensorType(n.input(4)).getDimSize(2) : 0;
  if (kvHeads <= 0 || heads % kvHeads ||
      tensorType(value).getDimSize(1) != kvHeads) {
    n.error() << heads << " query heads cannot share " << kvHeads
              << " key/value heads";
    return failure();
  }

  // Additive bias: the mask (boolean: keep where true) padded to the total
  // length, and the causal frontier j <= i + past length.
  Value negInf = n.scalar(query, -INFINITY), zero = n.scalar(query, 0.0);
  Value bias;
  if (Value mask = n.input(3)) {
    auto maskType = tensorType(mask);
    bool isBool = maskType.getElementType().isInteger(1);
    int64_t width =
        maskType.getShape().empty() ? 0 : maskType.getShape().back();
    if (maskType.getRank() == 0 || width > total) {
      n.error() << "attn_mask " << maskType << " does not fit " << total
                << " keys";
      return failure();
    }
    if (width < total) {
      SmallVector<int64_t> low(maskType.getRank(), 0), high(low),
          shape(maskType.getShape());
      high.back() = total - width;
      shape.back() = total;
      mask = n.op<PadOp>(
          {mask, isBool ? n.scalar(mask, 0) : n.scalar(mask, -INFINITY)},
          {n.namedAttr("low", n.b.getDenseI64ArrayAttr(low)),
           n.namedAttr("high", n.b.getDenseI64ArrayAttr(high))},
          maskType.clone(shape));
    }
    // fmc.attention takes a boolean mask as is; the decomposition below
    // needs it additive.
    bias = mask;
  }
  double scale = n.attr("scale") ? n.floatAttr("scale", 1.0f)
                                 : 1.0 / std::sqrt(double(qShape[3]));
  // One fmc.attention (FlashAttention when lowered) unless a feature it does
  // not model is asked for: softcap, the qk_matmul output, run-time
  // frontiers (nonpad_kv_seqlen, windows), or a causal frontier that is not
  // the bottom-right aligned one (j <= i + T - S).
  bool causalAttr = n.intAttr("is_causal", 0) != 0;
  std::string unfused;
  if (!n.fuseAttention)
    unfused = "attention fusion is off (--fuse-attention=false)";
  else if (n.floatAttr("softcap", 0.0f) > 0)
    unfused = "softcap";
  else if (n.hasOutput(3))
    unfused = "the qk_matmul_output output is requested";
  else if (n.input(6))
    unfused = "nonpad_kv_seqlen (a run-time frontier)";
  else if (n.intAttr("left_window_size", -1) >= 0 ||
           n.intAttr("right_window_size", -1) >= 0)
    unfused = "a sliding window";
  else if (bool(n.input(4)) != bool(n.input(5)))
    unfused = "only one of past_key and past_value is given";
  else if (causalAttr && total - qLen != pastLen)
    unfused = "the causal frontier j <= i + past length is not the bottom-"
              "right aligned one fmc.attention has (j <= i + T - S)";
  if (unfused.empty()) {
    // The cache goes into the op, whose presents are the outputs.
    bool cached = static_cast<bool>(n.input(4));
    AttentionOp op =
        attention(n, query, cached ? newKey : key, cached ? newValue : value,
                  bias, n.input(4), n.input(5), scale, causalAttr);
    if (!op)
      return failure();
    Value y = op.getResult();
    if (rank == 3)
      y = mergeHeads(n, y);
    if (cached) {
      // The concatenations built for the decomposition are not needed.
      for (Value v : {key, value})
        if (v.use_empty())
          v.getDefiningOp()->erase();
      return n.done(results, {y, op.getPresent()[0], op.getPresent()[1]});
    }
    return n.done(results, {y, key, value});
  }

  if (bias && tensorType(bias).getElementType().isInteger(1))
    bias = n.op<WhereOp>({bias, zero, negInf});
  // Scores: (Q * sqrt(scale)) @ (K^T * sqrt(scale)), as the reference.
  Value root = n.scalar(query, std::sqrt(scale));
  Value scores =
      groupedMatMul(n, n.op<MulOp>({query, root}),
                    n.op<MulOp>({n.transposeBy(key, {0, 1, 3, 2}), root}));
  if (float softcap = n.floatAttr("softcap", 0.0f); softcap > 0) {
    Value cap = n.scalar(scores, softcap);
    scores = n.op<MulOp>({n.op<TanhOp>({n.op<DivOp>({scores, cap})}), cap});
  }
  Value qk = scores;

  // The frontier: query i sits at absolute position p = i + offset (offset
  // = past length, or nonpad_kv_seqlen[b] - qLen for an external cache);
  // keys past nonpad_kv_seqlen[b], after p (causal) or outside
  // [p - left_window_size, p + right_window_size] are masked.
  Value nonpad = n.input(6);
  bool causal = n.intAttr("is_causal", 0) != 0;
  int64_t left = n.intAttr("left_window_size", -1);
  int64_t right = n.intAttr("right_window_size", -1);
  if (nonpad && (n.input(4) || n.input(5))) {
    n.error() << "nonpad_kv_seqlen cannot be combined with past_key/past_value";
    return failure();
  }
  if (causal || nonpad || left >= 0 || right >= 0) {
    Value i = n.iota(4, 2, qLen), j = n.iota(4, 3, total);
    auto boolType = [&](Value a, Value b) {
      SmallVector<int64_t> shape;
      (void)broadcastShapes(tensorType(a).getShape(), tensorType(b).getShape(),
                            shape);
      return RankedTensorType::get(shape, n.b.getI1Type());
    };
    auto lessEq = [&](Value a, Value b) {
      return a && b ? n.op<LessEqualOp>({a, b}, {}, boolType(a, b)) : Value();
    };
    Value valid, pos = n.op<AddOp>({i, n.scalar(i, double(pastLen))});
    if (nonpad) {
      Value lens =
          n.reshapeTo(n.castTo(nonpad, n.b.getI64Type()), {batch, 1, 1, 1});
      valid = n.op<LessOp>({j, lens}, {}, boolType(j, lens));
      pos = n.op<AddOp>({i, n.op<SubOp>({lens, n.scalar(lens, double(qLen))})});
    }
    auto both = [&](Value a, Value b) { return a ? n.op<AndOp>({a, b}) : b; };
    if (causal)
      valid = both(valid, lessEq(j, pos));
    if (left >= 0)
      valid = both(valid,
                   lessEq(n.op<SubOp>({pos, n.scalar(pos, double(left))}), j));
    if (right >= 0)
      valid = both(valid,
                   lessEq(j, n.op<AddOp>({pos, n.scalar(pos, double(right))})));
    if (!valid)
      return failure();
    Value frontier = n.op<WhereOp>({valid, zero, negInf});
    bias = bias ? n.op<AddOp>({frontier, bias}) : frontier;
  }
  Value withBias = bias ? n.op<AddOp>({scores, bias}) : scores;
  int64_t mode = n.intAttr("qk_matmul_output_mode", 0);
  if (mode == 2)
    qk = withBias;

  // Softmax over keys; a row with no finite score gives zeros.
  SmallVector<NamedAttribute> reduce = lastAxis(n, 4);
  Value max = n.op<ReduceMaxOp>({withBias}, reduce);
  auto isInf = [&](Value x) {
    return x ? n.op<IsInfOp>({x}, {}, tensorType(x).clone(n.b.getI1Type()))
             : Value();
  };
  Value safeMax = n.op<WhereOp>({isInf(max), zero, max});
  Value e = n.op<ExpOp>({n.op<SubOp>({withBias, safeMax})});
  Value sum = n.op<ReduceSumOp>({e}, reduce);
  sum = n.op<WhereOp>({n.op<EqualOp>({sum, zero}), n.scalar(sum, 1.0), sum});
  Value probs = n.op<DivOp>({e, sum});
  if (bias) {
    Value biasMax =
        n.op<ReduceMaxOp>({bias}, lastAxis(n, tensorType(bias).getRank()));
    probs = n.op<WhereOp>({isInf(biasMax), zero, probs});
  }
  if (mode == 3)
    qk = probs;
  if (mode < 0 || mode > 3) {
    n.error() << "qk_matmul_output_mode " << mode << " is not supported";
    return failure();
  }

  Value y = groupedMatMul(n, probs, value);
  // --report=fusions names this decomposition and why it is not one op.
  if (y && y.getDefiningOp())
    y.getDefiningOp()->setAttr("fmc.unfused_attention",
                               n.b.getStringAttr(unfused));
  if (rank == 3 && y) {
    int64_t dv = tensorType(y).getDimSize(3);
    y = n.reshapeTo(n.transposeBy(y, {0, 2, 1, 3}), {batch, qLen, heads * dv});
  }
  return n.done(results, {y, key, value, qk});
}

} // namespace

Value mlir::fmc::onnx::splitHeads(NodeContext &n, Value x, int64_t heads) {
  if (!x)
    return {};
  auto shape = tensorType(x).getShape();
  return n.transposeBy(
      n.reshapeTo(x, {shape[0], shape[1], heads, shape[2] / heads}),
      {0, 2, 1, 3});
}

AttentionOp mlir::fmc::onnx::attention(NodeContext &n, Value query, Value key,
                                       Value value, Value mask, Value pastKey,
                                       Value pastValue, double scale,
                                       bool causal) {
  if (!query || !key || !value)
    return {};
  return n.build<AttentionOp>(query, key, value, mask, pastKey, pastValue,
                              scale, causal);
}

Value mlir::fmc::onnx::mergeHeads(NodeContext &n, Value x) {
  if (!x)
    return {};
  auto s = tensorType(x).getShape();
  return n.reshapeTo(n.transposeBy(x, {0, 2, 1, 3}), {s[0], s[2], s[1] * s[3]});
}

Value mlir::fmc::onnx::gatherPositions(NodeContext &n, Value cache,
                                       Value positions) {
  if (!cache || !positions)
    return {};
  auto cacheType = tensorType(cache);
  SmallVector<int64_t> shape(tensorType(positions).getShape());
  shape.push_back(cacheType.getShape().back());
  return n.op<GatherOp>({cache, positions},
                        {n.namedAttr("axis", n.b.getI64IntegerAttr(0))},
                        cacheType.clone(shape));
}

Value mlir::fmc::onnx::fullWidthRotaryTable(NodeContext &n, Value half,
                                            bool interleaved) {
  if (!half)
    return {};
  auto type = tensorType(half);
  int64_t rank = type.getRank();
  auto concat = [&](Value v, int64_t axis) {
    return n.op<ConcatOp>({v, v},
                          {n.namedAttr("axis", n.b.getI64IntegerAttr(axis))});
  };
  if (!interleaved)
    return concat(half, rank - 1);
  SmallVector<int64_t> pairs(type.getShape());
  pairs.push_back(1);
  SmallVector<int64_t> full(type.getShape());
  full.back() *= 2;
  return n.reshapeTo(concat(n.reshapeTo(half, pairs), rank), full);
}

namespace {

/// RotaryEmbedding (opset 23) as fmc.rotary: the first rotary_embedding_dim
/// features of each head rotate by the cached angle of their position, as
/// halves or interleaved pairs.
LogicalResult importRotaryEmbedding(NodeContext &n,
                                    SmallVectorImpl<Value> &results) {
  FailureOr<Value> x = n.required(0, "X"),
                   cosCache = n.required(1, "cos_cache"),
                   sinCache = n.required(2, "sin_cache");
  if (failed(x) || failed(cosCache) || failed(sinCache))
    return failure();
  auto type = tensorType(*x);
  int64_t rank = type.getRank();
  if (rank != 3 && rank != 4) {
    n.error() << "X must be 3-D or 4-D, got " << type;
    return failure();
  }
  // x [B, H, S, D], or the [B, S, H, D] view of a 3-D x.
  Value h = *x;
  int64_t batch = type.getDimSize(0);
  int64_t seq = type.getDimSize(rank == 4 ? 2 : 1);
  int64_t heads, headSize;
  if (rank == 4) {
    heads = type.getDimSize(1);
    headSize = type.getDimSize(3);
  } else {
    heads = n.intAttr("num_heads", 0);
    if (heads <= 0 || type.getDimSize(2) % heads) {
      n.error() << "3-D X needs num_heads dividing its hidden size";
      return failure();
    }
    headSize = type.getDimSize(2) / heads;
    h = n.reshapeTo(h, {batch, seq, heads, headSize});
  }
  int64_t rot = n.intAttr("rotary_embedding_dim", 0);
  if (rot == 0)
    rot = headSize;
  if (rot % 2 || rot > headSize) {
    n.error() << "rotary_embedding_dim " << rot << " must be even and at most "
              << headSize;
    return failure();
  }
  int64_t half = rot / 2;
  Value cos = *cosCache, sin = *sinCache;
  if (Value positions = n.input(3)) {
    cos = gatherPositions(n, cos, positions);
    sin = gatherPositions(n, sin, positions);
  }
  if (!cos || !sin || tensorType(cos).getShape().back() != half) {
    n.error() << "the caches' last dim must be rotary_embedding_dim / 2 = "
              << half;
    return failure();
  }
  bool interleaved = n.intAttr("interleaved", 0) != 0;
  // [B, S, R] tables, broadcast over the heads of x [B, H, S, D] or of the
  // [B, S, H, D] view of a 3-D x.
  SmallVector<int64_t> tableShape = {batch, 1, seq, rot};
  if (rank == 3)
    tableShape = {batch, seq, 1, rot};
  cos = n.reshapeTo(fullWidthRotaryTable(n, cos, interleaved), tableShape);
  sin = n.reshapeTo(fullWidthRotaryTable(n, sin, interleaved), tableShape);
  Value y = n.op<RotaryOp>(
      {h, cos, sin},
      {n.namedAttr("interleaved", n.b.getBoolAttr(interleaved))});
  if (rank == 3)
    y = n.reshapeTo(y, type.getShape());
  return n.done(results, {y});
}

} // namespace

void mlir::fmc::onnx::registerAttentionOps(OpImportRegistry &r) {
  r["Attention"] = importAttention;
  r["RotaryEmbedding"] = importRotaryEmbedding;
}
