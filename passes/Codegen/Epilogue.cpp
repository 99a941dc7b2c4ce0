//===- Epilogue.cpp - fills and elementwise consumers around a matmul -----===//

#include "passes/Codegen/Epilogue.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/IR/IRMapping.h"
#include "mlir/IR/Matchers.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"
#include "mlir/Interfaces/ViewLikeInterface.h"
#include "llvm/ADT/SetVector.h"

using namespace mlir;
using namespace mlir::fmc;

namespace {

/// The buffer `v` is a view of, and its byte range there when the way there
/// crosses one memref.view with a constant offset and a static shape (and
/// no view that may reach outside its source).
struct Place {
  Value root;
  std::optional<std::pair<int64_t, int64_t>> bytes;
};

Place placeOf(Value v) {
  Place p;
  bool unknown = false, sawView = false;
  while (Operation *def = v.getDefiningOp()) {
    if (auto view = dyn_cast<memref::ViewOp>(def)) {
      auto type = view.getType();
      std::optional<int64_t> shift = getConstantIntValue(view.getByteShift());
      if (sawView || !shift || !type.hasStaticShape() ||
          !type.getElementType().isIntOrFloat())
        unknown = true;
      else
        p.bytes = {{*shift, *shift + type.getNumElements() *
                                         type.getElementTypeBitWidth() / 8}};
      sawView = true;
      v = view.getSource();
      continue;
    }
    auto viewLike = dyn_cast<ViewLikeOpInterface>(def);
    if (!viewLike)
      break;
    if (isa<memref::ReinterpretCastOp>(def))
      unknown = true;
    v = viewLike.getViewSource();
  }
  p.root = v;
  if (unknown)
    p.bytes.reset();
  return p;
}

bool mayAlias(Value a, Value b) {
  if (a == b)
    return true;
  Place pa = placeOf(a), pb = placeOf(b);
  if (pa.root != pb.root)
    return false;
  if (!pa.bytes || !pb.bytes)
    return true;
  return pa.bytes->first < pb.bytes->second &&
         pb.bytes->first < pa.bytes->second;
}

/// The next (previous) operation that may touch memory.
Operation *nextEffecting(Operation *op, bool forward) {
  for (Operation *o = forward ? op->getNextNode() : op->getPrevNode(); o;
       o = forward ? o->getNextNode() : o->getPrevNode())
    if (!isMemoryEffectFree(o))
      return o;
  return nullptr;
}

/// Whether the epilogue may read inputs of `t`: f32, and with
/// `narrowFloats` f16 and bf16.
bool isFloatInput(Type t, bool narrowFloats) {
  return t.isF32() || (narrowFloats && isa<Float16Type, BFloat16Type>(t));
}

/// Whether the kernel's vectors can hold `t`: f32, i1 (masks), the
/// integers a quantizing epilogue converts to, and with `narrowFloats` f16
/// and bf16 (activations stored narrow).
bool isVectorElement(Type t, bool narrowFloats) {
  return t.isSignlessInteger() || isFloatInput(t, narrowFloats);
}

/// Whether a vector of `t` is stored one element per byte or more (a
/// vector of i1 or i4 would be stored as packed bits).
bool isStorableElement(Type t, bool narrowFloats) {
  unsigned width = t.getIntOrFloatBitWidth();
  return isVectorElement(t, narrowFloats) && width >= 8 &&
         llvm::isPowerOf2_32(width);
}

/// Whether every op of `generic`'s body is a scalar arith or math op on f32
/// or integers (or f16/bf16 with `narrowFloats`) whose other operands are
/// constants, so that it can be applied to vectors as is; and its output's
/// block argument is unused. It yields f32, an integer of 8 bits or more
/// (quantization: scale, round, add the zero point, clamp, convert) or
/// with `narrowFloats` f16/bf16.
bool isVectorizableBody(linalg::GenericOp generic, bool narrowFloats) {
  Block &body = generic.getRegion().front();
  if (!body.getArguments().back().use_empty())
    return false;
  for (Operation &op : body.without_terminator()) {
    if (!isa<arith::ArithDialect, math::MathDialect>(op.getDialect()) ||
        op.getNumRegions() || op.getNumResults() != 1)
      return false;
    for (Type t :
         llvm::concat<const Type>(op.getOperandTypes(), op.getResultTypes()))
      if (!isVectorElement(t, narrowFloats))
        return false;
    // Values from outside the body must be float or integer constants (the
    // kernel may be outlined into a function of its own; they become
    // splats).
    Attribute value;
    for (Value v : op.getOperands())
      if (v.getParentRegion() != &generic.getRegion() &&
          (!matchPattern(v, m_Constant(&value)) ||
           !isa<FloatAttr, IntegerAttr>(value)))
        return false;
    if (matchPattern(op.getResult(0), m_Constant(&value)) &&
        !isa<FloatAttr, IntegerAttr>(value))
      return false;
  }
  auto yield = cast<linalg::YieldOp>(body.getTerminator());
  return yield.getNumOperands() == 1 &&
         isStorableElement(yield.getOperand(0).getType(), narrowFloats) &&
         yield.getOperand(0).getParentRegion() == &generic.getRegion();
}

/// Whether `v` is defined before `op` (same block) or outside its block, or
/// can be: a memory-effect-free definition after it (a view, a constant)
/// whose operands can be is added to `moves`, operands first.
bool definedBefore(Value v, Operation *op, SetVector<Operation *> &moves) {
  Operation *def = v.getDefiningOp();
  if (!def || def->getBlock() != op->getBlock() || def->isBeforeInBlock(op) ||
      moves.contains(def))
    return true;
  if (!isMemoryEffectFree(def) || def->getNumRegions())
    return false;
  for (Value operand : def->getOperands())
    if (!definedBefore(operand, op, moves))
      return false;
  moves.insert(def);
  return true;
}

/// Whether the value `op` leaves in `out` is read by `generic` only: every
/// other use of out or of a view of it (a buffer the arena may reuse for
/// several values) is in `op`'s block before `op`, or after `generic` where
/// the first one is a fill of all of out or its deallocation. Uses in
/// other blocks, and views defined after `op`, are taken as reads.
bool diesWith(Value out, Operation *op, Operation *generic) {
  Block *block = op->getBlock();
  Operation *first = nullptr;
  SmallVector<Value> worklist = {out};
  while (!worklist.empty()) {
    Value v = worklist.pop_back_val();
    for (Operation *user : v.getUsers()) {
      if (user == op || user == generic)
        continue;
      Operation *at = block->findAncestorOpInBlock(*user);
      if (!at)
        return false;
      if (at->isBeforeInBlock(op)) {
        // A view made before the contraction may be read after it.
        if (auto view = dyn_cast<ViewLikeOpInterface>(user))
          if (view.getViewSource() == v)
            for (Value result : user->getResults())
              worklist.push_back(result);
        continue;
      }
      if (!generic->isBeforeInBlock(at))
        return false;
      if (!first || at->isBeforeInBlock(first))
        first = at;
    }
  }
  if (!first)
    return true;
  if (isa<memref::DeallocOp>(first))
    return first->getOperand(0) == out;
  auto fill = dyn_cast<linalg::FillOp>(first);
  return fill && fill.hasPureBufferSemantics() && fill.getDpsInits()[0] == out;
}

linalg::GenericOp matchEpilogue(linalg::GenericOp op, const Contraction &c,
                                bool narrowFloats,
                                SmallVectorImpl<EpilogueInput> &inputs) {
  Value lhs = op.getDpsInputs()[0], rhs = op.getDpsInputs()[1];
  Value out = op.getDpsInits()[0];
  auto generic =
      dyn_cast_or_null<linalg::GenericOp>(nextEffecting(op, /*forward=*/true));
  if (!generic || !generic.hasPureBufferSemantics() ||
      generic.getNumDpsInits() != 1 ||
      generic.getNumParallelLoops() != generic.getNumLoops() ||
      !isVectorizableBody(generic, narrowFloats))
    return {};
  auto outType = cast<MemRefType>(out.getType());
  Value result = generic.getDpsInits()[0];
  auto resultType = cast<MemRefType>(result.getType());
  if (resultType.getShape() != outType.getShape() ||
      !resultType.isLastDimUnitStride() ||
      !generic.getMatchingIndexingMap(&generic.getDpsInitsMutable()[0])
           .isIdentity())
    return {};
  // The kernel writes the result while it still reads lhs, rhs and out.
  if (result != out &&
      (mayAlias(result, lhs) || mayAlias(result, rhs) || mayAlias(result, out)))
    return {};
  // Out's last value is never stored: out must be an intermediate buffer
  // of its own (an allocation or an arena view, not a model output or a
  // view into another buffer), and that value must die with the epilogue
  // (unless the epilogue writes out): out's other uses come before the
  // contraction or after it is overwritten.
  if (result != out && !out.getDefiningOp<memref::AllocOp>() &&
      !out.getDefiningOp<memref::AllocaOp>() &&
      !out.getDefiningOp<memref::ViewOp>())
    return {};
  if (result != out && !diesWith(out, op, generic))
    return {};

  AffineMap outMap = op.getIndexingMapsArray()[2];
  unsigned outUses = 0;
  for (OpOperand *input : generic.getDpsInputOperands()) {
    Value v = input->get();
    AffineMap map = generic.getMatchingIndexingMap(input).compose(outMap);
    if (v == out) {
      if (!generic.getMatchingIndexingMap(input).isIdentity())
        return {};
      ++outUses;
      inputs.push_back({EpilogueInput::Out, map});
      continue;
    }
    auto type = dyn_cast<MemRefType>(v.getType());
    if (!type || !isFloatInput(type.getElementType(), narrowFloats) ||
        mayAlias(v, result) || mayAlias(v, out))
      return {};
    bool usesN = llvm::any_of(
        map.getResults(), [&](AffineExpr e) { return e.isFunctionOfDim(c.n); });
    if (!usesN) {
      inputs.push_back({EpilogueInput::Broadcast, map});
      continue;
    }
    // Contiguous along n: n is the last index (alone) and nowhere else.
    AffineExpr last = map.getResults().back();
    bool nLastOnly =
        last == getAffineDimExpr(c.n, map.getContext()) &&
        llvm::none_of(map.getResults().drop_back(),
                      [&](AffineExpr e) { return e.isFunctionOfDim(c.n); });
    if (!nLastOnly || !type.isLastDimUnitStride())
      return {};
    inputs.push_back({EpilogueInput::Vector, map});
  }
  if (outUses != 1)
    return {};
  // The kernel replaces the contraction: what the epilogue reads and writes
  // must be defined before it (views made in between move up).
  SetVector<Operation *> moves;
  for (Value v : generic->getOperands())
    if (!definedBefore(v, op, moves))
      return {};
  for (Operation *move : moves)
    move->moveBefore(op);
  return generic;
}

} // namespace

