//===- LaunchesToHostLoops.cpp - gpu.launch -> sequential loops -----------===//

#include "passes/GPU/Passes.h"

#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/IR/IRMapping.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"

namespace mlir::fmc {
#define GEN_PASS_DEF_LAUNCHESTOHOSTLOOPSPASS
#include "passes/GPU/Passes.h.inc"
} // namespace mlir::fmc

using namespace mlir;

namespace {

/// Views of shared memory keep its address space in their type; on the host
/// shared memory is an ordinary buffer, so the cloned views' types lose it.
void dropSharedAddressSpace(Operation *clone) {
  clone->walk([](Operation *op) {
    for (Value result : op->getResults())
      if (auto type = dyn_cast<MemRefType>(result.getType()))
        if (isa_and_nonnull<gpu::AddressSpaceAttr>(type.getMemorySpace()))
          result.setType(MemRefType::Builder(type).setMemorySpace({}));
  });
}

bool containsBarrier(Operation *op) {
  return op->walk([](gpu::BarrierOp) { return WalkResult::interrupt(); })
      .wasInterrupted();
}

/// Runs the threads of one block of a kernel with barriers as host loops:
/// the code between two barriers (a segment) becomes one loop over the
/// block's threads, so every thread finishes a segment before any starts
/// the next. A value one segment computes and another uses is kept per
/// thread in a slot buffer (one element per thread). Ops that do not depend
/// on the thread (constants, arithmetic on block ids and kernel operands)
/// run once, outside the thread loops. A loop that contains barriers must
/// have the same bounds in every thread (as on a GPU): it runs once on the
/// host, its body split the same way, its iteration values in slots.
class BlockEmulator {
public:
  BlockEmulator(IRRewriter &rewriter, gpu::LaunchOp launch, IRMapping &uniform,
                Value threads, OpBuilder::InsertPoint slotPoint,
                SmallVectorImpl<Value> &buffers)
      : rewriter(rewriter), launch(launch), uniform(uniform), threads(threads),
        slotPoint(slotPoint), buffers(buffers) {
    OpBuilder::InsertionGuard guard(rewriter);
    rewriter.restoreInsertionPoint(slotPoint);
    zero = arith::ConstantIndexOp::create(rewriter, launch.getLoc(), 0);
    one = arith::ConstantIndexOp::create(rewriter, launch.getLoc(), 1);
  }

  LogicalResult emitBlock(Block &block) {
    SmallVector<Operation *> segment;
    for (Operation &op : block.without_terminator()) {
      if (isa<gpu::BarrierOp>(op)) {
        if (failed(flush(block, segment)))
          return failure();
        continue;
      }
      if (containsBarrier(&op)) {
        if (failed(flush(block, segment)))
          return failure();
        auto loop = dyn_cast<scf::ForOp>(op);
        if (!loop)
          return op.emitError("a barrier inside this op cannot run as host "
                              "loops (only scf.for may contain barriers)");
        if (failed(emitLoop(loop)))
          return failure();
        continue;
      }
      if (isUniform(op)) {
        dropSharedAddressSpace(rewriter.clone(op, uniform));
        continue;
      }
      segment.push_back(&op);
    }
    return flush(block, segment);
  }

private:
  bool isUniform(Value v) {
    return uniform.contains(v) ||
           !launch.getBody().isAncestor(v.getParentRegion());
  }

  bool isUniform(Operation &op) {
    return op.getNumRegions() == 0 && isMemoryEffectFree(&op) &&
           llvm::all_of(op.getOperands(),
                        [&](Value v) { return isUniform(v); });
  }

  /// The slot buffer of a per-thread value, created on first use.
  Value slot(Value v) {
    Value &buffer = slots[v];
    if (!buffer) {
      OpBuilder::InsertionGuard guard(rewriter);
      rewriter.restoreInsertionPoint(slotPoint);
      std::optional<int64_t> count = getConstantIntValue(threads);
      auto type =
          MemRefType::get({count ? *count : ShapedType::kDynamic}, v.getType());
      buffer = memref::AllocOp::create(
          rewriter, v.getLoc(), type,
          count ? ValueRange{} : ValueRange{uniform.lookupOrDefault(threads)});
      buffers.push_back(buffer);
    }
    return buffer;
  }

  /// A loop over the block's threads at the insertion point, with the
  /// launch's thread ids bound in `map`; leaves the builder in its body.
  Value threadLoop(IRMapping &map) {
    Location loc = launch.getLoc();
    auto loop = scf::ForOp::create(rewriter, loc, zero, threads, one);
    rewriter.setInsertionPointToStart(loop.getBody());
    Value t = loop.getInductionVar();
    gpu::KernelDim3 size = launch.getBlockSize(), id = launch.getThreadIds();
    Value sx = uniform.lookup(size.x), sy = uniform.lookup(size.y);
    Value rest = arith::DivUIOp::create(rewriter, loc, t, sx);
    map.map(id.x, arith::RemUIOp::create(rewriter, loc, t, sx));
    map.map(id.y, arith::RemUIOp::create(rewriter, loc, rest, sy));
    map.map(id.z, arith::DivUIOp::create(rewriter, loc, rest, sy));
    return t;
  }

