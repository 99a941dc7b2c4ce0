//===- AttentionBuilder.cpp - shared parts of the attention kernels -------===//

#include "passes/GPU/AttentionBuilder.h"

#include "llvm/Support/MathExtras.h"

#include <cmath>
#include <limits>

using namespace mlir;
using namespace mlir::fmc;

AttentionSizes::AttentionSizes(AttentionKernelOp op) {
  auto q = cast<MemRefType>(op.getQuery().getType());
  auto k = cast<MemRefType>(op.getKey().getType());
  batch = q.getDimSize(0);
  heads = q.getDimSize(1);
  S = q.getDimSize(2);
  D = q.getDimSize(3);
  T = k.getDimSize(2);
  Dv = cast<MemRefType>(op.getValue().getType()).getDimSize(3);
  group = heads / k.getDimSize(1);
}

AttentionBuilder::AttentionBuilder(AttentionKernelOp op)
    : AttentionSizes(op), op(op), loc(op.getLoc()), query(op.getQuery()),
      key(op.getKey()), value(op.getValue()), mask(op.getMask()),
      out(op.getInit()) {
  double scale = op.getScale().convertToDouble();
  rawScores = !mask && scale > 0 && std::isfinite(scale);
  logUnit = (rawScores ? scale : 1.0) * llvm::numbers::log2e;
}

Value AttentionBuilder::index(OpBuilder &b, int64_t v) {
  return arith::ConstantIndexOp::create(b, loc, v);
}

Value AttentionBuilder::constant(OpBuilder &b, double v) {
  return arith::ConstantOp::create(b, loc, b.getF32FloatAttr(v));
}

Value AttentionBuilder::add(OpBuilder &b, Value x, int64_t c) {
  return b.createOrFold<arith::AddIOp>(loc, x, index(b, c));
}

Value AttentionBuilder::mul(OpBuilder &b, Value x, int64_t c) {
  return b.createOrFold<arith::MulIOp>(loc, x, index(b, c));
}

Value AttentionBuilder::ult(OpBuilder &b, Value x, int64_t bound) {
  return arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ult, x,
                               index(b, bound));
}

Value AttentionBuilder::clamp(OpBuilder &b, Value x, int64_t bound) {
  return arith::MinUIOp::create(b, loc, x, index(b, bound - 1));
}

Value AttentionBuilder::load(OpBuilder &b, Value memref, ValueRange at) {
  Value value = memref::LoadOp::create(b, loc, memref, at);
  if (isa<Float16Type, BFloat16Type>(value.getType()))
    value = arith::ExtFOp::create(b, loc, b.getF32Type(), value);
  return value;
}

Value AttentionBuilder::combine(OpBuilder &b, Value x, Value y, bool max) {
  return max ? Value(arith::MaximumFOp::create(b, loc, x, y))
             : Value(arith::AddFOp::create(b, loc, x, y));
}

void AttentionBuilder::butterfly(OpBuilder &b, MutableArrayRef<Value> values,
                                 ArrayRef<int64_t> offsets, bool max) {
  for (int64_t offset : offsets) {
    SmallVector<Value> other = llvm::map_to_vector(values, [&](Value v) {
      return gpu::ShuffleOp::create(b, loc, v, offset, kWarpSize,
                                    gpu::ShuffleMode::XOR)
          .getShuffleResult();
    });
    for (auto [v, w] : llvm::zip(values, other))
      v = combine(b, v, w, max);
  }
}

scf::IfOp AttentionBuilder::ifZero(OpBuilder &b, Value x) {
  return scf::IfOp::create(
      b, loc,
      arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq, x, index(b, 0)));
}

void AttentionBuilder::enterLaunch(OpBuilder &b, gpu::LaunchOp launch) {
  Block &body = launch.getBody().front();
  b.setInsertionPointToEnd(&body);
  gpu::TerminatorOp::create(b, loc);
  b.setInsertionPointToStart(&body);
}

