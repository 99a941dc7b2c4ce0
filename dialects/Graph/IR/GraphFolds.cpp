//===- GraphFolds.cpp - constant folding of fmc graph ops -----------------===//
//
// Folding evaluates the small integer/shape computations exporters emit
// (Shape -> Gather -> Concat -> Reshape chains) so that shape operands become
// constants at import time. Only plain dense constants up to kMaxFoldElements
// are folded; weights (dense_resource) never are.
//
//===----------------------------------------------------------------------===//

#include "dialects/Graph/IR/GraphOps.h"

#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/Matchers.h"

using namespace mlir;
using namespace mlir::fmc;

static constexpr int64_t kMaxFoldElements = 4096;

/// The dense constant of an operand, when it is small enough to fold.
static DenseElementsAttr foldable(Attribute attr) {
  auto dense = dyn_cast_or_null<DenseElementsAttr>(attr);
  if (!dense || dense.getNumElements() > kMaxFoldElements)
    return nullptr;
  return dense;
}

static bool foldableResult(ShapedType type) {
  return type.hasStaticShape() && type.getNumElements() <= kMaxFoldElements;
}

static SmallVector<int64_t> stridesOf(ArrayRef<int64_t> shape) {
  SmallVector<int64_t> strides(shape.size(), 1);
  for (int64_t i = static_cast<int64_t>(shape.size()) - 2; i >= 0; --i)
    strides[i] = strides[i + 1] * shape[i + 1];
  return strides;
}

static void delinearize(int64_t linear, ArrayRef<int64_t> shape,
                        SmallVectorImpl<int64_t> &index) {
  index.assign(shape.size(), 0);
  for (int64_t i = static_cast<int64_t>(shape.size()) - 1; i >= 0; --i) {
    if (shape[i] == 0)
      return;
    index[i] = linear % shape[i];
    linear /= shape[i];
  }
}

/// Linear index into a tensor of `shape` broadcast to a result index.
static int64_t broadcastSource(ArrayRef<int64_t> resultIndex,
                               ArrayRef<int64_t> shape) {
  SmallVector<int64_t> strides = stridesOf(shape);
  int64_t offset = resultIndex.size() - shape.size(), linear = 0;
  for (size_t d = 0; d < shape.size(); ++d)
    if (shape[d] != 1)
      linear += resultIndex[d + offset] * strides[d];
  return linear;
}

/// Builds a constant of `type` whose element i is source element map(index).
static DenseElementsAttr
remap(DenseElementsAttr source, ShapedType type,
      function_ref<int64_t(ArrayRef<int64_t>)> sourceLinearIndex) {
  if (source.isSplat())
    return DenseElementsAttr::get(type, source.getSplatValue<Attribute>());
  auto values = llvm::to_vector(source.getValues<Attribute>());
  SmallVector<Attribute> result;
  SmallVector<int64_t> index;
  for (int64_t i = 0, e = type.getNumElements(); i < e; ++i) {
    delinearize(i, type.getShape(), index);
    result.push_back(values[sourceLinearIndex(index)]);
  }
  return DenseElementsAttr::get(type, result);
}

OpFoldResult ConstantOp::fold(FoldAdaptor) { return getValue(); }

OpFoldResult ShapeOp::fold(FoldAdaptor) {
  auto type = getInput().getType();
  if (!type.hasStaticShape())
    return {};
  return DenseIntElementsAttr::get(getType(), type.getShape());
}

OpFoldResult ReshapeOp::fold(FoldAdaptor adaptor) {
  if (getInput().getType() == getType())
    return getInput();
  if (auto input = foldable(adaptor.getInput());
      input && getType().hasStaticShape())
    return input.reshape(getType());
  return {};
}

OpFoldResult TransposeOp::fold(FoldAdaptor adaptor) {
  if (llvm::equal(getPerm(), llvm::seq<int64_t>(0, getPerm().size())))
    return getInput();
  auto input = foldable(adaptor.getInput());
  if (!input || !foldableResult(getType()))
    return {};
  SmallVector<int64_t> strides = stridesOf(input.getType().getShape());
  return remap(input, getType(), [&](ArrayRef<int64_t> index) {
    int64_t linear = 0;
    for (auto [i, p] : llvm::enumerate(getPerm()))
      linear += index[i] * strides[p];
    return linear;
  });
}

