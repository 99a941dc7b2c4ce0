//===- Quantization.cpp - importers of ONNX QuantizeLinear/Dequantize -----===//
//
// Per-tensor and per-axis (de)quantization to and from 8/16/32-bit integers,
// decomposed into graph ops computed in f32. Blocked quantization and the
// 4-bit/float8 types are rejected.
//
//===----------------------------------------------------------------------===//

#include "frontends/onnx/NodeContext.h"
#include "frontends/onnx/TensorImporter.h"

using namespace mlir;
using namespace mlir::fmc;
using namespace mlir::fmc::onnx;

namespace {

/// A scale or zero point against `x`: scalars as they are, 1-D per-axis
/// parameters reshaped to broadcast along `axis`.
FailureOr<Value> alongAxis(NodeContext &n, Value param, Value x) {
  auto type = tensorType(param);
  if (type.getNumElements() == 1 && type.getRank() <= 1)
    return n.reshape(param, {});
  int64_t rank = tensorType(x).getRank();
  FailureOr<int64_t> axis = n.axis(n.intAttr("axis", 1), rank);
  if (failed(axis))
    return failure();
  if (type.getRank() != 1 ||
      type.getDimSize(0) != tensorType(x).getDimSize(*axis)) {
    n.error() << "per-axis parameter " << type << " does not match dim "
              << *axis << " of " << tensorType(x)
              << " (blocked quantization is not supported)";
    return failure();
  }
  SmallVector<int64_t> shape(rank, 1);
  shape[*axis] = type.getDimSize(0);
  return n.reshape(param, shape);
}

LogicalResult rejectBlocked(NodeContext &n) {
  if (n.intAttr("block_size", 0) != 0) {
    n.error() << "blocked quantization (block_size) is not supported";
    return failure();
  }
  return success();
}

/// y = (x - zero_point) * scale, in the scale's type.
LogicalResult importDequantize(NodeContext &n,
                               SmallVectorImpl<Value> &results) {
  FailureOr<Value> x = n.required(0, "x"), scale = n.required(1, "x_scale");
  if (failed(x) || failed(scale) || failed(rejectBlocked(n)))
    return failure();
  if (!isa<IntegerType>(tensorType(*x).getElementType())) {
    n.error() << "x must be an integer tensor, got " << x->getType();
    return failure();
  }
  Type outType = tensorType(*scale).getElementType();
  Type f32 = n.b.getF32Type();
  FailureOr<Value> s = alongAxis(n, *scale, *x);
  if (failed(s))
    return failure();
  Value centered = n.castTo(*x, f32);
  if (Value zp = n.input(2)) {
    FailureOr<Value> z = alongAxis(n, zp, *x);
    if (failed(z))
      return failure();
    centered = n.op<SubOp>({centered, n.castTo(*z, f32)});
  }
  Value y = n.op<MulOp>({centered, n.castTo(*s, f32)});
  return n.done(results, {n.castTo(y, outType)});
}

/// y = saturate(round_half_even(x / scale) + zero_point) in the zero
/// point's type (uint8 without one, or output_dtype).
LogicalResult importQuantize(NodeContext &n, SmallVectorImpl<Value> &results) {
  FailureOr<Value> x = n.required(0, "x"), scale = n.required(1, "y_scale");
  if (failed(x) || failed(scale) || failed(rejectBlocked(n)))
    return failure();
  if (!isa<FloatType>(tensorType(*x).getElementType())) {
    n.error() << "x must be a floating-point tensor, got " << x->getType();
    return failure();
  }
  Type target = n.b.getIntegerType(8, /*isSigned=*/false);
  Value zp = n.input(2);
  if (zp)
    target = tensorType(zp).getElementType();
  if (int64_t dtype = n.intAttr("output_dtype", 0)) {
    FailureOr<Type> t = importElementType(n.b.getContext(), dtype, n.loc);
    if (failed(t))
      return failure();
    target = *t;
  }
  auto integer = dyn_cast<IntegerType>(target);
  if (!integer || integer.getWidth() == 1) {
    n.error() << "quantizing to " << target << " is not supported";
    return failure();
  }
  Type f32 = n.b.getF32Type();
  FailureOr<Value> s = alongAxis(n, *scale, *x);
  if (failed(s))
    return failure();
  Value y =
      n.op<RoundOp>({n.op<DivOp>({n.castTo(*x, f32), n.castTo(*s, f32)})});
  if (zp) {
    FailureOr<Value> z = alongAxis(n, zp, *x);
    if (failed(z))
      return failure();
    y = n.op<AddOp>({y, n.castTo(*z, f32)});
  }
  unsigned width = integer.getWidth();
  bool isUnsigned = integer.isUnsigned();
  double lo = isUnsigned ? 0.0 : -std::ldexp(1.0, width - 1);
  double hi =
      isUnsigned ? std::ldexp(1.0, width) - 1 : std::ldexp(1.0, width - 1) - 1;
  y = n.op<MinOp>({n.op<MaxOp>({y, n.scalar(y, lo)}), n.scalar(y, hi)});
  return n.done(results, {n.castTo(y, target)});
}

} // namespace

void mlir::fmc::onnx::registerQuantizationOps(OpImportRegistry &r) {
  r["QuantizeLinear"] = importQuantize;
  r["DequantizeLinear"] = importDequantize;
}
