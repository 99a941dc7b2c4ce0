//===- LaunchRowLoops.cpp - fused row loops -> one block per row ----------===//
//
// fmc-fuse-row-reductions leaves a norm's or softmax's chain as one
// scf.forall over rows whose body computes one row with linalg ops on row
// buffers. Here each such loop becomes one gpu.launch with a block per row:
// the row's temporaries live in shared memory, the block's threads share
// every linalg op (elementwise ones a stride each; a reduction over the row
// as per-thread partial sums combined in a shared-memory tree), and a
// barrier separates consecutive ops. One kernel per norm instead of one per
// step, and the row is read from global memory once.
//
//===----------------------------------------------------------------------===//

#include "passes/GPU/Passes.h"

#include "passes/Codegen/Contraction.h"

#include "mlir/Dialect/Arith/Utils/Utils.h"
#include "mlir/IR/IRMapping.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"
#include "llvm/Support/FormatVariadic.h"

namespace mlir::fmc {
#define GEN_PASS_DEF_LAUNCHROWLOOPSPASS
#include "passes/GPU/Passes.h.inc"
} // namespace mlir::fmc

using namespace mlir;

namespace {

/// The reduction's combining op when the body is `yield combine(out,
/// f(inputs))` with one output: f is the rest of the body.
Operation *combiner(linalg::LinalgOp op) {
  if (op.getNumDpsInits() != 1)
    return nullptr;
  Block *body = op.getBlock();
  Value out = body->getArguments().back();
  Operation *yielded = body->getTerminator()->getOperand(0).getDefiningOp();
  if (!yielded || yielded->getNumOperands() != 2 ||
      !isa<arith::AddFOp, arith::MulFOp, arith::MaximumFOp, arith::MinimumFOp,
           arith::MaxNumFOp, arith::MinNumFOp>(yielded))
    return nullptr;
  if (yielded->getOperand(0) != out && yielded->getOperand(1) != out)
    return nullptr;
  // out may be used nowhere else: each partial starts from the identity.
  for (Operation *user : out.getUsers())
    if (user != yielded)
      return nullptr;
  return yielded;
}

/// The identity of a combining op (maxnum/minnum ignore a NaN operand).
Attribute identity(Operation *combine, FloatType type) {
  const llvm::fltSemantics &sem = type.getFloatSemantics();
  if (isa<arith::AddFOp>(combine))
    return FloatAttr::get(type, 0.0);
  if (isa<arith::MulFOp>(combine))
    return FloatAttr::get(type, 1.0);
  if (isa<arith::MaximumFOp>(combine))
    return FloatAttr::get(type, APFloat::getInf(sem, /*Negative=*/true));
  if (isa<arith::MinimumFOp>(combine))
    return FloatAttr::get(type, APFloat::getInf(sem));
  return FloatAttr::get(type, APFloat::getNaN(sem));
}

class RowKernel {
public:
  RowKernel(scf::ForallOp loop, int64_t threads, StringRef module)
      : loop(loop), threads(threads), loc(loop.getLoc()),
        module(FlatSymbolRefAttr::get(loop.getContext(), module)) {}

  /// Whether the loop can become a row kernel: static bounds, and a body of
  /// static allocations (which fit shared memory), views, scalar
  /// arithmetic and linalg ops on buffers.
  bool matches() {
    if (loop.getNumResults())
      return false;
    for (auto bounds : {loop.getStaticLowerBound(), loop.getStaticUpperBound(),
                        loop.getStaticStep()})
      if (llvm::any_of(bounds, ShapedType::isDynamic))
        return false;
    for (auto [lb, ub] :
         llvm::zip(loop.getStaticLowerBound(), loop.getStaticUpperBound()))
      if (ub <= lb)
        return false;
    int64_t sharedBytes = threads * 4;
    bool hasReduction = false;
    for (Operation &op : loop.getBody()->without_terminator()) {
      if (auto alloc = dyn_cast<memref::AllocOp>(op)) {
        MemRefType type = alloc.getType();
        if (!type.hasStaticShape() || !type.getLayout().isIdentity() ||
            !type.getElementType().isIntOrFloat())
          return false;
        sharedBytes += type.getNumElements() *
                       llvm::divideCeil(type.getElementTypeBitWidth(), 8);
        continue;
      }
      if (isa<memref::DeallocOp, memref::SubViewOp>(op))
        continue;
      if (auto linalgOp = dyn_cast<linalg::LinalgOp>(op)) {
        if (!linalgOp.hasPureBufferSemantics() ||
            llvm::any_of(linalgOp.getStaticLoopRanges(), ShapedType::isDynamic))
          return false;
        if (linalgOp.getNumReductionLoops()) {
          hasReduction = true;
          if (!combiner(linalgOp) ||
              !isa<FloatType>(
                  linalgOp.getBlock()->getArguments().back().getType()))
            return false;
        }
        continue;
      }
      if (op.getNumRegions() || !isMemoryEffectFree(&op))
        return false;
    }
    // 48 KiB: every chip's shared memory per block without opting in.
    return hasReduction && sharedBytes <= 48 * 1024;
  }

