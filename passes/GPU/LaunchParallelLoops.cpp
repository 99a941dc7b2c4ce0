//===- LaunchParallelLoops.cpp - scf.parallel -> gpu.launch ---------------===//

#include "passes/GPU/Passes.h"

#include "mlir/Dialect/Arith/Utils/Utils.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/IR/IRMapping.h"
#include "mlir/IR/PatternMatch.h"

namespace mlir::fmc {
#define GEN_PASS_DEF_LAUNCHPARALLELLOOPSPASS
#include "passes/GPU/Passes.h.inc"
} // namespace mlir::fmc

using namespace mlir;

namespace {

bool containsLaunch(Operation *op) {
  return op->walk([](gpu::LaunchOp) { return WalkResult::interrupt(); })
      .wasInterrupted();
}

/// Whether `op` or an op nested in it reads or writes buffer contents.
bool accessesMemory(Operation *op) {
  return op
      ->walk([](Operation *nested) {
        if (isa<memref::LoadOp, memref::StoreOp, memref::AtomicRMWOp,
                memref::CopyOp, vector::LoadOp, vector::StoreOp,
                vector::TransferReadOp, vector::TransferWriteOp,
                vector::MaskedLoadOp, vector::MaskedStoreOp, linalg::LinalgOp>(
                nested))
          return WalkResult::interrupt();
        return WalkResult::advance();
      })
      .wasInterrupted();
}

class Launcher {
public:
  Launcher(MLIRContext *ctx, int64_t blockSize, StringRef moduleName)
      : rewriter(ctx), blockSize(blockSize),
        module(FlatSymbolRefAttr::get(ctx, moduleName)) {}

  /// An empty launch of `blocks` x `threads` before `before`, with its
  /// terminator; the builder is left at the start of its body.
  gpu::LaunchOp createLaunch(Operation *before, Value blocks, Value threads,
                             StringRef what) {
    Location loc = before->getLoc();
    rewriter.setInsertionPoint(before);
    Value one = arith::ConstantIndexOp::create(rewriter, loc, 1);
    auto launch = gpu::LaunchOp::create(
        rewriter, loc, blocks, one, one, threads, one, one,
        /*dynamicSharedMemorySize=*/nullptr, /*asyncTokenType=*/nullptr,
        /*asyncDependencies=*/{}, /*workgroupAttributions=*/{},
        /*privateAttributions=*/{}, nullptr, nullptr, nullptr, module);
    launch->setAttr(fmc::kKernelAttr, rewriter.getStringAttr(what));
    Block &body = launch.getBody().front();
    rewriter.setInsertionPointToEnd(&body);
    gpu::TerminatorOp::create(rewriter, loc);
    rewriter.setInsertionPointToStart(&body);
    return launch;
  }

