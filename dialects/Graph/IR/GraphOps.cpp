//===- GraphOps.cpp - fmc graph ops: type inference and verifiers ---------===//

#include "dialects/Graph/IR/GraphOps.h"

#include "mlir/Dialect/Traits.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/TypeUtilities.h"
#include "llvm/ADT/STLExtras.h"

using namespace mlir;
using namespace mlir::fmc;

LogicalResult mlir::fmc::broadcastShapes(ArrayRef<int64_t> a,
                                         ArrayRef<int64_t> b,
                                         SmallVectorImpl<int64_t> &result) {
  return success(OpTrait::util::getBroadcastedShape(a, b, result));
}

FailureOr<int64_t> mlir::fmc::normalizeAxis(int64_t axis, int64_t rank) {
  if (axis < -rank || axis >= rank)
    return failure();
  return axis < 0 ? axis + rank : axis;
}

static RankedTensorType rankedType(Value v) {
  return cast<RankedTensorType>(v.getType());
}

static std::string shapeString(ArrayRef<int64_t> shape) {
  std::string s = "[";
  for (auto [i, d] : llvm::enumerate(shape)) {
    if (i)
      s += "x";
    s += ShapedType::isDynamic(d) ? "?" : std::to_string(d);
  }
  return s + "]";
}

static LogicalResult emitOptionalError(std::optional<Location> loc,
                                       const Twine &message) {
  if (loc)
    return mlir::emitError(*loc, message);
  return failure();
}

//===----------------------------------------------------------------------===//
// Binary elementwise ops
//===----------------------------------------------------------------------===//

template <typename OpTy>
static LogicalResult inferBinary(std::optional<Location> loc, Value lhs,
                                 Value rhs, SmallVectorImpl<Type> &types) {
  RankedTensorType l = rankedType(lhs), r = rankedType(rhs);
  SmallVector<int64_t> shape;
  if (failed(broadcastShapes(l.getShape(), r.getShape(), shape)))
    return emitOptionalError(
        loc, "operand shapes " + shapeString(l.getShape()) + " and " +
                 shapeString(r.getShape()) + " are not broadcast-compatible");
  Type element = OpTy::hasBoolResult()
                     ? Type(IntegerType::get(lhs.getContext(), 1))
                     : l.getElementType();
  types.push_back(RankedTensorType::get(shape, element));
  return success();
}

template <typename OpTy> static LogicalResult verifyBinary(OpTy op) {
  Type l = rankedType(op.getLhs()).getElementType();
  Type r = rankedType(op.getRhs()).getElementType();
  if (!std::is_same_v<OpTy, PowOp> && l != r)
    return op.emitOpError("operand element types differ: ") << l << " vs " << r;
  if ((std::is_same_v<OpTy, AndOp> || std::is_same_v<OpTy, OrOp> ||
       std::is_same_v<OpTy, XorOp>) &&
      !l.isInteger(1))
    return op.emitOpError("expects i1 operands, got ") << l;
  if ((std::is_same_v<OpTy, BitwiseAndOp> ||
       std::is_same_v<OpTy, BitwiseOrOp> ||
       std::is_same_v<OpTy, BitwiseXorOp> ||
       std::is_same_v<OpTy, ShiftLeftOp> ||
       std::is_same_v<OpTy, ShiftRightOp>) &&
      !isa<IntegerType>(l))
    return op.emitOpError("expects integer operands, got ") << l;
  return success();
}

#define FMC_BINARY_OP(OpTy, isBool)                                            \
  bool OpTy::hasBoolResult() { return isBool; }                                \
  LogicalResult OpTy::inferReturnTypes(                                        \
      MLIRContext *, std::optional<Location> loc, Adaptor adaptor,             \
      SmallVectorImpl<Type> &types) {                                          \
    return inferBinary<OpTy>(loc, adaptor.getLhs(), adaptor.getRhs(), types);  \
  }                                                                            \
  LogicalResult OpTy::verify() { return verifyBinary(*this); }

FMC_BINARY_OP(AddOp, false)
FMC_BINARY_OP(SubOp, false)
FMC_BINARY_OP(MulOp, false)
FMC_BINARY_OP(DivOp, false)
FMC_BINARY_OP(PowOp, false)
FMC_BINARY_OP(MaxOp, false)
FMC_BINARY_OP(MinOp, false)
FMC_BINARY_OP(EqualOp, true)
FMC_BINARY_OP(LessOp, true)
FMC_BINARY_OP(GreaterOp, true)
FMC_BINARY_OP(AndOp, true)
FMC_BINARY_OP(OrOp, true)
FMC_BINARY_OP(GreaterEqualOp, true)
FMC_BINARY_OP(LessEqualOp, true)
FMC_BINARY_OP(XorOp, true)
FMC_BINARY_OP(ModOp, false)
FMC_BINARY_OP(FModOp, false)
FMC_BINARY_OP(BitwiseAndOp, false)
FMC_BINARY_OP(BitwiseOrOp, false)
FMC_BINARY_OP(BitwiseXorOp, false)
FMC_BINARY_OP(ShiftLeftOp, false)
FMC_BINARY_OP(ShiftRightOp, false)
#undef FMC_BINARY_OP

