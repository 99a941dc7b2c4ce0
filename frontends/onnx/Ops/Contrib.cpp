//===- Contrib.cpp - ONNX Runtime's com.microsoft ops ---------------------===//
//
// The fused ops that ONNX Runtime's transformer optimizer writes, so that
// already-optimized models compile: they map onto the same graph ops the
// recognition passes raise to (fmc.attention, fmc.skip_norm, fmc.rms_norm,
// fmc.gelu, fmc.rotary). Features outside those ops are rejected by name.
//
//===----------------------------------------------------------------------===//

#include "frontends/onnx/Ops/Attention.h"

#include <cmath>

using namespace mlir;
using namespace mlir::fmc;
using namespace mlir::fmc::onnx;

namespace {

/// ONNX Runtime's default epsilon of the Skip*LayerNormalization ops.
constexpr float kSkipNormEpsilon = 1e-12f;
/// ONNX Runtime's default additive value for masked-out keys.
constexpr float kMaskFilterValue = -10000.0f;

Value addBias(NodeContext &n, Value x, Value bias) {
  return bias ? n.op<AddOp>({x, bias}) : x;
}

Value gelu(NodeContext &n, Value x, StringRef approximate) {
  return n.op<GeluOp>(
      {x}, {n.namedAttr("approximate", n.b.getStringAttr(approximate))});
}

/// Gelu, BiasGelu (erf form of A + B), FastGelu (tanh form of X [+ bias]),
/// QuickGelu (x * sigmoid(alpha * x)).
void registerActivations(OpImportRegistry &r) {
  auto add = [&](StringRef name, std::function<Value(NodeContext &)> fn) {
    r[("com.microsoft::" + name).str()] =
        [fn](NodeContext &n, SmallVectorImpl<Value> &results) {
          FailureOr<Value> x = n.required(0, "X");
          if (failed(x))
            return failure();
          return n.done(results, {fn(n)});
        };
  };
  add("Gelu", [](NodeContext &n) { return gelu(n, n.input(0), "none"); });
  add("BiasGelu", [](NodeContext &n) {
    return gelu(n, addBias(n, n.input(0), n.input(1)), "none");
  });
  add("FastGelu", [](NodeContext &n) {
    return gelu(n, addBias(n, n.input(0), n.input(1)), "tanh");
  });
  add("QuickGelu", [](NodeContext &n) {
    Value x = n.input(0);
    Value alpha = n.scalar(x, n.floatAttr("alpha", 1.702f));
    return n.op<MulOp>({x, n.op<SigmoidOp>({n.op<MulOp>({x, alpha})})});
  });
}

/// SkipLayerNormalization (input, skip, gamma, beta, bias) and
/// SkipSimplifiedLayerNormalization (input, skip, gamma, bias): the norm of
/// input + skip + bias over the last dim; output 3 is that sum.
LogicalResult importSkipNorm(NodeContext &n, SmallVectorImpl<Value> &results,
                             bool rms) {
  FailureOr<Value> x = n.required(0, "input"), skip = n.required(1, "skip"),
                   gamma = n.required(2, "gamma");
  if (failed(x) || failed(skip) || failed(gamma))
    return failure();
  if (n.hasOutput(1) || n.hasOutput(2)) {
    n.error() << "the mean and inv_std_var outputs are not supported";
    return failure();
  }
  Value beta = rms ? Value() : n.input(3);
  Value bias = n.input(rms ? 3 : 4);
  Value input = addBias(n, *x, bias);
  if (!input)
    return failure();
  SmallVector<Value> operands = {input, *skip, *gamma};
  if (beta)
    operands.push_back(beta);
  int64_t rank = tensorType(input).getRank();
  FailureOr<Value> y = n.create<SkipNormOp>(
      operands, {n.namedAttr("axis", n.b.getI64IntegerAttr(rank - 1)),
                 n.namedAttr("epsilon", n.b.getF32FloatAttr(n.floatAttr(
                                            "epsilon", kSkipNormEpsilon))),
                 n.namedAttr("rms", n.b.getBoolAttr(rms))});
  if (failed(y))
    return failure();
  Value sum = y->getDefiningOp()->getResult(1);
  results.append({*y, Value(), Value(), sum});
  return success();
}

/// SimplifiedLayerNormalization (an ONNX Runtime op of the default domain,
/// also spelled com.microsoft): RMS norm over [axis, rank).
LogicalResult importSimplifiedNorm(NodeContext &n,
                                   SmallVectorImpl<Value> &results) {
  FailureOr<Value> x = n.required(0, "X"), scale = n.required(1, "scale");
  if (failed(x) || failed(scale))
    return failure();
  if (n.hasOutput(1)) {
    n.error() << "the inv_std_var output is not supported";
    return failure();
  }
  FailureOr<int64_t> axis =
      n.axis(n.intAttr("axis", -1), tensorType(*x).getRank());
  if (failed(axis))
    return failure();
  FailureOr<Value> y = n.create<RMSNormOp>(
      {*x, *scale},
      {n.namedAttr("axis", n.b.getI64IntegerAttr(*axis)),
       n.namedAttr("epsilon",
                   n.b.getF32FloatAttr(n.floatAttr("epsilon", 1e-5f)))});
  if (failed(y))
    return failure();
  results.push_back(*y);
  return success();
}

/// RotaryEmbedding (com.microsoft): input [B, S, N * H] (or [B, N, S, H]),
/// position_ids [B, S] (or [1], an offset added to 0 .. S - 1), caches
/// [max_position, R / 2].
LogicalResult importContribRotary(NodeContext &n,
                                  SmallVectorImpl<Value> &results) {
  FailureOr<Value> x = n.required(0, "input"),
                   positions = n.required(1, "position_ids"),
                   cosCache = n.required(2, "cos_cache"),
                   sinCache = n.required(3, "sin_cache");
  if (failed(x) || failed(positions) || failed(cosCache) || failed(sinCache))
    return failure();
  if (n.intAttr("is_packed_batching", 0) ||
      n.floatAttr("scale", 1.0f) != 1.0f) {
    n.error() << "packed batching and scale != 1 are not supported";
    return failure();
  }
  auto type = tensorType(*x);
  int64_t rank = type.getRank();
  if ((rank != 3 && rank != 4) || !type.hasStaticShape()) {
    n.error() << "input must be a static 3-D or 4-D tensor, got " << type;
    return failure();
  }
  int64_t half = tensorType(*cosCache).getShape().back();
  int64_t rot = n.intAttr("rotary_embedding_dim", 0);
  if (rot == 0)
    rot = 2 * half;
  int64_t batch = type.getDimSize(0), seq, heads, headSize;
  Value h = *x;
  if (rank == 4) {
    heads = type.getDimSize(1);
    seq = type.getDimSize(2);
    headSize = type.getDimSize(3);
  } else {
    seq = type.getDimSize(1);
    heads = n.intAttr("num_heads", 0);
    if (heads == 0 && rot == 2 * half && type.getDimSize(2) % rot == 0)
      heads = type.getDimSize(2) / rot;
    if (heads <= 0 || type.getDimSize(2) % heads) {
      n.error() << "a 3-D input needs num_heads dividing its hidden size";
      return failure();
    }
    headSize = type.getDimSize(2) / heads;
    h = n.reshapeTo(h, {batch, seq, heads, headSize});
  }
  if (rot != 2 * half || rot > headSize) {
    n.error() << "the caches' last dim " << half
              << " must be half of rotary_embedding_dim " << rot
              << ", at most the head size " << headSize;
    return failure();
  }
  Value pos = *positions;
  auto posType = tensorType(pos);
  if (posType.getNumElements() == 1 && !(posType.getRank() == 2 && seq == 1))
    pos = n.op<AddOp>({n.reshapeTo(n.castTo(pos, n.b.getI64Type()), {1, 1}),
                       n.iota(2, 1, seq)});
  else if (posType.getRank() != 2)
    pos = Value();
  if (!pos) {
    n.error() << "position_ids must be [batch, sequence] or a [1] offset";
    return failure();
  }
  int64_t posBatch = tensorType(pos).getDimSize(0);
  bool interleaved = n.intAttr("interleaved", 0) != 0;
  SmallVector<int64_t> tableShape = {posBatch, 1, seq, rot};
  if (rank == 3)
    tableShape = {posBatch, seq, 1, rot};
  auto table = [&](Value cache) {
    return n.reshapeTo(
        fullWidthRotaryTable(n, gatherPositions(n, cache, pos), interleaved),
        tableShape);
  };
  Value y = n.op<RotaryOp>(
      {h, table(*cosCache), table(*sinCache)},
      {n.namedAttr("interleaved", n.b.getBoolAttr(interleaved))});
  if (rank == 3)
    y = n.reshapeTo(y, type.getShape());
  return n.done(results, {y});
}

/// An additive [B, 1, 1, T] mask from a [B, T] 0/1 key padding mask (0
/// masks the key with mask_filter_value, as ONNX Runtime does), or a
/// [B, 1, S, T] one from [B, S, T].
Value paddingBias(NodeContext &n, Value mask, Value like, int64_t total) {
  auto type = tensorType(mask);
  if (type.getRank() < 2 || type.getRank() > 3 ||
      type.getShape().back() != total) {
    n.error() << "mask of type " << type << " is not supported (expected "
              << "[batch, " << total << "] or [batch, S, " << total
              << "] of 0/1)";
    return {};
  }
  Value zero = n.scalar(mask, 0);
  Value masked = n.op<EqualOp>({mask, zero}, {}, type.clone(n.b.getI1Type()));
  Value bias = n.op<WhereOp>(
      {masked,
       n.scalar(like, n.floatAttr("mask_filter_value", kMaskFilterValue)),
       n.scalar(like, 0.0)});
  SmallVector<int64_t> shape = {type.getDimSize(0), 1, 1, total};
  if (type.getRank() == 3)
    shape[2] = type.getDimSize(1);
  return n.reshapeTo(bias, shape);
}

Value concatAxis(NodeContext &n, ArrayRef<Value> parts, int64_t axis) {
  if (llvm::any_of(parts, [](Value v) { return !v; }))
    return {};
  return n.op<ConcatOp>(parts,
                        {n.namedAttr("axis", n.b.getI64IntegerAttr(axis))});
}

/// The additive mask of MultiHeadAttention and Attention: the 0/1 key
/// padding mask (`maskInput`) as mask_filter_value where 0, plus
/// attention_bias (`biasInput`), over the cache and the new keys. Null when
/// there is neither; failure if the mask has a shape fmc does not support
/// (diagnosed).
FailureOr<Value> paddingAndBias(NodeContext &n, Value q4, Value k4,
                                Value pastKey, unsigned maskInput,
                                unsigned biasInput) {
  int64_t total = tensorType(k4).getDimSize(2) +
                  (pastKey ? tensorType(pastKey).getDimSize(2) : 0);
  Value bias;
  if (Value mask = n.input(maskInput))
    if (!(bias = paddingBias(n, mask, q4, total)))
      return failure();
  if (Value attentionBias = n.input(biasInput))
    bias = bias ? n.op<AddOp>({bias, attentionBias}) : attentionBias;
  return bias;
}

/// The `scale` attribute, 1 / sqrt(head size) when absent or 0.
double attentionScale(NodeContext &n, int64_t headSize) {
  double scale = n.floatAttr("scale", 0.0f);
  return scale != 0.0 ? scale : 1.0 / std::sqrt(double(headSize));
}

/// The fmc.attention of MultiHeadAttention and Attention: the key padding
/// mask (input `maskInput`) and attention_bias (input 5) as its mask, the
/// scale attribute or 1 / sqrt(headSize), unidirectional as causal. (The op
/// verifies the cache: both of past key and value, or neither.)
AttentionOp maskedAttention(NodeContext &n, Value q4, Value k4, Value v4,
                            Value pastKey, Value pastValue, unsigned maskInput,
                            int64_t headSize) {
  FailureOr<Value> bias = paddingAndBias(n, q4, k4, pastKey, maskInput, 5);
  if (failed(bias))
    return {};
  return attention(n, q4, k4, v4, *bias, pastKey, pastValue,
                   attentionScale(n, headSize),
                   n.intAttr("unidirectional", 0) != 0);
}

/// MultiHeadAttention: separate query [B, S, N * H], key and value
/// ([B, L, N * H], or [B, N, L, H] already split), optional bias (added to
/// 3-D Q, K, V), key_padding_mask, attention_bias and past key/value.
LogicalResult importMultiHeadAttention(NodeContext &n,
                                       SmallVectorImpl<Value> &results) {
  FailureOr<Value> q = n.required(0, "query");
  if (failed(q))
    return failure();
  Value k = n.input(1), v = n.input(2);
  int64_t heads = n.intAttr("num_heads", 0);
  if (!k || !v) {
    n.error() << "packed QKV (no key/value inputs) is not supported";
    return failure();
  }
  if (n.input(8) || n.input(9) || n.hasOutput(3)) {
    n.error() << "past_sequence_length, cache_indirection and the qk output "
                 "are not supported";
    return failure();
  }
  auto qType = tensorType(*q);
  if (qType.getRank() != 3 || heads <= 0 || qType.getDimSize(2) % heads ||
      !qType.hasStaticShape()) {
    n.error() << "query must be a static [batch, sequence, hidden] tensor "
                 "with num_heads dividing hidden";
    return failure();
  }
  Value query = *q;
  if (Value bias = n.input(3)) {
    if (tensorType(k).getRank() != 3 || tensorType(v).getRank() != 3) {
      n.error() << "bias needs 3-D key and value";
      return failure();
    }
    int64_t dq = qType.getDimSize(2), dk = tensorType(k).getDimSize(2),
            dv = tensorType(v).getDimSize(2);
    query = n.op<AddOp>({query, n.sliceAlong(bias, 0, 0, dq)});
    k = n.op<AddOp>({k, n.sliceAlong(bias, 0, dq, dk)});
    v = n.op<AddOp>({v, n.sliceAlong(bias, 0, dq + dk, dv)});
  }
  auto split = [&](Value x) {
    return x && tensorType(x).getRank() == 3 ? splitHeads(n, x, heads) : x;
  };
  Value q4 = split(query), k4 = split(k), v4 = split(v);
  Value pastKey = n.input(6), pastValue = n.input(7);
  if (!q4 || !k4 || !v4)
    return failure();
  AttentionOp op = maskedAttention(n, q4, k4, v4, pastKey, pastValue, 4,
                                   tensorType(q4).getDimSize(3));
  if (!op)
    return failure();
  Value y = mergeHeads(n, op.getResult());
  if (pastKey)
    return n.done(results, {y, op.getPresent()[0], op.getPresent()[1]});
  return n.done(results, {y, k4, v4});
}

/// Attention (com.microsoft): input [B, S, Din] projected by weights
/// [Din, Dq + Dk + Dv] (+ bias), mask_index as a [B, T] or [B, S, T] 0/1
/// mask, past [2, B, N, P, H] and present out, attention_bias.
LogicalResult importContribAttention(NodeContext &n,
                                     SmallVectorImpl<Value> &results) {
  FailureOr<Value> x = n.required(0, "input"), w = n.required(1, "weights");
  if (failed(x) || failed(w))
    return failure();
  if (n.input(6) || n.intAttr("do_rotary", 0) || n.hasOutput(2)) {
    n.error() << "past_sequence_length, do_rotary and the qk output are not "
                 "supported";
    return failure();
  }
  int64_t heads = n.intAttr("num_heads", 0);
  auto xType = tensorType(*x);
  int64_t total3 = tensorType(*w).getShape().back();
  SmallVector<int64_t> sizes = {total3 / 3, total3 / 3, total3 / 3};
  if (auto given = n.intsAttr("qkv_hidden_sizes"))
    sizes.assign(given->begin(), given->end());
  if (xType.getRank() != 3 || !xType.hasStaticShape() || heads <= 0 ||
      sizes.size() != 3 || sizes[0] + sizes[1] + sizes[2] != total3 ||
      sizes[0] % heads || sizes[1] % heads || sizes[2] % heads ||
      sizes[0] != sizes[1]) {
    n.error() << "needs a static [batch, sequence, hidden] input and "
                 "num_heads dividing the Q, K, V sizes (Q and K equal)";
    return failure();
  }
  Value qkv = addBias(n, n.op<MatMulOp>({*x, *w}), n.input(2));
  Value q4 = splitHeads(n, n.sliceAlong(qkv, 2, 0, sizes[0]), heads);
  Value k4 = splitHeads(n, n.sliceAlong(qkv, 2, sizes[0], sizes[1]), heads);
  Value v4 =
      splitHeads(n, n.sliceAlong(qkv, 2, sizes[0] + sizes[1], sizes[2]), heads);
  Value pastKey, pastValue;
  if (Value past = n.input(4)) {
    auto pastType = tensorType(past);
    if (pastType.getRank() != 5 || pastType.getDimSize(0) != 2) {
      n.error() << "past must be [2, batch, heads, past, head_size]";
      return failure();
    }
    SmallVector<int64_t> one(pastType.getShape().drop_front());
    pastKey = n.reshapeTo(n.sliceAlong(past, 0, 0, 1), one);
    pastValue = n.reshapeTo(n.sliceAlong(past, 0, 1, 1), one);
    if (!pastKey || !pastValue)
      return failure();
  }
  if (!q4 || !k4 || !v4)
    return failure();
  AttentionOp op =
      maskedAttention(n, q4, k4, v4, pastKey, pastValue, 3, sizes[0] / heads);
  if (!op)
    return failure();
  Value y = mergeHeads(n, op.getResult());
  if (pastKey) {
    k4 = op.getPresent()[0];
    v4 = op.getPresent()[1];
  }
  Value present;
  if (n.hasOutput(1)) {
    if (sizes[1] != sizes[2]) {
      n.error() << "present needs equal K and V sizes";
      return failure();
    }
    SmallVector<int64_t> one = {1};
    llvm::append_range(one, tensorType(k4).getShape());
    present = concatAxis(n, {n.reshapeTo(k4, one), n.reshapeTo(v4, one)}, 0);
  }
  results.append({y, present});
  return y ? success() : failure();
}

/// GroupQueryAttention: query [B, S, N * H], key/value [B, S, Nkv * H],
/// past key/value [B, Nkv, P, H] concatenated with the new ones, causal,
/// optional rotary embedding of Q and K at positions P .. P + S - 1. The
/// sequence lengths must be compile-time constants describing exactly that
/// layout (every seqlens_k[b] = P + S - 1, total_sequence_length = P + S):
/// right-padded batches and shared past/present buffers are rejected.
LogicalResult importGroupQueryAttention(NodeContext &n,
                                        SmallVectorImpl<Value> &results) {
  FailureOr<Value> q = n.required(0, "query");
  if (failed(q))
    return failure();
  Value k = n.input(1), v = n.input(2);
  int64_t heads = n.intAttr("num_heads", 0),
          kvHeads = n.intAttr("kv_num_heads", 0);
  if (!k || !v) {
    n.error() << "packed QKV (no key/value inputs) is not supported";
    return failure();
  }
  if (n.floatAttr("softcap", 0.0f) != 0.0f ||
      n.intAttr("local_window_size", -1) != -1 ||
      n.intAttr("smooth_softmax", 0) || n.input(11) || n.hasOutput(3)) {
    n.error() << "softcap, local_window_size, smooth_softmax, head_sink and "
                 "the qk output are not supported";
    return failure();
  }
  auto qType = tensorType(*q);
  if (qType.getRank() != 3 || !qType.hasStaticShape() || heads <= 0 ||
      kvHeads <= 0 || heads % kvHeads || qType.getDimSize(2) % heads) {
    n.error() << "query must be a static [batch, sequence, hidden] tensor, "
                 "num_heads a multiple of kv_num_heads dividing hidden";
    return failure();
  }
  int64_t seq = qType.getDimSize(1);
  Value pastKey = n.input(3), pastValue = n.input(4);
  int64_t past = pastKey ? tensorType(pastKey).getDimSize(2) : 0;
  // ONNX Runtime reads a past without present outputs differently (not as
  // the cache this layout describes); say so rather than guess.
  if ((pastKey || pastValue) && (!n.hasOutput(1) || !n.hasOutput(2))) {
    n.error() << "past_key/past_value without the present_key and "
                 "present_value outputs are not supported";
    return failure();
  }
  // The lengths must say "no padding, no shared buffer".
  FailureOr<Value> seqlens = n.required(5, "seqlens_k"),
                   totalLen = n.required(6, "total_sequence_length");
  if (failed(seqlens) || failed(totalLen))
    return failure();
  FailureOr<SmallVector<int64_t>> lens = n.constantInts(*seqlens, "seqlens_k");
  FailureOr<SmallVector<int64_t>> total =
      n.constantInts(*totalLen, "total_sequence_length");
  if (failed(lens) || failed(total))
    return failure();
  if (total->size() != 1 || (*total)[0] != past + seq ||
      llvm::any_of(*lens, [&](int64_t l) { return l != past + seq - 1; })) {
    n.error() << "only unpadded batches without a shared past/present buffer "
                 "are supported: total_sequence_length must be past + new = "
              << past + seq << " and every seqlens_k " << past + seq - 1;
    return failure();
  }
  Value q4 = splitHeads(n, *q, heads), k4 = splitHeads(n, k, kvHeads),
        v4 = splitHeads(n, v, kvHeads);
  if (n.intAttr("do_rotary", 0)) {
    Value cosCache = n.input(7), sinCache = n.input(8);
    if (!cosCache || !sinCache) {
      n.error() << "do_rotary needs cos_cache and sin_cache";
      return failure();
    }
    Value positions = n.input(9);
    if (!positions)
      positions =
          n.op<AddOp>({n.iota(2, 1, seq), n.i64Constant({past}, {1, 1})});
    bool interleaved = n.intAttr("rotary_interleaved", 0) != 0;
    int64_t rot = 2 * tensorType(cosCache).getShape().back();
    int64_t posBatch = tensorType(positions).getDimSize(0);
    auto table = [&](Value cache) {
      return n.reshapeTo(
          fullWidthRotaryTable(n, gatherPositions(n, cache, positions),
                               interleaved),
          {posBatch, 1, seq, rot});
    };
    Value cos = table(cosCache), sin = table(sinCache);
    auto rotate = [&](Value x) {
      return n.op<RotaryOp>(
          {x, cos, sin},
          {n.namedAttr("interleaved", n.b.getBoolAttr(interleaved))});
    };
    q4 = rotate(q4);
    k4 = rotate(k4);
  }
  if (!q4 || !k4 || !v4)
    return failure();
  AttentionOp op = attention(n, q4, k4, v4, n.input(10), pastKey, pastValue,
                             attentionScale(n, tensorType(q4).getDimSize(3)),
                             /*causal=*/true);
  if (!op)
    return failure();
  Value y = mergeHeads(n, op.getResult());
  if (pastKey)
    return n.done(results, {y, op.getPresent()[0], op.getPresent()[1]});
  return n.done(results, {y, k4, v4});
}

} // namespace

void mlir::fmc::onnx::registerContribOps(OpImportRegistry &r) {
  registerActivations(r);
  r["com.microsoft::SkipLayerNormalization"] = [](NodeContext &n,
                                                  SmallVectorImpl<Value> &res) {
    return importSkipNorm(n, res, /*rms=*/false);
  };
  r["com.microsoft::SkipSimplifiedLayerNormalization"] =
      [](NodeContext &n, SmallVectorImpl<Value> &res) {
        return importSkipNorm(n, res, /*rms=*/true);
      };
  r["SimplifiedLayerNormalization"] = importSimplifiedNorm;
  r["com.microsoft::SimplifiedLayerNormalization"] = importSimplifiedNorm;
  r["com.microsoft::RotaryEmbedding"] = importContribRotary;
  r["com.microsoft::MultiHeadAttention"] = importMultiHeadAttention;
  r["com.microsoft::Attention"] = importContribAttention;
  r["com.microsoft::GroupQueryAttention"] = importGroupQueryAttention;
}
