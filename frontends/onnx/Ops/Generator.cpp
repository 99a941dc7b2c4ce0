//===- Generator.cpp - importers of ONNX ops that generate tensors --------===//
//
// ConstantOfShape, EyeLike, Range: with static shapes and constant operands
// they fold to constants at import.
//
//===----------------------------------------------------------------------===//

#include "frontends/onnx/NodeContext.h"
#include "frontends/onnx/TensorImporter.h"

#include "mlir/IR/Matchers.h"

using namespace mlir;
using namespace mlir::fmc;
using namespace mlir::fmc::onnx;

namespace {

LogicalResult importConstantOfShape(NodeContext &n,
                                    SmallVectorImpl<Value> &results) {
  FailureOr<Value> s = n.required(0, "input");
  if (failed(s))
    return failure();
  FailureOr<SmallVector<int64_t>> shape = n.constantInts(*s, "input");
  if (failed(shape))
    return failure();
  if (llvm::any_of(*shape, [](int64_t d) { return d < 0; })) {
    n.error() << "the shape has a negative dim";
    return failure();
  }
  Attribute element = n.b.getF32FloatAttr(0.0f);
  if (const auto *a = n.attr("value")) {
    FailureOr<ElementsAttr> value =
        importTensor(n.b.getContext(), a->t(), n.modelDir, n.loc);
    if (failed(value))
      return failure();
    if (value->getNumElements() != 1) {
      n.error() << "value must hold one element";
      return failure();
    }
    auto dense = dyn_cast<DenseElementsAttr>(*value);
    if (!dense) {
      n.error() << "value must be a small inline tensor";
      return failure();
    }
    element = dense.getSplatValue<Attribute>();
  }
  auto type = RankedTensorType::get(*shape, cast<TypedAttr>(element).getType());
  FailureOr<Value> c = n.constant(DenseElementsAttr::get(type, element));
  if (failed(c))
    return failure();
  results.push_back(*c);
  return success();
}

LogicalResult importEyeLike(NodeContext &n, SmallVectorImpl<Value> &results) {
  FailureOr<Value> x = n.required(0, "input");
  if (failed(x))
    return failure();
  auto type = cast<RankedTensorType>(x->getType());
  if (type.getRank() != 2 || !type.hasStaticShape()) {
    n.error() << "needs a static 2-D input, got " << type;
    return failure();
  }
  Type element = type.getElementType();
  if (const auto *dtype = n.attr("dtype")) {
    FailureOr<Type> t = importElementType(n.b.getContext(), dtype->i(), n.loc);
    if (failed(t))
      return failure();
    element = *t;
  }
  int64_t k = n.intAttr("k", 0);
  auto resultType = type.clone(element);
  SmallVector<Attribute> values;
  for (int64_t i = 0; i < type.getDimSize(0); ++i)
    for (int64_t j = 0; j < type.getDimSize(1); ++j) {
      double v = j - i == k ? 1.0 : 0.0;
      values.push_back(
          isa<FloatType>(element)
              ? Attribute(n.b.getFloatAttr(element, v))
              : Attribute(n.b.getIntegerAttr(element, int64_t(v))));
    }
  FailureOr<Value> c = n.constant(DenseElementsAttr::get(resultType, values));
  if (failed(c))
    return failure();
  results.push_back(*c);
  return success();
}

/// Range over compile-time constant start, limit and delta.
LogicalResult importRange(NodeContext &n, SmallVectorImpl<Value> &results) {
  SmallVector<DenseElementsAttr, 3> attrs(3);
  const char *names[] = {"start", "limit", "delta"};
  for (int i = 0; i < 3; ++i) {
    FailureOr<Value> v = n.required(i, names[i]);
    if (failed(v))
      return failure();
    if (!matchPattern(*v, m_Constant(&attrs[i]))) {
      n.notConstant(*v, names[i]);
      return failure();
    }
    if (attrs[i].getNumElements() != 1) {
      n.error() << "input '" << names[i] << "' must be a scalar";
      return failure();
    }
  }
  Type element = attrs[0].getElementType();
  bool isFloat = isa<FloatType>(element);
  auto scalar = [&](DenseElementsAttr a) {
    return isFloat ? (*a.value_begin<APFloat>()).convertToDouble()
                   : double((*a.value_begin<APInt>()).getSExtValue());
  };
  double start = scalar(attrs[0]), limit = scalar(attrs[1]),
         delta = scalar(attrs[2]);
  if (delta == 0) {
    n.error() << "delta is 0";
    return failure();
  }
  int64_t count =
      std::max<int64_t>(0, int64_t(std::ceil((limit - start) / delta)));
  SmallVector<Attribute> values;
  for (int64_t i = 0; i < count; ++i) {
    double v = start + i * delta;
    values.push_back(isFloat
                         ? Attribute(n.b.getFloatAttr(element, v))
                         : Attribute(n.b.getIntegerAttr(element, int64_t(v))));
  }
  FailureOr<Value> c = n.constant(
      DenseElementsAttr::get(RankedTensorType::get({count}, element), values));
  if (failed(c))
    return failure();
  results.push_back(*c);
  return success();
}

/// Hann, Hamming and Blackman windows of a compile-time size: sums of
/// cosines a0 - a1 cos(2 pi i / N) + a2 cos(4 pi i / N), N = size when
/// periodic, size - 1 when symmetric.
LogicalResult importWindow(NodeContext &n, SmallVectorImpl<Value> &results,
                           double a0, double a1, double a2) {
  FailureOr<Value> size = n.required(0, "size");
  if (failed(size))
    return failure();
  FailureOr<SmallVector<int64_t>> sizeValue = n.constantInts(*size, "size");
  if (failed(sizeValue))
    return failure();
  if (sizeValue->size() != 1 || sizeValue->front() < 1) {
    n.error() << "size must be one positive value";
    return failure();
  }
  FailureOr<Type> element = importElementType(
      n.b.getContext(), n.intAttr("output_datatype", 1), n.loc);
  if (failed(element))
    return failure();
  int64_t count = sizeValue->front();
  double period = n.intAttr("periodic", 1) ? double(count) : double(count - 1);
  SmallVector<Attribute> values;
  for (int64_t i = 0; i < count; ++i) {
    double x = period == 0 ? 0.0 : 2 * M_PI * double(i) / period;
    double v = a0 - a1 * std::cos(x) + a2 * std::cos(2 * x);
    values.push_back(isa<FloatType>(*element)
                         ? Attribute(n.b.getFloatAttr(*element, v))
                         : Attribute(n.b.getIntegerAttr(*element, int64_t(v))));
  }
  FailureOr<Value> c = n.constant(
      DenseElementsAttr::get(RankedTensorType::get({count}, *element), values));
  if (failed(c))
    return failure();
  results.push_back(*c);
  return success();
}

} // namespace

void mlir::fmc::onnx::registerGeneratorOps(OpImportRegistry &r) {
  r["HannWindow"] = [](NodeContext &n, SmallVectorImpl<Value> &res) {
    return importWindow(n, res, 0.5, 0.5, 0.0);
  };
  r["HammingWindow"] = [](NodeContext &n, SmallVectorImpl<Value> &res) {
    return importWindow(n, res, 25.0 / 46.0, 21.0 / 46.0, 0.0);
  };
  r["BlackmanWindow"] = [](NodeContext &n, SmallVectorImpl<Value> &res) {
    return importWindow(n, res, 0.42, 0.5, 0.08);
  };
  r["ConstantOfShape"] = importConstantOfShape;
  r["EyeLike"] = importEyeLike;
  r["Range"] = importRange;
}