void AttentionBuilder::store(OpBuilder &b, Value value, Value memref,
                             ValueRange at, llvm::MaybeAlign alignment) {
  Type element = cast<MemRefType>(memref.getType()).getElementType();
  if (auto vector = dyn_cast<VectorType>(value.getType())) {
    if (vector.getElementType() != element)
      value = arith::TruncFOp::create(b, loc, vector.clone(element), value);
    vector::StoreOp::create(b, loc, value, memref, at, /*nontemporal=*/false,
                            alignment);
    return;
  }
  if (value.getType() != element)
    value = arith::TruncFOp::create(b, loc, element, value);
  memref::StoreOp::create(b, loc, value, memref, at);
}

Value AttentionBuilder::score(OpBuilder &b, Value dot, Value row, Value key,
                              int64_t keyBlock, bool bounds) {
  double negInf = -std::numeric_limits<double>::infinity();
  Value s =
      rawScores
          ? dot
          : arith::MulFOp::create(b, loc, dot,
                                  constant(b, op.getScale().convertToDouble()));
  if (mask) {
    auto type = cast<MemRefType>(mask.getType());
    Value full[] = {batchId, head, clamp(b, row, S), clamp(b, key, T)};
    SmallVector<Value> at;
    for (int64_t m = 0, rank = type.getRank(); m < rank; ++m)
      at.push_back(type.getDimSize(m) == 1 ? index(b, 0) : full[4 - rank + m]);
    Value m = load(b, mask, at);
    s = type.getElementType().isInteger(1)
            ? Value(arith::SelectOp::create(b, loc, m, s, constant(b, negInf)))
            : Value(arith::AddFOp::create(b, loc, s, m));
  }
  if (!bounds)
    return s;
  if (T % keyBlock != 0)
    s = arith::SelectOp::create(b, loc, ult(b, key, T), s, constant(b, negInf));
  if (op.getCausal()) {
    Value frontier = add(b, row, T - S);
    Value hidden =
        arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ugt, key, frontier);
    s = arith::SelectOp::create(b, loc, hidden, constant(b, negInf), s);
  }
  return s;
}

AttentionBuilder::Rescale AttentionBuilder::rescale(OpBuilder &b, Value m,
                                                    Value rowMax) {
  Value zero = constant(b, 0.0);
  Value negInf = constant(b, -std::numeric_limits<double>::infinity());
  Value max = arith::MaximumFOp::create(b, loc, m, rowMax);
  Value wasEmpty =
      arith::CmpFOp::create(b, loc, arith::CmpFPredicate::OEQ, m, negInf);
  Value factor = arith::SelectOp::create(
      b, loc, wasEmpty, zero,
      math::Exp2Op::create(
          b, loc,
          arith::MulFOp::create(b, loc, arith::SubFOp::create(b, loc, m, max),
                                constant(b, logUnit))));
  Value isEmpty =
      arith::CmpFOp::create(b, loc, arith::CmpFPredicate::OEQ, max, negInf);
  Value base = arith::SelectOp::create(b, loc, isEmpty, zero, max);
  Value offset;
  if (rawScores)
    offset = arith::MulFOp::create(b, loc, base, constant(b, -logUnit));
  return {max, factor, base, offset};
}

Value AttentionBuilder::probability(OpBuilder &b, Value s, const Rescale &r) {
  Value exponent =
      rawScores ? Value(math::FmaOp::create(b, loc, s, constant(b, logUnit),
                                            r.offset))
                : Value(arith::MulFOp::create(
                      b, loc, arith::SubFOp::create(b, loc, s, r.base),
                      constant(b, logUnit)));
  return math::Exp2Op::create(b, loc, exponent);
}

Value AttentionBuilder::causalEnd(OpBuilder &b, Value row0, int64_t rows) {
  return add(b, row0, rows + T - S);
}

