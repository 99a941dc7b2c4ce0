//===- Attention.cpp - importer of ONNX Attention (opset 23+) -------------===//
//
// Attention is decomposed into graph ops: scaled Q @ K^T (grouped-query heads
// share K/V through matmul broadcasting, never a repeated copy), softcap,
// the additive bias from the mask and the causal frontier, a softmax that
// gives 0 for fully masked rows, and P @ V.
//
//===----------------------------------------------------------------------===//

#include "frontends/onnx/NodeContext.h"

#include <cmath>

using namespace mlir;
using namespace mlir::fmc;
using namespace mlir::fmc::onnx;

namespace {

SmallVector<NamedAttribute> lastAxis(NodeContext &n, int64_t rank) {
  return {n.namedAttr("axes", n.b.getDenseI64ArrayAttr({rank - 1})),
          n.namedAttr("keepdims", n.b.getBoolAttr(true))};
}

/// [B, S, H * D] -> [B, H, S, D].
Value splitHeads(NodeContext &n, Value x, int64_t heads) {
  auto shape = tensorType(x).getShape();
  return n.transposeBy(
      n.reshapeTo(x, {shape[0], shape[1], heads, shape[2] / heads}),
      {0, 2, 1, 3});
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
  if (n.input(6)) {
    n.error() << "input 'nonpad_kv_seqlen' is not supported yet";
    return failure();
  }
  if (n.intAttr("left_window_size", -1) != -1 ||
      n.intAttr("right_window_size", -1) != -1) {
    n.error() << "sliding-window attention is not supported yet";
    return failure();
  }
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

  // Scores: (Q * sqrt(scale)) @ (K^T * sqrt(scale)), as the reference.
  double scale = n.attr("scale") ? n.floatAttr("scale", 1.0f)
                                 : 1.0 / std::sqrt(double(qShape[3]));
  Value root = n.scalar(query, std::sqrt(scale));
  Value scores =
      groupedMatMul(n, n.op<MulOp>({query, root}),
                    n.op<MulOp>({n.transposeBy(key, {0, 1, 3, 2}), root}));
  if (float softcap = n.floatAttr("softcap", 0.0f); softcap > 0) {
    Value cap = n.scalar(scores, softcap);
    scores = n.op<MulOp>({n.op<TanhOp>({n.op<DivOp>({scores, cap})}), cap});
  }
  Value qk = scores;

  // Additive bias: the mask (boolean: keep where true) padded to the total
  // length, and the causal frontier j <= i + past length.
  Value negInf = n.scalar(scores, -INFINITY), zero = n.scalar(scores, 0.0);
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
    bias = isBool ? n.op<WhereOp>({mask, zero, negInf}) : mask;
  }
  if (n.intAttr("is_causal", 0)) {
    SmallVector<Attribute> values;
    for (int64_t i = 0; i < qLen; ++i)
      for (int64_t j = 0; j < total; ++j)
        values.push_back(
            n.b.getFloatAttr(element, j <= i + pastLen ? 0.0 : -INFINITY));
    FailureOr<Value> causal = n.constant(DenseElementsAttr::get(
        RankedTensorType::get({qLen, total}, element), values));
    if (failed(causal))
      return failure();
    bias = bias ? n.op<AddOp>({*causal, bias}) : *causal;
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
  if (rank == 3 && y) {
    int64_t dv = tensorType(y).getDimSize(3);
    y = n.reshapeTo(n.transposeBy(y, {0, 2, 1, 3}), {batch, qLen, heads * dv});
  }
  return n.done(results, {y, key, value, qk});
}

} // namespace

void mlir::fmc::onnx::registerAttentionOps(OpImportRegistry &r) {
  r["Attention"] = importAttention;
}
