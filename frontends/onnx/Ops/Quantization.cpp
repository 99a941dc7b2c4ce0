//===- Quantization.cpp - importers of ONNX QuantizeLinear/Dequantize -----===//
//
// Per-tensor, per-axis and blocked (de)quantization to and from integers
// (2 to 32 bits) and 8-/4-bit floats, and DynamicQuantizeLinear, decomposed
// into graph ops computed in f32.
//
//===----------------------------------------------------------------------===//

#include "frontends/onnx/NodeContext.h"
#include "frontends/onnx/TensorImporter.h"

using namespace mlir;
using namespace mlir::fmc;
using namespace mlir::fmc::onnx;

namespace {

/// A scale or zero point against `x`: scalars as they are, 1-D per-axis
/// parameters reshaped to broadcast along `axis`, and blocked parameters
/// (x's rank, ceil(D / block_size) along `axis`) repeated block_size times
/// along it.
FailureOr<Value> alongAxis(NodeContext &n, Value param, Value x) {
  auto type = tensorType(param);
  auto xType = tensorType(x);
  int64_t blockSize = n.intAttr("block_size", 0);
  if (blockSize == 0 && type.getNumElements() == 1 && type.getRank() <= 1)
    return n.reshape(param, {});
  int64_t rank = xType.getRank();
  FailureOr<int64_t> axis = n.axis(n.intAttr("axis", 1), rank);
  if (failed(axis))
    return failure();
  int64_t dim = xType.getDimSize(*axis);
  if (blockSize == 0) {
    if (type.getRank() != 1 || type.getDimSize(0) != dim) {
      n.error() << "per-axis parameter " << type << " does not match dim "
                << *axis << " of " << xType;
      return failure();
    }
    SmallVector<int64_t> shape(rank, 1);
    shape[*axis] = dim;
    return n.reshape(param, shape);
  }
  if (blockSize < 0 || type.getRank() != rank) {
    n.error() << "blocked parameter " << type << " must have the rank of "
              << xType << " and block_size must be positive";
    return failure();
  }
  int64_t blocks = type.getDimSize(*axis);
  for (int64_t i = 0; i < rank; ++i) {
    bool ok = i == *axis
                  ? blocks * blockSize >= dim && (blocks - 1) * blockSize < dim
                  : type.getDimSize(i) == xType.getDimSize(i);
    if (!ok) {
      n.error() << "blocked parameter " << type << " does not match " << xType
                << " with block_size " << blockSize << " along axis " << *axis;
      return failure();
    }
  }
  // [.., blocks, ..] -> [.., blocks, 1, ..] -> [.., blocks, block, ..]
  // -> [.., blocks * block, ..], then the first `dim` along the axis.
  SmallVector<int64_t> split(type.getShape());
  split.insert(split.begin() + *axis + 1, 1);
  SmallVector<int64_t> repeated(split);
  repeated[*axis + 1] = blockSize;
  SmallVector<int64_t> merged(type.getShape());
  merged[*axis] = blocks * blockSize;
  Value wide = n.reshapeTo(
      n.op<BroadcastOp>({n.reshapeTo(param, split)}, {},
                        RankedTensorType::get(repeated, type.getElementType())),
      merged);
  if (blocks * blockSize == dim)
    return wide ? FailureOr<Value>(wide) : FailureOr<Value>(failure());
  SmallVector<int64_t> offsets(rank, 0), steps(rank, 1);
  SmallVector<int64_t> shape(type.getShape());
  shape[*axis] = dim;
  Value sliced =
      n.op<SliceOp>({wide},
                    {n.namedAttr("offsets", n.b.getDenseI64ArrayAttr(offsets)),
                     n.namedAttr("steps", n.b.getDenseI64ArrayAttr(steps))},
                    RankedTensorType::get(shape, type.getElementType()));
  return sliced ? FailureOr<Value>(sliced) : FailureOr<Value>(failure());
}

/// Float `y` clamped to the range of `integer` and converted to it.
Value saturateTo(NodeContext &n, Value y, IntegerType integer) {
  unsigned width = integer.getWidth();
  bool isUnsigned = integer.isUnsigned();
  double lo = isUnsigned ? 0.0 : -std::ldexp(1.0, width - 1);
  double hi =
      isUnsigned ? std::ldexp(1.0, width) - 1 : std::ldexp(1.0, width - 1) - 1;
  y = n.op<MinOp>({n.op<MaxOp>({y, n.scalar(y, lo)}), n.scalar(y, hi)});
  return n.castTo(y, integer);
}

/// y = (x - zero_point) * scale, in the scale's type.
LogicalResult importDequantize(NodeContext &n,
                               SmallVectorImpl<Value> &results) {
  FailureOr<Value> x = n.required(0, "x"), scale = n.required(1, "x_scale");
  if (failed(x) || failed(scale))
    return failure();
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
  if (failed(x) || failed(scale))
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
  auto smallFloat = dyn_cast<FloatType>(target);
  if ((!integer || integer.getWidth() == 1) &&
      (!smallFloat || smallFloat.getWidth() > 8)) {
    n.error() << "quantizing to " << target << " is not supported";
    return failure();
  }
  Type f32 = n.b.getF32Type();
  FailureOr<Value> s = alongAxis(n, *scale, *x);
  if (failed(s))
    return failure();
  Value y = n.op<DivOp>({n.castTo(*x, f32), n.castTo(*s, f32)});
  // Integers round half to even here; floats round in the cast.
  if (integer)
    y = n.op<RoundOp>({y});
  if (zp) {
    FailureOr<Value> z = alongAxis(n, zp, *x);
    if (failed(z))
      return failure();
    y = n.op<AddOp>({y, n.castTo(*z, f32)});
  }
  if (smallFloat) {
    // `saturate` (default 1) as in Cast; FLOAT4E2M1 always saturates.
    bool saturate =
        isa<Float4E2M1FNType>(target) || n.intAttr("saturate", 1) != 0;
    SmallVector<NamedAttribute> attrs;
    if (saturate)
      attrs.push_back(n.namedAttr("saturate", n.b.getUnitAttr()));
    return n.done(results,
                  {n.op<CastOp>({y}, attrs, tensorType(y).clone(target))});
  }
  return n.done(results, {saturateTo(n, y, integer)});
}

/// DynamicQuantizeLinear: uint8 with a scale and zero point from the data's
/// range widened to include 0: scale = (max - min) / 255, zero_point =
/// saturate(round(-min / scale)), y = saturate(round(x / scale) + zp).
LogicalResult importDynamicQuantize(NodeContext &n,
                                    SmallVectorImpl<Value> &results) {
  FailureOr<Value> x = n.required(0, "x");
  if (failed(x))
    return failure();
  auto type = tensorType(*x);
  if (!type.getElementType().isF32()) {
    n.error() << "x must be a float tensor, got " << type;
    return failure();
  }
  SmallVector<int64_t> all =
      llvm::to_vector(llvm::seq<int64_t>(type.getRank()));
  SmallVector<NamedAttribute> reduce = {
      n.namedAttr("axes", n.b.getDenseI64ArrayAttr(all)),
      n.namedAttr("keepdims", n.b.getBoolAttr(false))};
  Value zero = n.scalar(*x, 0.0);
  Value hi = n.op<MaxOp>({n.op<ReduceMaxOp>({*x}, reduce), zero});
  Value lo = n.op<MinOp>({n.op<ReduceMinOp>({*x}, reduce), zero});
  Value scale = n.op<DivOp>({n.op<SubOp>({hi, lo}), n.scalar(*x, 255.0)});
  auto clamp = [&](Value v) {
    return n.op<MinOp>(
        {n.op<MaxOp>({v, n.scalar(*x, 0.0)}), n.scalar(*x, 255.0)});
  };
  Value zp = clamp(n.op<RoundOp>({n.op<DivOp>({n.op<NegOp>({lo}), scale})}));
  Value y = clamp(n.op<AddOp>({n.op<RoundOp>({n.op<DivOp>({*x, scale})}), zp}));
  Type u8 = n.b.getIntegerType(8, /*isSigned=*/false);
  return n.done(results, {n.castTo(y, u8), scale, n.castTo(zp, u8)});
}

/// x - zero_point in f32 (exact for 8- and 16-bit integers); a 1-D
/// zero point of a matrix operand applies per row (`perRow`) or column.
Value centered(NodeContext &n, Value x, Value zp, bool perRow) {
  Type f32 = n.b.getF32Type();
  Value wide = n.castTo(x, f32);
  if (!zp)
    return wide;
  Value z = n.castTo(zp, f32);
  auto zType = tensorType(z);
  if (perRow && zType.getRank() == 1 && zType.getNumElements() > 1)
    z = n.reshapeTo(z, {zType.getNumElements(), 1});
  return n.op<SubOp>({wide, z});
}

/// MatMulInteger: (A - a_zero_point) @ (B - b_zero_point) in int32, computed
/// in f32 (exact while every sum stays below 2^24 in magnitude).
LogicalResult importMatMulInteger(NodeContext &n,
                                  SmallVectorImpl<Value> &results) {
  FailureOr<Value> a = n.required(0, "A"), b = n.required(1, "B");
  if (failed(a) || failed(b))
    return failure();
  Value product = n.op<MatMulOp>(
      {centered(n, *a, n.input(2), true), centered(n, *b, n.input(3), false)});
  return n.done(results, {n.castTo(product, n.b.getI32Type())});
}

/// QLinearMatMul: y = saturate(round(((a - a_zp) @ (b - b_zp)) * a_scale *
/// b_scale / y_scale) + y_zp), in f32.
LogicalResult importQLinearMatMul(NodeContext &n,
                                  SmallVectorImpl<Value> &results) {
  FailureOr<Value> a = n.required(0, "a"), aScale = n.required(1, "a_scale"),
                   b = n.required(3, "b"), bScale = n.required(4, "b_scale"),
                   yScale = n.required(6, "y_scale");
  if (failed(a) || failed(aScale) || failed(b) || failed(bScale) ||
      failed(yScale))
    return failure();
  Value yZero = n.input(7);
  Type target = yZero ? tensorType(yZero).getElementType()
                      : n.b.getIntegerType(8, /*isSigned=*/false);
  auto integer = dyn_cast<IntegerType>(target);
  if (!integer || integer.getWidth() == 1) {
    n.error() << "quantized outputs of " << target << " are not supported";
    return failure();
  }
  Type f32 = n.b.getF32Type();
  auto scaleOf = [&](Value s, bool perRow) {
    Value wide = n.castTo(s, f32);
    auto type = tensorType(wide);
    if (perRow && type.getRank() == 1 && type.getNumElements() > 1)
      wide = n.reshapeTo(wide, {type.getNumElements(), 1});
    return wide;
  };
  Value product = n.op<MatMulOp>(
      {centered(n, *a, n.input(2), true), centered(n, *b, n.input(5), false)});
  Value scale = n.op<DivOp>(
      {n.op<MulOp>({scaleOf(*aScale, true), scaleOf(*bScale, false)}),
       scaleOf(*yScale, false)});
  Value y = n.op<RoundOp>({n.op<MulOp>({product, scale})});
  if (yZero)
    y = n.op<AddOp>({y, n.castTo(yZero, f32)});
  return n.done(results, {saturateTo(n, y, integer)});
}

} // namespace

void mlir::fmc::onnx::registerQuantizationOps(OpImportRegistry &r) {
  r["MatMulInteger"] = importMatMulInteger;
  r["QLinearMatMul"] = importQLinearMatMul;
  r["DynamicQuantizeLinear"] = importDynamicQuantize;
  r["QuantizeLinear"] = importQuantize;
  r["DequantizeLinear"] = importDequantize;
}