  void build() {
    OpBuilder b(loop);
    MLIRContext *ctx = loop.getContext();
    auto workgroup =
        gpu::AddressSpaceAttr::get(ctx, gpu::AddressSpace::Workgroup);
    SmallVector<Type> shared;
    SmallVector<memref::AllocOp> allocs;
    for (Operation &op : loop.getBody()->without_terminator())
      if (auto alloc = dyn_cast<memref::AllocOp>(op)) {
        allocs.push_back(alloc);
        shared.push_back(
            MemRefType::Builder(alloc.getType()).setMemorySpace(workgroup));
      }
    // The reduction tree's scratch: one value per thread, f32 or the
    // widest reduction's type if wider (f64).
    scratchType = b.getF32Type();
    for (Operation &op : loop.getBody()->without_terminator())
      if (auto linalgOp = dyn_cast<linalg::LinalgOp>(op))
        if (linalgOp.getNumReductionLoops()) {
          auto type = cast<FloatType>(
              linalgOp.getBlock()->getArguments().back().getType());
          if (type.getWidth() > scratchType.getWidth())
            scratchType = type;
        }
    shared.push_back(
        MemRefType::get({threads}, scratchType, AffineMap(), workgroup));

    SmallVector<int64_t> counts;
    int64_t rows = 1;
    for (auto [lb, ub, step] :
         llvm::zip(loop.getStaticLowerBound(), loop.getStaticUpperBound(),
                   loop.getStaticStep())) {
      counts.push_back(llvm::divideCeil(ub - lb, step));
      rows *= counts.back();
    }
    Value one = index(b, 1);
    auto launch = gpu::LaunchOp::create(
        b, loc, index(b, rows), one, one, index(b, threads), one, one,
        /*dynamicSharedMemorySize=*/nullptr, /*asyncTokenType=*/nullptr,
        /*asyncDependencies=*/{}, shared, /*privateAttributions=*/{}, nullptr,
        nullptr, nullptr, module);
    launch->setAttr(fmc::kKernelAttr,
                    b.getStringAttr(llvm::formatv(
                        "row kernel (norm, softmax): a block of {0} threads "
                        "per row, reductions through shared memory",
                        threads)));
    Block &body = launch.getBody().front();
    b.setInsertionPointToEnd(&body);
    gpu::TerminatorOp::create(b, loc);
    b.setInsertionPointToStart(&body);
    tid = launch.getThreadIds().x;
    scratch = launch.getWorkgroupAttributions().back();

    // The row from block x, innermost dim fastest.
    SmallVector<Value> rowIvs(counts.size());
    delinearize(b, launch.getBlockIds().x,
                llvm::to_vector(llvm::seq<unsigned>(counts.size())), counts,
                rowIvs);
    for (auto [i, iv] : llvm::enumerate(rowIvs))
      mapping.map(loop.getInductionVars()[i],
                  arith::AddIOp::create(
                      b, loc, index(b, loop.getStaticLowerBound()[i]),
                      arith::MulIOp::create(
                          b, loc, iv, index(b, loop.getStaticStep()[i]))));
    for (auto [alloc, buffer] :
         llvm::zip(allocs, launch.getWorkgroupAttributions()))
      mapping.map(alloc.getResult(), buffer);

    for (Operation &op : loop.getBody()->without_terminator()) {
      if (isa<memref::AllocOp, memref::DeallocOp>(op))
        continue;
      if (auto subview = dyn_cast<memref::SubViewOp>(op)) {
        // The source may now be in shared memory: the view's type follows.
        Value source = mapping.lookupOrDefault(subview.getSource());
        MemRefType type =
            MemRefType::Builder(subview.getType())
                .setMemorySpace(
                    cast<MemRefType>(source.getType()).getMemorySpace());
        mapping.map(
            subview.getResult(),
            memref::SubViewOp::create(b, loc, type, source,
                                      getMixed(subview.getMixedOffsets()),
                                      getMixed(subview.getMixedSizes()),
                                      getMixed(subview.getMixedStrides())));
        continue;
      }
      if (auto linalgOp = dyn_cast<linalg::LinalgOp>(op)) {
        if (linalgOp.getNumReductionLoops())
          emitReduction(b, linalgOp);
        else
          emitParallel(b, linalgOp);
        gpu::BarrierOp::create(b, loc);
        continue;
      }
      b.clone(op, mapping);
    }
    loop->erase();
  }

private:
  Value index(OpBuilder &b, int64_t v) {
    return arith::ConstantIndexOp::create(b, loc, v);
  }