//===----------------------------------------------------------------------===//
// Unary ops: result type equals the operand type.
//===----------------------------------------------------------------------===//

// Unary ops and softmax get their result type from
// SameOperandsAndResultType.

LogicalResult CastOp::verify() {
  if (failed(verifyCompatibleShape(getInput().getType(), getType())))
    return emitOpError("changes the shape from ")
           << shapeString(getInput().getType().getShape()) << " to "
           << shapeString(getType().getShape());
  if (getSaturate() && !isa<FloatType>(getType().getElementType()))
    return emitOpError("saturates only to float types, not ")
           << getType().getElementType();
  return success();
}

void AttentionOp::build(OpBuilder &b, OperationState &state, Value query,
                        Value key, Value value, Value mask, Value pastKey,
                        Value pastValue, double scale, bool causal) {
  auto q = cast<RankedTensorType>(query.getType());
  auto k = cast<RankedTensorType>(key.getType());
  auto v = cast<RankedTensorType>(value.getType());
  int64_t past =
      pastKey ? cast<RankedTensorType>(pastKey.getType()).getDimSize(2) : 0;
  SmallVector<Type> types = {RankedTensorType::get(
      {q.getDimSize(0), q.getDimSize(1), q.getDimSize(2), v.getDimSize(3)},
      q.getElementType())};
  if (pastKey) {
    auto grow = [&](RankedTensorType t) {
      SmallVector<int64_t> shape(t.getShape());
      shape[2] += past;
      return t.clone(shape);
    };
    types.append({grow(k), grow(v)});
  }
  build(b, state, types, query, key, value, mask, pastKey, pastValue,
        b.getF64FloatAttr(scale), b.getBoolAttr(causal));
}

int64_t AttentionOp::getTotalKeys() {
  int64_t total = getKey().getType().getDimSize(2);
  if (Value past = getPastKey())
    total += cast<RankedTensorType>(past.getType()).getDimSize(2);
  return total;
}

LogicalResult AttentionKernelOp::verify() {
  auto shaped = [](Value v) { return cast<ShapedType>(v.getType()); };
  auto q = shaped(getQuery()), k = shaped(getKey()), v = shaped(getValue()),
       out = shaped(getInit());
  for (ShapedType type : {q, k, v, out})
    if (!type.hasRank() || type.getRank() != 4 || !type.hasStaticShape())
      return emitOpError("query, key, value and init must be 4-D and static");
  bool tensors = isa<RankedTensorType>(out);
  for (Value operand : getOperands())
    if (isa<RankedTensorType>(operand.getType()) != tensors)
      return emitOpError("operands must be all tensors or all buffers");
  if (tensors ? getNumResults() != 1 || getResult()[0].getType() != out
              : getNumResults() != 0)
    return emitOpError("returns its init's type on tensors, nothing on "
                       "buffers");
  int64_t kvHeads = k.getDimSize(1);
  SmallVector<int64_t> expected = {q.getDimSize(0), q.getDimSize(1),
                                   q.getDimSize(2), v.getDimSize(3)};
  if (k.getDimSize(3) != q.getDimSize(3) ||
      v.getDimSize(2) != k.getDimSize(2) || v.getDimSize(1) != kvHeads ||
      kvHeads == 0 || q.getDimSize(1) % kvHeads ||
      out.getShape() != ArrayRef(expected))
    return emitOpError("operand shapes do not match fmc.attention's");
  return success();
}

void AttentionKernelOp::getEffects(
    SmallVectorImpl<SideEffects::EffectInstance<MemoryEffects::Effect>>
        &effects) {
  for (OpOperand &operand : getOperation()->getOpOperands()) {
    if (!isa<MemRefType>(operand.get().getType()))
      continue;
    if (isDpsInit(&operand))
      effects.emplace_back(MemoryEffects::Write::get(), &operand,
                           SideEffects::DefaultResource::get());
    else
      effects.emplace_back(MemoryEffects::Read::get(), &operand,
                           SideEffects::DefaultResource::get());
  }
}