Value AttentionBuilder::evenBlock(OpBuilder &b, Value j0, int64_t keyBlock) {
  return arith::CmpIOp::create(
      b, loc, arith::CmpIPredicate::eq,
      arith::RemUIOp::create(
          b, loc, arith::DivUIOp::create(b, loc, j0, index(b, keyBlock)),
          index(b, 2)),
      index(b, 0));
}

ValueRange AttentionBuilder::keyLoops(OpBuilder &b, Value i0, int64_t queries,
                                      int64_t keyBlock, ValueRange init,
                                      KeyStep step, int64_t firstKey) {
  Value keyEnd = index(b, T);
  Value inner = index(b, T / keyBlock * keyBlock);
  if (op.getCausal()) {
    keyEnd = arith::MinUIOp::create(b, loc, keyEnd, causalEnd(b, i0, queries));
    // floor((i0 + T - S + 1) / keyBlock) whole blocks, none if negative.
    Value seen = arith::AddIOp::create(b, loc, i0, index(b, T - S + 1));
    Value blocks = arith::MaxSIOp::create(
        b, loc, arith::FloorDivSIOp::create(b, loc, seen, index(b, keyBlock)),
        index(b, 0));
    inner = arith::MinUIOp::create(b, loc, inner, mul(b, blocks, keyBlock));
  }
  Value begin = index(b, firstKey);
  if (firstKey > 0)
    inner = arith::MaxUIOp::create(b, loc, inner, begin);
  auto innerLoop = scf::ForOp::create(
      b, loc, begin, inner, index(b, keyBlock), init,
      [&](OpBuilder &b, Location, Value j0, ValueRange state) {
        scf::YieldOp::create(b, loc, step(b, j0, state, /*bounds=*/false));
      });
  auto edgeLoop = scf::ForOp::create(
      b, loc, inner, keyEnd, index(b, keyBlock), innerLoop.getResults(),
      [&](OpBuilder &b, Location, Value j0, ValueRange state) {
        scf::YieldOp::create(b, loc, step(b, j0, state, /*bounds=*/true));
      });
  return edgeLoop.getResults();
}

void AttentionBuilder::storeNormalized(
    OpBuilder &b, ArrayRef<Value> rows, ArrayRef<Value> sums, int64_t pairs,
    llvm::function_ref<Value(OpBuilder &, int64_t, int64_t)> pairOf,
    llvm::function_ref<Value(OpBuilder &, int64_t)> columnOf) {
  auto pair = VectorType::get({2}, b.getF32Type());
  Value zeros = arith::ConstantOp::create(b, loc, pair,
                                          DenseElementsAttr::get(pair, 0.0f));
  for (auto [r, row] : llvm::enumerate(rows)) {
    Value empty = arith::CmpFOp::create(b, loc, arith::CmpFPredicate::OEQ,
                                        sums[r], constant(b, 0.0));
    Value inverse = vector::BroadcastOp::create(
        b, loc, pair, arith::DivFOp::create(b, loc, constant(b, 1.0), sums[r]));
    auto inside = scf::IfOp::create(b, loc, ult(b, row, S));
    OpBuilder::InsertionGuard guard(b);
    b.setInsertionPointToStart(inside.thenBlock());
    for (int64_t p = 0; p < pairs; ++p) {
      Value result = arith::SelectOp::create(
          b, loc, empty, zeros,
          arith::MulFOp::create(b, loc, pairOf(b, p, r), inverse));
      store(b, result, out, ValueRange{batchId, head, row, columnOf(b, p)},
            alignment(out, 2));
    }
  }
}

AttentionBuilder::SplitBuffers
AttentionBuilder::allocateSplits(OpBuilder &b, int64_t splits) {
  Type f32 = b.getF32Type();
  return {memref::AllocOp::create(
              b, loc, MemRefType::get({batch, heads, splits, S, Dv}, f32)),
          memref::AllocOp::create(
              b, loc, MemRefType::get({batch, heads, splits, S}, f32)),
          memref::AllocOp::create(
              b, loc, MemRefType::get({batch, heads, splits, S}, f32))};
}