  SmallVector<OpFoldResult> getMixed(ArrayRef<OpFoldResult> values) {
    return llvm::map_to_vector(values, [&](OpFoldResult v) -> OpFoldResult {
      if (auto value = dyn_cast<Value>(v))
        return mapping.lookupOrDefault(value);
      return v;
    });
  }

  /// The loop ivs of linear iteration `linear` over `dims` (innermost
  /// fastest) into `ivs`: MLIR's affine.delinearize_index.
  void delinearize(OpBuilder &b, Value linear, ArrayRef<unsigned> dims,
                   ArrayRef<int64_t> sizes, SmallVectorImpl<Value> &ivs) {
    if (dims.empty())
      return;
    SmallVector<int64_t> basis =
        llvm::map_to_vector(dims, [&](unsigned d) { return sizes[d]; });
    auto split =
        affine::AffineDelinearizeIndexOp::create(b, loc, linear, basis);
    for (auto [d, idx] : llvm::zip(dims, split.getResults()))
      ivs[d] = idx;
  }

  SmallVector<Value> indices(OpBuilder &b, AffineMap map, ValueRange ivs) {
    return fmc::applyIndexingMap(b, loc, map, getAsOpFoldResult(ivs));
  }

  /// The body of `op` at `ivs`: its inputs loaded, linalg.index replaced;
  /// `out` (if given) stands for the output's block argument. Returns the
  /// yielded values.
  SmallVector<Value> emitBody(OpBuilder &b, linalg::LinalgOp op, ValueRange ivs,
                              Value out) {
    IRMapping body = mapping;
    Block *block = op.getBlock();
    for (OpOperand *input : op.getDpsInputOperands()) {
      BlockArgument arg = op.getMatchingBlockArgument(input);
      Value source = mapping.lookupOrDefault(input->get());
      if (!isa<MemRefType>(source.getType())) {
        body.map(arg, source); // a scalar operand
        continue;
      }
      body.map(arg, memref::LoadOp::create(
                        b, loc, source,
                        indices(b, op.getMatchingIndexingMap(input), ivs)));
    }
    if (out)
      body.map(block->getArguments().back(), out);
    else
      for (OpOperand &init : op.getDpsInitsMutable()) {
        BlockArgument arg = op.getMatchingBlockArgument(&init);
        if (!arg.use_empty())
          body.map(arg, memref::LoadOp::create(
                            b, loc, mapping.lookupOrDefault(init.get()),
                            indices(b, op.getMatchingIndexingMap(&init), ivs)));
      }
    for (Operation &inner : block->without_terminator()) {
      if (auto indexOp = dyn_cast<linalg::IndexOp>(inner)) {
        body.map(indexOp.getResult(), ivs[indexOp.getDim()]);
        continue;
      }
      b.clone(inner, body);
    }
    return llvm::map_to_vector(
        block->getTerminator()->getOperands(),
        [&](Value v) { return body.lookupOrDefault(v); });
  }

  /// An op without reductions: the block's threads take its iterations in
  /// turn.
  void emitParallel(OpBuilder &b, linalg::LinalgOp op) {
    SmallVector<int64_t> sizes = op.getStaticLoopRanges();
    SmallVector<unsigned> dims =
        llvm::to_vector(llvm::seq<unsigned>(sizes.size()));
    int64_t total = 1;
    for (int64_t s : sizes)
      total *= s;
    scf::ForOp::create(
        b, loc, tid, index(b, total), index(b, threads), ValueRange{},
        [&](OpBuilder &b, Location, Value linear, ValueRange) {
          SmallVector<Value> ivs(sizes.size());
          delinearize(b, linear, dims, sizes, ivs);
          SmallVector<Value> results = emitBody(b, op, ivs, Value());
          for (auto [init, result] :
               llvm::zip(op.getDpsInitsMutable(), results))
            memref::StoreOp::create(
                b, loc, result, mapping.lookupOrDefault(init.get()),
                indices(b, op.getMatchingIndexingMap(&init), ivs));
          scf::YieldOp::create(b, loc);
        });
  }