SmallVector<Value> Fusion::extraOperands() const {
  SmallVector<Value> operands;
  if (!epilogue)
    return operands;
  linalg::GenericOp generic = epilogue;
  for (auto [input, how] : llvm::zip(generic.getDpsInputs(), inputs))
    if (how.kind != EpilogueInput::Out)
      operands.push_back(input);
  operands.push_back(generic.getDpsInits()[0]);
  return operands;
}

Fusion mlir::fmc::matchFusion(linalg::GenericOp op, const Contraction &c,
                              bool narrowFloats) {
  Fusion f;
  // Without k there are no kc blocks: none to replace the fill, none to
  // apply the epilogue.
  if (c.sizes[c.k] == 0)
    return f;
  Value out = op.getDpsInits()[0];
  if (auto fill = dyn_cast_or_null<linalg::FillOp>(
          nextEffecting(op, /*forward=*/false)))
    if (fill.hasPureBufferSemantics() && fill.getDpsInits()[0] == out &&
        matchPattern(fill.getDpsInputs()[0], m_AnyZeroFloat()))
      f.zeroFill = fill;
  f.epilogue = matchEpilogue(op, c, narrowFloats, f.inputs);
  if (!f.epilogue)
    f.inputs.clear();
  return f;
}

Value mlir::fmc::emitEpilogueBody(
    OpBuilder &b, Location loc, const Fusion &fusion, ValueRange extraOperands,
    Value sum, int64_t lanes, function_ref<Value(unsigned, Value)> readInput) {
  linalg::GenericOp generic = fusion.epilogue;
  Block &body = generic.getRegion().front();
  IRMapping map;
  unsigned operand = 0;
  for (auto [i, input] : llvm::enumerate(fusion.inputs)) {
    BlockArgument arg = body.getArgument(i);
    if (input.kind == EpilogueInput::Out)
      map.map(arg, sum);
    else
      map.map(arg, readInput(i, extraOperands[operand++]));
  }
  for (Operation &op : body.without_terminator()) {
    // Constants (from the body or around it; matchFusion allows no other
    // outside values) become splats.
    auto splat = [&](Value v, Attribute value) {
      auto type = VectorType::get({lanes}, v.getType());
      map.map(v, arith::ConstantOp::create(
                     b, loc, type, DenseElementsAttr::get(type, value)));
    };
    Attribute value;
    for (Value v : op.getOperands())
      if (!map.contains(v) && matchPattern(v, m_Constant(&value)))
        splat(v, value);
    if (matchPattern(op.getResult(0), m_Constant(&value))) {
      splat(op.getResult(0), value);
      continue;
    }
    Type resultType = VectorType::get({lanes}, op.getResult(0).getType());
    Operation *clone = b.clone(op, map);
    clone->getResult(0).setType(resultType);
  }
  return map.lookup(body.getTerminator()->getOperand(0));
}
