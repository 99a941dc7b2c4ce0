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
//   Q's R rows staged once (f32, shared, [D][R])            barrier
//   per step j0, thread t:
//   s_r = score(Q_r . K[j0 + t]) for the R rows: the thread's K row read
//         16 bytes at a time, eight such loads issued before their products
//   the step's row maxima: butterfly shuffles in each warp, the 8 warps'
//   maxima in shared memory                                 barrier
//   m' = max(m, max_r), a = exp(m - m'), p = exp(s - m') -> shared, the
//   thread's own sum l_t = a l_t + p                        barrier
//   O_t = a O_t + sum_k p[r][k] V[j0 + k][c .. c + w): thread t takes w
//   value columns (16 bytes, fewer where R w would pass 32 accumulators)
//   and the keys of its key group (t / (Dv / w), then every 256 / (Dv / w)
//   keys), eight vector loads in flight
//
// (the next step's maxima are written after the barrier that ends this
// step's reads of them, and its probabilities after the barrier that
// follows every read of these: two barriers a step). Decoding is bound by
// the bytes of K and V, and one block per SM has to keep enough of them in
// flight: hence the loads issued in groups of eight. At the end the
// threads' sums meet by shuffles and shared memory, the key groups' outputs
// through shared memory. Where batch x key/value heads blocks would not
// fill the GPU, the keys are split among blocks too (a split per step of
// keys at least) and the f32 kernel's second kernel combines the splits.
//
//===----------------------------------------------------------------------===//

#include "passes/GPU/AttentionBuilder.h"

#include "llvm/ADT/bit.h"
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
/// a score, a sum and a running max of each).
constexpr int64_t kMaxRows = 16;
/// A thread's output accumulators (queries x value columns), at most.
constexpr int64_t kMaxOutputs = 32;
/// Vector loads a thread issues before it uses them.
constexpr int64_t kLoadsInFlight = 8;

/// Elements of `buffer`'s rows read as one vector: 16 bytes, or fewer where
/// `limit`, the row `width` or the buffer's alignment ask for fewer.
int64_t vectorWidth(Value buffer, int64_t width, int64_t limit) {
  auto type = cast<MemRefType>(buffer.getType());
  int64_t w = std::min<int64_t>(limit, 128 / type.getElementTypeBitWidth());
  while (w > 1 && (width % w != 0 || !AttentionBuilder::alignment(buffer, w)))
    w /= 2;
  return w;
}

/// The largest divisor of `n` that is at most `limit`.
int64_t divisorUpTo(int64_t n, int64_t limit) {
  for (int64_t d = std::min(n, limit); d > 1; --d)
    if (n % d == 0)
      return d;
  return 1;
}

/// How a decoding kernel divides its work: R query rows, value columns
/// `valueWidth` at a time, `columnThreads` threads per value row and
/// `keyGroups` of them per step.
struct Layout {
  int64_t rows, d, dv, valueWidth, columnThreads, keyGroups;

  Layout(AttentionKernelOp op) {
    auto query = cast<MemRefType>(op.getQuery().getType());
    auto key = cast<MemRefType>(op.getKey().getType());
    rows = query.getDimSize(1) / key.getDimSize(1) * query.getDimSize(2);
    d = query.getDimSize(3);
    dv = cast<MemRefType>(op.getValue().getType()).getDimSize(3);
    valueWidth =
        vectorWidth(op.getValue(), dv,
                    llvm::bit_floor(uint64_t(std::max<int64_t>(
                        1, kMaxOutputs / std::max<int64_t>(1, rows)))));
    columnThreads = dv / valueWidth;
    keyGroups = kThreads / columnThreads;
  }

  /// Keys per step a thread multiplies by its value columns.
  int64_t keysPerThread() const { return llvm::divideCeil(kKeys, keyGroups); }
  /// Rows of the probabilities' buffer, which at the end holds the key
  /// groups' outputs.
  int64_t probabilityRows() const { return std::max(kKeys, keyGroups * dv); }
  /// Shared bytes: Q, the warps' row maxima, the probabilities (f32).
  int64_t sharedBytes() const {
    return 4 * rows * (d + kWarps + probabilityRows());
  }
};

