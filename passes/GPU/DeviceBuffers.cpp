//===- DeviceBuffers.cpp - host allocations -> device allocations ---------===//

#include "passes/GPU/Passes.h"

#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/IR/PatternMatch.h"

namespace mlir::fmc {
#define GEN_PASS_DEF_DEVICEBUFFERSPASS
#include "passes/GPU/Passes.h.inc"
} // namespace mlir::fmc

using namespace mlir;

namespace {

bool insideKernel(Operation *op) {
  return op->getParentOfType<gpu::LaunchOp>() ||
         op->getParentOfType<gpu::GPUFuncOp>();
}

struct DeviceBuffersPass : fmc::impl::DeviceBuffersPassBase<DeviceBuffersPass> {
  void runOnOperation() override {
    SmallVector<Operation *> ops;
    getOperation().walk([&](Operation *op) {
      if (isa<memref::AllocOp, memref::AllocaOp, memref::DeallocOp>(op) &&
          !insideKernel(op))
        ops.push_back(op);
    });
    IRRewriter rewriter(&getContext());
    for (Operation *op : ops) {
      rewriter.setInsertionPoint(op);
      if (auto dealloc = dyn_cast<memref::DeallocOp>(op)) {
        rewriter.replaceOpWithNewOp<gpu::DeallocOp>(
            op, /*asyncToken=*/Type(), ValueRange(), dealloc.getMemref());
        continue;
      }
      auto type = cast<MemRefType>(op->getResult(0).getType());
      ValueRange dynamicSizes, symbols;
      if (auto alloc = dyn_cast<memref::AllocOp>(op)) {
        dynamicSizes = alloc.getDynamicSizes();
        symbols = alloc.getSymbolOperands();
      } else {
        auto alloca = cast<memref::AllocaOp>(op);
        dynamicSizes = alloca.getDynamicSizes();
        symbols = alloca.getSymbolOperands();
      }
      auto device = gpu::AllocOp::create(
          rewriter, op->getLoc(), type, /*asyncToken=*/Type(), ValueRange(),
          dynamicSizes, symbols, /*hostShared=*/false);
      if (isa<memref::AllocaOp>(op)) {
        // A stack buffer lives until its block ends.
        rewriter.setInsertionPoint(op->getBlock()->getTerminator());
        gpu::DeallocOp::create(rewriter, op->getLoc(), Type(), ValueRange(),
                               device.getMemref());
      }
      rewriter.replaceOp(op, device.getMemref());
    }
  }
};

} // namespace