void AttentionBuilder::combineSplits(OpBuilder &b, int64_t splits,
                                     const SplitBuffers &partial) {
  // A parallel loop over the outputs: fmc-gpu-launch-parallel-loops makes
  // it a kernel of one thread per element.
  Value one = index(b, 1), zeroIndex = index(b, 0);
  auto loop = scf::ParallelOp::create(
      b, loc, SmallVector<Value>(4, zeroIndex),
      ValueRange{index(b, batch), index(b, heads), index(b, S), index(b, Dv)},
      SmallVector<Value>(4, one));
  {
    OpBuilder::InsertionGuard g(b);
    b.setInsertionPoint(loop.getBody()->getTerminator());
    SmallVector<Value> ids(loop.getInductionVars());
    Value bi = ids[0], hi = ids[1], row = ids[2], col = ids[3];
    Value negInf = constant(b, -std::numeric_limits<double>::infinity());
    Value zero = constant(b, 0.0);
    auto at = [&](Value sp) { return SmallVector<Value>{bi, hi, sp, row}; };
    auto maxLoop = scf::ForOp::create(
        b, loc, index(b, 0), index(b, splits), one, ValueRange{negInf},
        [&](OpBuilder &b, Location, Value sp, ValueRange acc) {
          scf::YieldOp::create(
              b, loc,
              ValueRange{arith::MaximumFOp::create(
                  b, loc, acc[0], load(b, partial.max, at(sp)))});
        });
    Value m = maxLoop.getResult(0);
    auto sumLoop = scf::ForOp::create(
        b, loc, index(b, 0), index(b, splits), one, ValueRange{zero, zero},
        [&](OpBuilder &b, Location, Value sp, ValueRange acc) {
          Value ms = load(b, partial.max, at(sp));
          Value empty = arith::CmpFOp::create(b, loc, arith::CmpFPredicate::OEQ,
                                              ms, negInf);
          Value w = arith::SelectOp::create(
              b, loc, empty, zero,
              math::Exp2Op::create(
                  b, loc,
                  arith::MulFOp::create(b, loc,
                                        arith::SubFOp::create(b, loc, ms, m),
                                        constant(b, logUnit))));
          Value l = arith::AddFOp::create(
              b, loc, acc[0],
              arith::MulFOp::create(b, loc, w, load(b, partial.sum, at(sp))));
          Value o = arith::AddFOp::create(
              b, loc, acc[1],
              arith::MulFOp::create(
                  b, loc, w,
                  load(b, partial.out, ValueRange{bi, hi, sp, row, col})));
          scf::YieldOp::create(b, loc, ValueRange{l, o});
        });
    Value l = sumLoop.getResult(0), o = sumLoop.getResult(1);
    Value empty =
        arith::CmpFOp::create(b, loc, arith::CmpFPredicate::OEQ, l, zero);
    store(b,
          arith::SelectOp::create(b, loc, empty, zero,
                                  arith::DivFOp::create(b, loc, o, l)),
          out, ValueRange{bi, hi, row, col});
  }
  for (Value buffer : {partial.out, partial.max, partial.sum})
    memref::DeallocOp::create(b, loc, buffer);
}

llvm::MaybeAlign AttentionBuilder::alignment(Value buffer, int64_t count) {
  auto type = cast<MemRefType>(buffer.getType());
  return vectorsAligned(type, count)
             ? llvm::MaybeAlign(count * type.getElementTypeBitWidth() / 8)
             : llvm::MaybeAlign();
}

int64_t mlir::fmc::keySplits(int64_t grid, int64_t keyBlocks,
                             int64_t splitBlocks, int64_t minPerSplit) {
  if (splitBlocks <= 0 || grid >= splitBlocks)
    return 1;
  int64_t splits = std::max<int64_t>(
      1, std::min<int64_t>(llvm::divideCeil(splitBlocks, grid),
                           keyBlocks / minPerSplit));
  // Whole key blocks per split, none empty.
  return llvm::divideCeil(keyBlocks, llvm::divideCeil(keyBlocks, splits));
}