class DecodeBuilder : AttentionBuilder {
public:
  DecodeBuilder(AttentionKernelOp op, int64_t splits)
      : AttentionBuilder(op), layout(op), rows(layout.rows), splits(splits) {}

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
        TypeRange{shared(D, rows), shared(kWarps, rows),
                  shared(layout.probabilityRows(), rows)},
        /*privateAttributions=*/{}, nullptr, nullptr, nullptr, module);
    launch->setAttr(
        fmc::kKernelAttr,
        b.getStringAttr(llvm::formatv(
            "attention: decoding, {0} quer{1} of a key/value head x {2} keys "
            "per step (a key per thread), f32, values {3} column(s) per "
            "thread{4}",
            rows, rows == 1 ? "y" : "ies", kKeys, layout.valueWidth,
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
    // The thread's value columns and key group; threads past the groups
    // take no key.
    Value columnThread =
        arith::RemUIOp::create(b, loc, tid, index(b, layout.columnThreads));
    firstColumn = mul(b, columnThread, layout.valueWidth);
    keyGroup =
        arith::DivUIOp::create(b, loc, tid, index(b, layout.columnThreads));
    hasValues = ult(b, tid, layout.keyGroups * layout.columnThreads);

    stageQueries(b, firstHead);
    gpu::BarrierOp::create(b, loc);

    Value keyBegin = mul(b, split, chunk);
    keyEnd =
        arith::MinUIOp::create(b, loc, index(b, T), add(b, keyBegin, chunk));
    Value negInf = constant(b, -std::numeric_limits<double>::infinity());
    Value zero = constant(b, 0.0);
    int64_t outputs = rows * layout.valueWidth;
    SmallVector<Value> init;
    init.append(rows, negInf);  // m
    init.append(rows, zero);    // the thread's l
    init.append(outputs, zero); // the thread's O ([r][column])
    auto keyLoop = scf::ForOp::create(
        b, loc, keyBegin, keyEnd, index(b, kKeys), init,
        [&](OpBuilder &b, Location, Value j0, ValueRange state) {
          scf::YieldOp::create(b, loc, step(b, j0, state));
        });
    ValueRange state = keyLoop.getResults();

    // The rows' sums; the key groups' outputs through the probabilities'
    // buffer, row g Dv + c for column c of group g.
    SmallVector<Value> sums(state.slice(rows, rows));
    acrossBlock(b, sums, /*max=*/false);
    {
      OpBuilder::InsertionGuard g(b);
      auto inside = scf::IfOp::create(b, loc, hasValues);
      b.setInsertionPointToStart(inside.thenBlock());
      Value base =
          arith::AddIOp::create(b, loc, mul(b, keyGroup, Dv), firstColumn);
      for (int64_t e = 0; e < layout.valueWidth; ++e) {
        SmallVector<Value> column;
        for (int64_t r = 0; r < rows; ++r)
          column.push_back(state[2 * rows + r * layout.valueWidth + e]);
        storeRows(b, column, pShared, add(b, base, e));
      }
    }
    gpu::BarrierOp::create(b, loc);

    // Thread t < Dv: column t of every row.
    auto columnOwner = scf::IfOp::create(b, loc, ult(b, tid, Dv));
    b.setInsertionPointToStart(columnOwner.thenBlock());
    Value totals = loadRows(b, pShared, tid);
    for (int64_t k = 1; k < layout.keyGroups; ++k)
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

  /// Combines each of `values` (max or add) across the block: butterfly
  /// shuffles in each warp, then the warps' results through maxShared
  /// (written by lane 0, read by every thread after a barrier). The caller
  /// orders earlier reads of maxShared before this.
  void acrossBlock(OpBuilder &b, MutableArrayRef<Value> values, bool max) {
    butterfly(b, values, {16, 8, 4, 2, 1}, max);
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

  /// A vector of `width` elements of row `at` (indices of `buffer`) as f32.
  Value loadVector(OpBuilder &b, Value buffer, ValueRange at, int64_t width) {
    auto type = cast<MemRefType>(buffer.getType());
    auto vector = VectorType::get({width}, type.getElementType());
    Value loaded =
        vector::LoadOp::create(b, loc, vector, buffer, at,
                               /*nontemporal=*/false, alignment(buffer, width));
    if (!type.getElementType().isF32())
      loaded =
          arith::ExtFOp::create(b, loc, vector.clone(b.getF32Type()), loaded);
    return loaded;
  }

  /// The thread's dot products of its key (row `keyRow` of K) with the R
  /// rows of Q: per loop step kLoadsInFlight vectors of the row loaded, then
  /// their products.
  SmallVector<Value> dots(OpBuilder &b, Value keyRow) {
    int64_t width = vectorWidth(key, D, 16);
    int64_t inFlight = divisorUpTo(D / width, kLoadsInFlight);
    Value zero = constant(b, 0.0);
    auto loop = scf::ForOp::create(
        b, loc, index(b, 0), index(b, D), index(b, inFlight * width),
        SmallVector<Value>(rows, zero),
        [&](OpBuilder &b, Location, Value d0, ValueRange acc) {
          SmallVector<Value> keys;
          for (int64_t v = 0; v < inFlight; ++v)
            keys.push_back(loadVector(
                b, key, {batchId, kvHead, keyRow, add(b, d0, v * width)},
                width));
          SmallVector<Value> sums(acc);
          for (auto [v, k] : llvm::enumerate(keys))
            for (int64_t e = 0; e < width; ++e) {
              Value ke = vector::ExtractOp::create(b, loc, k, e);
              Value q = loadRows(b, qShared, add(b, d0, v * width + e));
              for (int64_t r = 0; r < rows; ++r)
                sums[r] = math::FmaOp::create(
                    b, loc, vector::ExtractOp::create(b, loc, q, r), ke,
                    sums[r]);
            }
          scf::YieldOp::create(b, loc, sums);
        });
    return SmallVector<Value>(loop.getResults());
  }

  /// O += P V for the thread's value columns and the keys of its key group
  /// in the step at j0 (k = group + keyGroups i): per loop step
  /// kLoadsInFlight value vectors loaded, then their products. Keys past
  /// the step (where the groups or the loads in flight do not divide it)
  /// read a clamped row and add nothing; keys past T read a clamped row,
  /// whose probability is 0.
  SmallVector<Value> multiplyValues(OpBuilder &b, Value j0, ValueRange init) {
    int64_t width = layout.valueWidth;
    int64_t inFlight = std::min(layout.keysPerThread(), kLoadsInFlight);
    int64_t perThread = llvm::alignTo(layout.keysPerThread(), inFlight);
    Value end = arith::SelectOp::create(b, loc, hasValues, index(b, perThread),
                                        index(b, 0));
    auto loop = scf::ForOp::create(
        b, loc, index(b, 0), end, index(b, inFlight), init,
        [&](OpBuilder &b, Location, Value i0, ValueRange acc) {
          SmallVector<Value> keys, clamped, values;
          for (int64_t u = 0; u < inFlight; ++u) {
            keys.push_back(arith::AddIOp::create(
                b, loc, keyGroup, mul(b, add(b, i0, u), layout.keyGroups)));
            clamped.push_back(clamp(b, keys.back(), kKeys));
            Value row =
                clamp(b, arith::AddIOp::create(b, loc, j0, clamped.back()), T);
            values.push_back(loadVector(
                b, value, {batchId, kvHead, row, firstColumn}, width));
          }
          SmallVector<Value> sums(acc);
          auto zeros = VectorType::get({rows}, b.getF32Type());
          for (int64_t u = 0; u < inFlight; ++u) {
            Value p = loadRows(b, pShared, clamped[u]);
            if (perThread * layout.keyGroups > kKeys) {
              p = arith::SelectOp::create(
                  b, loc, ult(b, keys[u], kKeys), p,
                  arith::ConstantOp::create(
                      b, loc, zeros, DenseElementsAttr::get(zeros, 0.0f)));
            }
            for (int64_t r = 0; r < rows; ++r) {
              Value pr = vector::ExtractOp::create(b, loc, p, r);
              for (int64_t e = 0; e < width; ++e)
                sums[r * width + e] = math::FmaOp::create(
                    b, loc, pr, vector::ExtractOp::create(b, loc, values[u], e),
                    sums[r * width + e]);
            }
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
      p.push_back(probability(b, s[r], update));
      sums.push_back(arith::AddFOp::create(
          b, loc, arith::MulFOp::create(b, loc, update.factor, state[rows + r]),
          p.back()));
      for (int64_t e = 0; e < layout.valueWidth; ++e)
        outs.push_back(
            arith::MulFOp::create(b, loc, update.factor,
                                  state[2 * rows + r * layout.valueWidth + e]));
    }
    storeRows(b, p, pShared, tid);
    gpu::BarrierOp::create(b, loc);
    llvm::append_range(next, sums);
    llvm::append_range(next, multiplyValues(b, j0, outs));
    return next;
  }

  Layout layout;
  int64_t rows, splits;
  Value qShared, maxShared, pShared;
  Value tid, lane, warp, keyEnd, firstColumn, keyGroup, hasValues;
  SmallVector<Value> rowHeads;
};

} // namespace

bool mlir::fmc::fitsDecodeAttention(AttentionKernelOp op, int64_t sharedBytes) {
  auto shape = [](Value v) { return cast<MemRefType>(v.getType()); };
  Layout layout(op);
  // A thread per output column at the end: Dv <= 256.
  return shape(op.getQuery()).getDimSize(2) < 16 && layout.rows <= kMaxRows &&
         layout.dv <= kThreads && layout.sharedBytes() <= sharedBytes;
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