  /// One thread per iteration of `loop`, linearized with the innermost
  /// dimension fastest.
  LogicalResult launchLoop(scf::ParallelOp loop) {
    if (loop.getNumResults() != 0)
      return loop.emitError("a parallel loop with reductions cannot be "
                            "mapped to GPU threads");
    Location loc = loop.getLoc();
    rewriter.setInsertionPoint(loop);
    SmallVector<Value> counts;
    Value total = arith::ConstantIndexOp::create(rewriter, loc, 1);
    for (auto [lb, ub, step] : llvm::zip(
             loop.getLowerBound(), loop.getUpperBound(), loop.getStep())) {
      Value span = rewriter.createOrFold<arith::SubIOp>(loc, ub, lb);
      Value count = rewriter.createOrFold<arith::CeilDivSIOp>(loc, span, step);
      // An empty range (ub < lb) has no iterations, not a negative count.
      count = rewriter.createOrFold<arith::MaxSIOp>(
          loc, count, arith::ConstantIndexOp::create(rewriter, loc, 0));
      counts.push_back(count);
      total = rewriter.createOrFold<arith::MulIOp>(loc, total, count);
    }
    int64_t threads = blockSize;
    if (std::optional<int64_t> known = getConstantIntValue(total))
      threads = std::clamp<int64_t>((*known + 31) / 32 * 32, 32, blockSize);
    Value threadsValue = arith::ConstantIndexOp::create(rewriter, loc, threads);
    Value blocks =
        rewriter.createOrFold<arith::CeilDivSIOp>(loc, total, threadsValue);

    gpu::LaunchOp launch = createLaunch(
        loop, blocks, threadsValue,
        "parallel loop: one thread per iteration (elementwise, gathers, "
        "copies)");
    Value id = arith::AddIOp::create(
        rewriter, loc,
        arith::MulIOp::create(rewriter, loc, launch.getBlockIds().x,
                              launch.getBlockSize().x),
        launch.getThreadIds().x);
    Value inRange = arith::CmpIOp::create(rewriter, loc,
                                          arith::CmpIPredicate::ult, id, total);
    auto guard = scf::IfOp::create(rewriter, loc, inRange);
    rewriter.setInsertionPointToStart(guard.thenBlock());

    IRMapping mapping;
    Value rest = id;
    for (int64_t i = counts.size() - 1; i >= 0; --i) {
      Value index = rest;
      if (i > 0) {
        index = arith::RemUIOp::create(rewriter, loc, rest, counts[i]);
        rest = arith::DivUIOp::create(rewriter, loc, rest, counts[i]);
      }
      Value iv = arith::AddIOp::create(
          rewriter, loc, loop.getLowerBound()[i],
          arith::MulIOp::create(rewriter, loc, index, loop.getStep()[i]));
      mapping.map(loop.getInductionVars()[i], iv);
    }
    for (Operation &op : loop.getBody()->without_terminator())
      rewriter.clone(op, mapping);
    rewriter.eraseOp(loop);
    return success();
  }

  /// Moves the memory accesses left in host code into one-thread launches:
  /// consecutive accesses, and the computations between them that use
  /// their results, share a launch; side-effect-free host values between
  /// them move before it.
  LogicalResult launchSerialAccesses(Block &block) {
    gpu::LaunchOp current;
    for (Operation &op : llvm::make_early_inc_range(block)) {
      if (isa<gpu::LaunchOp>(op) || op.hasTrait<OpTrait::IsTerminator>()) {
        current = nullptr;
        continue;
      }
      if (containsLaunch(&op)) {
        current = nullptr;
        for (Region &region : op.getRegions())
          for (Block &nested : region)
            if (failed(launchSerialAccesses(nested)))
              return failure();
        continue;
      }
      bool usesCurrent =
          current && llvm::any_of(op.getOperands(), [&](Value operand) {
            return current.getBody().isAncestor(operand.getParentRegion());
          });
      // Only side-effect-free ops follow their operands into the kernel;
      // anything else that needs a kernel's value is reported below.
      if (!accessesMemory(&op) && !(usesCurrent && isMemoryEffectFree(&op))) {
        if (current && isMemoryEffectFree(&op))
          rewriter.moveOpBefore(&op, current);
        else
          current = nullptr;
        continue;
      }
      if (!current) {
        rewriter.setInsertionPoint(&op);
        Value single = arith::ConstantIndexOp::create(rewriter, op.getLoc(), 1);
        current = createLaunch(&op, single, single,
                               "serial: one thread (accesses outside "
                               "parallel loops)");
        serialLaunches.push_back(current);
      }
      rewriter.moveOpBefore(&op, current.getBody().front().getTerminator());
    }
    return success();
  }