OpFoldResult BroadcastOp::fold(FoldAdaptor adaptor) {
  if (getInput().getType() == getType())
    return getInput();
  auto input = foldable(adaptor.getInput());
  if (!input || !foldableResult(getType()))
    return {};
  return remap(input, getType(), [&](ArrayRef<int64_t> index) {
    return broadcastSource(index, input.getType().getShape());
  });
}

OpFoldResult SliceOp::fold(FoldAdaptor adaptor) {
  auto input = foldable(adaptor.getInput());
  if (!input || !foldableResult(getType()))
    return {};
  SmallVector<int64_t> strides = stridesOf(input.getType().getShape());
  return remap(input, getType(), [&](ArrayRef<int64_t> index) {
    int64_t linear = 0;
    for (size_t d = 0; d < index.size(); ++d)
      linear += (getOffsets()[d] + index[d] * getSteps()[d]) * strides[d];
    return linear;
  });
}

OpFoldResult GatherOp::fold(FoldAdaptor adaptor) {
  auto data = foldable(adaptor.getData());
  auto indices = foldable(adaptor.getIndices());
  if (!data || !indices || !foldableResult(getType()))
    return {};
  ArrayRef<int64_t> dataShape = data.getType().getShape();
  int64_t axis = getAxis(), n = dataShape[axis];
  auto indexValues = llvm::to_vector(indices.getValues<APInt>());
  SmallVector<int64_t> strides = stridesOf(dataShape);
  SmallVector<int64_t> indexStrides = stridesOf(indices.getType().getShape());
  int64_t indexRank = indices.getType().getRank();
  for (const APInt &v : indexValues) {
    int64_t i = v.getSExtValue();
    if (i < -n || i >= n)
      return {}; // Leave it to run time, which clamps; do not fold UB.
  }
  return remap(data, getType(), [&](ArrayRef<int64_t> index) {
    int64_t indexLinear = 0;
    for (int64_t k = 0; k < indexRank; ++k)
      indexLinear += index[axis + k] * indexStrides[k];
    int64_t i = indexValues[indexLinear].getSExtValue();
    if (i < 0)
      i += n;
    int64_t linear = i * strides[axis];
    for (int64_t d = 0; d < axis; ++d)
      linear += index[d] * strides[d];
    for (int64_t d = axis + 1; d < static_cast<int64_t>(dataShape.size()); ++d)
      linear += index[d + indexRank - 1] * strides[d];
    return linear;
  });
}

OpFoldResult ConcatOp::fold(FoldAdaptor adaptor) {
  if (getInputs().size() == 1)
    return getInputs().front();
  if (!foldableResult(getType()))
    return {};
  SmallVector<DenseElementsAttr> inputs;
  for (Attribute attr : adaptor.getInputs()) {
    auto dense = foldable(attr);
    if (!dense)
      return {};
    inputs.push_back(dense);
  }
  int64_t axis = getAxis();
  SmallVector<SmallVector<Attribute>> values;
  for (DenseElementsAttr input : inputs)
    values.push_back(llvm::to_vector(input.getValues<Attribute>()));
  SmallVector<Attribute> result;
  SmallVector<int64_t> index;
  for (int64_t i = 0, e = getType().getNumElements(); i < e; ++i) {
    delinearize(i, getType().getShape(), index);
    int64_t pos = index[axis];
    size_t which = 0;
    while (pos >= inputs[which].getType().getDimSize(axis))
      pos -= inputs[which++].getType().getDimSize(axis);
    SmallVector<int64_t> local(index);
    local[axis] = pos;
    SmallVector<int64_t> strides =
        stridesOf(inputs[which].getType().getShape());
    int64_t linear = 0;
    for (size_t d = 0; d < local.size(); ++d)
      linear += local[d] * strides[d];
    result.push_back(values[which][linear]);
  }
  return DenseElementsAttr::get(getType(), result);
}