LogicalResult AttentionOp::verify() {
  auto q = getQuery().getType(), k = getKey().getType(),
       v = getValue().getType();
  auto r = cast<RankedTensorType>(getResult().getType());
  if (q.getRank() != 4 || k.getRank() != 4 || v.getRank() != 4 ||
      r.getRank() != 4)
    return emitOpError("query, key, value and result must be 4-D");
  Type element = q.getElementType();
  if (k.getElementType() != element || v.getElementType() != element ||
      r.getElementType() != element)
    return emitOpError("query, key, value and result must share one "
                       "element type");
  if (!q.hasStaticShape() || !k.hasStaticShape() || !v.hasStaticShape())
    return emitOpError("needs static shapes");
  int64_t batch = q.getDimSize(0), heads = q.getDimSize(1),
          kvHeads = k.getDimSize(1);
  if (k.getDimSize(0) != batch || v.getDimSize(0) != batch)
    return emitOpError("batch sizes differ");
  if (v.getDimSize(1) != kvHeads || kvHeads == 0 || heads % kvHeads)
    return emitOpError("key/value heads (")
           << kvHeads << ", " << v.getDimSize(1)
           << ") must be equal and divide the " << heads << " query heads";
  if (v.getDimSize(2) != k.getDimSize(2))
    return emitOpError("key and value lengths differ");
  if (k.getDimSize(3) != q.getDimSize(3))
    return emitOpError("query and key head sizes differ");
  SmallVector<int64_t> expected = {batch, heads, q.getDimSize(2),
                                   v.getDimSize(3)};
  if (r.getShape() != ArrayRef(expected))
    return emitOpError("result shape must be ") << shapeString(expected);
  // The cache: both or neither, shaped like key/value but for their length,
  // and then exactly the two presents.
  Value pastKey = getPastKey(), pastValue = getPastValue();
  if (bool(pastKey) != bool(pastValue))
    return emitOpError("needs both past_key and past_value, or neither");
  int64_t total = getTotalKeys();
  if (pastKey) {
    for (auto [past, now, name] :
         {std::tuple(cast<RankedTensorType>(pastKey.getType()), k, "key"),
          std::tuple(cast<RankedTensorType>(pastValue.getType()), v,
                     "value")}) {
      SmallVector<int64_t> shape(now.getShape());
      shape[2] = past.getRank() == 4 ? past.getDimSize(2) : -1;
      if (past.getRank() != 4 || past.getElementType() != element ||
          past.getShape() != ArrayRef(shape))
        return emitOpError("past_")
               << name << " " << past << " must be " << shapeString(shape)
               << " with any cache length";
    }
    if (getPresent().size() != 2)
      return emitOpError("with a cache, needs the present_key and "
                         "present_value results");
    SmallVector<RankedTensorType> nows = {k, v};
    for (auto [present, now] : llvm::zip(getPresent(), nows)) {
      SmallVector<int64_t> shape(now.getShape());
      shape[2] = total;
      if (present.getType() != now.clone(shape))
        return emitOpError("present ")
               << present.getType() << " must be " << now.clone(shape);
    }
  } else if (!getPresent().empty()) {
    return emitOpError("has present results but no cache");
  }
  if (getCausal() && total < q.getDimSize(2))
    return emitOpError("causal attention needs at least as many keys as "
                       "queries");
  if (Value mask = getMask()) {
    auto m = cast<RankedTensorType>(mask.getType());
    SmallVector<int64_t> full = {batch, heads, q.getDimSize(2), total};
    if ((m.getElementType() != element && !m.getElementType().isInteger(1)) ||
        m.getRank() > 4)
      return emitOpError("mask must be a tensor of rank <= 4 of the "
                         "query's element type (additive) or i1");
    for (int64_t i = 0; i < m.getRank(); ++i) {
      int64_t dim = m.getDimSize(m.getRank() - 1 - i);
      if (dim != 1 && dim != full[3 - i])
        return emitOpError("mask ")
               << m << " does not broadcast to " << shapeString(full);
    }
  }
  return success();
}

LogicalResult BitcastOp::verify() {
  if (getInput().getType().getShape() != getType().getShape())
    return emitOpError("changes the shape from ")
           << shapeString(getInput().getType().getShape()) << " to "
           << shapeString(getType().getShape());
  Type from = getInput().getType().getElementType();
  Type to = getType().getElementType();
  if (from.isInteger(1) || to.isInteger(1) ||
      from.getIntOrFloatBitWidth() != to.getIntOrFloatBitWidth())
    return emitOpError("needs element types of one width (not i1), got ")
           << from << " and " << to;
  return success();
}

LogicalResult WhereOp::inferReturnTypes(MLIRContext *,
                                        std::optional<Location> loc,
                                        Adaptor adaptor,
                                        SmallVectorImpl<Type> &types) {
  SmallVector<int64_t> partial, shape;
  auto c = rankedType(adaptor.getCondition());
  auto t = rankedType(adaptor.getTrueValue());
  auto f = rankedType(adaptor.getFalseValue());
  if (failed(broadcastShapes(c.getShape(), t.getShape(), partial)) ||
      failed(broadcastShapes(partial, f.getShape(), shape)))
    return emitOptionalError(
        loc, "operand shapes " + shapeString(c.getShape()) + ", " +
                 shapeString(t.getShape()) + " and " +
                 shapeString(f.getShape()) + " are not broadcast-compatible");
  types.push_back(RankedTensorType::get(shape, t.getElementType()));
  return success();
}

LogicalResult WhereOp::verify() {
  if (getTrueValue().getType().getElementType() !=
      getFalseValue().getType().getElementType())
    return emitOpError("value operands have different element types");
  return success();
}

//===----------------------------------------------------------------------===//
// MatMul
//===----------------------------------------------------------------------===//

