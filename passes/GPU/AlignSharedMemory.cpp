//===- AlignSharedMemory.cpp - alignment of kernels' shared buffers -------===//

#include "passes/GPU/Passes.h"

namespace mlir::fmc {
#define GEN_PASS_DEF_ALIGNSHAREDMEMORYPASS
#include "passes/GPU/Passes.h.inc"
} // namespace mlir::fmc

using namespace mlir;

namespace {

struct AlignSharedMemoryPass
    : fmc::impl::AlignSharedMemoryPassBase<AlignSharedMemoryPass> {
  using Base::Base;

  void runOnOperation() override {
    if (alignment <= 0 || !llvm::isPowerOf2_64(alignment)) {
      getOperation()->emitError("fmc-gpu-align-shared-memory: the alignment "
                                "must be a power of two");
      return signalPassFailure();
    }
    Builder b(&getContext());
    getOperation()->walk([&](gpu::GPUFuncOp func) {
      for (unsigned i = 0; i < func.getNumWorkgroupAttributions(); ++i) {
        auto current = dyn_cast_or_null<IntegerAttr>(
            func.getWorkgroupAttributionAttr(i, "llvm.align"));
        if (!current || current.getInt() < alignment)
          func.setWorkgroupAttributionAttr(i, "llvm.align",
                                           b.getI64IntegerAttr(alignment));
      }
    });
  }
};

} // namespace
