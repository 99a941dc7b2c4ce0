//===- LaunchesToHostLoops.cpp - gpu.launch -> sequential loops -----------===//

#include "passes/GPU/Passes.h"

#include "dialects/NV/IR/NVOps.h"

#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/LLVMIR/NVVMDialect.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/NVGPU/IR/NVGPUDialect.h"
#include "mlir/Dialect/NVGPU/Utils/MMAUtils.h"
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

/// Warp-collective ops: a lane's result reads other lanes' operands.
bool isCollective(Operation *op) {
  return isa<gpu::ShuffleOp, nvgpu::MmaSyncOp, nvgpu::LdMatrixOp,
             fmc::nv::WgmmaRegisterAOp>(op);
}

/// The operands of a collective op that other lanes read.
SmallVector<Value> exchanged(Operation *op) {
  if (auto shuffle = dyn_cast<gpu::ShuffleOp>(op))
    return {shuffle.getValue()};
  if (auto load = dyn_cast<nvgpu::LdMatrixOp>(op))
    return llvm::to_vector(load.getIndices());
  if (auto wgmma = dyn_cast<fmc::nv::WgmmaRegisterAOp>(op))
    return {wgmma.getA()};
  auto mma = cast<nvgpu::MmaSyncOp>(op);
  return {mma.getMatrixA(), mma.getMatrixB()};
}

/// A barrier of the block.
bool isBarrier(Operation *op) { return isa<gpu::BarrierOp>(op); }