LogicalResult MatMulOp::inferReturnTypes(MLIRContext *,
                                         std::optional<Location> loc,
                                         Adaptor adaptor,
                                         SmallVectorImpl<Type> &types) {
  auto l = rankedType(adaptor.getLhs()), r = rankedType(adaptor.getRhs());
  if (l.getRank() == 0 || r.getRank() == 0)
    return emitOptionalError(loc, "matmul operands must have rank >= 1");
  SmallVector<int64_t> ls(l.getShape()), rs(r.getShape());
  bool lhsVector = ls.size() == 1, rhsVector = rs.size() == 1;
  if (lhsVector)
    ls.insert(ls.begin(), 1);
  if (rhsVector)
    rs.push_back(1);
  int64_t k1 = ls.back(), k2 = rs[rs.size() - 2];
  if (!ShapedType::isDynamic(k1) && !ShapedType::isDynamic(k2) && k1 != k2)
    return emitOptionalError(loc, "contraction dims differ: lhs " +
                                      shapeString(l.getShape()) + ", rhs " +
                                      shapeString(r.getShape()));
  SmallVector<int64_t> batch;
  if (failed(broadcastShapes(ArrayRef(ls).drop_back(2),
                             ArrayRef(rs).drop_back(2), batch)))
    return emitOptionalError(loc, "batch dims of " + shapeString(ls) + " and " +
                                      shapeString(rs) +
                                      " are not broadcast-compatible");
  SmallVector<int64_t> shape(batch);
  if (!lhsVector)
    shape.push_back(ls[ls.size() - 2]);
  if (!rhsVector)
    shape.push_back(rs.back());
  types.push_back(RankedTensorType::get(shape, l.getElementType()));
  return success();
}

LogicalResult MatMulOp::verify() {
  if (getLhs().getType().getElementType() !=
      getRhs().getType().getElementType())
    return emitOpError("operand element types differ");
  return success();
}

//===----------------------------------------------------------------------===//
// Softmax, LayerNorm
//===----------------------------------------------------------------------===//

LogicalResult SoftmaxOp::verify() {
  int64_t axis = getAxis();
  if (axis < 0 || axis >= getType().getRank())
    return emitOpError("axis ")
           << axis << " is outside [0, " << getType().getRank() << ")";
  return success();
}

/// Shared by the norms: `axis` is a dim of `type` and every parameter has
/// its element type and broadcasts to the normalized dims [axis, rank).
static LogicalResult verifyNorm(Operation *op, RankedTensorType type,
                                int64_t axis, ValueRange params) {
  if (axis < 0 || axis >= type.getRank())
    return op->emitOpError("axis ")
           << axis << " is outside [0, " << type.getRank() << ")";
  ArrayRef<int64_t> normalized = type.getShape().drop_front(axis);
  for (Value param : params) {
    if (!param)
      continue;
    auto paramType = rankedType(param);
    SmallVector<int64_t> shape;
    if (paramType.getElementType() != type.getElementType() ||
        failed(broadcastShapes(normalized, paramType.getShape(), shape)) ||
        ArrayRef<int64_t>(shape) != normalized)
      return op->emitOpError("scale/bias of type ")
             << paramType << " does not broadcast to the normalized dims "
             << shapeString(normalized);
  }
  return success();
}

LogicalResult LayerNormOp::inferReturnTypes(MLIRContext *,
                                            std::optional<Location>,
                                            Adaptor adaptor,
                                            SmallVectorImpl<Type> &types) {
  types.push_back(adaptor.getInput().getType());
  return success();
}

LogicalResult LayerNormOp::verify() {
  return verifyNorm(*this, getInput().getType(), getAxis(),
                    {getScale(), getBias()});
}

LogicalResult RMSNormOp::inferReturnTypes(MLIRContext *,
                                          std::optional<Location>,
                                          Adaptor adaptor,
                                          SmallVectorImpl<Type> &types) {
  types.push_back(adaptor.getInput().getType());
  return success();
}

LogicalResult RMSNormOp::verify() {
  return verifyNorm(*this, getInput().getType(), getAxis(),
                    {getScale(), getBias()});
}

LogicalResult SkipNormOp::inferReturnTypes(MLIRContext *,
                                           std::optional<Location>,
                                           Adaptor adaptor,
                                           SmallVectorImpl<Type> &types) {
  types.push_back(adaptor.getInput().getType());
  types.push_back(adaptor.getInput().getType());
  return success();
}

LogicalResult SkipNormOp::verify() {
  auto type = getInput().getType();
  auto skip = getSkip().getType();
  SmallVector<int64_t> shape;
  if (skip.getElementType() != type.getElementType() ||
      failed(broadcastShapes(type.getShape(), skip.getShape(), shape)) ||
      ArrayRef<int64_t>(shape) != type.getShape())
    return emitOpError("skip of type ")
           << skip << " does not broadcast to the input type " << type;
  return verifyNorm(*this, type, getAxis(), {getScale(), getBias()});
}

LogicalResult GeluOp::verify() {
  if (getApproximate() != "none" && getApproximate() != "tanh")
    return emitOpError("approximate must be \"none\" or \"tanh\", got \"")
           << getApproximate() << "\"";
  return success();
}

LogicalResult RotaryOp::inferReturnTypes(MLIRContext *, std::optional<Location>,
                                         Adaptor adaptor,
                                         SmallVectorImpl<Type> &types) {
  types.push_back(adaptor.getInput().getType());
  return success();
}

