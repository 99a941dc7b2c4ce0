//===- DynamicSharedMemory.cpp - shared buffers above 48 KB ---------------===//
//
// CUDA lets a kernel declare 48 KB of shared memory statically; the rest of
// an SM's shared memory (up to 227 KB a block on sm_90) only as dynamic
// shared memory, sized when the kernel is launched. Kernels whose workgroup
// buffers exceed the static limit get them as views of the dynamic buffer
// (fmc-gpu-dynamic-shared-memory), which PTX declares external
// (fmc-gpu-extern-dynamic-shared-memory, after the NVVM conversion).
//
//===----------------------------------------------------------------------===//

#include "passes/GPU/Passes.h"

#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/LLVMIR/NVVMDialect.h"

namespace mlir::fmc {
#define GEN_PASS_DEF_DYNAMICSHAREDMEMORYPASS
#define GEN_PASS_DEF_EXTERNDYNAMICSHAREDMEMORYPASS
#include "passes/GPU/Passes.h.inc"
} // namespace mlir::fmc

using namespace mlir;

namespace {

/// Every buffer starts 16 bytes aligned: the kernels read them with 16-byte
/// vector loads, ldmatrix and cp.async.
constexpr int64_t kAlignment = 16;

int64_t bytesOf(MemRefType type) {
  return type.getNumElements() *
         llvm::divideCeil(type.getElementTypeBitWidth(), 8);
}

struct DynamicSharedMemoryPass
    : fmc::impl::DynamicSharedMemoryPassBase<DynamicSharedMemoryPass> {
  using Base::Base;

  void runOnOperation() override {
    WalkResult result = getOperation().walk([&](gpu::LaunchOp launch) {
      if (launch.getDynamicSharedMemorySize() ||
          launch.getNumWorkgroupAttributions() == 0)
        return WalkResult::advance();
      // Each buffer's offset in the dynamic one.
      SmallVector<int64_t> offsets;
      int64_t total = 0;
      for (BlockArgument buffer : launch.getWorkgroupAttributions()) {
        auto type = cast<MemRefType>(buffer.getType());
        if (!type.hasStaticShape() || !type.getLayout().isIdentity()) {
          launch.emitError("a shared buffer of a statically unknown size or "
                           "a non-identity layout: ")
              << type;
          return WalkResult::interrupt();
        }
        total = llvm::alignTo(total, kAlignment);
        offsets.push_back(total);
        total += bytesOf(type);
      }
      if (total <= staticBytes)
        return WalkResult::advance();
      if (total > maxBytes) {
        launch.emitError("the kernel needs ")
            << total << " bytes of shared memory per block; the target allows "
            << int64_t(maxBytes);
        return WalkResult::interrupt();
      }
      moveToDynamic(launch, offsets, total);
      return WalkResult::advance();
    });
    if (result.wasInterrupted())
      signalPassFailure();
  }

  void moveToDynamic(gpu::LaunchOp launch, ArrayRef<int64_t> offsets,
                     int64_t total) {
    Location loc = launch.getLoc();
    OpBuilder b(launch);
    launch.getDynamicSharedMemorySizeMutable().assign(
        arith::ConstantIntOp::create(b, loc, total, 32));
    Block &body = launch.getBody().front();
    b.setInsertionPointToStart(&body);
    auto workgroup = gpu::AddressSpaceAttr::get(b.getContext(),
                                                gpu::AddressSpace::Workgroup);
    Value bytes = gpu::DynamicSharedMemoryOp::create(
        b, loc,
        MemRefType::get({ShapedType::kDynamic}, b.getI8Type(), AffineMap(),
                        workgroup));
    ArrayRef<BlockArgument> buffers = launch.getWorkgroupAttributions();
    unsigned first = buffers.front().getArgNumber();
    unsigned count = buffers.size();
    for (auto [buffer, offset] : llvm::zip_equal(buffers, offsets)) {
      Value view = memref::ViewOp::create(
          b, loc, buffer.getType(), bytes,
          arith::ConstantIndexOp::create(b, loc, offset), ValueRange{});
      BlockArgument(buffer).replaceAllUsesWith(view);
    }
    body.eraseArguments(first, count);
    launch->removeAttr(gpu::LaunchOp::getNumWorkgroupAttributionsAttrName());
  }
};

struct ExternDynamicSharedMemoryPass
    : fmc::impl::ExternDynamicSharedMemoryPassBase<
          ExternDynamicSharedMemoryPass> {
  void runOnOperation() override {
    getOperation().walk([](LLVM::GlobalOp global) {
      auto array = dyn_cast<LLVM::LLVMArrayType>(global.getGlobalType());
      if (global.getAddrSpace() ==
              static_cast<unsigned>(NVVM::NVVMMemorySpace::Shared) &&
          array && array.getNumElements() == 0 && !global.getValueOrNull() &&
          global.getInitializerRegion().empty())
        global.setLinkage(LLVM::Linkage::External);
    });
  }
};

} // namespace
