//===- NodeContext.cpp - attribute access and op building for importers ---===//

#include "frontends/onnx/NodeContext.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/Matchers.h"

using namespace mlir;
using namespace mlir::fmc;
using namespace mlir::fmc::onnx;

FailureOr<Value> NodeContext::required(unsigned i, StringRef what) const {
  if (Value v = input(i))
    return v;
  error() << "missing required input " << i << " ('" << what << "')";
  return failure();
}

const ::onnx::AttributeProto *NodeContext::attr(StringRef name) const {
  for (const auto &a : node.attribute())
    if (a.name() == name)
      return &a;
  return nullptr;
}

int64_t NodeContext::intAttr(StringRef name, int64_t dflt) const {
  const auto *a = attr(name);
  return a ? a->i() : dflt;
}

float NodeContext::floatAttr(StringRef name, float dflt) const {
  const auto *a = attr(name);
  return a ? a->f() : dflt;
}

std::string NodeContext::stringAttr(StringRef name, StringRef dflt) const {
  const auto *a = attr(name);
  return a ? a->s() : dflt.str();
}

std::optional<SmallVector<int64_t>>
NodeContext::intsAttr(StringRef name) const {
  const auto *a = attr(name);
  if (!a)
    return std::nullopt;
  return SmallVector<int64_t>(a->ints().begin(), a->ints().end());
}

LogicalResult NodeContext::rejectAttr(StringRef name, StringRef why) const {
  if (!attr(name))
    return success();
  error() << "attribute '" << name << "' is not supported: " << why;
  return failure();
}

FailureOr<SmallVector<int64_t>>
NodeContext::constantInts(Value v, StringRef what) const {
  DenseIntElementsAttr attr;
  if (!v || !matchPattern(v, m_Constant(&attr))) {
    notConstant(v, what);
    return failure();
  }
  SmallVector<int64_t> values;
  for (const APInt &i : attr.getValues<APInt>())
    values.push_back(i.getSExtValue());
  return values;
}

Value NodeContext::sliceAlong(Value x, int64_t axis, int64_t start,
                              int64_t count, int64_t step) {
  if (!x)
    return {};
  auto type = cast<RankedTensorType>(x.getType());
  int64_t rank = type.getRank();
  SmallVector<int64_t> offsets(rank, 0), steps(rank, 1), shape(type.getShape());
  offsets[axis] = count ? start : 0;
  steps[axis] = step;
  shape[axis] = count;
  return op<SliceOp>({x},
                     {namedAttr("offsets", b.getDenseI64ArrayAttr(offsets)),
                      namedAttr("steps", b.getDenseI64ArrayAttr(steps))},
                     type.clone(shape));
}

Value NodeContext::iota(int64_t rank, int64_t axis, int64_t size) {
  SmallVector<int64_t> shape(rank, 1), values;
  shape[axis] = size;
  for (int64_t i = 0; i < size; ++i)
    values.push_back(i);
  return i64Constant(values, shape);
}

Value NodeContext::i64Constant(ArrayRef<int64_t> values,
                               ArrayRef<int64_t> shape) {
  SmallVector<int64_t> dims(shape);
  if (dims.empty())
    dims.push_back(values.size());
  FailureOr<Value> c = constant(DenseElementsAttr::get(
      RankedTensorType::get(dims, b.getI64Type()), values));
  return succeeded(c) ? *c : Value();
}

FailureOr<int64_t> NodeContext::axis(int64_t value, int64_t rank) const {
  FailureOr<int64_t> normalized = normalizeAxis(value, rank);
  if (failed(normalized))
    error() << "axis " << value << " is out of range for rank " << rank;
  return normalized;
}

FailureOr<Value> NodeContext::reshape(Value v, ArrayRef<int64_t> shape) {
  auto type = cast<RankedTensorType>(v.getType());
  return create<ReshapeOp>(RankedTensorType::get(shape, type.getElementType()),
                           v);
}

FailureOr<Value> NodeContext::constant(ElementsAttr value) {
  return create<ConstantOp>(value.getType(), {},
                            {b.getNamedAttr("value", value)});
}

FailureOr<Value> NodeContext::finish(Operation *op) {
  if (failed(mlir::verify(op))) {
    op->erase();
    return failure();
  }
  SmallVector<Value> folded;
  if (!isa<ConstantOp>(op) && succeeded(b.tryFold(op, folded)) &&
      folded.size() == 1) {
    op->erase();
    return folded.front();
  }
  return op->getResult(0);
}

Value NodeContext::scalar(Value like, double value) {
  if (!like)
    return {};
  Type element = cast<RankedTensorType>(like.getType()).getElementType();
  auto type = RankedTensorType::get({}, element);
  Attribute attr;
  if (auto floatType = dyn_cast<FloatType>(element))
    attr = b.getFloatAttr(floatType, value);
  else
    attr = b.getIntegerAttr(element, static_cast<int64_t>(value));
  FailureOr<Value> c = constant(DenseElementsAttr::get(type, attr));
  return succeeded(c) ? *c : Value();
}

LogicalResult NodeContext::done(SmallVectorImpl<Value> &results,
                                ArrayRef<Value> values) {
  if (llvm::any_of(values, [](Value v) { return !v; }))
    return failure();
  results.append(values.begin(), values.end());
  return success();
}

void NodeContext::notConstant(Value v, StringRef what) const {
  auto diag = error() << "input '" << what
                      << "' must be a compile-time constant (it is computed "
                         "at run time here; dynamic shapes are not supported "
                         "yet)";
  // A graph input can be bound to a value at compile time.
  if (auto arg = dyn_cast_or_null<BlockArgument>(v))
    if (auto func = dyn_cast<func::FuncOp>(arg.getOwner()->getParentOp()))
      if (auto name = func.getArgAttrOfType<StringAttr>(arg.getArgNumber(),
                                                        "fmc.input"))
        diag << "; it is graph input '" << name.getValue()
             << "': bind its value with --bind-input " << name.getValue()
             << "=FILE.npy";
}

Value NodeContext::reshapeTo(Value x, ArrayRef<int64_t> shape) {
  if (!x)
    return {};
  FailureOr<Value> r = reshape(x, shape);
  return succeeded(r) ? *r : Value();
}

Value NodeContext::transposeBy(Value x, ArrayRef<int64_t> perm) {
  return op<TransposeOp>({x},
                         {namedAttr("perm", b.getDenseI64ArrayAttr(perm))});
}

Value NodeContext::castTo(Value x, Type element) {
  if (!x || tensorType(x).getElementType() == element)
    return x;
  return op<CastOp>({x}, {}, tensorType(x).clone(element));
}
