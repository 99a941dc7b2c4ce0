//===- DecodeAttention.cpp - attention of a few queries per key head ------===//
//
// A decode step gives an attention one query per head (a few with several
// new tokens), and grouped-query models give each key/value head several
// query heads. The 16 x 16 kernel of LaunchAttention.cpp keeps one of its
// sixteen rows of threads busy then, and reads a key/value head once per
// query head. This kernel takes the R = group x S queries of one key/value
// head in one block of 256 threads, so that K and V are read once, and
// gives each thread a key of every step of 256:
//
//   Q's R rows staged once (f32, shared)                 barrier
//   per step j0, thread t:
//   s_r = score(Q_r . K[j0 + t]) for the R rows, K's row read by the thread
//         in 16-byte vectors (its warp's 32 rows come through L1)
//   the step's row maxima: butterfly shuffles in each warp, the 8 warps'
//   maxima in shared memory                              barrier
//   m' = max(m, max_r), a = exp(m - m'), p = exp(s - m') -> shared, the
//   thread's own sum l_t = a l_t + p                     barrier
//   O_t = a O_t + sum_k p[r][k] V[j0 + k][c]: thread t takes value column
//   c = t mod Dv and keys k = t / Dv, t / Dv + 256 / Dv, ... (consecutive
//   threads read consecutive elements of a value row)
//
// (the next step's maxima are written after the barrier that ends this
// step's reads of them, and its probabilities after the barrier that
// follows every read of these: two barriers a step). At the end the
// threads' sums meet by shuffles and shared memory, the key groups'
// outputs through shared memory. Where batch x key/value heads blocks
// would not fill the GPU, the keys are split among blocks too (a split per
// step of keys at least) and the second kernel of the f32 kernel combines
// the splits.
//
//===----------------------------------------------------------------------===//

#include "passes/GPU/AttentionBuilder.h"

#include "llvm/Support/FormatVariadic.h"

#include <limits>

using namespace mlir;
using namespace mlir::fmc;

namespace {

constexpr int64_t kThreads = 256;
constexpr int64_t kWarps = kThreads / kWarpSize;
/// Keys per step: one per thread.
constexpr int64_t kKeys = kThreads;
/// At most this many queries per key/value head (registers: a thread holds
/// a score, a sum and an output of each).
constexpr int64_t kMaxRows = 16;

/// Shared bytes: Q's rows, the warps' row maxima, and a step's
/// probabilities (at the end, the key groups' outputs).
int64_t sharedBytes(int64_t rows, int64_t d) {
  return 4 * rows * (d + kWarps + kKeys);
}

class DecodeBuilder : AttentionBuilder {
public:
  DecodeBuilder(AttentionKernelOp op, int64_t splits)
      : AttentionBuilder(op), rows(group * S), splits(splits),
        keyGroups(kThreads / Dv) {}