OpFoldResult CastOp::fold(FoldAdaptor adaptor) {
  if (getInput().getType() == getType())
    return getInput();
  auto input = foldable(adaptor.getInput());
  if (!input)
    return {};
  Type from = input.getElementType(), to = getType().getElementType();
  // Integer <-> integer casts only: these are the shape computations.
  auto fromInt = dyn_cast<IntegerType>(from);
  auto toInt = dyn_cast<IntegerType>(to);
  if (!fromInt || !toInt)
    return {};
  bool isSigned = !fromInt.isUnsigned() && fromInt.getWidth() != 1;
  return input.mapValues(to, [&](const APInt &v) {
    if (toInt.getWidth() == 1)
      return APInt(1, !v.isZero());
    return isSigned ? v.sextOrTrunc(toInt.getWidth())
                    : v.zextOrTrunc(toInt.getWidth());
  });
}

OpFoldResult WhereOp::fold(FoldAdaptor adaptor) {
  auto c = foldable(adaptor.getCondition());
  auto t = foldable(adaptor.getTrueValue());
  auto f = foldable(adaptor.getFalseValue());
  if (!c || !t || !f || !foldableResult(getType()))
    return {};
  auto cv = llvm::to_vector(c.getValues<bool>());
  auto tv = llvm::to_vector(t.getValues<Attribute>());
  auto fv = llvm::to_vector(f.getValues<Attribute>());
  SmallVector<Attribute> result;
  SmallVector<int64_t> index;
  for (int64_t i = 0, e = getType().getNumElements(); i < e; ++i) {
    delinearize(i, getType().getShape(), index);
    bool pick = cv[broadcastSource(index, c.getType().getShape())];
    result.push_back(pick ? tv[broadcastSource(index, t.getType().getShape())]
                          : fv[broadcastSource(index, f.getType().getShape())]);
  }
  return DenseElementsAttr::get(getType(), result);
}

//===----------------------------------------------------------------------===//
// Integer binary ops (shape arithmetic).
//===----------------------------------------------------------------------===//

template <typename OpTy>
static OpFoldResult foldIntBinary(
    OpTy op, Attribute lhsAttr, Attribute rhsAttr,
    function_ref<std::optional<APInt>(const APInt &, const APInt &)> compute) {
  auto lhs = foldable(lhsAttr), rhs = foldable(rhsAttr);
  auto type = op.getType();
  if (!lhs || !rhs || !foldableResult(type) ||
      !isa<IntegerType>(lhs.getElementType()) ||
      lhs.getElementType().isUnsignedInteger() ||
      lhs.getElementType() != rhs.getElementType())
    return {};
  auto lv = llvm::to_vector(lhs.getValues<APInt>());
  auto rv = llvm::to_vector(rhs.getValues<APInt>());
  SmallVector<APInt> result;
  SmallVector<int64_t> index;
  for (int64_t i = 0, e = type.getNumElements(); i < e; ++i) {
    delinearize(i, type.getShape(), index);
    std::optional<APInt> v =
        compute(lv[broadcastSource(index, lhs.getType().getShape())],
                rv[broadcastSource(index, rhs.getType().getShape())]);
    if (!v)
      return {};
    result.push_back(*v);
  }
  return DenseElementsAttr::get(type, result);
}