  /// `v` in thread `t`: uniform values as they are, others from their slot.
  FailureOr<Value> valueIn(Value v, Value t, Location loc) {
    if (isUniform(v))
      return uniform.lookupOrDefault(v);
    auto it = slots.find(v);
    if (it == slots.end())
      return failure();
    return Value(memref::LoadOp::create(rewriter, loc, it->second, t));
  }

  /// Emits `segment` (ops of `block`) as one loop over the threads.
  LogicalResult flush(Block &block, SmallVector<Operation *> &segment) {
    if (segment.empty())
      return success();
    llvm::SmallPtrSet<Operation *, 16> members(segment.begin(), segment.end());
    OpBuilder::InsertionGuard guard(rewriter);
    IRMapping map = uniform;
    Value t = threadLoop(map);
    for (Operation *op : segment) {
      // Values of earlier segments come from their slots.
      WalkResult loaded = op->walk([&](Operation *nested) {
        for (Value v : nested->getOperands()) {
          if (map.contains(v) || isUniform(v))
            continue;
          // Defined by this segment, or inside the op being cloned.
          Operation *def = v.getDefiningOp();
          if ((def && members.contains(def)) ||
              op->isAncestor(v.getParentRegion()->getParentOp()))
            continue;
          FailureOr<Value> value = valueIn(v, t, nested->getLoc());
          if (failed(value)) {
            nested->emitError("a value from another part of the kernel has "
                              "no per-thread copy; cannot run as host loops");
            return WalkResult::interrupt();
          }
          map.map(v, *value);
        }
        return WalkResult::advance();
      });
      if (loaded.wasInterrupted())
        return failure();
      Operation *clone = rewriter.clone(*op, map);
      dropSharedAddressSpace(clone);
      for (auto [result, cloned] :
           llvm::zip(op->getResults(), clone->getResults())) {
        bool usedLater = llvm::any_of(result.getUsers(), [&](Operation *user) {
          Operation *ancestor = block.findAncestorOpInBlock(*user);
          return !ancestor || !members.contains(ancestor);
        });
        if (usedLater)
          memref::StoreOp::create(rewriter, op->getLoc(), cloned, slot(result),
                                  t);
      }
    }
    segment.clear();
    return success();
  }

  /// Copies `values` (in every thread) into the slots of `targets`.
  LogicalResult copyToSlots(ValueRange values, ValueRange targets,
                            Location loc) {
    OpBuilder::InsertionGuard guard(rewriter);
    IRMapping map;
    Value t = threadLoop(map);
    SmallVector<Value> read;
    for (Value v : values) {
      FailureOr<Value> value = valueIn(v, t, loc);
      if (failed(value))
        return emitError(loc, "a loop value has no per-thread copy; cannot "
                              "run as host loops");
      read.push_back(*value);
    }
    for (auto [value, target] : llvm::zip(read, targets))
      memref::StoreOp::create(rewriter, loc, value, slot(target), t);
    return success();
  }

  LogicalResult emitLoop(scf::ForOp loop) {
    Location loc = loop.getLoc();
    for (Value bound :
         {loop.getLowerBound(), loop.getUpperBound(), loop.getStep()})
      if (!isUniform(bound))
        return loop.emitError("a loop with barriers must have the same "
                              "bounds in every thread to run as host loops");
    // The iteration values live in the slots of the body's arguments; the
    // loop's results read the same slots.
    if (failed(copyToSlots(loop.getInitArgs(), loop.getRegionIterArgs(), loc)))
      return failure();
    auto host = scf::ForOp::create(
        rewriter, loc, uniform.lookupOrDefault(loop.getLowerBound()),
        uniform.lookupOrDefault(loop.getUpperBound()),
        uniform.lookupOrDefault(loop.getStep()));
    uniform.map(loop.getInductionVar(), host.getInductionVar());
    {
      OpBuilder::InsertionGuard guard(rewriter);
      rewriter.setInsertionPoint(host.getBody()->getTerminator());
      if (failed(emitBlock(*loop.getBody())))
        return failure();
      auto yield = cast<scf::YieldOp>(loop.getBody()->getTerminator());
      if (failed(
              copyToSlots(yield.getOperands(), loop.getRegionIterArgs(), loc)))
        return failure();
    }
    for (auto [result, arg] :
         llvm::zip(loop.getResults(), loop.getRegionIterArgs()))
      slots[result] = slot(arg);
    return success();
  }