/// Whether `op` is or contains a barrier or a collective op: a point all
/// threads (of the block or the warp) reach together.
bool containsSyncPoint(Operation *op) {
  return op
      ->walk([](Operation *nested) {
        return isBarrier(nested) || isCollective(nested)
                   ? WalkResult::interrupt()
                   : WalkResult::advance();
      })
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
/// Warp-collective ops (shuffles, mma.sync) split segments too: a run of
/// them becomes one loop over the threads in which each lane reads the
/// operands of the lanes it needs from their slots.
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
    for (auto it = block.begin(), end = block.without_terminator().end();
         it != end; ++it) {
      Operation &op = *it;
      if (isBarrier(&op)) {
        if (failed(flush(block, segment)))
          return failure();
        continue;
      }
      if (isCollective(&op)) {
        // A lane reads the other lanes' exchanged operands from their
        // slots, so these must come from an earlier segment: one computed
        // in this segment ends it here.
        if (llvm::any_of(exchanged(&op),
                         [&](Value v) {
                           Operation *def = v.getDefiningOp();
                           return def && llvm::is_contained(
                                             segment,
                                             block.findAncestorOpInBlock(*def));
                         }) &&
            failed(flush(block, segment)))
          return failure();
        segment.push_back(&op);
        continue;
      }
      if (containsSyncPoint(&op)) {
        if (failed(flush(block, segment)))
          return failure();
        auto loop = dyn_cast<scf::ForOp>(op);
        if (!loop)
          return op.emitError("a barrier or warp-collective op inside this "
                              "op cannot run as host loops (only scf.for "
                              "may contain them)");
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
    return op.getNumRegions() == 0 && !isa<gpu::LaneIdOp>(op) &&
           isMemoryEffectFree(&op) &&
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
    Value lane, warpBase;
    if (llvm::any_of(segment, isCollective)) {
      Location loc = segment.front()->getLoc();
      lane = arith::RemUIOp::create(rewriter, loc, t, index(loc, kWarpSize));
      warpBase = arith::SubIOp::create(rewriter, loc, t, lane);
    }
    for (Operation *op : segment) {
      // The host runs a warpgroup's products synchronously: nothing to
      // fence or wait for (a wait that passes accumulators through passes
      // them on as they are).
      if (isa<NVVM::WgmmaFenceAlignedOp, NVVM::WgmmaGroupSyncAlignedOp,
              NVVM::WgmmaWaitGroupSyncOp, NVVM::FenceProxyOp>(op))
        continue;
      if (auto wait = dyn_cast<fmc::nv::WgmmaWaitOp>(op)) {
        FailureOr<Value> sums =
            own(wait.getAccumulators(), map, t, wait.getLoc());
        if (failed(sums))
          return failure();
        map.map(wait.getResult(), *sums);
        storeUsedLater(block, members, op, map, t);
        continue;
      }
      if (isa<NVVM::WgmmaMmaAsyncOp, fmc::nv::WgmmaRegisterAOp>(op)) {
        if (failed(emitWgmma(op, map, t, warpBase)))
          return failure();
        storeUsedLater(block, members, op, map, t);
        continue;
      }
      if (isCollective(op)) {
        LogicalResult emitted =
            isa<gpu::ShuffleOp>(op)
                ? emitShuffle(cast<gpu::ShuffleOp>(op), map, t, warpBase, lane)
            : isa<nvgpu::LdMatrixOp>(op)
                ? emitLdMatrix(cast<nvgpu::LdMatrixOp>(op), map, t, warpBase,
                               lane)
                : emitMma(cast<nvgpu::MmaSyncOp>(op), map, t, warpBase, lane);
        if (failed(emitted))
          return failure();
        storeUsedLater(block, members, op, map, t);
        continue;
      }
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
      // gpu.lane_id (MLIR's mma.sync conversion reads it): t mod 32.
      auto laneOf = [&](Location loc) {
        return arith::RemUIOp::create(
            rewriter, loc, t,
            arith::ConstantIndexOp::create(rewriter, loc, kWarpSize));
      };
      Operation *clone;
      if (isa<gpu::LaneIdOp>(op)) {
        clone = laneOf(op->getLoc());
        map.map(op->getResult(0), clone->getResult(0));
      } else {
        clone = rewriter.clone(*op, map);
        dropSharedAddressSpace(clone);
        SmallVector<gpu::LaneIdOp> laneIds;
        clone->walk([&](gpu::LaneIdOp laneId) { laneIds.push_back(laneId); });
        for (gpu::LaneIdOp laneId : laneIds) {
          OpBuilder::InsertionGuard laneGuard(rewriter);
          rewriter.setInsertionPoint(laneId);
          rewriter.replaceOp(laneId, laneOf(laneId.getLoc()));
        }
      }
      for (auto [result, cloned] :
           llvm::zip(op->getResults(), clone->getResults()))
        map.map(result, cloned);
      storeUsedLater(block, members, op, map, t);
    }
    segment.clear();
    return success();
  }

  /// Stores the results of `op` (a member of a segment of `block`) that
  /// later segments use in their slots.
  void storeUsedLater(Block &block,
                      const llvm::SmallPtrSetImpl<Operation *> &members,
                      Operation *op, IRMapping &map, Value t) {
    for (Value result : op->getResults()) {
      bool usedLater = llvm::any_of(result.getUsers(), [&](Operation *user) {
        Operation *ancestor = block.findAncestorOpInBlock(*user);
        return !ancestor || !members.contains(ancestor);
      });
      if (usedLater)
        memref::StoreOp::create(rewriter, op->getLoc(), map.lookup(result),
                                slot(result), t);
    }
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

  /// `v` of lane `lane` of thread `t`'s warp (a uniform value as it is).
  FailureOr<Value> valueInLane(Value v, Value warpBase, Value lane,
                               Location loc) {
    if (isUniform(v))
      return uniform.lookupOrDefault(v);
    auto it = slots.find(v);
    if (it == slots.end())
      return emitError(loc, "an operand of a warp-collective op has no "
                            "per-thread copy; cannot run as host loops");
    Value thread = arith::AddIOp::create(rewriter, loc, warpBase, lane);
    return Value(memref::LoadOp::create(rewriter, loc, it->second, thread));
  }

  Value index(Location loc, int64_t v) {
    return arith::ConstantIndexOp::create(rewriter, loc, v);
  }

  /// A shuffle of 32 lanes: the value of the source lane, or the lane's own
  /// where the source is out of range (valid = false).
  LogicalResult emitShuffle(gpu::ShuffleOp shuffle, IRMapping &map, Value t,
                            Value warpBase, Value lane) {
    Location loc = shuffle.getLoc();
    std::optional<int64_t> width = getConstantIntValue(shuffle.getWidth());
    if (width != kWarpSize)
      return shuffle.emitError("only shuffles of 32 lanes run as host loops");
    FailureOr<Value> offset = own(shuffle.getOffset(), map, t, loc);
    if (failed(offset))
      return failure();
    Value delta = arith::IndexCastUIOp::create(
        rewriter, loc, rewriter.getIndexType(), *offset);
    Value source;
    Value valid;
    auto ult = [&](Value x, Value y) {
      return arith::CmpIOp::create(rewriter, loc, arith::CmpIPredicate::ult, x,
                                   y);
    };
    Value lanes = index(loc, kWarpSize);
    switch (shuffle.getMode()) {
    case gpu::ShuffleMode::XOR:
      source = arith::XOrIOp::create(rewriter, loc, lane, delta);
      valid = ult(source, lanes);
      break;
    case gpu::ShuffleMode::IDX:
      source = delta;
      valid = ult(source, lanes);
      break;
    case gpu::ShuffleMode::DOWN:
      source = arith::AddIOp::create(rewriter, loc, lane, delta);
      valid = ult(source, lanes);
      break;
    case gpu::ShuffleMode::UP:
      source = arith::SubIOp::create(rewriter, loc, lane, delta);
      valid = arith::CmpIOp::create(rewriter, loc, arith::CmpIPredicate::uge,
                                    lane, delta);
      break;
    }
    source = arith::SelectOp::create(rewriter, loc, valid, source, lane);
    FailureOr<Value> result =
        valueInLane(shuffle.getValue(), warpBase, source, loc);
    if (failed(result))
      return failure();
    map.map(shuffle.getShuffleResult(), *result);
    map.map(shuffle.getValid(), valid);
    return success();
  }

  /// ldmatrix of 8 x 8 tiles of 16-bit elements: lane 8 j + r gives the
  /// address of row r of tile j; lane (g = lane / 4, q = lane mod 4)
  /// receives elements (g, 2q) and (g, 2q + 1) of each tile, or with
  /// .trans (2q, g) and (2q + 1, g).
  LogicalResult emitLdMatrix(nvgpu::LdMatrixOp load, IRMapping &map, Value t,
                             Value warpBase, Value lane) {
    Location loc = load.getLoc();
    auto type = cast<VectorType>(load.getRes().getType());
    int64_t tiles = load.getNumTiles();
    if (type.getShape() != ArrayRef<int64_t>{tiles, 2} ||
        type.getElementTypeBitWidth() != 16)
      return load.emitError("only ldmatrix of 16-bit elements, one register "
                            "per tile, runs as host loops");
    FailureOr<Value> source = own(load.getSrcMemref(), map, t, loc);
    if (failed(source))
      return failure();
    Value g = arith::DivUIOp::create(rewriter, loc, lane, index(loc, 4));
    Value q = arith::RemUIOp::create(rewriter, loc, lane, index(loc, 4));
    Value twoQ = arith::MulIOp::create(rewriter, loc, q, index(loc, 2));
    Value result = arith::ConstantOp::create(
        rewriter, loc, type,
        DenseElementsAttr::get(type,
                               rewriter.getZeroAttr(type.getElementType())));
    for (int64_t j = 0; j < tiles; ++j)
      for (int64_t e = 0; e < 2; ++e) {
        Value row =
            load.getTranspose()
                ? arith::AddIOp::create(rewriter, loc, twoQ,
                                        index(loc, 8 * j + e))
                : arith::AddIOp::create(rewriter, loc, g, index(loc, 8 * j));
        Value col =
            load.getTranspose()
                ? g
                : arith::AddIOp::create(rewriter, loc, twoQ, index(loc, e));
        SmallVector<Value> at;
        for (Value i : load.getIndices()) {
          FailureOr<Value> v = valueInLane(i, warpBase, row, loc);
          if (failed(v))
            return failure();
          at.push_back(*v);
        }
        at.back() = arith::AddIOp::create(rewriter, loc, at.back(), col);
        Value element = memref::LoadOp::create(rewriter, loc, *source, at);
        result = vector::InsertOp::create(rewriter, loc, element, result,
                                          ArrayRef<int64_t>{j, e});
      }
    map.map(load.getRes(), result);
    return success();
  }

  /// A host buffer of `shape` f32 for the whole kernel, created on first
  /// use (the threads of the host loops take turns).
  Value scratch(ArrayRef<int64_t> shape, Location loc) {
    Value &buffer = scratchBuffers[shape.size() == 2 ? shape[0] : 0];
    if (!buffer) {
      OpBuilder::InsertionGuard guard(rewriter);
      rewriter.restoreInsertionPoint(slotPoint);
      buffer = memref::AllocOp::create(
          rewriter, loc, MemRefType::get(shape, rewriter.getF32Type()));
      buffers.push_back(buffer);
    }
    return buffer;
  }

  /// mma.sync m16n8k16 of 16-bit operands into f32 accumulators. The
  /// fragment layouts are MLIR's (nvgpu::getLaneIdAndValueIdToOperandCoord,
  /// from PTX's tables), not the kernels' own: each thread gathers the
  /// warp's A (16 x 16) and B (8 x 16, n by k) from the lanes' slots, then
  /// computes its four elements of C + A B^T.
  LogicalResult emitMma(nvgpu::MmaSyncOp mma, IRMapping &map, Value t,
                        Value warpBase, Value lane) {
    Location loc = mma.getLoc();
    auto aType = cast<VectorType>(mma.getMatrixA().getType());
    auto bType = cast<VectorType>(mma.getMatrixB().getType());
    auto cType = cast<VectorType>(mma.getMatrixC().getType());
    Type f32 = rewriter.getF32Type();
    if (mma.getMmaShapeAsArray() != std::array<int64_t, 3>{16, 8, 16} ||
        aType.getShape() != ArrayRef<int64_t>{4, 2} ||
        bType.getShape() != ArrayRef<int64_t>{2, 2} ||
        cType != VectorType::get({2, 2}, f32) ||
        aType.getElementTypeBitWidth() != 16 ||
        bType.getElementType() != aType.getElementType())
      return mma.emitError("only mma.sync m16n8k16 of 16-bit operands into "
                           "f32 runs as host loops");
    // The layout depends on the width only (MLIR's tables know f16).
    Type half = rewriter.getF16Type();
    auto layout = [&](ArrayRef<int64_t> shape, Type type,
                      nvgpu::MatMulOperandRole role) {
      return nvgpu::getLaneIdAndValueIdToOperandCoord(
          rewriter, loc,
          nvgpu::WarpMatrixInfo{VectorType::get(shape, type), role});
    };
    FailureOr<AffineMap> aMap =
        layout({16, 16}, half, nvgpu::MatMulOperandRole::A);
    FailureOr<AffineMap> bMap =
        layout({8, 16}, half, nvgpu::MatMulOperandRole::B);
    FailureOr<AffineMap> cMap =
        layout({16, 8}, f32, nvgpu::MatMulOperandRole::C);
    if (failed(aMap) || failed(bMap) || failed(cMap))
      return mma.emitError("no fragment layout for this mma.sync");
    FailureOr<Value> c = own(mma.getMatrixC(), map, t, loc);
    if (failed(c))
      return failure();
    Value aFull = scratch({16, 16}, loc), bFull = scratch({8, 16}, loc);
    auto coord = [&](AffineMap layout, int64_t result, Value l, int64_t v) {
      return affine::AffineApplyOp::create(rewriter, loc,
                                           layout.getSubMap({unsigned(result)}),
                                           ValueRange{l, index(loc, v)});
    };
    // Gather: lane l's value v of A (B) is element layout(l, v); loops
    // over lanes and values keep the emulation small.
    auto lanes = scf::ForOp::create(rewriter, loc, index(loc, 0),
                                    index(loc, kWarpSize), index(loc, 1));
    {
      OpBuilder::InsertionGuard guard(rewriter);
      rewriter.setInsertionPoint(lanes.getBody()->getTerminator());
      Value l = lanes.getInductionVar();
      for (auto [operand, layoutMap, full] :
           {std::tuple(mma.getMatrixA(), *aMap, aFull),
            std::tuple(mma.getMatrixB(), *bMap, bFull)}) {
        FailureOr<Value> fragment = valueInLane(operand, warpBase, l, loc);
        if (failed(fragment))
          return failure();
        auto type = cast<VectorType>(operand.getType());
        Value flat = vector::ShapeCastOp::create(
            rewriter, loc,
            VectorType::get({type.getNumElements()}, type.getElementType()),
            *fragment);
        auto values = scf::ForOp::create(rewriter, loc, index(loc, 0),
                                         index(loc, type.getNumElements()),
                                         index(loc, 1));
        OpBuilder::InsertionGuard valueGuard(rewriter);
        rewriter.setInsertionPoint(values.getBody()->getTerminator());
        Value v = values.getInductionVar();
        Value element =
            vector::ExtractOp::create(rewriter, loc, flat, OpFoldResult(v));
        AffineMap layout = layoutMap;
        auto coord = [&](int64_t result) {
          return affine::AffineApplyOp::create(
              rewriter, loc, layout.getSubMap({unsigned(result)}),
              ValueRange{l, v});
        };
        memref::StoreOp::create(
            rewriter, loc, arith::ExtFOp::create(rewriter, loc, f32, element),
            full, ValueRange{coord(0), coord(1)});
      }
    }
    // The lane's accumulators: value v of C is element (m, n) = layout(lane,
    // v), C(m, n) + sum_k A(m, k) B(n, k).
    Value result = *c;
    for (int64_t v = 0; v < 4; ++v) {
      Value m = coord(*cMap, 0, lane, v), n = coord(*cMap, 1, lane, v);
      SmallVector<int64_t> at = {v / 2, v % 2};
      Value init = vector::ExtractOp::create(rewriter, loc, *c, at);
      auto sum = scf::ForOp::create(
          rewriter, loc, index(loc, 0), index(loc, 16), index(loc, 1),
          ValueRange{init},
          [&](OpBuilder &b, Location, Value k, ValueRange acc) {
            Value x = memref::LoadOp::create(b, loc, aFull, ValueRange{m, k});
            Value y = memref::LoadOp::create(b, loc, bFull, ValueRange{n, k});
            scf::YieldOp::create(
                b, loc, ValueRange{math::FmaOp::create(b, loc, x, y, acc[0])});
          });
      result =
          vector::InsertOp::create(rewriter, loc, sum.getResult(0), result, at);
    }
    map.map(mma.getRes(), result);
    return success();
  }

  /// wgmma.mma_async m64nNk16 of f16 or bf16 operands, or m64nNk8 of tf32
  /// ones (f32 in shared memory, the low 13 bits of the mantissa dropped),
  /// into f32 accumulators (added to, or with scale-d 0 replacing, their
  /// values), as PTX defines it: B (K x N, K-major or, 16-bit, N-major) is
  /// read through its descriptor (bits 0-13: start address, 16-29: leading
  /// byte offset, between core matrices adjacent in k; 32-45: stride byte
  /// offset, adjacent in m or n; 16-byte units; no swizzling) from core
  /// matrices of 8 rows of 16 bytes, rows along m or n (K-major) or along k
  /// (MN-major);
  /// A (64 x K, K-major) the same way (NVVM's op) or from registers
  /// (fmc_nv.wgmma_register_a: warp w holds rows 16 w .. + 15 as
  /// mma.sync m16n8k16's A fragments, MLIR's table). Thread t of the
  /// warpgroup (warp w) holds rows 16 w .. + 15 of D, value 4 j + v at
  /// element v of the mma.sync accumulator layout (MLIR's table) of
  /// columns 8 j .. + 7. Start addresses are taken modulo 2^18 (shared
  /// memory's window) relative to the kernel's one shared buffer. The
  /// layouts are the PTX ISA's canonical ones without swizzling (in CuTe
  /// terms, T = 8 16-bit elements: K-major ((8,m),(T,2k)):((1T,SBO),(1,LBO)),
  /// MN-major ((T,1,m),(8,k)):((1,T,SBO),(1T,LBO))): in both, the leading
  /// byte offset steps along k and the stride byte offset along m or n.
  LogicalResult emitWgmma(Operation *op, IRMapping &map, Value t,
                          Value warpBase) {
    Location loc = op->getLoc();
    ValueRange shared = launch.getWorkgroupAttributions();
    Value inouts, descAValue, registerA, descBValue;
    int64_t n;
    bool accumulate, bKMajor, isBF16, isTF32 = false;
    if (auto wgmma = dyn_cast<NVVM::WgmmaMmaAsyncOp>(op)) {
      NVVM::MMAShapeAttr shape = wgmma.getShape();
      auto structType = cast<LLVM::LLVMStructType>(wgmma.getInouts().getType());
      NVVM::WGMMATypes typeA = wgmma.getTypeA();
      isTF32 = typeA == NVVM::WGMMATypes::tf32;
      bKMajor = wgmma.getLayoutB() == NVVM::MMALayout::col;
      bool sixteenBit =
          typeA == NVVM::WGMMATypes::f16 || typeA == NVVM::WGMMATypes::bf16;
      if (shape.getM() != 64 || shape.getK() != (isTF32 ? 8 : 16) ||
          shape.getN() > 256 ||
          int64_t(structType.getBody().size()) != shape.getN() / 2 ||
          wgmma.getTypeB() != typeA || !(sixteenBit || (isTF32 && bKMajor)) ||
          wgmma.getTypeD() != NVVM::WGMMATypes::f32 ||
          wgmma.getScaleA() != NVVM::WGMMAScaleIn::one ||
          wgmma.getScaleB() != NVVM::WGMMAScaleIn::one ||
          wgmma.getLayoutA() != NVVM::MMALayout::row)
        return wgmma.emitError(
            "only wgmma.mma_async m64nNk16 of f16 or bf16, or m64nNk8 of "
            "tf32 with B K-major, into f32, A K-major, unscaled inputs, runs "
            "as host loops");
      inouts = wgmma.getInouts();
      descAValue = wgmma.getDescriptorA();
      descBValue = wgmma.getDescriptorB();
      n = shape.getN();
      accumulate = wgmma.getScaleD() == NVVM::WGMMAScaleOut::one;
      isBF16 = typeA == NVVM::WGMMATypes::bf16;
    } else {
      // The op's verifier holds its shapes and types.
      auto registers = cast<fmc::nv::WgmmaRegisterAOp>(op);
      inouts = registers.getAccumulators();
      registerA = registers.getA();
      descBValue = registers.getDescriptorB();
      n = registers.getN();
      accumulate = registers.getAccumulate();
      bKMajor = registers.getBKMajor();
      isBF16 = cast<VectorType>(registerA.getType()).getElementType().isBF16();
    }
    if (shared.size() != 1 ||
        !cast<MemRefType>(shared[0].getType()).getElementType().isInteger(8))
      return op->emitError("a wgmma runs as host loops only in a kernel with "
                           "one shared i8 buffer");
    auto structType = cast<LLVM::LLVMStructType>(inouts.getType());
    int64_t values = n / 2;
    FailureOr<Value> c = own(inouts, map, t, loc);
    FailureOr<Value> descB = own(descBValue, map, t, loc);
    if (failed(c) || failed(descB))
      return failure();
    Type f32 = rewriter.getF32Type(), i64 = rewriter.getI64Type();
    Type half = isBF16 ? Type(rewriter.getBF16Type()) : rewriter.getF16Type();
    // Bytes and elements of a core matrix's row, and the product's depth.
    int64_t bytes = isTF32 ? 4 : 2, width = 16 / bytes, depth = 2 * width;
    // The buffer's elements (16- or 32-bit words), and its address.
    Value buffer = uniform.lookup(shared[0]);
    Value &words = isTF32 ? sharedWords : sharedHalves;
    if (!words) {
      OpBuilder::InsertionGuard guard(rewriter);
      rewriter.setInsertionPointAfterValue(buffer);
      int64_t size = cast<MemRefType>(buffer.getType()).getNumElements();
      words = memref::ViewOp::create(
          rewriter, loc,
          MemRefType::get({size / bytes}, rewriter.getIntegerType(8 * bytes)),
          buffer, arith::ConstantIndexOp::create(rewriter, loc, 0),
          ValueRange{});
    }
    if (!sharedBase) {
      OpBuilder::InsertionGuard guard(rewriter);
      rewriter.setInsertionPointAfterValue(buffer);
      sharedBase = arith::IndexCastOp::create(
          rewriter, loc, i64,
          memref::ExtractAlignedPointerAsIndexOp::create(rewriter, loc,
                                                         buffer));
    }
    auto constant = [&](int64_t v) -> Value {
      return arith::ConstantIntOp::create(rewriter, loc, i64, v);
    };
    // A descriptor's field at `shift`, in bytes (an index).
    auto field = [&](Value desc, int64_t shift) -> Value {
      Value bits = arith::AndIOp::create(
          rewriter, loc,
          arith::ShRUIOp::create(rewriter, loc, desc, constant(shift)),
          constant(0x3FFF));
      return arith::IndexCastOp::create(
          rewriter, loc, rewriter.getIndexType(),
          arith::ShLIOp::create(rewriter, loc, bits, constant(4)));
    };
    auto start = [&](Value desc) -> Value {
      Value offset = arith::AndIOp::create(
          rewriter, loc,
          arith::SubIOp::create(
              rewriter, loc,
              arith::ShLIOp::create(
                  rewriter, loc,
                  arith::AndIOp::create(rewriter, loc, desc, constant(0x3FFF)),
                  constant(4)),
              sharedBase),
          constant(0x3FFFF));
      return arith::IndexCastOp::create(rewriter, loc, rewriter.getIndexType(),
                                        offset);
    };
    Value startB = start(*descB), leadB = field(*descB, 16),
          strideB = field(*descB, 32);

    // The thread's accumulators, one per slot of a scratch buffer.
    // At most 128 values (n <= 256), one buffer for every product.
    if (!wgmmaScratch) {
      OpBuilder::InsertionGuard guard(rewriter);
      rewriter.restoreInsertionPoint(slotPoint);
      wgmmaScratch =
          memref::AllocOp::create(rewriter, loc, MemRefType::get({128}, f32));
      buffers.push_back(wgmmaScratch);
    }
    for (int64_t i = 0; i < values; ++i)
      memref::StoreOp::create(
          rewriter, loc, LLVM::ExtractValueOp::create(rewriter, loc, *c, i),
          wgmmaScratch, index(loc, i));
    FailureOr<AffineMap> cMap = nvgpu::getLaneIdAndValueIdToOperandCoord(
        rewriter, loc,
        nvgpu::WarpMatrixInfo{VectorType::get({16, 8}, f32),
                              nvgpu::MatMulOperandRole::C});
    if (failed(cMap))
      return op->emitError("no accumulator layout for mma.sync m16n8");
    Value lane = arith::RemUIOp::create(rewriter, loc, t, index(loc, 32));
    // A from registers: the warp's lanes' fragments gathered into its 16
    // rows (the layout depends on the width only: MLIR's table knows f16).
    Value aRows;
    if (registerA) {
      FailureOr<AffineMap> aMap = nvgpu::getLaneIdAndValueIdToOperandCoord(
          rewriter, loc,
          nvgpu::WarpMatrixInfo{
              VectorType::get({16, 16}, rewriter.getF16Type()),
              nvgpu::MatMulOperandRole::A});
      if (failed(aMap))
        return op->emitError("no A fragment layout for mma.sync m16n8k16");
      aRows = scratch({16, 16}, loc);
      auto lanes = scf::ForOp::create(rewriter, loc, index(loc, 0),
                                      index(loc, kWarpSize), index(loc, 1));
      OpBuilder::InsertionGuard guard(rewriter);
      rewriter.setInsertionPoint(lanes.getBody()->getTerminator());
      Value l = lanes.getInductionVar();
      FailureOr<Value> fragment = valueInLane(registerA, warpBase, l, loc);
      if (failed(fragment))
        return failure();
      for (int64_t v = 0; v < 8; ++v) {
        SmallVector<Value> at;
        for (unsigned r = 0; r < 2; ++r)
          at.push_back(
              affine::AffineApplyOp::create(rewriter, loc, aMap->getSubMap({r}),
                                            ValueRange{l, index(loc, v)}));
        Value element = vector::ExtractOp::create(rewriter, loc, *fragment,
                                                  ArrayRef<int64_t>{v});
        memref::StoreOp::create(
            rewriter, loc, arith::ExtFOp::create(rewriter, loc, f32, element),
            aRows, at);
      }
    }
    Value startA, leadA, strideA;
    if (!registerA) {
      FailureOr<Value> descA = own(descAValue, map, t, loc);
      if (failed(descA))
        return failure();
      startA = start(*descA);
      leadA = field(*descA, 16);
      strideA = field(*descA, 32);
    }
    Value warp = arith::RemUIOp::create(
        rewriter, loc, arith::DivUIOp::create(rewriter, loc, t, index(loc, 32)),
        index(loc, 4));
    MLIRContext *ctx = rewriter.getContext();
    AffineExpr d0 = getAffineDimExpr(0, ctx), d1 = getAffineDimExpr(1, ctx),
               d2 = getAffineDimExpr(2, ctx), d3 = getAffineDimExpr(3, ctx),
               d4 = getAffineDimExpr(4, ctx);
    // The byte of element (row, k) of a core-matrix operand: start d0,
    // leading d1, stride d2, row d3, k d4 (MN-major: 16-bit only).
    AffineMap kMajor =
        AffineMap::get(5, 0,
                       d0 + d3.floorDiv(8) * d2 + d4.floorDiv(width) * d1 +
                           (d3 % 8) * 16 + (d4 % width) * bytes);
    AffineMap mnMajor =
        AffineMap::get(5, 0,
                       d0 + d3.floorDiv(8) * d2 + d4.floorDiv(8) * d1 +
                           (d4 % 8) * 16 + (d3 % 8) * 2);
    auto element = [&](OpBuilder &b, AffineMap layout, ValueRange operands) {
      Value byte = affine::AffineApplyOp::create(b, loc, layout, operands);
      Value bits = memref::LoadOp::create(
          b, loc, words,
          affine::AffineApplyOp::create(
              b, loc, AffineMap::get(1, 0, d0.floorDiv(bytes)), byte)
              .getResult());
      if (isTF32) {
        // tf32: the f32's sign, exponent and upper 10 mantissa bits
        // (mask 0xFFFFE000).
        Value mask =
            arith::ConstantIntOp::create(b, loc, b.getI32Type(), -8192);
        return Value(arith::BitcastOp::create(
            b, loc, f32, arith::AndIOp::create(b, loc, bits, mask)));
      }
      Value narrow = arith::BitcastOp::create(b, loc, half, bits);
      return Value(arith::ExtFOp::create(b, loc, f32, narrow));
    };
    auto loop = scf::ForOp::create(rewriter, loc, index(loc, 0),
                                   index(loc, values), index(loc, 1));
    {
      OpBuilder::InsertionGuard guard(rewriter);
      rewriter.setInsertionPoint(loop.getBody()->getTerminator());
      Value i = loop.getInductionVar();
      Value v = arith::RemUIOp::create(rewriter, loc, i, index(loc, 4));
      auto coord = [&](unsigned result) {
        return affine::AffineApplyOp::create(
            rewriter, loc, cMap->getSubMap({result}), ValueRange{lane, v});
      };
      Value row = coord(0);
      Value m = affine::AffineApplyOp::create(
          rewriter, loc, AffineMap::get(2, 0, d0 + d1 * 16),
          ValueRange{row, warp});
      Value col = affine::AffineApplyOp::create(
          rewriter, loc, AffineMap::get(2, 0, d0 + d1.floorDiv(4) * 8),
          ValueRange{coord(1), i});
      Value init =
          accumulate
              ? Value(memref::LoadOp::create(rewriter, loc, wgmmaScratch, i))
              : Value(arith::ConstantOp::create(rewriter, loc,
                                                rewriter.getF32FloatAttr(0)));
      auto sum = scf::ForOp::create(
          rewriter, loc, index(loc, 0), index(loc, depth), index(loc, 1),
          ValueRange{init},
          [&](OpBuilder &b, Location, Value k, ValueRange acc) {
            Value a = registerA
                          ? Value(memref::LoadOp::create(b, loc, aRows,
                                                         ValueRange{row, k}))
                          : element(b, kMajor, {startA, leadA, strideA, m, k});
            Value x = element(b, bKMajor ? kMajor : mnMajor,
                              {startB, leadB, strideB, col, k});
            scf::YieldOp::create(
                b, loc, ValueRange{math::FmaOp::create(b, loc, a, x, acc[0])});
          });
      memref::StoreOp::create(rewriter, loc, sum.getResult(0), wgmmaScratch, i);
    }
    Value result = LLVM::PoisonOp::create(rewriter, loc, structType);
    for (int64_t i = 0; i < values; ++i)
      result = LLVM::InsertValueOp::create(
          rewriter, loc, result,
          memref::LoadOp::create(rewriter, loc, wgmmaScratch, index(loc, i)),
          i);
    map.map(op->getResult(0), result);
    return success();
  }

  /// `v` in thread `t`: computed earlier in this loop, or as valueIn.
  FailureOr<Value> own(Value v, IRMapping &map, Value t, Location loc) {
    if (Value mapped = map.lookupOrNull(v))
      return mapped;
    FailureOr<Value> value = valueIn(v, t, loc);
    if (failed(value))
      return emitError(loc, "an operand of a warp-collective op has no "
                            "per-thread copy; cannot run as host loops");
    return value;
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
  /// The warp's A and B of an emulated mma.sync (by row count).
  DenseMap<int64_t, Value> scratchBuffers;
  /// An emulated wgmma's accumulators, and the kernel's shared buffer as
  /// 16-bit and 32-bit words and its address (i64).
  Value wgmmaScratch, sharedHalves, sharedWords, sharedBase;
};

/// The view a TMA copy's tensor map reads: the ranked memref that
/// nvgpu.tma.create.descriptor encoded on the host, possibly passed to the
/// kernel as an address (fmc-gpu-tile-matmul's casts: map -> pointer ->
/// i64 -> pointer -> map); null if the map comes from anywhere else, or is
/// swizzled, interleaved or filled with NaNs.
Value tensorMapView(Value descriptor) {
  while (Operation *def = descriptor.getDefiningOp()) {
    if (!isa<UnrealizedConversionCastOp, LLVM::IntToPtrOp, LLVM::PtrToIntOp>(
            def) ||
        def->getNumOperands() != 1)
      break;
    descriptor = def->getOperand(0);
  }
  auto create = descriptor.getDefiningOp<nvgpu::TmaCreateDescriptorOp>();
  if (!create)
    return {};
  nvgpu::TensorMapDescriptorType type = create.getTensorMap().getType();
  if (type.getSwizzle() != nvgpu::TensorMapSwizzleKind::SWIZZLE_NONE ||
      type.getInterleave() != nvgpu::TensorMapInterleaveKind::INTERLEAVE_NONE ||
      type.getOob() != nvgpu::TensorMapOOBKind::OOB_ZERO)
    return {};
  auto ranked = create.getTensor().getDefiningOp<memref::CastOp>();
  if (!ranked || !isa<MemRefType>(ranked.getSource().getType()))
    return {};
  return ranked.getSource();
}

/// Erases the op defining `value` if nothing uses it, then its operand's
/// (the casts that carry a tensor map).
void eraseUnusedChain(Value value, IRRewriter &rewriter) {
  while (Operation *def = value.getDefiningOp()) {
    if (!def->use_empty())
      return;
    if (auto create = dyn_cast<nvgpu::TmaCreateDescriptorOp>(def))
      value = create.getTensor();
    else if (isa<UnrealizedConversionCastOp, LLVM::IntToPtrOp, LLVM::PtrToIntOp,
                 memref::CastOp>(def) &&
             def->getNumOperands() == 1)
      value = def->getOperand(0);
    else
      return;
    rewriter.eraseOp(def);
  }
}

/// The host runs a kernel's TMA copies (nvgpu.tma.async.load) in the thread
/// that starts them (its predicate), as loops over the box: element e of
/// the box is the view's element at the copy's coordinates (innermost dim
/// first) plus e, zero past the view's edges. A copy is thus complete when
/// its thread's segment ends, before any thread waits for it (after a
/// barrier), so the mbarriers the copies complete have nothing to do and
/// go, with their fences.
LogicalResult lowerTensorMapCopies(gpu::LaunchOp launch, IRRewriter &rewriter) {
  SmallVector<nvgpu::TmaAsyncLoadOp> copies;
  SmallVector<Operation *> barrierOps, creates;
  launch.walk([&](Operation *op) {
    if (auto copy = dyn_cast<nvgpu::TmaAsyncLoadOp>(op))
      copies.push_back(copy);
    else if (isa<nvgpu::MBarrierInitOp, nvgpu::MBarrierArriveExpectTxOp,
                 nvgpu::MBarrierTryWaitParityOp, NVVM::FenceMbarrierInitOp>(op))
      barrierOps.push_back(op);
    else if (isa<nvgpu::MBarrierCreateOp>(op))
      creates.push_back(op);
  });
  for (nvgpu::TmaAsyncLoadOp copy : copies) {
    Value view = tensorMapView(copy.getTensorMapDescriptor());
    if (!view)
      return copy.emitError(
          "a TMA copy runs as host loops only from an unswizzled tensor map "
          "with zero fill, encoded (nvgpu.tma.create.descriptor) from a "
          "ranked memref before the launch");
    Location loc = copy.getLoc();
    auto viewType = cast<MemRefType>(view.getType());
    auto dstType = cast<MemRefType>(copy.getDst().getType());
    int64_t rank = dstType.getRank();
    if (viewType.getRank() != rank || copy.getMulticastMask())
      return copy.emitError("a TMA copy runs as host loops only into a box "
                            "of its tensor's rank, without multicast");
    rewriter.setInsertionPoint(copy);
    if (Value predicate = copy.getPredicate()) {
      auto guard = scf::IfOp::create(rewriter, loc, predicate);
      rewriter.setInsertionPointToStart(guard.thenBlock());
    }
    Value zero = arith::ConstantIndexOp::create(rewriter, loc, 0);
    Value one = arith::ConstantIndexOp::create(rewriter, loc, 1);
    SmallVector<Value> at, from;
    Value inside;
    for (int64_t i = 0; i < rank; ++i) {
      auto loop = scf::ForOp::create(
          rewriter, loc, zero,
          arith::ConstantIndexOp::create(rewriter, loc, dstType.getDimSize(i)),
          one);
      rewriter.setInsertionPointToStart(loop.getBody());
      Value e = loop.getInductionVar();
      Value g = arith::AddIOp::create(rewriter, loc,
                                      copy.getCoordinates()[rank - 1 - i], e);
      Value inDim =
          arith::CmpIOp::create(rewriter, loc, arith::CmpIPredicate::ult, g,
                                arith::ConstantIndexOp::create(
                                    rewriter, loc, viewType.getDimSize(i)));
      inside =
          inside ? arith::AndIOp::create(rewriter, loc, inside, inDim) : inDim;
      at.push_back(e);
      from.push_back(g);
    }
    Type element = dstType.getElementType();
    auto read = scf::IfOp::create(rewriter, loc, TypeRange{element}, inside,
                                  /*withElseRegion=*/true);
    {
      OpBuilder::InsertionGuard guard(rewriter);
      rewriter.setInsertionPointToStart(read.thenBlock());
      scf::YieldOp::create(
          rewriter, loc,
          ValueRange{memref::LoadOp::create(rewriter, loc, view, from)});
      rewriter.setInsertionPointToStart(read.elseBlock());
      scf::YieldOp::create(rewriter, loc,
                           ValueRange{arith::ConstantOp::create(
                               rewriter, loc, rewriter.getZeroAttr(element))});
    }
    memref::StoreOp::create(rewriter, loc, read.getResult(0), copy.getDst(),
                            at);
    Value descriptor = copy.getTensorMapDescriptor();
    rewriter.eraseOp(copy);
    eraseUnusedChain(descriptor, rewriter);
  }
  for (Operation *op : barrierOps)
    rewriter.eraseOp(op);
  for (Operation *op : creates)
    if (op->use_empty())
      rewriter.eraseOp(op);
  return success();
}

/// The tensor maps encoded on the host for kernels that now run as host
/// loops: nothing reads them any more (their views stay, read by the
/// loops).
void eraseTensorMaps(Operation *root, IRRewriter &rewriter) {
  SmallVector<Value> ends;
  root->walk([&](LLVM::PtrToIntOp op) {
    if (tensorMapView(op.getResult()))
      ends.push_back(op.getResult());
  });
  for (Value end : ends)
    eraseUnusedChain(end, rewriter);
}

LogicalResult lowerLaunch(gpu::LaunchOp launch, IRRewriter &rewriter) {
  if (failed(lowerTensorMapCopies(launch, rewriter)))
    return failure();
  if (launch.getAsyncToken() || !launch.getAsyncDependencies().empty() ||
      !launch.getPrivateAttributions().empty() ||
      launch.getDynamicSharedMemorySize() || launch.hasClusterSize() ||
      !launch.getBody().hasOneBlock())
    return launch.emitError("only synchronous single-block launches without "
                            "private memory, dynamic shared memory or "
                            "clusters run as host loops");
  bool lockstep =
      containsSyncPoint(launch) || !launch.getWorkgroupAttributions().empty();

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
    eraseTensorMaps(getOperation(), rewriter);
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