OpFoldResult AddOp::fold(FoldAdaptor a) {
  return foldIntBinary(*this, a.getLhs(), a.getRhs(),
                       [](const APInt &x, const APInt &y) { return x + y; });
}
OpFoldResult SubOp::fold(FoldAdaptor a) {
  return foldIntBinary(*this, a.getLhs(), a.getRhs(),
                       [](const APInt &x, const APInt &y) { return x - y; });
}
OpFoldResult MulOp::fold(FoldAdaptor a) {
  return foldIntBinary(*this, a.getLhs(), a.getRhs(),
                       [](const APInt &x, const APInt &y) { return x * y; });
}
OpFoldResult DivOp::fold(FoldAdaptor a) {
  return foldIntBinary(
      *this, a.getLhs(), a.getRhs(),
      [](const APInt &x, const APInt &y) -> std::optional<APInt> {
        if (y.isZero())
          return std::nullopt;
        return x.sdiv(y);
      });
}
OpFoldResult MaxOp::fold(FoldAdaptor a) {
  return foldIntBinary(
      *this, a.getLhs(), a.getRhs(),
      [](const APInt &x, const APInt &y) { return x.sgt(y) ? x : y; });
}
OpFoldResult MinOp::fold(FoldAdaptor a) {
  return foldIntBinary(
      *this, a.getLhs(), a.getRhs(),
      [](const APInt &x, const APInt &y) { return x.slt(y) ? x : y; });
}
OpFoldResult PowOp::fold(FoldAdaptor) { return {}; }

static APInt boolAPInt(bool v) { return APInt(1, v ? 1 : 0); }

/// Comparisons of small float constants (masks built from constant tables:
/// Trilu(ones) == 0), IEEE-ordered: NaN compares false.
template <typename OpTy>
static OpFoldResult
foldFloatCompare(OpTy op, Attribute lhsAttr, Attribute rhsAttr,
                 function_ref<bool(APFloat::cmpResult)> holds) {
  auto lhs = foldable(lhsAttr), rhs = foldable(rhsAttr);
  auto type = op.getType();
  if (!lhs || !rhs || !foldableResult(type) ||
      !isa<FloatType>(lhs.getElementType()) ||
      lhs.getElementType() != rhs.getElementType())
    return {};
  auto lv = llvm::to_vector(lhs.getValues<APFloat>());
  auto rv = llvm::to_vector(rhs.getValues<APFloat>());
  SmallVector<bool> result;
  SmallVector<int64_t> index;
  for (int64_t i = 0, e = type.getNumElements(); i < e; ++i) {
    delinearize(i, type.getShape(), index);
    const APFloat &x = lv[broadcastSource(index, lhs.getType().getShape())];
    const APFloat &y = rv[broadcastSource(index, rhs.getType().getShape())];
    result.push_back(holds(x.compare(y)));
  }
  return DenseElementsAttr::get(type, result);
}

template <typename OpTy>
static OpFoldResult
foldCompare(OpTy op, Attribute lhs, Attribute rhs,
            function_ref<bool(const APInt &, const APInt &)> intHolds,
            function_ref<bool(APFloat::cmpResult)> floatHolds) {
  if (OpFoldResult r =
          foldIntBinary(op, lhs, rhs, [&](const APInt &x, const APInt &y) {
            return boolAPInt(intHolds(x, y));
          }))
    return r;
  return foldFloatCompare(op, lhs, rhs, floatHolds);
}