LogicalResult RotaryOp::verify() {
  auto type = getInput().getType();
  if (type.getRank() < 2 || !type.hasStaticShape())
    return emitOpError("input must be a static tensor of rank >= 2");
  auto cos = getCos().getType(), sin = getSin().getType();
  if (cos != sin)
    return emitOpError("cos and sin types differ: ") << cos << " vs " << sin;
  if (cos.getElementType() != type.getElementType())
    return emitOpError("cos/sin element type differs from the input's");
  if (cos.getRank() < 1 || !cos.hasStaticShape())
    return emitOpError("cos/sin must be static tensors of rank >= 1");
  int64_t rotary = cos.getShape().back(), depth = type.getShape().back();
  if (rotary % 2 || rotary == 0 || rotary > depth)
    return emitOpError("rotary width ")
           << rotary << " must be even, positive and at most the row size "
           << depth;
  SmallVector<int64_t> lead(type.getShape().drop_back()), shape;
  lead.push_back(rotary);
  if (failed(broadcastShapes(lead, cos.getShape(), shape)) ||
      ArrayRef<int64_t>(shape) != ArrayRef<int64_t>(lead))
    return emitOpError("cos/sin of type ")
           << cos << " do not broadcast to " << shapeString(lead);
  return success();
}

//===----------------------------------------------------------------------===//
// Reductions
//===----------------------------------------------------------------------===//

static LogicalResult checkAxes(ArrayRef<int64_t> axes, int64_t rank,
                               function_ref<InFlightDiagnostic()> emit) {
  for (auto [i, axis] : llvm::enumerate(axes)) {
    if (axis < 0 || axis >= rank)
      return emit() << "axis " << axis << " is outside [0, " << rank << ")";
    if (i && axes[i - 1] >= axis)
      return emit() << "axes must be sorted and unique";
  }
  return success();
}

template <typename Adaptor>
static LogicalResult inferReduce(Adaptor adaptor,
                                 SmallVectorImpl<Type> &types) {
  auto type = rankedType(adaptor.getInput());
  SmallVector<int64_t> shape;
  ArrayRef<int64_t> axes = adaptor.getAxes();
  bool keep = adaptor.getKeepdims();
  for (int64_t d = 0; d < type.getRank(); ++d) {
    if (!llvm::is_contained(axes, d))
      shape.push_back(type.getDimSize(d));
    else if (keep)
      shape.push_back(1);
  }
  types.push_back(RankedTensorType::get(shape, type.getElementType()));
  return success();
}

#define FMC_REDUCE_OP(OpTy)                                                    \
  LogicalResult OpTy::inferReturnTypes(MLIRContext *, std::optional<Location>, \
                                       Adaptor adaptor,                        \
                                       SmallVectorImpl<Type> &types) {         \
    return inferReduce(adaptor, types);                                        \
  }                                                                            \
  LogicalResult OpTy::verify() {                                               \
    return checkAxes(getAxes(), getInput().getType().getRank(),                \
                     [&] { return emitOpError(); });                           \
  }
FMC_REDUCE_OP(ReduceSumOp)
FMC_REDUCE_OP(ReduceMeanOp)
FMC_REDUCE_OP(ReduceMaxOp)
FMC_REDUCE_OP(ReduceMinOp)
FMC_REDUCE_OP(ReduceProdOp)
#undef FMC_REDUCE_OP

template <typename OpTy> static LogicalResult verifyArgReduce(OpTy op) {
  int64_t rank = op.getInput().getType().getRank();
  if (op.getAxis() < 0 || op.getAxis() >= rank)
    return op.emitOpError("axis ")
           << op.getAxis() << " is out of [0, " << rank << ")";
  if (op.getInput().getType().getDimSize(op.getAxis()) == 0)
    return op.emitOpError("reduces an empty dim");
  return success();
}

template <typename Adaptor>
static LogicalResult inferArgReduce(Adaptor adaptor,
                                    SmallVectorImpl<Type> &types) {
  auto type = rankedType(adaptor.getInput());
  int64_t axis = adaptor.getAxis();
  if (axis < 0 || axis >= type.getRank())
    return failure();
  SmallVector<int64_t> shape;
  for (int64_t d = 0; d < type.getRank(); ++d) {
    if (d != axis)
      shape.push_back(type.getDimSize(d));
    else if (adaptor.getKeepdims())
      shape.push_back(1);
  }
  types.push_back(
      RankedTensorType::get(shape, IntegerType::get(type.getContext(), 64)));
  return success();
}

#define FMC_ARG_REDUCE_OP(OpTy)                                                \
  LogicalResult OpTy::inferReturnTypes(MLIRContext *, std::optional<Location>, \
                                       Adaptor adaptor,                        \
                                       SmallVectorImpl<Type> &types) {         \
    return inferArgReduce(adaptor, types);                                     \
  }                                                                            \
  LogicalResult OpTy::verify() { return verifyArgReduce(*this); }
FMC_ARG_REDUCE_OP(ArgMaxOp)
FMC_ARG_REDUCE_OP(ArgMinOp)
#undef FMC_ARG_REDUCE_OP

