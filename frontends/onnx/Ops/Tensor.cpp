//===- Tensor.cpp - importers of ONNX tensor (data movement) ops ----------===//

#include "frontends/onnx/NodeContext.h"
#include "frontends/onnx/TensorImporter.h"

using namespace mlir;
using namespace mlir::fmc;
using namespace mlir::fmc::onnx;

namespace {

ArrayRef<int64_t> shapeOf(Value v) {
  return cast<RankedTensorType>(v.getType()).getShape();
}

LogicalResult push(FailureOr<Value> v, SmallVectorImpl<Value> &results) {
  if (failed(v))
    return failure();
  results.push_back(*v);
  return success();
}

LogicalResult importConstant(NodeContext &n, SmallVectorImpl<Value> &results) {
  MLIRContext *ctx = n.b.getContext();
  if (const auto *a = n.attr("value")) {
    FailureOr<ElementsAttr> value =
        importTensor(ctx, a->t(), n.modelDir, n.loc);
    return failed(value) ? failure() : push(n.constant(*value), results);
  }
  if (const auto *a = n.attr("value_float"))
    return push(n.constant(DenseElementsAttr::get(
                    RankedTensorType::get({}, n.b.getF32Type()), a->f())),
                results);
  if (const auto *a = n.attr("value_int"))
    return push(n.constant(DenseElementsAttr::get(
                    RankedTensorType::get({}, n.b.getI64Type()),
                    static_cast<int64_t>(a->i()))),
                results);
  if (const auto *a = n.attr("value_floats")) {
    SmallVector<float> values(a->floats().begin(), a->floats().end());
    return push(
        n.constant(DenseElementsAttr::get(
            RankedTensorType::get({int64_t(values.size())}, n.b.getF32Type()),
            ArrayRef<float>(values))),
        results);
  }
  if (const auto *a = n.attr("value_ints")) {
    SmallVector<int64_t> values(a->ints().begin(), a->ints().end());
    return push(
        n.constant(DenseElementsAttr::get(
            RankedTensorType::get({int64_t(values.size())}, n.b.getI64Type()),
            ArrayRef<int64_t>(values))),
        results);
  }
  n.error() << "only the value, value_float(s) and value_int(s) attributes "
               "are supported (sparse and string constants are not)";
  return failure();
}

LogicalResult importShape(NodeContext &n, SmallVectorImpl<Value> &results) {
  FailureOr<Value> x = n.required(0, "data");
  if (failed(x))
    return failure();
  int64_t rank = shapeOf(*x).size();
  int64_t start = n.intAttr("start", 0), end = n.intAttr("end", rank);
  start = std::clamp<int64_t>(start < 0 ? start + rank : start, 0, rank);
  end = std::clamp<int64_t>(end < 0 ? end + rank : end, 0, rank);
  FailureOr<Value> shape =
      n.create<ShapeOp>(RankedTensorType::get({rank}, n.b.getI64Type()), {*x});
  if (failed(shape) || (start == 0 && end == rank))
    return push(shape, results);
  int64_t count = std::max<int64_t>(0, end - start);
  return push(n.create<SliceOp>(
                  RankedTensorType::get({count}, n.b.getI64Type()), {*shape},
                  {n.namedAttr("offsets",
                               n.b.getDenseI64ArrayAttr({count ? start : 0})),
                   n.namedAttr("steps", n.b.getDenseI64ArrayAttr({1}))}),
              results);
}

LogicalResult importReshape(NodeContext &n, SmallVectorImpl<Value> &results) {
  FailureOr<Value> x = n.required(0, "data"), s = n.required(1, "shape");
  if (failed(x) || failed(s))
    return failure();
  FailureOr<SmallVector<int64_t>> shape = n.constantInts(*s, "shape");
  if (failed(shape))
    return failure();
  auto type = cast<RankedTensorType>(x->getType());
  if (!type.hasStaticShape()) {
    n.error() << "reshaping a tensor of dynamic shape " << type
              << " is not supported yet";
    return failure();
  }
  bool allowZero = n.intAttr("allowzero", 0) != 0;
  int64_t known = 1, inferred = -1;
  for (auto [i, d] : llvm::enumerate(*shape)) {
    if (d == 0 && !allowZero) {
      if (i >= static_cast<size_t>(type.getRank())) {
        n.error() << "shape entry " << i << " is 0 (copy) but the input has "
                  << "rank " << type.getRank();
        return failure();
      }
      d = type.getDimSize(i);
    }
    if (d == -1) {
      if (inferred >= 0) {
        n.error() << "more than one -1 in the shape";
        return failure();
      }
      inferred = i;
      continue;
    }
    if (d < 0) {
      n.error() << "invalid shape entry " << d;
      return failure();
    }
    known *= d;
  }
  if (inferred >= 0) {
    if (known == 0 || type.getNumElements() % known) {
      n.error() << "cannot infer the -1 dim: " << type.getNumElements()
                << " elements do not divide into " << known;
      return failure();
    }
    (*shape)[inferred] = type.getNumElements() / known;
  }
  return push(n.reshape(*x, *shape), results);
}

LogicalResult importTranspose(NodeContext &n, SmallVectorImpl<Value> &results) {
  FailureOr<Value> x = n.required(0, "data");
  if (failed(x))
    return failure();
  int64_t rank = shapeOf(*x).size();
  SmallVector<int64_t> perm;
  if (auto attr = n.intsAttr("perm"))
    perm = *attr;
  else
    for (int64_t d = rank - 1; d >= 0; --d)
      perm.push_back(d);
  return push(n.create<TransposeOp>(
                  {*x}, {n.namedAttr("perm", n.b.getDenseI64ArrayAttr(perm))}),
              results);
}

/// Squeeze/Unsqueeze axes: an attribute before opset 13, an input after.
FailureOr<std::optional<SmallVector<int64_t>>> axesOf(NodeContext &n) {
  if (n.opset < 13)
    return n.intsAttr("axes");
  if (Value axes = n.input(1)) {
    FailureOr<SmallVector<int64_t>> values = n.constantInts(axes, "axes");
    if (failed(values))
      return failure();
    return std::optional<SmallVector<int64_t>>(*values);
  }
  return std::optional<SmallVector<int64_t>>();
}

LogicalResult importSqueeze(NodeContext &n, SmallVectorImpl<Value> &results) {
  FailureOr<Value> x = n.required(0, "data");
  auto axes = axesOf(n);
  if (failed(x) || failed(axes))
    return failure();
  ArrayRef<int64_t> shape = shapeOf(*x);
  int64_t rank = shape.size();
  SmallVector<bool> drop(rank, false);
  if (*axes) {
    for (int64_t axis : **axes) {
      FailureOr<int64_t> a = n.axis(axis, rank);
      if (failed(a))
        return failure();
      if (shape[*a] != 1) {
        n.error() << "cannot squeeze dim " << *a << " of size " << shape[*a];
        return failure();
      }
      drop[*a] = true;
    }
  } else {
    for (int64_t d = 0; d < rank; ++d)
      drop[d] = shape[d] == 1;
  }
  SmallVector<int64_t> result;
  for (int64_t d = 0; d < rank; ++d)
    if (!drop[d])
      result.push_back(shape[d]);
  return push(n.reshape(*x, result), results);
}

LogicalResult importUnsqueeze(NodeContext &n, SmallVectorImpl<Value> &results) {
  FailureOr<Value> x = n.required(0, "data");
  auto axes = axesOf(n);
  if (failed(x) || failed(axes))
    return failure();
  if (!*axes) {
    n.error() << "axes are required";
    return failure();
  }
  ArrayRef<int64_t> shape = shapeOf(*x);
  int64_t rank = shape.size() + (*axes)->size();
  SmallVector<bool> inserted(rank, false);
  for (int64_t axis : **axes) {
    FailureOr<int64_t> a = n.axis(axis, rank);
    if (failed(a))
      return failure();
    if (inserted[*a]) {
      n.error() << "axis " << axis << " is repeated";
      return failure();
    }
    inserted[*a] = true;
  }
  SmallVector<int64_t> result;
  for (int64_t d = 0, next = 0; d < rank; ++d)
    result.push_back(inserted[d] ? 1 : shape[next++]);
  return push(n.reshape(*x, result), results);
}

LogicalResult importConcat(NodeContext &n, SmallVectorImpl<Value> &results) {
  FailureOr<Value> first = n.required(0, "inputs");
  if (failed(first))
    return failure();
  if (!n.attr("axis")) {
    n.error() << "the axis attribute is required";
    return failure();
  }
  FailureOr<int64_t> axis =
      n.axis(n.intAttr("axis", 0), shapeOf(*first).size());
  if (failed(axis))
    return failure();
  SmallVector<Value> inputs;
  for (unsigned i = 0; i < n.numInputs(); ++i)
    if (Value v = n.input(i))
      inputs.push_back(v);
  return push(n.create<ConcatOp>(
                  inputs, {n.namedAttr("axis", n.b.getI64IntegerAttr(*axis))}),
              results);
}

LogicalResult importSlice(NodeContext &n, SmallVectorImpl<Value> &results) {
  FailureOr<Value> x = n.required(0, "data");
  if (failed(x))
    return failure();
  ArrayRef<int64_t> shape = shapeOf(*x);
  int64_t rank = shape.size();
  SmallVector<int64_t> starts, ends, axes, steps;
  if (n.opset < 10) {
    starts = n.intsAttr("starts").value_or(SmallVector<int64_t>());
    ends = n.intsAttr("ends").value_or(SmallVector<int64_t>());
    axes = n.intsAttr("axes").value_or(SmallVector<int64_t>());
  } else {
    FailureOr<SmallVector<int64_t>> s = n.constantInts(n.input(1), "starts");
    FailureOr<SmallVector<int64_t>> e = n.constantInts(n.input(2), "ends");
    if (failed(s) || failed(e))
      return failure();
    starts = *s;
    ends = *e;
    if (Value a = n.input(3)) {
      FailureOr<SmallVector<int64_t>> values = n.constantInts(a, "axes");
      if (failed(values))
        return failure();
      axes = *values;
    }
    if (Value st = n.input(4)) {
      FailureOr<SmallVector<int64_t>> values = n.constantInts(st, "steps");
      if (failed(values))
        return failure();
      steps = *values;
    }
  }
  if (axes.empty())
    for (size_t i = 0; i < starts.size(); ++i)
      axes.push_back(i);
  if (steps.empty())
    steps.assign(starts.size(), 1);
  if (starts.size() != ends.size() || axes.size() != starts.size() ||
      steps.size() != starts.size()) {
    n.error() << "starts, ends, axes and steps differ in length";
    return failure();
  }
  SmallVector<int64_t> offsets(rank, 0), strides(rank, 1), sizes(shape);
  for (size_t i = 0; i < axes.size(); ++i) {
    FailureOr<int64_t> axis = n.axis(axes[i], rank);
    if (failed(axis))
      return failure();
    int64_t dim = shape[*axis], step = steps[i];
    if (ShapedType::isDynamic(dim)) {
      n.error() << "slicing a dynamic dim is not supported yet";
      return failure();
    }
    if (step == 0) {
      n.error() << "step is 0";
      return failure();
    }
    int64_t start = starts[i] < 0 ? starts[i] + dim : starts[i];
    int64_t end = ends[i] < 0 ? ends[i] + dim : ends[i];
    int64_t count;
    if (step > 0) {
      start = std::clamp<int64_t>(start, 0, dim);
      end = std::clamp<int64_t>(end, 0, dim);
      count = end > start ? (end - start + step - 1) / step : 0;
    } else {
      start = std::clamp<int64_t>(start, 0, dim - 1);
      end = std::clamp<int64_t>(end, -1, dim - 1);
      count = start > end ? (start - end - step - 1) / -step : 0;
    }
    offsets[*axis] = count ? start : 0;
    strides[*axis] = step;
    sizes[*axis] = count;
  }
  auto type = RankedTensorType::get(
      sizes, cast<RankedTensorType>(x->getType()).getElementType());
  return push(n.create<SliceOp>(
                  type, {*x},
                  {n.namedAttr("offsets", n.b.getDenseI64ArrayAttr(offsets)),
                   n.namedAttr("steps", n.b.getDenseI64ArrayAttr(strides))}),
              results);
}

LogicalResult importGather(NodeContext &n, SmallVectorImpl<Value> &results) {
  FailureOr<Value> data = n.required(0, "data"), idx = n.required(1, "indices");
  if (failed(data) || failed(idx))
    return failure();
  FailureOr<int64_t> axis = n.axis(n.intAttr("axis", 0), shapeOf(*data).size());
  if (failed(axis))
    return failure();
  return push(
      n.create<GatherOp>({*data, *idx},
                         {n.namedAttr("axis", n.b.getI64IntegerAttr(*axis))}),
      results);
}

LogicalResult importCast(NodeContext &n, SmallVectorImpl<Value> &results) {
  FailureOr<Value> x = n.required(0, "input");
  if (failed(x))
    return failure();
  const auto *to = n.attr("to");
  if (!to) {
    n.error() << "the 'to' attribute is required";
    return failure();
  }
  FailureOr<Type> element = importElementType(n.b.getContext(), to->i(), n.loc);
  if (failed(element))
    return failure();
  return push(
      n.create<CastOp>(RankedTensorType::get(shapeOf(*x), *element), {*x}),
      results);
}

LogicalResult importExpand(NodeContext &n, SmallVectorImpl<Value> &results) {
  FailureOr<Value> x = n.required(0, "input"), s = n.required(1, "shape");
  if (failed(x) || failed(s))
    return failure();
  FailureOr<SmallVector<int64_t>> shape = n.constantInts(*s, "shape");
  if (failed(shape))
    return failure();
  SmallVector<int64_t> result;
  if (failed(broadcastShapes(shapeOf(*x), *shape, result))) {
    n.error() << "cannot broadcast " << x->getType() << " to the given shape";
    return failure();
  }
  auto type = RankedTensorType::get(
      result, cast<RankedTensorType>(x->getType()).getElementType());
  return push(n.create<BroadcastOp>(type, {*x}), results);
}

LogicalResult importWhere(NodeContext &n, SmallVectorImpl<Value> &results) {
  FailureOr<Value> c = n.required(0, "condition"), x = n.required(1, "X"),
                   y = n.required(2, "Y");
  if (failed(c) || failed(x) || failed(y))
    return failure();
  return push(n.create<WhereOp>({*c, *x, *y}), results);
}

LogicalResult importIdentity(NodeContext &n, SmallVectorImpl<Value> &results) {
  return push(n.required(0, "input"), results);
}

} // namespace

void mlir::fmc::onnx::registerTensorOps(OpImportRegistry &r) {
  r["Constant"] = importConstant;
  r["Shape"] = importShape;
  r["Reshape"] = importReshape;
  r["Transpose"] = importTranspose;
  r["Squeeze"] = importSqueeze;
  r["Unsqueeze"] = importUnsqueeze;
  r["Concat"] = importConcat;
  r["Slice"] = importSlice;
  r["Gather"] = importGather;
  r["Cast"] = importCast;
  r["Expand"] = importExpand;
  r["Where"] = importWhere;
  r["Identity"] = importIdentity;
}