  void build(OpBuilder &b, FlatSymbolRefAttr module) {
    Type f32 = b.getF32Type();
    auto shared = [&](int64_t r, int64_t c) {
      return MemRefType::get({r, c}, f32, AffineMap(),
                             gpu::AddressSpaceAttr::get(
                                 b.getContext(), gpu::AddressSpace::Workgroup));
    };
    SplitBuffers partial;
    int64_t chunk = T;
    if (splits > 1) {
      chunk = llvm::divideCeil(llvm::divideCeil(T, kKeys), splits) * kKeys;
      partial = allocateSplits(b, splits);
    }
    Value one = index(b, 1);
    auto launch = gpu::LaunchOp::create(
        b, loc, index(b, splits), index(b, heads / group), index(b, batch),
        index(b, kThreads), one, one,
        /*dynamicSharedMemorySize=*/nullptr, /*asyncTokenType=*/nullptr,
        /*asyncDependencies=*/{},
        TypeRange{shared(D, rows), shared(kWarps, rows), shared(kKeys, rows)},
        /*privateAttributions=*/{}, nullptr, nullptr, nullptr, module);
    launch->setAttr(
        fmc::kKernelAttr,
        b.getStringAttr(llvm::formatv(
            "attention: decoding, {0} quer{1} of a key/value head x {2} keys "
            "per step (a key per thread), f32{3}",
            rows, rows == 1 ? "y" : "ies", kKeys,
            splits > 1 ? llvm::formatv(", keys split {0} ways (a second "
                                       "kernel combines)",
                                       splits)
                             .str()
                       : std::string())));
    OpBuilder::InsertPoint after;
    {
      OpBuilder::InsertionGuard g(b);
      b.setInsertionPointAfter(launch);
      after = b.saveInsertionPoint();
    }
    enterLaunch(b, launch);
    ValueRange buffers = launch.getWorkgroupAttributions();
    qShared = buffers[0];
    maxShared = buffers[1];
    pShared = buffers[2];

    Value split = launch.getBlockIds().x;
    kvHead = launch.getBlockIds().y;
    batchId = launch.getBlockIds().z;
    tid = launch.getThreadIds().x;
    lane = arith::RemUIOp::create(b, loc, tid, index(b, kWarpSize));
    warp = arith::DivUIOp::create(b, loc, tid, index(b, kWarpSize));
    // Row r: query r mod S of head kvHead * group + r / S.
    Value firstHead = mul(b, kvHead, group);
    for (int64_t r = 0; r < rows; ++r)
      rowHeads.push_back(add(b, firstHead, r / S));

    stageQueries(b, firstHead);
    gpu::BarrierOp::create(b, loc);

    Value keyBegin = mul(b, split, chunk);
    keyEnd =
        arith::MinUIOp::create(b, loc, index(b, T), add(b, keyBegin, chunk));
    Value negInf = constant(b, -std::numeric_limits<double>::infinity());
    Value zero = constant(b, 0.0);
    SmallVector<Value> init;
    init.append(rows, negInf); // m
    init.append(rows, zero);   // the thread's l
    init.append(rows, zero);   // the thread's O (column c, its key group)
    auto keyLoop = scf::ForOp::create(
        b, loc, keyBegin, keyEnd, index(b, kKeys), init,
        [&](OpBuilder &b, Location, Value j0, ValueRange state) {
          scf::YieldOp::create(b, loc, step(b, j0, state));
        });
    ValueRange state = keyLoop.getResults();

    // The rows' sums, and the key groups' outputs of column c.
    SmallVector<Value> sums(state.slice(rows, rows));
    acrossBlock(b, sums, /*max=*/false);
    // Thread t's output goes to column t of the probabilities' rows (key
    // group t / Dv, column t mod Dv).
    {
      OpBuilder::InsertionGuard g(b);
      auto inside = scf::IfOp::create(b, loc, ult(b, tid, keyGroups * Dv));
      b.setInsertionPointToStart(inside.thenBlock());
      storeRows(b, state.slice(2 * rows, rows), pShared, tid);
    }
    gpu::BarrierOp::create(b, loc);

    // Thread t < Dv: column t of every row.
    auto columnThread = scf::IfOp::create(b, loc, ult(b, tid, Dv));
    b.setInsertionPointToStart(columnThread.thenBlock());
    Value totals = loadRows(b, pShared, tid);
    for (int64_t k = 1; k < keyGroups; ++k)
      totals = arith::AddFOp::create(b, loc, totals,
                                     loadRows(b, pShared, add(b, tid, k * Dv)));
    for (int64_t r = 0; r < rows; ++r) {
      Value total = vector::ExtractOp::create(b, loc, totals, r);
      Value query = index(b, r % S);
      if (splits > 1) {
        Value h = rowHeads[r];
        memref::StoreOp::create(b, loc, total, partial.out,
                                ValueRange{batchId, h, split, query, tid});
        OpBuilder::InsertionGuard g(b);
        auto first = ifZero(b, tid);
        b.setInsertionPointToStart(first.thenBlock());
        memref::StoreOp::create(b, loc, state[r], partial.max,
                                ValueRange{batchId, h, split, query});
        memref::StoreOp::create(b, loc, sums[r], partial.sum,
                                ValueRange{batchId, h, split, query});
        continue;
      }
      Value empty = arith::CmpFOp::create(b, loc, arith::CmpFPredicate::OEQ,
                                          sums[r], zero);
      store(b,
            arith::SelectOp::create(
                b, loc, empty, zero,
                arith::DivFOp::create(b, loc, total, sums[r])),
            out, ValueRange{batchId, rowHeads[r], query, tid});
    }
    if (splits > 1) {
      b.restoreInsertionPoint(after);
      combineSplits(b, splits, partial);
    }
  }

private:
  /// Copies the R query rows into qShared (f32, [D][R]: the R rows' d-th
  /// elements side by side, read as one vector); consecutive threads copy
  /// consecutive elements of a row.
  void stageQueries(OpBuilder &b, Value firstHead) {
    scf::ForOp::create(
        b, loc, tid, index(b, rows * D), index(b, kThreads), ValueRange{},
        [&](OpBuilder &b, Location, Value linear, ValueRange) {
          Value r = arith::DivUIOp::create(b, loc, linear, index(b, D));
          Value d = arith::RemUIOp::create(b, loc, linear, index(b, D));
          Value h = arith::AddIOp::create(
              b, loc, firstHead,
              arith::DivUIOp::create(b, loc, r, index(b, S)));
          Value i = arith::RemUIOp::create(b, loc, r, index(b, S));
          memref::StoreOp::create(b, loc, load(b, query, {batchId, h, i, d}),
                                  qShared, ValueRange{d, r});
          scf::YieldOp::create(b, loc);
        });
  }