template <typename OpTy> static LogicalResult verifyCumulative(OpTy op) {
  int64_t rank = op.getInput().getType().getRank();
  if (op.getAxis() < 0 || op.getAxis() >= rank)
    return op.emitOpError("axis ")
           << op.getAxis() << " is out of [0, " << rank << ")";
  return success();
}
LogicalResult CumSumOp::verify() { return verifyCumulative(*this); }
LogicalResult CumProdOp::verify() { return verifyCumulative(*this); }

//===----------------------------------------------------------------------===//
// Einsum
//===----------------------------------------------------------------------===//

LogicalResult EinsumOp::verify() {
  StringRef equation = getEquation();
  auto [lhs, out] = equation.split("->");
  if (out.data() == nullptr || !equation.contains("->"))
    return emitOpError("equation must be explicit ('...->...'), got '")
           << equation << "'";
  SmallVector<StringRef> terms;
  lhs.split(terms, ',');
  if (terms.size() != getInputs().size())
    return emitOpError("equation has ") << terms.size() << " operand terms for "
                                        << getInputs().size() << " inputs";
  llvm::DenseMap<char, int64_t> sizes;
  for (auto [term, input] : llvm::zip(terms, getInputs())) {
    auto type = cast<RankedTensorType>(input.getType());
    if (static_cast<int64_t>(term.size()) != type.getRank())
      return emitOpError("term '")
             << term << "' does not match the rank of " << type;
    for (auto [c, dim] : llvm::zip(term, type.getShape())) {
      if (!llvm::isAlpha(c))
        return emitOpError("invalid subscript '") << c << "'";
      auto [it, inserted] = sizes.try_emplace(c, dim);
      if (!inserted && it->second != dim && it->second != 1 && dim != 1)
        return emitOpError("subscript '")
               << c << "' has sizes " << it->second << " and " << dim;
      if (it->second == 1)
        it->second = dim;
    }
  }
  if (static_cast<int64_t>(out.size()) != getType().getRank())
    return emitOpError("output term '")
           << out << "' does not match the result rank";
  for (auto [c, dim] : llvm::zip(out, getType().getShape())) {
    auto it = sizes.find(c);
    if (it == sizes.end())
      return emitOpError("output subscript '") << c << "' is in no input";
    if (it->second != dim)
      return emitOpError("output dim '") << c << "' must be " << it->second;
  }
  return success();
}

//===----------------------------------------------------------------------===//
// Shape manipulation
//===----------------------------------------------------------------------===//

LogicalResult ShapeOp::verify() {
  if (getType().getRank() != 1 ||
      getType().getDimSize(0) != getInput().getType().getRank())
    return emitOpError("result must be tensor<")
           << getInput().getType().getRank() << "xi64>";
  return success();
}

LogicalResult ReshapeOp::verify() {
  auto in = getInput().getType();
  auto out = getType();
  if (in.getElementType() != out.getElementType())
    return emitOpError("changes the element type");
  if (in.hasStaticShape() && out.hasStaticShape() &&
      in.getNumElements() != out.getNumElements())
    return emitOpError("cannot reshape ")
           << shapeString(in.getShape()) << " (" << in.getNumElements()
           << " elements) to " << shapeString(out.getShape()) << " ("
           << out.getNumElements() << " elements)";
  return success();
}

LogicalResult TransposeOp::inferReturnTypes(MLIRContext *,
                                            std::optional<Location> loc,
                                            Adaptor adaptor,
                                            SmallVectorImpl<Type> &types) {
  auto type = rankedType(adaptor.getInput());
  ArrayRef<int64_t> perm = adaptor.getPerm();
  if (static_cast<int64_t>(perm.size()) != type.getRank())
    return emitOptionalError(loc, "perm has " + Twine(perm.size()) +
                                      " entries for a rank-" +
                                      Twine(type.getRank()) + " tensor");
  SmallVector<int64_t> shape;
  for (int64_t p : perm) {
    if (p < 0 || p >= type.getRank())
      return emitOptionalError(loc,
                               "perm entry " + Twine(p) + " is out of range");
    shape.push_back(type.getDimSize(p));
  }
  types.push_back(RankedTensorType::get(shape, type.getElementType()));
  return success();
}

LogicalResult TransposeOp::verify() {
  SmallVector<bool> seen(getPerm().size(), false);
  for (int64_t p : getPerm()) {
    // An entry out of range is inferReturnTypes' error (it names the entry).
    if (p < 0 || p >= static_cast<int64_t>(seen.size()))
      continue;
    if (seen[p])
      return emitOpError("perm is not a permutation");
    seen[p] = true;
  }
  return success();
}

