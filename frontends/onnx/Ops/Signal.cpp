//===- Signal.cpp - importers of ONNX signal processing ops ---------------===//
//
// DFT with a compile-time length: the transformed axis is moved last and
// multiplied by constant cosine/sine matrices (O(n^2) per signal, which
// suits the short transforms of feature extraction; no FFT).
//
//===----------------------------------------------------------------------===//

#include "frontends/onnx/NodeContext.h"

#include "mlir/Dialect/Utils/IndexingUtils.h"

#include <cmath>

using namespace mlir;
using namespace mlir::fmc;
using namespace mlir::fmc::onnx;

namespace {

/// A [rows, cols] constant of `element` with entry f(r, c).
Value matrix(NodeContext &n, Type element, int64_t rows, int64_t cols,
             function_ref<double(int64_t, int64_t)> f) {
  auto semantics = &cast<FloatType>(element).getFloatSemantics();
  SmallVector<APFloat> values;
  for (int64_t r = 0; r < rows; ++r)
    for (int64_t c = 0; c < cols; ++c) {
      APFloat v(f(r, c));
      bool lost;
      v.convert(*semantics, APFloat::rmNearestTiesToEven, &lost);
      values.push_back(v);
    }
  FailureOr<Value> m = n.constant(DenseElementsAttr::get(
      RankedTensorType::get({rows, cols}, element), values));
  return succeeded(m) ? *m : Value();
}

/// x[..., start:start+count] along the last dim (zero-padded past its end).
Value lastDim(NodeContext &n, Value x, int64_t start, int64_t count) {
  if (!x)
    return {};
  auto type = tensorType(x);
  int64_t rank = type.getRank(), have = type.getShape().back() - start;
  SmallVector<int64_t> offsets(rank, 0), steps(rank, 1), shape(type.getShape());
  offsets.back() = start;
  shape.back() = std::min(have, count);
  Value y =
      n.op<SliceOp>({x},
                    {n.namedAttr("offsets", n.b.getDenseI64ArrayAttr(offsets)),
                     n.namedAttr("steps", n.b.getDenseI64ArrayAttr(steps))},
                    type.clone(shape));
  if (have >= count)
    return y;
  SmallVector<int64_t> low(rank, 0), high(rank, 0), padded(shape);
  high.back() = count - have;
  padded.back() = count;
  return n.op<PadOp>({y, n.scalar(x, 0.0)},
                     {n.namedAttr("low", n.b.getDenseI64ArrayAttr(low)),
                      n.namedAttr("high", n.b.getDenseI64ArrayAttr(high))},
                     type.clone(padded));
}

LogicalResult importDFT(NodeContext &n, SmallVectorImpl<Value> &results) {
  FailureOr<Value> x = n.required(0, "input");
  if (failed(x))
    return failure();
  auto type = tensorType(*x);
  int64_t rank = type.getRank();
  Type element = type.getElementType();
  int64_t channels = rank ? type.getShape().back() : 0;
  if (rank < 2 || !isa<FloatType>(element) ||
      (channels != 1 && channels != 2)) {
    n.error() << "input must be a float [..., 1 or 2] tensor, got " << type;
    return failure();
  }
  int64_t axisValue = n.opset >= 20 ? -2 : n.intAttr("axis", 1);
  if (n.opset >= 20 && n.input(2)) {
    FailureOr<SmallVector<int64_t>> a = n.constantInts(n.input(2), "axis");
    if (failed(a))
      return failure();
    if (a->size() != 1) {
      n.error() << "axis must be a scalar";
      return failure();
    }
    axisValue = a->front();
  }
  FailureOr<int64_t> axis = n.axis(axisValue, rank);
  if (failed(axis))
    return failure();
  if (*axis == rank - 1) {
    n.error() << "the last dim holds real/imaginary parts, not a signal";
    return failure();
  }
  bool inverse = n.intAttr("inverse", 0) != 0;
  bool onesided = n.intAttr("onesided", 0) != 0;
  if (onesided && inverse && channels != 2) {
    n.error() << "an inverse one-sided DFT needs complex input";
    return failure();
  }
  int64_t in = type.getDimSize(*axis);
  int64_t length = onesided && inverse ? 2 * (in - 1) : in;
  if (Value given = n.input(1)) {
    FailureOr<SmallVector<int64_t>> l = n.constantInts(given, "dft_length");
    if (failed(l))
      return failure();
    if (l->size() != 1 || l->front() < 1) {
      n.error() << "dft_length must be one positive value";
      return failure();
    }
    length = l->front();
  }
  // [..., signal, c] -> [..., c, signal] with the axis last.
  SmallVector<int64_t> perm = axisLastPermutation(rank, *axis);
  Value moved = n.transposeBy(*x, perm);
  auto part = [&](int64_t c) { return n.sliceAlong(moved, rank - 2, c, 1); };
  double sign = inverse ? 1.0 : -1.0;
  double norm = inverse ? 1.0 / double(length) : 1.0;
  Value yr, yi;
  if (onesided && inverse) {
    // IRFFT: the half spectrum's k = 1 .. L/2 - 1 stand for their mirrors
    // too; the output is real.
    int64_t k = std::min<int64_t>(in, length / 2 + 1);
    Value xr = lastDim(n, part(0), 0, k), xi = lastDim(n, part(1), 0, k);
    auto weight = [&](int64_t kk) {
      return (kk == 0 || 2 * kk == length) ? 1.0 : 2.0;
    };
    Value cosM = matrix(n, element, k, length, [&](int64_t kk, int64_t t) {
      return norm * weight(kk) *
             std::cos(2 * M_PI * double(kk * t % length) / double(length));
    });
    Value sinM = matrix(n, element, k, length, [&](int64_t kk, int64_t t) {
      return norm * weight(kk) *
             std::sin(2 * M_PI * double(kk * t % length) / double(length));
    });
    yr = n.op<SubOp>({n.op<MatMulOp>({xr, cosM}), n.op<MatMulOp>({xi, sinM})});
  } else {
    int64_t k = onesided ? length / 2 + 1 : length;
    Value xr = lastDim(n, part(0), 0, length);
    Value xi = channels == 2 ? lastDim(n, part(1), 0, length) : Value();
    // e^{sign i theta} = cos theta + i sign sin theta.
    Value cosM = matrix(n, element, length, k, [&](int64_t t, int64_t kk) {
      return norm *
             std::cos(2 * M_PI * double(kk * t % length) / double(length));
    });
    Value sinM = matrix(n, element, length, k, [&](int64_t t, int64_t kk) {
      return norm * sign *
             std::sin(2 * M_PI * double(kk * t % length) / double(length));
    });
    yr = n.op<MatMulOp>({xr, cosM});
    yi = n.op<MatMulOp>({xr, sinM});
    if (xi) {
      yr = n.op<SubOp>({yr, n.op<MatMulOp>({xi, sinM})});
      yi = n.op<AddOp>({yi, n.op<MatMulOp>({xi, cosM})});
    }
  }
  Value y =
      yi ? n.op<ConcatOp>(
               {yr, yi}, {n.namedAttr("axis", n.b.getI64IntegerAttr(rank - 2))})
         : yr;
  SmallVector<int64_t> inversePerm = invertPermutationVector(perm);
  return n.done(results, {n.transposeBy(y, inversePerm)});
}

} // namespace

void mlir::fmc::onnx::registerSignalOps(OpImportRegistry &r) {
  r["DFT"] = importDFT;
}