  IRRewriter &rewriter;
  gpu::LaunchOp launch;
  IRMapping &uniform;
  Value threads;
  OpBuilder::InsertPoint slotPoint;
  SmallVectorImpl<Value> &buffers;
  Value zero, one;
  DenseMap<Value, Value> slots;
};

LogicalResult lowerLaunch(gpu::LaunchOp launch, IRRewriter &rewriter) {
  if (launch.getAsyncToken() || !launch.getAsyncDependencies().empty() ||
      !launch.getPrivateAttributions().empty() ||
      launch.getDynamicSharedMemorySize() || launch.hasClusterSize() ||
      !launch.getBody().hasOneBlock())
    return launch.emitError("only synchronous single-block launches without "
                            "private memory, dynamic shared memory or "
                            "clusters run as host loops");
  bool lockstep =
      containsBarrier(launch) || !launch.getWorkgroupAttributions().empty();

  Location loc = launch.getLoc();
  rewriter.setInsertionPoint(launch);
  Value zero = arith::ConstantIndexOp::create(rewriter, loc, 0);
  Value one = arith::ConstantIndexOp::create(rewriter, loc, 1);
  gpu::KernelDim3 grid = launch.getGridSizeOperandValues();
  gpu::KernelDim3 block = launch.getBlockSizeOperandValues();
  IRMapping mapping;
  auto bindSizes = [&](gpu::KernelDim3 args, gpu::KernelDim3 values) {
    mapping.map(args.x, values.x);
    mapping.map(args.y, values.y);
    mapping.map(args.z, values.z);
  };
  bindSizes(launch.getGridSize(), grid);
  bindSizes(launch.getBlockSize(), block);
  SmallVector<Value> buffers;
  for (BlockArgument shared : launch.getWorkgroupAttributions()) {
    auto type = cast<MemRefType>(shared.getType());
    buffers.push_back(memref::AllocOp::create(
        rewriter, loc, MemRefType::Builder(type).setMemorySpace({})));
    mapping.map(shared, buffers.back());
  }
  Value threads = rewriter.createOrFold<arith::MulIOp>(
      loc, rewriter.createOrFold<arith::MulIOp>(loc, block.x, block.y),
      block.z);

  // Blocks z, y, x, then (without barriers) threads z, y, x: each thread
  // runs to completion before the next.
  SmallVector<Value> bounds = {grid.z, grid.y, grid.x};
  SmallVector<Value> ids = {launch.getBlockIds().z, launch.getBlockIds().y,
                            launch.getBlockIds().x};
  if (!lockstep) {
    bounds.append({block.z, block.y, block.x});
    ids.append({launch.getThreadIds().z, launch.getThreadIds().y,
                launch.getThreadIds().x});
  }
  // The slot buffers go before the outermost loop.
  OpBuilder::InsertPoint slotPoint;
  for (auto [bound, id] : llvm::zip(bounds, ids)) {
    auto loop = scf::ForOp::create(rewriter, loc, zero, bound, one);
    if (!slotPoint.isSet())
      slotPoint = OpBuilder::InsertPoint(loop->getBlock(),
                                         Block::iterator(loop.getOperation()));
    mapping.map(id, loop.getInductionVar());
    rewriter.setInsertionPointToStart(loop.getBody());
  }
  Block &body = launch.getBody().front();
  if (lockstep) {
    BlockEmulator emulator(rewriter, launch, mapping, threads, slotPoint,
                           buffers);
    if (failed(emulator.emitBlock(body)))
      return failure();
  } else {
    for (Operation &op : body.without_terminator())
      rewriter.clone(op, mapping);
  }
  // Shared memory and the slots are heap buffers (the launch may sit in a
  // loop), freed when the kernel is done.
  rewriter.setInsertionPoint(launch);
  for (Value buffer : buffers)
    memref::DeallocOp::create(rewriter, loc, buffer);
  rewriter.eraseOp(launch);
  return success();
}

struct LaunchesToHostLoopsPass
    : fmc::impl::LaunchesToHostLoopsPassBase<LaunchesToHostLoopsPass> {
  void runOnOperation() override {
    IRRewriter rewriter(&getContext());
    SmallVector<gpu::LaunchOp> launches;
    getOperation().walk(
        [&](gpu::LaunchOp launch) { launches.push_back(launch); });
    for (gpu::LaunchOp launch : launches)
      if (failed(lowerLaunch(launch, rewriter)))
        return signalPassFailure();
    SmallVector<Operation *> buffers;
    getOperation().walk([&](Operation *op) {
      if (isa<gpu::AllocOp, gpu::DeallocOp>(op))
        buffers.push_back(op);
    });
    for (Operation *op : buffers) {
      rewriter.setInsertionPoint(op);
      if (auto alloc = dyn_cast<gpu::AllocOp>(op)) {
        if (alloc.getAsyncToken() || alloc.getHostShared()) {
          alloc.emitError("only synchronous device allocations run on the "
                          "host");
          return signalPassFailure();
        }
        rewriter.replaceOpWithNewOp<memref::AllocOp>(
            op, alloc.getMemref().getType(), alloc.getDynamicSizes(),
            alloc.getSymbolOperands(), IntegerAttr());
        continue;
      }
      auto dealloc = cast<gpu::DeallocOp>(op);
      if (dealloc.getAsyncToken()) {
        dealloc.emitError("only synchronous device frees run on the host");
        return signalPassFailure();
      }
      rewriter.replaceOpWithNewOp<memref::DeallocOp>(op, dealloc.getMemref());
    }
  }
};

} // namespace