LogicalResult ConcatOp::inferReturnTypes(MLIRContext *,
                                         std::optional<Location> loc,
                                         Adaptor adaptor,
                                         SmallVectorImpl<Type> &types) {
  if (adaptor.getInputs().empty())
    return emitOptionalError(loc, "concat needs at least one input");
  auto first = rankedType(adaptor.getInputs().front());
  int64_t axis = adaptor.getAxisAttr().getInt();
  if (axis < 0 || axis >= first.getRank())
    return emitOptionalError(loc, "axis " + Twine(axis) + " is outside [0, " +
                                      Twine(first.getRank()) + ")");
  SmallVector<int64_t> shape(first.getShape());
  shape[axis] = 0;
  for (Value input : adaptor.getInputs()) {
    auto type = rankedType(input);
    if (type.getRank() != first.getRank() ||
        type.getElementType() != first.getElementType())
      return emitOptionalError(loc, "inputs differ in rank or element type");
    for (int64_t d = 0; d < type.getRank(); ++d) {
      int64_t size = type.getDimSize(d);
      if (d == axis) {
        shape[d] =
            ShapedType::isDynamic(size) || ShapedType::isDynamic(shape[d])
                ? ShapedType::kDynamic
                : shape[d] + size;
      } else if (ShapedType::isDynamic(shape[d])) {
        shape[d] = size;
      } else if (!ShapedType::isDynamic(size) && size != shape[d]) {
        return emitOptionalError(
            loc, "input shapes " + shapeString(first.getShape()) + " and " +
                     shapeString(type.getShape()) +
                     " differ outside the concat axis");
      }
    }
  }
  types.push_back(RankedTensorType::get(shape, first.getElementType()));
  return success();
}

LogicalResult ConcatOp::verify() { return success(); }

LogicalResult SliceOp::verify() {
  auto in = getInput().getType();
  auto out = getType();
  int64_t rank = in.getRank();
  if (out.getRank() != rank ||
      static_cast<int64_t>(getOffsets().size()) != rank ||
      static_cast<int64_t>(getSteps().size()) != rank)
    return emitOpError("offsets, steps and result must have the input's rank");
  if (in.getElementType() != out.getElementType())
    return emitOpError("changes the element type");
  for (int64_t d = 0; d < rank; ++d) {
    int64_t size = in.getDimSize(d), count = out.getDimSize(d);
    int64_t offset = getOffsets()[d], step = getSteps()[d];
    if (step == 0)
      return emitOpError("step of dim ") << d << " is zero";
    if (ShapedType::isDynamic(size) || ShapedType::isDynamic(count) ||
        count == 0)
      continue;
    int64_t last = offset + (count - 1) * step;
    if (offset < 0 || offset >= size || last < 0 || last >= size)
      return emitOpError("dim ") << d << " reads elements " << offset << ".."
                                 << last << " outside [0, " << size << ")";
  }
  return success();
}

LogicalResult GatherOp::inferReturnTypes(MLIRContext *,
                                         std::optional<Location> loc,
                                         Adaptor adaptor,
                                         SmallVectorImpl<Type> &types) {
  auto data = rankedType(adaptor.getData());
  auto indices = rankedType(adaptor.getIndices());
  int64_t axis = adaptor.getAxisAttr().getInt();
  if (axis < 0 || axis >= data.getRank())
    return emitOptionalError(loc, "axis " + Twine(axis) + " is outside [0, " +
                                      Twine(data.getRank()) + ")");
  SmallVector<int64_t> shape(data.getShape().take_front(axis));
  llvm::append_range(shape, indices.getShape());
  llvm::append_range(shape, data.getShape().drop_front(axis + 1));
  types.push_back(RankedTensorType::get(shape, data.getElementType()));
  return success();
}

LogicalResult GatherOp::verify() { return success(); }

LogicalResult BroadcastOp::verify() {
  auto in = getInput().getType();
  auto out = getType();
  SmallVector<int64_t> shape;
  if (in.getElementType() != out.getElementType() ||
      failed(broadcastShapes(in.getShape(), out.getShape(), shape)) ||
      failed(verifyCompatibleShape(shape, out.getShape())))
    return emitOpError("cannot broadcast ") << in << " to " << out;
  return success();
}

#define GET_OP_CLASSES
#include "dialects/Graph/IR/GraphOps.cpp.inc"

//===----------------------------------------------------------------------===//
// GatherElements, Pad
//===----------------------------------------------------------------------===//

LogicalResult GatherElementsOp::inferReturnTypes(MLIRContext *,
                                                 std::optional<Location> loc,
                                                 Adaptor adaptor,
                                                 SmallVectorImpl<Type> &types) {
  auto data = rankedType(adaptor.getData());
  auto indices = rankedType(adaptor.getIndices());
  if (data.getRank() != indices.getRank())
    return emitOptionalError(loc, "data and indices ranks differ");
  types.push_back(
      RankedTensorType::get(indices.getShape(), data.getElementType()));
  return success();
}

LogicalResult GatherElementsOp::verify() {
  int64_t rank = getData().getType().getRank();
  if (getAxis() < 0 || getAxis() >= rank)
    return emitOpError("axis ")
           << getAxis() << " is out of [0, " << rank << ")";
  if (getData().getType().getDimSize(getAxis()) == 0)
    return emitOpError("gathers from an empty dim");
  return success();
}