  Value shuffleXor(OpBuilder &b, Value v, int64_t offset) {
    return gpu::ShuffleOp::create(b, loc, v, offset, kWarpSize,
                                  gpu::ShuffleMode::XOR)
        .getShuffleResult();
  }

  Value combine(OpBuilder &b, Value x, Value y, bool max) {
    return max ? Value(arith::MaximumFOp::create(b, loc, x, y))
               : Value(arith::AddFOp::create(b, loc, x, y));
  }

  /// Combines each of `values` (max or add) across the block: butterfly
  /// shuffles in each warp, then the warps' results through maxShared
  /// (written by lane 0, read by every thread after a barrier). The caller
  /// orders earlier reads of maxShared before this.
  void acrossBlock(OpBuilder &b, MutableArrayRef<Value> values, bool max) {
    for (int64_t offset = kWarpSize / 2; offset >= 1; offset /= 2) {
      SmallVector<Value> other = llvm::map_to_vector(
          values, [&](Value v) { return shuffleXor(b, v, offset); });
      for (auto [v, w] : llvm::zip(values, other))
        v = combine(b, v, w, max);
    }
    {
      OpBuilder::InsertionGuard g(b);
      auto first = ifZero(b, lane);
      b.setInsertionPointToStart(first.thenBlock());
      storeRows(b, values, maxShared, warp);
    }
    gpu::BarrierOp::create(b, loc);
    Value total = loadRows(b, maxShared, index(b, 0));
    for (int64_t w = 1; w < kWarps; ++w)
      total = combine(b, total, loadRows(b, maxShared, index(b, w)), max);
    for (auto [r, v] : llvm::enumerate(values))
      v = vector::ExtractOp::create(b, loc, total, r);
  }

  /// The alignment of a row of R f32 in shared memory (buffers 16-byte
  /// aligned).
  llvm::Align rowAlignment() {
    int64_t bytes = 4 * rows;
    return llvm::Align(std::min<int64_t>(16, bytes & -bytes));
  }

  /// Row `at` of `shared` ([n][R] f32): one value of each of the R query
  /// rows, as one vector.
  Value loadRows(OpBuilder &b, Value shared, Value at) {
    return vector::LoadOp::create(
        b, loc, VectorType::get({rows}, b.getF32Type()), shared,
        ValueRange{at, index(b, 0)}, /*nontemporal=*/false, rowAlignment());
  }

  /// Stores `values` (one per query row) as row `at` of `shared`.
  void storeRows(OpBuilder &b, ValueRange values, Value shared, Value at) {
    Value row = vector::FromElementsOp::create(
        b, loc, VectorType::get({rows}, b.getF32Type()), values);
    vector::StoreOp::create(b, loc, row, shared, ValueRange{at, index(b, 0)},
                            /*nontemporal=*/false, rowAlignment());
  }

  /// The thread's dot products of its key (row `keyRow` of K) with the R
  /// rows of Q.
  SmallVector<Value> dots(OpBuilder &b, Value keyRow) {
    auto element = cast<MemRefType>(key.getType()).getElementType();
    int64_t width = 128 / element.getIntOrFloatBitWidth();
    while (width > 1 && (D % width != 0 || !alignment(key, width)))
      width /= 2;
    auto type = VectorType::get({width}, element);
    Value zero = constant(b, 0.0);
    auto loop = scf::ForOp::create(
        b, loc, index(b, 0), index(b, D), index(b, width),
        SmallVector<Value>(rows, zero),
        [&](OpBuilder &b, Location, Value d, ValueRange acc) {
          Value k = vector::LoadOp::create(
              b, loc, type, key, ValueRange{batchId, kvHead, keyRow, d},
              /*nontemporal=*/false, alignment(key, width));
          if (!element.isF32())
            k = arith::ExtFOp::create(b, loc, type.clone(b.getF32Type()), k);
          SmallVector<Value> sums(acc);
          for (int64_t e = 0; e < width; ++e) {
            Value ke = vector::ExtractOp::create(b, loc, k, e);
            Value q = loadRows(b, qShared, add(b, d, e));
            for (int64_t r = 0; r < rows; ++r)
              sums[r] = math::FmaOp::create(
                  b, loc, vector::ExtractOp::create(b, loc, q, r), ke, sums[r]);
          }
          scf::YieldOp::create(b, loc, sums);
        });
    return SmallVector<Value>(loop.getResults());
  }

