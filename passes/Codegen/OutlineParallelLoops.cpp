//===- OutlineParallelLoops.cpp - large scf.parallel -> parallel tasks ----===//

#include "passes/ABI/Passes.h"
#include "passes/Codegen/Passes.h"

#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/Utils/StaticValueUtils.h"
#include "mlir/IR/IRMapping.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"
#include "mlir/Transforms/RegionUtils.h"
#include "llvm/ADT/SmallBitVector.h"

namespace mlir::fmc {
#define GEN_PASS_DEF_OUTLINEPARALLELLOOPSPASS
#include "passes/Codegen/Passes.h.inc"
} // namespace mlir::fmc

using namespace mlir;

namespace {

/// The iterations of one loop dimension with constant bounds.
std::optional<int64_t> staticTripCount(Value lb, Value ub, Value step) {
  std::optional<APInt> trips = constantTripCount(
      lb, ub, step, /*isSigned=*/true,
      [](Value, Value, bool) -> std::optional<APSInt> { return std::nullopt; });
  if (!trips || trips->getActiveBits() > 62)
    return std::nullopt;
  return int64_t(trips->getZExtValue());
}

/// Innermost iterations the ops of `block` run (loops with dynamic bounds
/// count once), saturating.
int64_t iterations(Block &block) {
  int64_t total = 0;
  for (Operation &op : block) {
    int64_t trips = 1;
    if (auto linalgOp = dyn_cast<linalg::LinalgOp>(op)) {
      // Not yet loops: its static iteration domain.
      for (int64_t range : linalgOp.getStaticLoopRanges())
        if (!ShapedType::isDynamic(range))
          trips = std::min<int64_t>(trips * std::max<int64_t>(range, 1),
                                    INT64_MAX / 4);
    } else if (auto loop = dyn_cast<scf::ForOp>(op)) {
      trips = staticTripCount(loop.getLowerBound(), loop.getUpperBound(),
                              loop.getStep())
                  .value_or(1);
    } else if (auto loop = dyn_cast<scf::ParallelOp>(op)) {
      for (auto [lb, ub, step] : llvm::zip(
               loop.getLowerBound(), loop.getUpperBound(), loop.getStep()))
        trips = std::min<int64_t>(
            trips * staticTripCount(lb, ub, step).value_or(1), INT64_MAX / 4);
    }
    int64_t inner = 1;
    for (Region &region : op.getRegions())
      for (Block &nested : region)
        inner = std::max(inner, iterations(nested));
    total = std::min<int64_t>(total + trips * inner, INT64_MAX / 4);
  }
  return total;
}

/// The dimension a task splits: the first with two or more iterations (the
/// ones before it have a single iteration); nullopt for none.
std::optional<unsigned> splitDimension(scf::ParallelOp loop) {
  for (unsigned d = 0, e = loop.getNumLoops(); d < e; ++d) {
    std::optional<int64_t> trips = staticTripCount(
        loop.getLowerBound()[d], loop.getUpperBound()[d], loop.getStep()[d]);
    if (!trips || *trips == 0)
      return std::nullopt;
    if (*trips >= 2)
      return d;
  }
  return std::nullopt;
}

/// Where a buffer lives: a root object (a function argument, an
/// allocation, a global) and, for a view of the arena at a constant byte
/// offset, the bytes [begin, end) of it; views of a view keep the view's
/// bytes. Null root when the buffer cannot be traced.
struct Extent {
  Value root;
  int64_t begin = 0, end = INT64_MAX;
};

Extent extentOf(Value value) {
  Extent extent;
  while (true) {
    Operation *def = value.getDefiningOp();
    if (!def ||
        isa<memref::AllocOp, memref::AllocaOp, memref::GetGlobalOp>(def)) {
      extent.root = value;
      return extent;
    }
    if (auto view = dyn_cast<memref::ViewOp>(def)) {
      auto type = view.getType();
      std::optional<int64_t> offset = getConstantIntValue(view.getByteShift());
      if (!offset || !type.hasStaticShape() ||
          !type.getElementType().isIntOrFloat())
        return {};
      // Only the first view met on the way down counts (the innermost).
      if (extent.end == INT64_MAX) {
        extent.begin = *offset;
        extent.end =
            *offset + type.getNumElements() * type.getElementTypeBitWidth() / 8;
      } else {
        extent.begin += *offset;
        extent.end += *offset;
      }
      value = view.getSource();
      continue;
    }
    if (isa<memref::SubViewOp, memref::CollapseShapeOp, memref::ExpandShapeOp,
            memref::CastOp, memref::ReinterpretCastOp>(def)) {
      // Somewhere inside the source: the source's extent.
      extent = Extent();
      value = def->getOperand(0);
      continue;
    }
    return {};
  }
}

/// Whether two traced buffers cannot share a byte.
bool apart(const Extent &a, const Extent &b) {
  if (!a.root || !b.root)
    return false;
  if (a.root != b.root)
    return true;
  return a.end <= b.begin || b.end <= a.begin;
}

/// The task arguments (indices into `passed`) that no other argument can
/// reach while the task runs: each buffer argument whose bytes are apart
/// from every other buffer argument's, or that neither it nor the other
/// writes. Empty when some op of the loop has effects that cannot be
/// attributed to its buffers (LLVM's noalias would then not hold).
SmallVector<unsigned> unaliasedArguments(scf::ParallelOp loop,
                                         ArrayRef<Value> passed) {
  // The buffer each value of the loop reads or writes, through the views
  // the loop takes of them.
  auto passedBuffer = [&](Value value) -> std::optional<unsigned> {
    while (true) {
      if (auto it = llvm::find(passed, value); it != passed.end())
        return unsigned(it - passed.begin());
      Operation *def = value.getDefiningOp();
      if (!def || !loop->isProperAncestor(def) ||
          !isa<memref::SubViewOp, memref::CollapseShapeOp,
               memref::ExpandShapeOp, memref::CastOp, memref::ReinterpretCastOp,
               memref::ViewOp>(def))
        return std::nullopt;
      value = def->getOperand(0);
    }
  };
  llvm::SmallBitVector written(passed.size());
  bool known = true;
  loop.getBody()->walk([&](Operation *op) {
    auto effects = dyn_cast<MemoryEffectOpInterface>(op);
    if (!effects) {
      if (!op->hasTrait<OpTrait::HasRecursiveMemoryEffects>() &&
          !isa<scf::YieldOp, scf::ReduceOp, scf::ReduceReturnOp>(op))
        known = false;
      return;
    }
    SmallVector<MemoryEffects::EffectInstance> instances;
    effects.getEffects(instances);
    for (MemoryEffects::EffectInstance &instance : instances) {
      if (!isa<MemoryEffects::Write>(instance.getEffect()))
        continue;
      Value target = instance.getValue();
      if (!target) {
        // An allocation's own write effect is on its fresh buffer.
        if (isa<memref::AllocaOp, memref::AllocOp>(op))
          continue;
        known = false;
        continue;
      }
      if (std::optional<unsigned> i = passedBuffer(target))
        written.set(*i);
      else if (!target.getDefiningOp<memref::AllocaOp>() &&
               !target.getDefiningOp<memref::AllocOp>())
        known = false;
    }
  });
  if (!known)
    return {};
  SmallVector<Extent> extents;
  for (Value value : passed)
    extents.push_back(isa<MemRefType>(value.getType()) ? extentOf(value)
                                                       : Extent());
  SmallVector<unsigned> result;
  for (unsigned i = 0; i < passed.size(); ++i) {
    if (!isa<MemRefType>(passed[i].getType()) || !extents[i].root)
      continue;
    bool alone = true;
    for (unsigned j = 0; j < passed.size() && alone; ++j)
      if (j != i && isa<MemRefType>(passed[j].getType()))
        alone = apart(extents[i], extents[j]) || (!written[i] && !written[j]);
    if (alone)
      result.push_back(i);
  }
  return result;
}

struct OutlineParallelLoopsPass
    : fmc::impl::OutlineParallelLoopsPassBase<OutlineParallelLoopsPass> {
  using Base::Base;

  void runOnOperation() override {
    ModuleOp module = getOperation();
    unsigned number = 0;
    for (auto func : llvm::to_vector(module.getOps<func::FuncOp>())) {
      if (func.isExternal() || func->hasAttr(fmc::kParallelTaskAttr))
        continue;
      SmallVector<scf::ParallelOp> loops;
      func.walk<WalkOrder::PreOrder>([&](scf::ParallelOp loop) {
        loops.push_back(loop);
        return WalkResult::skip();
      });
      for (scf::ParallelOp loop : loops)
        if (worthOutlining(loop))
          outline(func, loop, number);
    }
  }

  bool worthOutlining(scf::ParallelOp loop) {
    if (loop.getNumResults() != 0)
      return false;
    if (!splitDimension(loop))
      return false;
    int64_t trips = 1;
    for (auto [lb, ub, step] : llvm::zip(
             loop.getLowerBound(), loop.getUpperBound(), loop.getStep())) {
      std::optional<int64_t> n = staticTripCount(lb, ub, step);
      if (!n)
        return false;
      trips = std::min<int64_t>(trips * *n, INT64_MAX / 4);
    }
    int64_t body = std::max<int64_t>(1, iterations(*loop.getBody()));
    if (trips * body < minWork)
      return false;
    SetVector<Value> captured;
    getUsedValuesDefinedAbove(loop.getRegion(), captured);
    return llvm::all_of(captured, [](Value value) {
      return !isa<BaseMemRefType>(value.getType()) ||
             fmc::isBarePointerCompatible(value.getType());
    });
  }

  void outline(func::FuncOp parent, scf::ParallelOp loop, unsigned &number) {
    Location loc = loop.getLoc();
    SetVector<Value> captured;
    getUsedValuesDefinedAbove(loop.getRegion(), captured);
    // Constants are recreated in the task, and so are the loop's own
    // scratch buffers (fmc-hoist-loop-buffers' stack buffers that only the
    // loop uses): each thread needs its own. Everything else is an argument.
    SmallVector<Value> passed;
    SmallVector<memref::AllocaOp> scratch;
    for (Value value : captured) {
      if (matchPattern(value, m_Constant()))
        continue;
      if (auto alloca = value.getDefiningOp<memref::AllocaOp>();
          alloca && alloca->getNumOperands() == 0 &&
          llvm::all_of(alloca->getUsers(), [&](Operation *user) {
            return loop->isProperAncestor(user);
          })) {
        scratch.push_back(alloca);
        continue;
      }
      passed.push_back(value);
    }

    unsigned split = *splitDimension(loop);
    OpBuilder site(loop);
    SmallVector<Value> args = {arith::ConstantIndexOp::create(site, loc, 0),
                               arith::ConstantIndexOp::create(
                                   site, loc,
                                   *staticTripCount(loop.getLowerBound()[split],
                                                    loop.getUpperBound()[split],
                                                    loop.getStep()[split]))};
    SmallVector<Type> types = {site.getIndexType(), site.getIndexType()};
    for (Value value : passed) {
      args.push_back(value);
      types.push_back(value.getType());
    }

    OpBuilder b(parent->getContext());
    b.setInsertionPointAfter(parent);
    // The pass may run more than once: skip names already taken.
    auto module = parent->getParentOfType<ModuleOp>();
    std::string name;
    do {
      name = (parent.getName() + "_loop" + std::to_string(number++)).str();
    } while (module.lookupSymbol(name));
    auto task =
        func::FuncOp::create(b, loc, name, b.getFunctionType(types, {}));
    task.setPrivate();
    task->setAttr(fmc::kParallelTaskAttr, b.getUnitAttr());
    // Buffers no other argument reaches are noalias, so that LLVM may
    // vectorize the task's copies and elementwise loops (a copy between
    // two views of the arena otherwise stays scalar).
    for (unsigned i : unaliasedArguments(loop, passed))
      task.setArgAttr(i + 2, "llvm.noalias", b.getUnitAttr());
    Block *body = task.addEntryBlock();
    b.setInsertionPointToStart(body);
    IRMapping mapping;
    for (Value value : captured)
      if (Operation *constant = value.getDefiningOp();
          constant && matchPattern(value, m_Constant()))
        mapping.map(value, b.clone(*constant)->getResult(0));
    for (memref::AllocaOp alloca : scratch)
      mapping.map(alloca.getResult(), b.clone(*alloca)->getResult(0));
    for (auto [value, argument] :
         llvm::zip(passed, body->getArguments().drop_front(2)))
      mapping.map(value, argument);
    // Iterations [begin, end) of the split dimension, all of the others.
    // The bounds are constants (worthOutlining checked): recreate them.
    auto bound = [&](Value v) -> Value {
      if (Value mapped = mapping.lookupOrNull(v))
        return mapped;
      Value copy = b.clone(*v.getDefiningOp())->getResult(0);
      mapping.map(v, copy);
      return copy;
    };
    SmallVector<Value> lbs = llvm::map_to_vector(loop.getLowerBound(), bound);
    SmallVector<Value> ubs = llvm::map_to_vector(loop.getUpperBound(), bound);
    SmallVector<Value> steps = llvm::map_to_vector(loop.getStep(), bound);
    Value first = lbs[split];
    lbs[split] = arith::AddIOp::create(
        b, loc, first,
        arith::MulIOp::create(b, loc, body->getArgument(0), steps[split]));
    ubs[split] = arith::AddIOp::create(
        b, loc, first,
        arith::MulIOp::create(b, loc, body->getArgument(1), steps[split]));
    auto copy = scf::ParallelOp::create(b, loc, lbs, ubs, steps);
    for (auto [from, to] :
         llvm::zip(loop.getInductionVars(), copy.getInductionVars()))
      mapping.map(from, to);
    b.setInsertionPoint(copy.getBody()->getTerminator());
    for (Operation &op : loop.getBody()->without_terminator())
      b.clone(op, mapping);
    b.setInsertionPointAfter(copy);
    func::ReturnOp::create(b, loc);

    func::CallOp::create(site, loc, task, args);
    loop.erase();
    for (memref::AllocaOp alloca : scratch)
      alloca.erase();
  }
};

} // namespace