LogicalResult ScatterNDOp::verify() {
  auto data = getData().getType(), indices = getIndices().getType(),
       updates = getUpdates().getType();
  if (getType() != data)
    return emitOpError("result type must be the data type ") << data;
  if (updates.getElementType() != data.getElementType())
    return emitOpError("updates must have the data's element type");
  if (!llvm::is_contained({"none", "add", "mul", "max", "min"}, getReduction()))
    return emitOpError("reduction '") << getReduction() << "' is invalid";
  if (indices.getRank() < 1)
    return emitOpError("indices need a last dim");
  int64_t q = indices.getDimSize(indices.getRank() - 1);
  if (ShapedType::isDynamic(q) || q > data.getRank())
    return emitOpError("the last dim of indices must be static and at most "
                       "the data rank");
  SmallVector<int64_t> expected(indices.getShape().drop_back());
  llvm::append_range(expected, data.getShape().drop_front(q));
  if (updates.getShape() != ArrayRef(expected))
    return emitOpError("updates have shape ")
           << shapeString(updates.getShape()) << ", expected "
           << shapeString(expected);
  return success();
}

LogicalResult PadOp::verify() {
  auto type = getInput().getType();
  int64_t rank = type.getRank();
  if (static_cast<int64_t>(getLow().size()) != rank ||
      static_cast<int64_t>(getHigh().size()) != rank)
    return emitOpError("needs one low and one high pad per dim");
  if (getValue().getType().getRank() != 0 ||
      getValue().getType().getElementType() != type.getElementType())
    return emitOpError("value must be a 0-d tensor of the input's type");
  for (int64_t d = 0; d < rank; ++d) {
    if (getLow()[d] < 0 || getHigh()[d] < 0)
      return emitOpError("pads must be non-negative");
    int64_t dim = type.getDimSize(d);
    int64_t expected = ShapedType::isDynamic(dim)
                           ? ShapedType::kDynamic
                           : dim + getLow()[d] + getHigh()[d];
    if (getType().getDimSize(d) != expected)
      return emitOpError("result shape ")
             << shapeString(getType().getShape()) << " does not match the pads";
  }
  return success();
}

//===----------------------------------------------------------------------===//
// Convolution and pooling
//===----------------------------------------------------------------------===//

/// Checks the window attributes against `spatial` dims and that the result's
/// spatial dims follow floor((in + pads - dilation * (k - 1) - 1) / stride)
/// + 1.
static LogicalResult
verifyWindow(Operation *op, RankedTensorType input, RankedTensorType result,
             ArrayRef<int64_t> kernel, ArrayRef<int64_t> strides,
             ArrayRef<int64_t> dilations, ArrayRef<int64_t> low,
             ArrayRef<int64_t> high) {
  int64_t spatial = input.getRank() - 2;
  if (spatial < 1 || result.getRank() != input.getRank())
    return op->emitOpError("needs [N, C, spatial...] input and result");
  for (ArrayRef<int64_t> attr : {kernel, strides, dilations, low, high})
    if (static_cast<int64_t>(attr.size()) != spatial)
      return op->emitOpError("needs one kernel size, stride, dilation and "
                             "pad per spatial dim");
  for (int64_t i = 0; i < spatial; ++i) {
    if (strides[i] < 1 || dilations[i] < 1 || low[i] < 0 || high[i] < 0 ||
        kernel[i] < 1)
      return op->emitOpError("strides, dilations and kernel sizes must be "
                             "positive and pads non-negative");
    int64_t in = input.getDimSize(i + 2);
    int64_t span = in + low[i] + high[i] - dilations[i] * (kernel[i] - 1) - 1;
    int64_t expected = span < 0 ? 0 : span / strides[i] + 1;
    if (result.getDimSize(i + 2) != expected)
      return op->emitOpError("spatial dim ")
             << i << " of the result must be " << expected << ", got "
             << result.getDimSize(i + 2);
  }
  return success();
}

LogicalResult ConvOp::verify() {
  auto input = getInput().getType(), filter = getFilter().getType();
  auto result = getType();
  if (!input.hasStaticShape() || !filter.hasStaticShape())
    return emitOpError("needs static shapes");
  if (filter.getRank() != input.getRank())
    return emitOpError("filter rank must equal input rank");
  int64_t groups = getGroups();
  int64_t c = input.getDimSize(1), m = filter.getDimSize(0);
  if (groups < 1 || c % groups || m % groups ||
      filter.getDimSize(1) != c / groups)
    return emitOpError("channels: input ")
           << c << ", filter " << filter.getDimSize(1) << " per group, "
           << groups << " groups, " << m << " outputs do not agree";
  if (result.getDimSize(0) != input.getDimSize(0) || result.getDimSize(1) != m)
    return emitOpError("result must be [N, M, ...]");
  return verifyWindow(*this, input, result, filter.getShape().drop_front(2),
                      getStrides(), getDilations(), getPadLow(), getPadHigh());
}

LogicalResult PoolOp::verify() {
  if (getKind() != "max" && getKind() != "sum")
    return emitOpError("kind must be 'max' or 'sum'");
  auto input = getInput().getType(), result = getType();
  if (!input.hasStaticShape())
    return emitOpError("needs a static input shape");
  if (result.getDimSize(0) != input.getDimSize(0) ||
      result.getDimSize(1) != input.getDimSize(1))
    return emitOpError("result must be [N, C, ...]");
  return verifyWindow(*this, input, result, getKernel(), getStrides(),
                      getDilations(), getPadLow(), getPadHigh());
}