OpFoldResult EqualOp::fold(FoldAdaptor a) {
  return foldCompare(
      *this, a.getLhs(), a.getRhs(),
      [](const APInt &x, const APInt &y) { return x == y; },
      [](APFloat::cmpResult c) { return c == APFloat::cmpEqual; });
}
OpFoldResult LessOp::fold(FoldAdaptor a) {
  return foldCompare(
      *this, a.getLhs(), a.getRhs(),
      [](const APInt &x, const APInt &y) { return x.slt(y); },
      [](APFloat::cmpResult c) { return c == APFloat::cmpLessThan; });
}
OpFoldResult GreaterOp::fold(FoldAdaptor a) {
  return foldCompare(
      *this, a.getLhs(), a.getRhs(),
      [](const APInt &x, const APInt &y) { return x.sgt(y); },
      [](APFloat::cmpResult c) { return c == APFloat::cmpGreaterThan; });
}
OpFoldResult GreaterEqualOp::fold(FoldAdaptor a) {
  return foldCompare(
      *this, a.getLhs(), a.getRhs(),
      [](const APInt &x, const APInt &y) { return x.sge(y); },
      [](APFloat::cmpResult c) {
        return c == APFloat::cmpGreaterThan || c == APFloat::cmpEqual;
      });
}
OpFoldResult LessEqualOp::fold(FoldAdaptor a) {
  return foldCompare(
      *this, a.getLhs(), a.getRhs(),
      [](const APInt &x, const APInt &y) { return x.sle(y); },
      [](APFloat::cmpResult c) {
        return c == APFloat::cmpLessThan || c == APFloat::cmpEqual;
      });
}
OpFoldResult AndOp::fold(FoldAdaptor a) {
  return foldIntBinary(*this, a.getLhs(), a.getRhs(),
                       [](const APInt &x, const APInt &y) { return x & y; });
}
OpFoldResult OrOp::fold(FoldAdaptor a) {
  return foldIntBinary(*this, a.getLhs(), a.getRhs(),
                       [](const APInt &x, const APInt &y) { return x | y; });
}
OpFoldResult XorOp::fold(FoldAdaptor a) {
  return foldIntBinary(*this, a.getLhs(), a.getRhs(),
                       [](const APInt &x, const APInt &y) { return x ^ y; });
}
OpFoldResult BitwiseAndOp::fold(FoldAdaptor a) {
  return foldIntBinary(*this, a.getLhs(), a.getRhs(),
                       [](const APInt &x, const APInt &y) { return x & y; });
}
OpFoldResult BitwiseOrOp::fold(FoldAdaptor a) {
  return foldIntBinary(*this, a.getLhs(), a.getRhs(),
                       [](const APInt &x, const APInt &y) { return x | y; });
}
OpFoldResult BitwiseXorOp::fold(FoldAdaptor a) {
  return foldIntBinary(*this, a.getLhs(), a.getRhs(),
                       [](const APInt &x, const APInt &y) { return x ^ y; });
}
OpFoldResult ModOp::fold(FoldAdaptor a) {
  return foldIntBinary(
      *this, a.getLhs(), a.getRhs(),
      [](const APInt &x, const APInt &y) -> std::optional<APInt> {
        if (y.isZero())
          return std::nullopt;
        APInt r = x.srem(y);
        if (!r.isZero() && r.isNegative() != y.isNegative())
          r += y;
        return r;
      });
}
OpFoldResult FModOp::fold(FoldAdaptor a) {
  return foldIntBinary(
      *this, a.getLhs(), a.getRhs(),
      [](const APInt &x, const APInt &y) -> std::optional<APInt> {
        if (y.isZero())
          return std::nullopt;
        return x.srem(y);
      });
}
OpFoldResult NotOp::fold(FoldAdaptor a) {
  auto input = foldable(a.getInput());
  if (!input || !foldableResult(getType()))
    return {};
  SmallVector<bool> result;
  for (bool v : input.getValues<bool>())
    result.push_back(!v);
  return DenseElementsAttr::get(getType(), ArrayRef(result));
}
/// Folds a unary op over a small signed integer constant (shape arithmetic).
static OpFoldResult foldIntUnary(Attribute inputAttr, ShapedType type,
                                 function_ref<APInt(const APInt &)> compute) {
  auto input = foldable(inputAttr);
  if (!input || !foldableResult(type) ||
      !isa<IntegerType>(input.getElementType()) ||
      input.getElementType().isUnsignedInteger() ||
      input.getElementType().isInteger(1))
    return {};
  SmallVector<APInt> result;
  for (const APInt &v : input.getValues<APInt>())
    result.push_back(compute(v));
  return DenseElementsAttr::get(type, result);
}
OpFoldResult NegOp::fold(FoldAdaptor a) {
  return foldIntUnary(a.getInput(), getType(),
                      [](const APInt &x) { return -x; });
}
OpFoldResult AbsOp::fold(FoldAdaptor a) {
  return foldIntUnary(a.getInput(), getType(),
                      [](const APInt &x) { return x.abs(); });
}
OpFoldResult ShiftLeftOp::fold(FoldAdaptor) { return {}; }
OpFoldResult ShiftRightOp::fold(FoldAdaptor) { return {}; }
