//===- LaunchesToHostLoops.cpp - gpu.launch -> sequential loops -----------===//

#include "passes/GPU/Passes.h"

#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/IR/IRMapping.h"
#include "mlir/IR/PatternMatch.h"

namespace mlir::fmc {
#define GEN_PASS_DEF_LAUNCHESTOHOSTLOOPSPASS
#include "passes/GPU/Passes.h.inc"
} // namespace mlir::fmc

using namespace mlir;

namespace {

LogicalResult lowerLaunch(gpu::LaunchOp launch, IRRewriter &rewriter) {
  if (launch.getAsyncToken() || !launch.getAsyncDependencies().empty() ||
      !launch.getWorkgroupAttributions().empty() ||
      !launch.getPrivateAttributions().empty() ||
      launch.getDynamicSharedMemorySize() || launch.hasClusterSize() ||
      !launch.getBody().hasOneBlock())
    return launch.emitError("only synchronous single-block launches without "
                            "shared memory or clusters run as host loops");
  WalkResult barriers = launch.getBody().walk([](Operation *op) {
    return isa<gpu::BarrierOp>(op) ? WalkResult::interrupt()
                                   : WalkResult::advance();
  });
  if (barriers.wasInterrupted())
    return launch.emitError("a kernel with barriers cannot run as host loops");

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
  // Blocks z, y, x, then threads z, y, x: each thread of a block runs to
  // completion before the next, which is valid without barriers.
  Value bounds[] = {grid.z, grid.y, grid.x, block.z, block.y, block.x};
  Value ids[] = {launch.getBlockIds().z,  launch.getBlockIds().y,
                 launch.getBlockIds().x,  launch.getThreadIds().z,
                 launch.getThreadIds().y, launch.getThreadIds().x};
  for (auto [bound, id] : llvm::zip(bounds, ids)) {
    auto loop = scf::ForOp::create(rewriter, loc, zero, bound, one);
    mapping.map(id, loop.getInductionVar());
    rewriter.setInsertionPointToStart(loop.getBody());
  }
  for (Operation &op : launch.getBody().front().without_terminator())
    rewriter.clone(op, mapping);
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