  /// A reduction `out = combine(out, f(...))`: for each point of its
  /// parallel dims, every thread folds f over a stride of the reduced
  /// elements starting from the identity, the partials meet in a tree in
  /// shared memory, and thread 0 combines the total into out.
  void emitReduction(OpBuilder &b, linalg::LinalgOp op) {
    SmallVector<int64_t> sizes = op.getStaticLoopRanges();
    SmallVector<unsigned> parallel, reduced;
    op.getParallelDims(parallel);
    op.getReductionDims(reduced);
    int64_t points = 1, elements = 1;
    for (unsigned d : parallel)
      points *= sizes[d];
    for (unsigned d : reduced)
      elements *= sizes[d];
    Operation *combine = combiner(op);
    auto type = cast<FloatType>(op.getBlock()->getArguments().back().getType());
    Value start = arith::ConstantOp::create(
        b, loc, type, cast<TypedAttr>(identity(combine, type)));
    auto combineValues = [&](OpBuilder &b, Value lhs, Value rhs) -> Value {
      OperationState state(loc, combine->getName());
      state.addOperands({lhs, rhs});
      state.addTypes(type);
      state.addAttributes(combine->getAttrs());
      return b.create(state)->getResult(0);
    };
    OpOperand &init = op.getDpsInitsMutable()[0];
    Value outBuffer = mapping.lookupOrDefault(init.get());
    AffineMap outMap = op.getMatchingIndexingMap(&init);
    // One parallel point at a time (a row reduction has one).
    scf::ForOp::create(
        b, loc, index(b, 0), index(b, points), index(b, 1), ValueRange{},
        [&](OpBuilder &b, Location, Value point, ValueRange) {
          // The reduced dims are set per element below; out's map does not
          // use them.
          SmallVector<Value> ivs(sizes.size(), index(b, 0));
          delinearize(b, point, parallel, sizes, ivs);
          auto partial = scf::ForOp::create(
              b, loc, tid, index(b, elements), index(b, threads),
              ValueRange{start},
              [&](OpBuilder &b, Location, Value linear, ValueRange acc) {
                SmallVector<Value> all(ivs);
                delinearize(b, linear, reduced, sizes, all);
                scf::YieldOp::create(b, loc, emitBody(b, op, all, acc[0]));
              });
          Value partialValue = partial.getResult(0);
          if (type != scratchType)
            partialValue =
                arith::ExtFOp::create(b, loc, scratchType, partialValue);
          memref::StoreOp::create(b, loc, partialValue, scratch, tid);
          gpu::BarrierOp::create(b, loc);
          for (int64_t half = threads / 2; half >= 1; half /= 2) {
            Value lower = arith::CmpIOp::create(
                b, loc, arith::CmpIPredicate::ult, tid, index(b, half));
            auto guard = scf::IfOp::create(b, loc, lower);
            {
              OpBuilder::InsertionGuard g(b);
              b.setInsertionPointToStart(guard.thenBlock());
              Value mine =
                  narrow(b, memref::LoadOp::create(b, loc, scratch, tid), type);
              Value other = narrow(
                  b,
                  memref::LoadOp::create(b, loc, scratch,
                                         ValueRange{arith::AddIOp::create(
                                             b, loc, tid, index(b, half))}),
                  type);
              Value sum = combineValues(b, mine, other);
              if (type != scratchType)
                sum = arith::ExtFOp::create(b, loc, scratchType, sum);
              memref::StoreOp::create(b, loc, sum, scratch, tid);
            }
            gpu::BarrierOp::create(b, loc);
          }
          Value first = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq,
                                              tid, index(b, 0));
          auto guard = scf::IfOp::create(b, loc, first);
          {
            OpBuilder::InsertionGuard g(b);
            b.setInsertionPointToStart(guard.thenBlock());
            SmallVector<Value> at = indices(b, outMap, ivs);
            Value prior = memref::LoadOp::create(b, loc, outBuffer, at);
            Value total = narrow(
                b, memref::LoadOp::create(b, loc, scratch, index(b, 0)), type);
            memref::StoreOp::create(b, loc, combineValues(b, prior, total),
                                    outBuffer, at);
          }
          // The scratch is reused by the next point.
          gpu::BarrierOp::create(b, loc);
          scf::YieldOp::create(b, loc);
        });
  }

  Value narrow(OpBuilder &b, Value v, FloatType type) {
    if (type == scratchType)
      return v;
    return arith::TruncFOp::create(b, loc, type, v);
  }

  scf::ForallOp loop;
  int64_t threads;
  Location loc;
  FlatSymbolRefAttr module;
  IRMapping mapping;
  Value tid, scratch;
  FloatType scratchType;
};

struct LaunchRowLoopsPass
    : fmc::impl::LaunchRowLoopsPassBase<LaunchRowLoopsPass> {
  using Base::Base;

  void runOnOperation() override {
    if (blockSize < 32 || blockSize > 1024 || !llvm::isPowerOf2_64(blockSize)) {
      getOperation().emitError(
          "fmc-gpu-launch-row-loops: block-size must be a power of two in "
          "[32, 1024]");
      return signalPassFailure();
    }
    SmallVector<scf::ForallOp> loops;
    for (Operation &op : getOperation().getBody().getOps())
      if (auto loop = dyn_cast<scf::ForallOp>(op))
        loops.push_back(loop);
    for (scf::ForallOp loop : loops) {
      RowKernel kernel(loop, blockSize, moduleName);
      if (kernel.matches())
        kernel.build();
    }
  }
};

} // namespace
