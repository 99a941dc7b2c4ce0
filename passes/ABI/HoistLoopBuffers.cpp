//===- HoistLoopBuffers.cpp - loop temporaries to entry stack buffers -----===//

#include "passes/ABI/Passes.h"

#include "mlir/Interfaces/LoopLikeInterface.h"

namespace mlir::fmc {
#define GEN_PASS_DEF_HOISTLOOPBUFFERSPASS
#include "passes/ABI/Passes.h.inc"
} // namespace mlir::fmc

using namespace mlir;
using namespace mlir::fmc;

namespace {

/// Whether `alloc` (in a loop body) can be reused by every iteration: a
/// static shape, every use inside its own block (so nothing carries it to
/// another iteration) and every deallocation in that block too.
bool isIterationLocal(memref::AllocOp alloc) {
  MemRefType type = alloc.getType();
  if (!type.hasStaticShape() || !type.getLayout().isIdentity() ||
      !type.getElementType().isIntOrFloat())
    return false;
  Block *block = alloc->getBlock();
  for (Operation *user : alloc->getUsers()) {
    if (!block->findAncestorOpInBlock(*user))
      return false;
    if (isa<memref::DeallocOp>(user) && user->getBlock() != block)
      return false;
  }
  return true;
}

struct HoistLoopBuffersPass
    : fmc::impl::HoistLoopBuffersPassBase<HoistLoopBuffersPass> {
  using Base::Base;

  void runOnOperation() override {
    getOperation()->walk([&](func::FuncOp func) {
      if (func.isExternal())
        return;
      Block &entry = func.getBody().front();
      int64_t bytes = 0;
      SmallVector<memref::AllocOp> hoisted;
      func.walk([&](memref::AllocOp alloc) {
        if (alloc->getBlock() == &entry ||
            !alloc->getParentOfType<LoopLikeOpInterface>() ||
            !isIterationLocal(alloc))
          return;
        MemRefType type = alloc.getType();
        int64_t size =
            type.getNumElements() * type.getElementTypeBitWidth() / 8;
        if (bytes + size > maxBytes)
          return;
        bytes += size;
        hoisted.push_back(alloc);
      });
      OpBuilder b(&entry, entry.begin());
      for (memref::AllocOp alloc : hoisted) {
        for (Operation *user : llvm::make_early_inc_range(alloc->getUsers()))
          if (isa<memref::DeallocOp>(user))
            user->erase();
        auto stack = memref::AllocaOp::create(
            b, alloc.getLoc(), alloc.getType(), alloc.getAlignmentAttr());
        alloc.replaceAllUsesWith(stack.getResult());
        alloc->erase();
      }
    });
  }
};

} // namespace
