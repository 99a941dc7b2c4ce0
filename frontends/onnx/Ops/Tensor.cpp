//===- Tensor.cpp - importers of ONNX tensor (data movement) ops ----------===//

#include "frontends/onnx/NodeContext.h"
#include "frontends/onnx/TensorImporter.h"

#include "mlir/IR/Matchers.h"

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

/// Cast and CastLike: `saturate` (opset 19, default 1) clamps conversions to
/// 8-bit floats; FLOAT4E2M1 has no infinity or NaN, so ONNX always saturates
/// conversions to it.
LogicalResult importCastTo(NodeContext &n, Value x, Type element,
                           SmallVectorImpl<Value> &results) {
  const auto *saturateAttr = n.attr("saturate");
  bool saturate = false;
  if (isa<FloatType>(element) && element.getIntOrFloatBitWidth() <= 8)
    saturate = isa<Float4E2M1FNType>(element) || !saturateAttr ||
               saturateAttr->i() != 0;
  SmallVector<NamedAttribute> attrs;
  if (saturate)
    attrs.push_back(n.namedAttr("saturate", n.b.getUnitAttr()));
  return push(
      n.create<CastOp>(RankedTensorType::get(shapeOf(x), element), {x}, attrs),
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
  return importCastTo(n, *x, *element, results);
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

/// Split: sizes from the 'split' input (attribute before opset 13), else
/// num_outputs (opset 18) chunks of ceil(dim / n), else equal parts.
LogicalResult importSplit(NodeContext &n, SmallVectorImpl<Value> &results) {
  FailureOr<Value> x = n.required(0, "input");
  if (failed(x))
    return failure();
  ArrayRef<int64_t> shape = shapeOf(*x);
  FailureOr<int64_t> axis = n.axis(n.intAttr("axis", 0), shape.size());
  if (failed(axis))
    return failure();
  int64_t dim = shape[*axis];
  if (ShapedType::isDynamic(dim)) {
    n.error() << "splitting a dynamic dim is not supported yet";
    return failure();
  }
  int64_t outputs = n.node.output_size();
  SmallVector<int64_t> sizes;
  if (n.opset >= 13 && n.input(1)) {
    FailureOr<SmallVector<int64_t>> given = n.constantInts(n.input(1), "split");
    if (failed(given))
      return failure();
    sizes = *given;
  } else if (n.opset < 13 && n.attr("split")) {
    sizes = *n.intsAttr("split");
  } else {
    int64_t parts = n.opset >= 18 && n.attr("num_outputs")
                        ? n.intAttr("num_outputs", outputs)
                        : outputs;
    if (parts <= 0) {
      n.error() << "num_outputs must be positive";
      return failure();
    }
    int64_t chunk = n.opset >= 18 ? (dim + parts - 1) / parts : dim / parts;
    if (n.opset < 18 && dim % parts) {
      n.error() << "dim " << dim << " does not split into " << parts
                << " equal parts";
      return failure();
    }
    for (int64_t i = 0, left = dim; i < parts; ++i, left -= chunk)
      sizes.push_back(std::max<int64_t>(0, std::min(chunk, left)));
  }
  int64_t total = 0;
  for (int64_t size : sizes)
    total += size;
  if (total != dim || int64_t(sizes.size()) != outputs ||
      llvm::any_of(sizes, [](int64_t v) { return v < 0; })) {
    n.error() << "split sizes do not cover dim " << dim << " with " << outputs
              << " outputs";
    return failure();
  }
  int64_t start = 0;
  SmallVector<Value> parts;
  for (int64_t size : sizes) {
    parts.push_back(n.sliceAlong(*x, *axis, start, size));
    start += size;
  }
  return n.done(results, parts);
}

LogicalResult importFlatten(NodeContext &n, SmallVectorImpl<Value> &results) {
  FailureOr<Value> x = n.required(0, "input");
  if (failed(x))
    return failure();
  ArrayRef<int64_t> shape = shapeOf(*x);
  int64_t rank = shape.size(), axis = n.intAttr("axis", 1);
  if (axis < 0)
    axis += rank;
  if (axis < 0 || axis > rank) {
    n.error() << "axis " << n.intAttr("axis", 1) << " is out of range for rank "
              << rank;
    return failure();
  }
  int64_t rows = 1, cols = 1;
  for (int64_t d = 0; d < rank; ++d)
    (d < axis ? rows : cols) *= shape[d];
  return n.done(results, {n.reshapeTo(*x, {rows, cols})});
}

/// Dropout at inference: the identity, and an all-true mask if asked.
LogicalResult importDropout(NodeContext &n, SmallVectorImpl<Value> &results) {
  FailureOr<Value> x = n.required(0, "data");
  if (failed(x))
    return failure();
  if (n.opset >= 12) {
    if (Value training = n.input(2)) {
      FailureOr<SmallVector<int64_t>> mode =
          n.constantInts(training, "training_mode");
      if (failed(mode))
        return failure();
      if (llvm::any_of(*mode, [](int64_t v) { return v != 0; })) {
        n.error() << "training mode (random dropout) is not supported";
        return failure();
      }
    }
  } else if (n.opset < 7 && n.intAttr("is_test", 0) == 0) {
    n.error() << "training mode (is_test = 0) is not supported";
    return failure();
  }
  results.push_back(*x);
  if (n.hasOutput(1)) {
    auto maskType = RankedTensorType::get(shapeOf(*x), n.b.getI1Type());
    FailureOr<Value> mask = n.constant(DenseElementsAttr::get(maskType, true));
    if (failed(mask))
      return failure();
    results.push_back(*mask);
  }
  return success();
}

/// Tile: x reshaped to [1, d0, 1, d1, ...], broadcast to [r0, d0, r1, d1,
/// ...] and reshaped to [r0 * d0, ...].
LogicalResult importTile(NodeContext &n, SmallVectorImpl<Value> &results) {
  FailureOr<Value> x = n.required(0, "input"), r = n.required(1, "repeats");
  if (failed(x) || failed(r))
    return failure();
  FailureOr<SmallVector<int64_t>> repeats = n.constantInts(*r, "repeats");
  if (failed(repeats))
    return failure();
  ArrayRef<int64_t> shape = shapeOf(*x);
  if (repeats->size() != shape.size()) {
    n.error() << "repeats has " << repeats->size() << " values for rank "
              << shape.size();
    return failure();
  }
  SmallVector<int64_t> interleaved, broadcast, tiled;
  for (auto [dim, rep] : llvm::zip(shape, *repeats)) {
    if (rep < 0) {
      n.error() << "repeats must be non-negative";
      return failure();
    }
    interleaved.append({1, dim});
    broadcast.append({rep, dim});
    tiled.push_back(rep * dim);
  }
  auto type = cast<RankedTensorType>(x->getType());
  Value spread = n.reshapeTo(*x, interleaved);
  Value wide = n.op<BroadcastOp>({spread}, {}, type.clone(broadcast));
  return n.done(results, {n.reshapeTo(wide, tiled)});
}

/// DepthToSpace (DCR or CRD) and SpaceToDepth as reshape-transpose-reshape.
LogicalResult importDepthToSpace(NodeContext &n,
                                 SmallVectorImpl<Value> &results) {
  FailureOr<Value> x = n.required(0, "input");
  if (failed(x))
    return failure();
  ArrayRef<int64_t> s = shapeOf(*x);
  int64_t bs = n.intAttr("blocksize", 0);
  if (s.size() != 4 || bs <= 0 || s[1] % (bs * bs)) {
    n.error() << "needs a 4-D input whose channels divide by blocksize^2";
    return failure();
  }
  int64_t b = s[0], c = s[1] / (bs * bs), h = s[2], w = s[3];
  bool crd = n.stringAttr("mode", "DCR") == "CRD";
  Value t = crd ? n.transposeBy(n.reshapeTo(*x, {b, c, bs, bs, h, w}),
                                {0, 1, 4, 2, 5, 3})
                : n.transposeBy(n.reshapeTo(*x, {b, bs, bs, c, h, w}),
                                {0, 3, 4, 1, 5, 2});
  return n.done(results, {n.reshapeTo(t, {b, c, h * bs, w * bs})});
}

LogicalResult importSpaceToDepth(NodeContext &n,
                                 SmallVectorImpl<Value> &results) {
  FailureOr<Value> x = n.required(0, "input");
  if (failed(x))
    return failure();
  ArrayRef<int64_t> s = shapeOf(*x);
  int64_t bs = n.intAttr("blocksize", 0);
  if (s.size() != 4 || bs <= 0 || s[2] % bs || s[3] % bs) {
    n.error() << "needs a 4-D input whose height and width divide by "
                 "blocksize";
    return failure();
  }
  int64_t b = s[0], c = s[1], h = s[2] / bs, w = s[3] / bs;
  // DCR puts the block offsets before the channel, CRD after it.
  bool crd = n.stringAttr("mode", "DCR") == "CRD";
  Value t = n.transposeBy(n.reshapeTo(*x, {b, c, h, bs, w, bs}),
                          crd ? ArrayRef<int64_t>{0, 1, 3, 5, 2, 4}
                              : ArrayRef<int64_t>{0, 3, 5, 1, 2, 4});
  return n.done(results, {n.reshapeTo(t, {b, c * bs * bs, h, w})});
}

LogicalResult importSize(NodeContext &n, SmallVectorImpl<Value> &results) {
  FailureOr<Value> x = n.required(0, "data");
  if (failed(x))
    return failure();
  auto type = cast<RankedTensorType>(x->getType());
  if (!type.hasStaticShape()) {
    n.error() << "the size of a dynamically shaped tensor is not supported yet";
    return failure();
  }
  return push(n.constant(DenseElementsAttr::get(
                  RankedTensorType::get({}, n.b.getI64Type()),
                  static_cast<int64_t>(type.getNumElements()))),
              results);
}

LogicalResult importCastLike(NodeContext &n, SmallVectorImpl<Value> &results) {
  FailureOr<Value> x = n.required(0, "input"),
                   like = n.required(1, "target_type");
  if (failed(x) || failed(like))
    return failure();
  return importCastTo(n, *x, tensorType(*like).getElementType(), results);
}

/// Trilu: a compile-time mask over the last two dims selects x or 0.
LogicalResult importTrilu(NodeContext &n, SmallVectorImpl<Value> &results) {
  FailureOr<Value> x = n.required(0, "input");
  if (failed(x))
    return failure();
  ArrayRef<int64_t> shape = shapeOf(*x);
  if (shape.size() < 2) {
    n.error() << "needs a tensor of rank 2 or more";
    return failure();
  }
  int64_t k = 0;
  if (Value kInput = n.input(1)) {
    FailureOr<SmallVector<int64_t>> values = n.constantInts(kInput, "k");
    if (failed(values))
      return failure();
    if (values->size() != 1) {
      n.error() << "k must hold one value";
      return failure();
    }
    k = values->front();
  }
  int64_t rows = shape[shape.size() - 2], cols = shape.back();
  bool upper = n.intAttr("upper", 1) != 0;
  SmallVector<bool> mask;
  for (int64_t i = 0; i < rows; ++i)
    for (int64_t j = 0; j < cols; ++j)
      mask.push_back(upper ? j - i >= k : j - i <= k);
  FailureOr<Value> maskValue = n.constant(DenseElementsAttr::get(
      RankedTensorType::get({rows, cols}, n.b.getI1Type()), ArrayRef(mask)));
  if (failed(maskValue))
    return failure();
  return n.done(results, {n.op<WhereOp>({*maskValue, *x, n.scalar(*x, 0.0)})});
}

/// OneHot: where(unsqueeze(index) == iota(depth), on, off), indices wrapped
/// by depth when negative.
LogicalResult importOneHot(NodeContext &n, SmallVectorImpl<Value> &results) {
  FailureOr<Value> idx = n.required(0, "indices"), d = n.required(1, "depth"),
                   v = n.required(2, "values");
  if (failed(idx) || failed(d) || failed(v))
    return failure();
  DenseElementsAttr depthAttr;
  if (!matchPattern(*d, m_Constant(&depthAttr))) {
    n.notConstant(*d, "depth");
    return failure();
  }
  if (depthAttr.getNumElements() != 1) {
    n.error() << "depth must be a scalar";
    return failure();
  }
  int64_t depth =
      isa<FloatType>(depthAttr.getElementType())
          ? int64_t((*depthAttr.value_begin<APFloat>()).convertToDouble())
          : (*depthAttr.value_begin<APInt>()).getSExtValue();
  if (depth <= 0) {
    n.error() << "depth must be positive, got " << depth;
    return failure();
  }
  ArrayRef<int64_t> shape = shapeOf(*idx);
  int64_t rank = shape.size() + 1;
  FailureOr<int64_t> axis = n.axis(n.intAttr("axis", -1), rank);
  if (failed(axis))
    return failure();
  auto valuesType = cast<RankedTensorType>(v->getType());
  if (valuesType.getNumElements() != 2) {
    n.error() << "values must hold [off, on]";
    return failure();
  }
  Value index = *idx;
  auto indexType = cast<RankedTensorType>(index.getType());
  auto i64 = indexType.clone(n.b.getI64Type());
  if (indexType.getElementType() != n.b.getI64Type())
    index = n.op<CastOp>({index}, {}, i64);
  index = n.op<WhereOp>({n.op<LessOp>({index, n.scalar(index, 0)}),
                         n.op<AddOp>({index, n.scalar(index, depth)}), index});
  SmallVector<int64_t> expanded(shape), iotaShape(rank, 1);
  expanded.insert(expanded.begin() + *axis, 1);
  iotaShape[*axis] = depth;
  SmallVector<int64_t> iota;
  for (int64_t i = 0; i < depth; ++i)
    iota.push_back(i);
  FailureOr<Value> iotaValue = n.constant(DenseElementsAttr::get(
      RankedTensorType::get(iotaShape, n.b.getI64Type()), ArrayRef(iota)));
  if (failed(iotaValue))
    return failure();
  Value hot = n.op<EqualOp>({n.reshapeTo(index, expanded), *iotaValue});
  Value flat = n.reshapeTo(*v, {2});
  Value off = n.reshapeTo(n.sliceAlong(flat, 0, 0, 1), {});
  Value on = n.reshapeTo(n.sliceAlong(flat, 0, 1, 1), {});
  return n.done(results, {n.op<WhereOp>({hot, on, off})});
}

LogicalResult importGatherElements(NodeContext &n,
                                   SmallVectorImpl<Value> &results) {
  FailureOr<Value> data = n.required(0, "data"), idx = n.required(1, "indices");
  if (failed(data) || failed(idx))
    return failure();
  FailureOr<int64_t> axis = n.axis(n.intAttr("axis", 0), shapeOf(*data).size());
  if (failed(axis))
    return failure();
  return n.done(
      results,
      {n.op<GatherElementsOp>(
          {*data, *idx}, {n.namedAttr("axis", n.b.getI64IntegerAttr(*axis))})});
}

/// Pad: pads from the 'pads' input (attribute before opset 11), optional
/// axes (opset 18). Negative pads slice; constant mode pads with the value,
/// edge/reflect/wrap gather along each padded axis with compile-time
/// indices.
LogicalResult importPad(NodeContext &n, SmallVectorImpl<Value> &results) {
  FailureOr<Value> x = n.required(0, "data");
  if (failed(x))
    return failure();
  ArrayRef<int64_t> shape = shapeOf(*x);
  int64_t rank = shape.size();
  SmallVector<int64_t> pads;
  Value value;
  if (n.opset >= 11) {
    FailureOr<Value> p = n.required(1, "pads");
    if (failed(p))
      return failure();
    FailureOr<SmallVector<int64_t>> given = n.constantInts(*p, "pads");
    if (failed(given))
      return failure();
    pads = *given;
    value = n.input(2);
  } else {
    pads = n.intsAttr("pads").value_or(SmallVector<int64_t>());
    value = n.scalar(*x, n.floatAttr("value", 0.0f));
  }
  SmallVector<int64_t> axes;
  if (Value a = n.opset >= 18 ? n.input(3) : Value()) {
    FailureOr<SmallVector<int64_t>> given = n.constantInts(a, "axes");
    if (failed(given))
      return failure();
    for (int64_t axis : *given) {
      FailureOr<int64_t> normalized = n.axis(axis, rank);
      if (failed(normalized))
        return failure();
      axes.push_back(*normalized);
    }
  } else {
    for (int64_t d = 0; d < rank; ++d)
      axes.push_back(d);
  }
  if (pads.size() != 2 * axes.size()) {
    n.error() << "pads has " << pads.size() << " values for " << axes.size()
              << " axes";
    return failure();
  }
  SmallVector<int64_t> low(rank, 0), high(rank, 0);
  for (auto [i, axis] : llvm::enumerate(axes)) {
    low[axis] = pads[i];
    high[axis] = pads[i + axes.size()];
  }
  // Negative pads remove elements first.
  Value y = *x;
  for (int64_t d = 0; d < rank; ++d) {
    int64_t cutLow = std::max<int64_t>(0, -low[d]);
    int64_t cutHigh = std::max<int64_t>(0, -high[d]);
    if (cutLow || cutHigh) {
      int64_t count = std::max<int64_t>(0, shape[d] - cutLow - cutHigh);
      y = n.sliceAlong(y, d, cutLow, count);
      low[d] = std::max<int64_t>(0, low[d]);
      high[d] = std::max<int64_t>(0, high[d]);
    }
  }
  if (!y)
    return failure();
  std::string mode = n.stringAttr("mode", "constant");
  auto type = cast<RankedTensorType>(y.getType());
  if (mode == "constant") {
    if (value) {
      auto valueType = cast<RankedTensorType>(value.getType());
      if (valueType.getNumElements() != 1) {
        n.error() << "constant_value must hold one value";
        return failure();
      }
      value = n.reshapeTo(value, {});
    } else {
      value = n.scalar(y, 0.0);
    }
    SmallVector<int64_t> padded(type.getShape());
    for (int64_t d = 0; d < rank; ++d)
      padded[d] += low[d] + high[d];
    return n.done(
        results,
        {n.op<PadOp>({y, value},
                     {n.namedAttr("low", n.b.getDenseI64ArrayAttr(low)),
                      n.namedAttr("high", n.b.getDenseI64ArrayAttr(high))},
                     type.clone(padded))});
  }
  if (mode != "edge" && mode != "reflect" && mode != "wrap") {
    n.error() << "mode '" << mode << "' is not supported";
    return failure();
  }
  for (int64_t d = 0; d < rank && y; ++d) {
    if (!low[d] && !high[d])
      continue;
    int64_t size = type.getDimSize(d);
    if (size == 0 || (mode == "reflect" && size < 2 && (low[d] || high[d]))) {
      n.error() << "cannot " << mode << "-pad a dim of size " << size;
      return failure();
    }
    SmallVector<int64_t> indices;
    for (int64_t i = -low[d]; i < size + high[d]; ++i) {
      int64_t j = i;
      if (mode == "edge") {
        j = std::clamp<int64_t>(i, 0, size - 1);
      } else if (mode == "wrap") {
        j = ((i % size) + size) % size;
      } else {
        int64_t period = 2 * (size - 1);
        j = ((i % period) + period) % period;
        if (j >= size)
          j = period - j;
      }
      indices.push_back(j);
    }
    FailureOr<Value> idx = n.constant(DenseElementsAttr::get(
        RankedTensorType::get({int64_t(indices.size())}, n.b.getI64Type()),
        ArrayRef(indices)));
    if (failed(idx))
      return failure();
    y = n.op<GatherOp>({y, *idx},
                       {n.namedAttr("axis", n.b.getI64IntegerAttr(d))});
  }
  return n.done(results, {y});
}

} // namespace

/// BitCast: the same bits as another type of the same width (bool is one
/// byte holding 0 or 1, so to 8-bit integers it is a conversion).
LogicalResult importBitCast(NodeContext &n, SmallVectorImpl<Value> &results) {
  FailureOr<Value> x = n.required(0, "input");
  if (failed(x))
    return failure();
  FailureOr<Type> to =
      importElementType(n.b.getContext(), n.intAttr("to", 0), n.loc);
  if (failed(to))
    return failure();
  auto type = tensorType(*x);
  Type from = type.getElementType();
  if (from.isInteger(1) && to->isInteger(8))
    return n.done(results, {n.castTo(*x, *to)});
  if (from.isInteger(1) || to->isInteger(1) ||
      from.getIntOrFloatBitWidth() != to->getIntOrFloatBitWidth()) {
    n.error() << "cannot reinterpret " << from << " as " << *to
              << " (the widths differ)";
    return failure();
  }
  return n.done(results, {n.op<BitcastOp>({*x}, {}, type.clone(*to))});
}

/// CenterCropPad: per axis, a centered slice (start rounded down) or zero
/// padding (the extra element on the high side) to the given size.
LogicalResult importCenterCropPad(NodeContext &n,
                                  SmallVectorImpl<Value> &results) {
  FailureOr<Value> x = n.required(0, "input_data"),
                   shape = n.required(1, "shape");
  if (failed(x) || failed(shape))
    return failure();
  FailureOr<SmallVector<int64_t>> sizes = n.constantInts(*shape, "shape");
  if (failed(sizes))
    return failure();
  auto type = tensorType(*x);
  int64_t rank = type.getRank();
  SmallVector<int64_t> axes =
      n.intsAttr("axes").value_or(llvm::to_vector(llvm::seq<int64_t>(rank)));
  if (axes.size() != sizes->size()) {
    n.error() << "shape has " << sizes->size() << " values for " << axes.size()
              << " axes";
    return failure();
  }
  SmallVector<int64_t> offsets(rank, 0), steps(rank, 1),
      cropped(type.getShape());
  SmallVector<int64_t> low(rank, 0), high(rank, 0);
  for (auto [a, size] : llvm::zip(axes, *sizes)) {
    FailureOr<int64_t> axis = n.axis(a, rank);
    if (failed(axis))
      return failure();
    int64_t dim = type.getDimSize(*axis);
    if (size < 0) {
      n.error() << "negative size " << size;
      return failure();
    }
    if (size < dim) {
      offsets[*axis] = (dim - size) / 2;
      cropped[*axis] = size;
    } else {
      low[*axis] = (size - dim) / 2;
      high[*axis] = size - dim - low[*axis];
    }
  }
  Value y =
      n.op<SliceOp>({*x},
                    {n.namedAttr("offsets", n.b.getDenseI64ArrayAttr(offsets)),
                     n.namedAttr("steps", n.b.getDenseI64ArrayAttr(steps))},
                    type.clone(cropped));
  SmallVector<int64_t> padded(cropped);
  for (int64_t d = 0; d < rank; ++d)
    padded[d] += low[d] + high[d];
  if (padded != cropped)
    y = n.op<PadOp>({y, n.scalar(*x, 0.0)},
                    {n.namedAttr("low", n.b.getDenseI64ArrayAttr(low)),
                     n.namedAttr("high", n.b.getDenseI64ArrayAttr(high))},
                    type.clone(padded));
  return n.done(results, {y});
}

void mlir::fmc::onnx::registerTensorOps(OpImportRegistry &r) {
  r["BitCast"] = importBitCast;
  r["CenterCropPad"] = importCenterCropPad;
  r["Split"] = importSplit;
  r["Flatten"] = importFlatten;
  r["Dropout"] = importDropout;
  r["Tile"] = importTile;
  r["DepthToSpace"] = importDepthToSpace;
  r["SpaceToDepth"] = importSpaceToDepth;
  r["Size"] = importSize;
  r["CastLike"] = importCastLike;
  r["Trilu"] = importTrilu;
  r["OneHot"] = importOneHot;
  r["GatherElements"] = importGatherElements;
  r["Pad"] = importPad;
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
