//===- VectorizeCopies.cpp - copy loops move 16 bytes per iteration -------===//
//
// fmc-gpu-launch-parallel-loops gives each iteration of a parallel loop a
// thread. A copy loop (a decode step's past KV cache copied into the
// present one: Concat's insert_slice, bufferized to a memref.copy, lowered
// through linalg.copy) then moves one element per thread, 2 bytes in f16.
// Where both sides are contiguous along the innermost loop and 16-byte
// vectors of it are aligned, each iteration moves a 16-byte vector
// instead: the same bytes in an eighth of the threads and of the load and
// store instructions.
//
//===----------------------------------------------------------------------===//

#include "passes/GPU/Passes.h"

#include "mlir/Dialect/Arith/Utils/Utils.h"

namespace mlir::fmc {
#define GEN_PASS_DEF_VECTORIZECOPIESPASS
#include "passes/GPU/Passes.h.inc"
} // namespace mlir::fmc

using namespace mlir;
using namespace mlir::fmc;

namespace {

/// Whether `indices` end with `iv` and use it nowhere else.
bool lastIndexOnly(OperandRange indices, Value iv) {
  return !indices.empty() && indices.back() == iv &&
         llvm::count(indices, iv) == 1;
}

/// Rewrites `loop` (scf.parallel { %v = load A[..., iv]; store %v,
/// B[..., iv] } over its last induction variable iv from 0 to a multiple of
/// the vector width, A and B contiguous and aligned along it) to step by
/// 16-byte vectors; false where it is not such a loop.
bool vectorize(scf::ParallelOp loop) {
  Block *body = loop.getBody();
  if (loop.getNumResults() != 0 || body->getOperations().size() != 3)
    return false;
  auto load = dyn_cast<memref::LoadOp>(body->front());
  auto store = dyn_cast<memref::StoreOp>(*std::next(body->begin()));
  if (!load || !store || store.getValue() != load.getResult())
    return false;
  unsigned last = loop.getNumLoops() - 1;
  Value iv = loop.getInductionVars()[last];
  std::optional<int64_t> lower =
      getConstantIntValue(loop.getLowerBound()[last]);
  std::optional<int64_t> upper =
      getConstantIntValue(loop.getUpperBound()[last]);
  std::optional<int64_t> step = getConstantIntValue(loop.getStep()[last]);
  Type element = load.getMemRefType().getElementType();
  if (!lower || !upper || !step || *lower != 0 || *step != 1 ||
      !element.isIntOrFloat() || element.getIntOrFloatBitWidth() % 8 != 0 ||
      !lastIndexOnly(load.getIndices(), iv) ||
      !lastIndexOnly(store.getIndices(), iv))
    return false;
  int64_t width = 128 / element.getIntOrFloatBitWidth();
  auto fits = [&](MemRefType type) {
    return type.isLastDimUnitStride() && vectorsAligned(type, width);
  };
  if (width < 2 || *upper % width != 0 || !fits(load.getMemRefType()) ||
      !fits(store.getMemRefType()))
    return false;
  OpBuilder b(loop);
  Location loc = loop.getLoc();
  SmallVector<Value> steps(loop.getStep());
  steps[last] = arith::ConstantIndexOp::create(b, loc, width);
  loop.getStepMutable().assign(steps);
  b.setInsertionPoint(load);
  auto vector = VectorType::get({width}, element);
  llvm::Align align(width * element.getIntOrFloatBitWidth() / 8);
  Value moved = vector::LoadOp::create(b, loc, vector, load.getMemRef(),
                                       load.getIndices(),
                                       /*nontemporal=*/false, align);
  vector::StoreOp::create(b, loc, moved, store.getMemRef(), store.getIndices(),
                          /*nontemporal=*/false, align);
  store.erase();
  load.erase();
  return true;
}

struct VectorizeCopiesPass
    : fmc::impl::VectorizeCopiesPassBase<VectorizeCopiesPass> {
  void runOnOperation() override {
    SmallVector<scf::ParallelOp> loops;
    getOperation().walk([&](scf::ParallelOp loop) {
      if (!loop->getParentOfType<gpu::LaunchOp>())
        loops.push_back(loop);
    });
    for (scf::ParallelOp loop : loops)
      vectorize(loop);
  }
};

} // namespace