  /// One step of keys at j0: the new (m, l, O).
  SmallVector<Value> step(OpBuilder &b, Value j0, ValueRange state) {
    Value negInf = constant(b, -std::numeric_limits<double>::infinity());
    Value keyAt = arith::AddIOp::create(b, loc, j0, tid);
    Value inside =
        arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ult, keyAt, keyEnd);
    SmallVector<Value> dot = dots(b, clamp(b, keyAt, T));
    SmallVector<Value> s;
    for (int64_t r = 0; r < rows; ++r) {
      head = rowHeads[r]; // the mask's head
      Value sr = score(b, dot[r], index(b, r % S), keyAt, /*keyBlock=*/1);
      s.push_back(arith::SelectOp::create(b, loc, inside, sr, negInf));
    }
    SmallVector<Value> stepMax(s);
    acrossBlock(b, stepMax, /*max=*/true);

    SmallVector<Value> next, p, sums, outs;
    for (int64_t r = 0; r < rows; ++r) {
      Rescale update = rescale(b, state[r], stepMax[r]);
      next.push_back(update.max);
      p.push_back(math::ExpOp::create(
          b, loc, arith::SubFOp::create(b, loc, s[r], update.base)));
      sums.push_back(arith::AddFOp::create(
          b, loc, arith::MulFOp::create(b, loc, update.factor, state[rows + r]),
          p.back()));
      outs.push_back(
          arith::MulFOp::create(b, loc, update.factor, state[2 * rows + r]));
    }
    storeRows(b, p, pShared, tid);
    gpu::BarrierOp::create(b, loc);

    // Threads past the key groups' columns take no key.
    Value c = arith::RemUIOp::create(b, loc, tid, index(b, Dv));
    Value first = arith::DivUIOp::create(b, loc, tid, index(b, Dv));
    Value count = arith::MinUIOp::create(
        b, loc, index(b, kKeys), arith::SubIOp::create(b, loc, keyEnd, j0));
    Value end = arith::SelectOp::create(b, loc, ult(b, tid, keyGroups * Dv),
                                        count, index(b, 0));
    auto values = scf::ForOp::create(
        b, loc, first, end, index(b, keyGroups), outs,
        [&](OpBuilder &b, Location, Value k, ValueRange acc) {
          Value v =
              load(b, value,
                   {batchId, kvHead, arith::AddIOp::create(b, loc, j0, k), c});
          Value probabilities = loadRows(b, pShared, k);
          SmallVector<Value> o;
          for (int64_t r = 0; r < rows; ++r)
            o.push_back(math::FmaOp::create(
                b, loc, vector::ExtractOp::create(b, loc, probabilities, r), v,
                acc[r]));
          scf::YieldOp::create(b, loc, o);
        });
    llvm::append_range(next, sums);
    llvm::append_range(next, values.getResults());
    return next;
  }

  int64_t rows, splits, keyGroups;
  Value qShared, maxShared, pShared;
  Value tid, lane, warp, keyEnd;
  SmallVector<Value> rowHeads;
};

} // namespace

bool mlir::fmc::fitsDecodeAttention(AttentionKernelOp op, int64_t sharedBytes) {
  auto shape = [](Value v) { return cast<MemRefType>(v.getType()); };
  int64_t heads = shape(op.getQuery()).getDimSize(1);
  int64_t s = shape(op.getQuery()).getDimSize(2);
  int64_t d = shape(op.getQuery()).getDimSize(3);
  int64_t dv = shape(op.getValue()).getDimSize(3);
  int64_t rows = heads / shape(op.getKey()).getDimSize(1) * s;
  return s < 16 && rows <= kMaxRows && dv <= kThreads &&
         ::sharedBytes(rows, d) <= sharedBytes;
}

void mlir::fmc::buildDecodeAttention(OpBuilder &b, AttentionKernelOp op,
                                     int64_t splitBlocks,
                                     FlatSymbolRefAttr module) {
  auto shape = [](Value v) { return cast<MemRefType>(v.getType()); };
  int64_t grid =
      shape(op.getKey()).getDimSize(0) * shape(op.getKey()).getDimSize(1);
  int64_t splits =
      keySplits(grid, llvm::divideCeil(shape(op.getKey()).getDimSize(2), kKeys),
                splitBlocks, /*minPerSplit=*/1);
  DecodeBuilder(op, splits).build(b, module);
}