  /// Host code cannot read what a one-thread launch computed; kernels can:
  /// a scalar that later launches use (e.g. a Pad's value read from an
  /// input) goes through a one-element buffer, stored by the one-thread
  /// launch and loaded at the start of each kernel that uses it (the
  /// launches run in program order).
  LogicalResult forwardSerialResults() {
    for (gpu::LaunchOp launch : serialLaunches) {
      Region &body = launch.getBody();
      for (Operation &op : body.front().without_terminator())
        for (Value value : op.getResults()) {
          SmallVector<OpOperand *> outside;
          for (OpOperand &use : value.getUses())
            if (!body.isAncestor(use.getOwner()->getParentRegion()))
              outside.push_back(&use);
          if (outside.empty())
            continue;
          if (!value.getType().isIntOrIndexOrFloat() ||
              llvm::any_of(outside, [](OpOperand *use) {
                return !use->getOwner()->getParentOfType<gpu::LaunchOp>();
              }))
            return op.emitError("a value computed from device memory is used "
                                "by host code; this op cannot run on the GPU");
          Location loc = op.getLoc();
          rewriter.setInsertionPoint(launch);
          Value buffer = memref::AllocOp::create(
              rewriter, loc, MemRefType::get({}, value.getType()));
          rewriter.setInsertionPointAfter(&op);
          memref::StoreOp::create(rewriter, loc, value, buffer);
          llvm::SmallDenseMap<Operation *, Value> loaded;
          Operation *last = launch;
          for (OpOperand *use : outside) {
            auto consumer = use->getOwner()->getParentOfType<gpu::LaunchOp>();
            Value &copy = loaded[consumer];
            if (!copy) {
              rewriter.setInsertionPointToStart(&consumer.getBody().front());
              copy = memref::LoadOp::create(rewriter, loc, buffer);
            }
            use->set(copy);
            Operation *at =
                launch->getBlock()->findAncestorOpInBlock(*consumer);
            if (at && last->isBeforeInBlock(at))
              last = at;
          }
          rewriter.setInsertionPointAfter(last);
          memref::DeallocOp::create(rewriter, loc, buffer);
        }
    }
    return success();
  }

  /// Recreates inside each kernel the globals it reads, so that outlining
  /// copies them into the GPU module.
  void sinkGlobals(gpu::LaunchOp launch) {
    Region &body = launch.getBody();
    llvm::SmallDenseMap<Value, Value> sunk;
    launch.walk([&](Operation *op) {
      for (OpOperand &operand : op->getOpOperands()) {
        auto global = operand.get().getDefiningOp<memref::GetGlobalOp>();
        if (!global || body.isAncestor(global->getParentRegion()))
          continue;
        Value &copy = sunk[global.getResult()];
        if (!copy) {
          rewriter.setInsertionPointToStart(&body.front());
          copy = rewriter.clone(*global)->getResult(0);
        }
        operand.set(copy);
      }
    });
  }

  IRRewriter rewriter;

private:
  SmallVector<gpu::LaunchOp> serialLaunches;
  int64_t blockSize;
  FlatSymbolRefAttr module;
};

struct LaunchParallelLoopsPass
    : fmc::impl::LaunchParallelLoopsPassBase<LaunchParallelLoopsPass> {
  using Base::Base;
  void runOnOperation() override {
    func::FuncOp func = getOperation();
    if (func.isExternal())
      return;
    if (blockSize < 32 || blockSize > 1024 || blockSize % 32 != 0) {
      func.emitError("block-size must be a multiple of 32 in [32, 1024]");
      return signalPassFailure();
    }
    SmallVector<scf::ParallelOp> loops;
    func.walk<WalkOrder::PreOrder>([&](Operation *op) {
      if (isa<gpu::LaunchOp>(op))
        return WalkResult::skip();
      if (auto loop = dyn_cast<scf::ParallelOp>(op)) {
        loops.push_back(loop);
        return WalkResult::skip();
      }
      return WalkResult::advance();
    });
    Launcher launcher(&getContext(), blockSize, moduleName);
    for (scf::ParallelOp loop : loops)
      if (failed(launcher.launchLoop(loop)))
        return signalPassFailure();
    for (Block &block : func.getBody())
      if (failed(launcher.launchSerialAccesses(block)))
        return signalPassFailure();
    if (failed(launcher.forwardSerialResults()))
      return signalPassFailure();
    func.walk([&](gpu::LaunchOp launch) { launcher.sinkGlobals(launch); });
  }
};

} // namespace
