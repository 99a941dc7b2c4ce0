//===- TensorCoreAttention.cpp - FlashAttention-2 on mma.sync -------------===//
//
// The tensor-core attention kernel, written per lane as FlashAttention-2
// is: a block of 4 or 8 warps takes 16 queries per warp of one head and
// loops over blocks of kKeys keys. In a warp, lane
// (g = lane / 4, q = lane mod 4) holds, in the register layout of
// mma.sync.m16n8k16 (A: rows g and g + 8, columns 2q, 2q + 1 and 8 + 2q,
// 9 + 2q of each 16 x 16 tile; B: rows 2q, 2q + 1, 8 + 2q, 9 + 2q of
// column g of each 16 x 8 tile; C: rows g and g + 8, columns 2q, 2q + 1):
//
//   Q           A fragments, loaded once (16-bit, ldmatrix from shared)
//   S = Q K^T   C fragments, one 16 x 8 tile per eight keys (f32)
//   m, l        the running max and (lane-partial) sum of rows g, g + 8
//   P           the C fragments of exp(S - m) rounded to 16 bits are the
//               A fragments of P V (two 16 x 8 tiles make one 16 x 16)
//   O           C fragments, one 16 x 8 tile per eight value columns
//
// K's and V's fragments come by ldmatrix (V's transposed: its rows are
// keys), so scores and probabilities never leave registers: row maxima are
// combined across the four lanes of a row by two butterfly shuffles, and
// the sums once at the end. Per key block:
//
//   stage K, V (f32 -> 16-bit, shared)                 barrier
//   S = scale Q K^T (+ mask; -inf past T or the frontier, in the key
//   blocks that reach either: a second loop)
//   m' = max(m, rowmax S), a = exp(m - m'), P = exp(S - m')
//   l' = a l + rowsum P, O' = a O + P V                 barrier
//
// and O / l is stored at the end (zero where l = 0).
//
//===----------------------------------------------------------------------===//

#include "passes/GPU/AttentionBuilder.h"

#include "mlir/Dialect/NVGPU/IR/NVGPUDialect.h"
#include "llvm/Support/FormatVariadic.h"

#include <limits>

using namespace mlir;
using namespace mlir::fmc;

namespace {

/// Keys per step.
constexpr int64_t kKeys = 64;
/// 16-bit elements of padding per shared row: rows are then an odd
/// multiple of 16 bytes apart, so the eight 16-byte rows each phase of an
/// ldmatrix reads fall in different banks.
constexpr int64_t kPad = 8;

/// The Q block (16 rows per warp), and then in the same bytes the K and
/// V blocks (with `prefetch`, a second K block after them); 16-bit, rows
/// padded.
int64_t sharedBytes(int64_t warps, int64_t d, int64_t dv,
                    bool prefetch = false) {
  return 2 * std::max(16 * warps * (d + kPad),
                      (prefetch ? 2 : 1) * kKeys * (d + kPad) +
                          kKeys * (dv + kPad));
}

class TensorCoreBuilder : AttentionBuilder {
public:
  TensorCoreBuilder(AttentionKernelOp op, Type half, int64_t warps,
                    bool asyncCopies, int64_t sharedLimit)
      : AttentionBuilder(op), half(half), warps(warps), queries(16 * warps),
        asyncCopies(asyncCopies) {
    // K and V by cp.async; the next K block too, into a second buffer,
    // where it fits.
    async = copiesAsync(key, D) && copiesAsync(value, Dv);
    prefetch = async && ::sharedBytes(warps, D, Dv, true) <= sharedLimit;
  }

  void build(OpBuilder &b, FlatSymbolRefAttr module) {
    MLIRContext *ctx = b.getContext();
    auto workgroup =
        gpu::AddressSpaceAttr::get(ctx, gpu::AddressSpace::Workgroup);
    Value one = index(b, 1);
    auto launch = gpu::LaunchOp::create(
        b, loc, index(b, llvm::divideCeil(S, queries)), index(b, heads),
        index(b, batch), index(b, warps * kWarpSize), one, one,
        /*dynamicSharedMemorySize=*/nullptr, /*asyncTokenType=*/nullptr,
        /*asyncDependencies=*/{},
        TypeRange{MemRefType::get({sharedBytes(warps, D, Dv, prefetch)},
                                  b.getI8Type(), AffineMap(), workgroup)},
        /*privateAttributions=*/{}, nullptr, nullptr, nullptr, module);
    launch->setAttr(
        fmc::kKernelAttr,
        b.getStringAttr(llvm::formatv(
            "attention: FlashAttention-2 on tensor cores (mma.sync m16n8k16 "
            "{0}), {1} queries x {2} keys per step, {3} warps, K and V {4}",
            half.isBF16() ? "bf16" : "f16", queries, kKeys, warps,
            prefetch ? "by cp.async, next K prefetched"
            : async  ? "by cp.async"
                     : "through registers")));
    enterLaunch(b, launch);
    Value bytes = launch.getWorkgroupAttributions()[0];
    auto view = [&](int64_t offset, int64_t r, int64_t c) {
      return memref::ViewOp::create(
          b, loc, MemRefType::get({r, c}, half, AffineMap(), workgroup), bytes,
          index(b, offset), ValueRange{});
    };
    Value qShared = view(0, queries, D + kPad);
    kBuffers[0] = kShared = view(0, kKeys, D + kPad);
    vShared = view(2 * kKeys * (D + kPad), kKeys, Dv + kPad);
    if (prefetch)
      kBuffers[1] = view(2 * kKeys * (D + kPad + Dv + kPad), kKeys, D + kPad);

    batchId = launch.getBlockIds().z;
    head = launch.getBlockIds().y;
    kvHead = arith::DivUIOp::create(b, loc, head, index(b, group));
    i0 = mul(b, launch.getBlockIds().x, queries);
    tid = launch.getThreadIds().x;
    Value warp = arith::DivUIOp::create(b, loc, tid, index(b, kWarpSize));
    Value lane = arith::RemUIOp::create(b, loc, tid, index(b, kWarpSize));
    g = arith::DivUIOp::create(b, loc, lane, index(b, 4));
    q = arith::RemUIOp::create(b, loc, lane, index(b, 4));
    twoQ = mul(b, q, 2);
    // ldmatrix: lane 8 j + r gives the address of row r of 8 x 8 tile j.
    Value tileRow = arith::RemUIOp::create(b, loc, lane, index(b, 8));
    Value tile = arith::DivUIOp::create(b, loc, lane, index(b, 8));
    Value tileOdd = arith::RemUIOp::create(b, loc, tile, index(b, 2));
    Value tileHigh = arith::DivUIOp::create(b, loc, tile, index(b, 2));
    // Tiles j = 0 .. 3 at (row + 8 (j mod 2), col + 8 (j / 2)) and at
    // (row + 8 (j / 2), col + 8 (j mod 2)).
    rowOddColHigh = {arith::AddIOp::create(b, loc, tileRow, mul(b, tileOdd, 8)),
                     mul(b, tileHigh, 8)};
    rowHighColOdd = {
        arith::AddIOp::create(b, loc, tileRow, mul(b, tileHigh, 8)),
        mul(b, tileOdd, 8)};
    firstRow = mul(b, warp, 16);
    Value warpRow = arith::AddIOp::create(b, loc, firstRow, g);
    tileRows = {warpRow, add(b, warpRow, 8)};
    for (Value r : tileRows)
      queryRows.push_back(arith::AddIOp::create(b, loc, i0, r));

    // The warp's Q fragments, through the bytes K and V use later.
    stage(b, query, head, i0, S, queries, D, qShared);
    gpu::BarrierOp::create(b, loc);
    for (int64_t k0 = 0; k0 < D; k0 += 16)
      qFragments.push_back(aFragment(b, qShared, k0));
    gpu::BarrierOp::create(b, loc);
    // With prefetch, K's first block starts here; each step starts the
    // next one.
    if (prefetch)
      asyncGroup = stageAsync(b, key, index(b, 0), D, kBuffers[0]);

    Value negInf = constant(b, -std::numeric_limits<double>::infinity());
    Value zero = constant(b, 0.0);
    SmallVector<Value> init = {negInf, negInf, zero, zero};
    init.append(Dv / 8, accumulator(b));
    ValueRange state =
        keyLoops(b, i0, queries, kKeys, init,
                 [&](OpBuilder &b, Value j0, ValueRange state, bool bounds) {
                   return step(b, j0, state, bounds);
                 });

    // The last step's prefetch (past the keys: zeros) completes.
    if (prefetch)
      nvgpu::DeviceAsyncWaitOp::create(b, loc, asyncGroup,
                                       b.getI32IntegerAttr(0));
    // l: the row's four lanes' sums; O (1 / l), tile o's row r at columns
    // 8 o + 2 q, + 1.
    SmallVector<Value> sums = {state[2], state[3]};
    acrossRow(b, sums, /*max=*/false);
    storeNormalized(
        b, queryRows, sums, Dv / 8,
        [&](OpBuilder &b, int64_t o, int64_t r) -> Value {
          return vector::ExtractOp::create(b, loc, state[4 + o], r);
        },
        [&](OpBuilder &b, int64_t o) { return add(b, twoQ, 8 * o); });
  }

private:
  /// A zero 16 x 8 f32 accumulator fragment.
  Value accumulator(OpBuilder &b) {
    auto type = VectorType::get({2, 2}, b.getF32Type());
    return arith::ConstantOp::create(b, loc, type,
                                     DenseElementsAttr::get(type, 0.0f));
  }

  /// Combines each of `values` (max or add) across the four lanes that
  /// hold a row (lanes 4g .. 4g + 3): two butterfly steps, both rows'
  /// shuffles together.
  void acrossRow(OpBuilder &b, MutableArrayRef<Value> values, bool max) {
    butterfly(b, values, {1, 2}, max);
  }

  /// ldmatrix of `tiles` 8 x 8 tiles (transposed or not) of `shared`, this
  /// lane's row address at (row, col).
  Value ldmatrix(OpBuilder &b, Value shared, Value row, Value col,
                 int64_t tiles, bool transpose) {
    return nvgpu::LdMatrixOp::create(b, loc, VectorType::get({tiles, 2}, half),
                                     shared, ValueRange{row, col}, transpose,
                                     tiles);
  }

  /// Registers `first` and `first` + 1 of `fragments` as one B fragment.
  Value pairOf(OpBuilder &b, Value fragments, int64_t first) {
    auto type = VectorType::get({2, 2}, half);
    Value result = arith::ConstantOp::create(
        b, loc, type, DenseElementsAttr::get(type, b.getZeroAttr(half)));
    for (int64_t i = 0; i < 2; ++i)
      result = vector::InsertOp::create(
          b, loc, vector::ExtractOp::create(b, loc, fragments, first + i),
          result, i);
    return result;
  }

  /// The lane's A fragment of the warp's 16 query rows and columns k0 ..
  /// k0 + 15 of the shared Q block: tiles (rows 0-7 | 8-15) x (columns
  /// k0 | k0 + 8).
  Value aFragment(OpBuilder &b, Value qShared, int64_t k0) {
    Value row = arith::AddIOp::create(b, loc, firstRow, rowOddColHigh[0]);
    return ldmatrix(b, qShared, row, add(b, rowOddColHigh[1], k0), 4,
                    /*transpose=*/false);
  }

  /// The lane's B fragments of K^T for keys n0 .. n0 + 7 and n0 + 8 ..
  /// n0 + 15, dims k0 .. k0 + 15: tiles (keys n0 | n0 + 8) x (dims k0 |
  /// k0 + 8), each key's dims a row.
  std::pair<Value, Value> keyFragments(OpBuilder &b, int64_t n0, int64_t k0) {
    Value both = ldmatrix(b, kShared, add(b, rowHighColOdd[0], n0),
                          add(b, rowHighColOdd[1], k0), 4,
                          /*transpose=*/false);
    return {pairOf(b, both, 0), pairOf(b, both, 2)};
  }

  /// The lane's B fragments of V for keys k0 .. k0 + 15 and value columns
  /// n0 .. n0 + 7 (and n0 + 8 .. n0 + 15 with `two`): tiles (keys k0 |
  /// k0 + 8) x (columns n0 | n0 + 8), transposed (V's rows are keys).
  SmallVector<Value> valueFragments(OpBuilder &b, int64_t n0, int64_t k0,
                                    bool two) {
    Value row = add(b, rowOddColHigh[0], k0);
    Value col = two ? add(b, rowOddColHigh[1], n0) : index(b, n0);
    Value tiles = ldmatrix(b, vShared, row, col, two ? 4 : 2,
                           /*transpose=*/true);
    if (!two)
      return {tiles};
    return {pairOf(b, tiles, 0), pairOf(b, tiles, 2)};
  }

  Value mma(OpBuilder &b, Value a, Value bFragment, Value c) {
    return nvgpu::MmaSyncOp::create(b, loc, a, bFragment, c,
                                    ArrayRef<int64_t>{16, 8, 16});
  }

  /// Copies rows start .. start + count of `source[batch, head]` (a [B,
  /// heads, length, width] buffer of f32, or of 16-bit floats) into
  /// `shared` in 16 bits, zeros past `length`. Consecutive threads copy
  /// consecutive groups of four elements of a row.
  void stage(OpBuilder &b, Value source, Value sourceHead, Value start,
             int64_t length, int64_t count, int64_t width, Value shared) {
    Type element = cast<MemRefType>(source.getType()).getElementType();
    auto loaded = VectorType::get({4}, element);
    auto halves = VectorType::get({4}, half);
    Value zeros = arith::ConstantOp::create(
        b, loc, loaded,
        DenseElementsAttr::get(loaded, b.getFloatAttr(element, 0.0)));
    int64_t threads = warps * kWarpSize;
    llvm::MaybeAlign aligned = alignment(source, 4);
    scf::ForOp::create(
        b, loc, mul(b, tid, 4), index(b, count * width), index(b, threads * 4),
        ValueRange{}, [&](OpBuilder &b, Location, Value linear, ValueRange) {
          Value row = arith::DivUIOp::create(b, loc, linear, index(b, width));
          Value col = arith::RemUIOp::create(b, loc, linear, index(b, width));
          Value at = arith::AddIOp::create(b, loc, start, row);
          Value elements = vector::LoadOp::create(
              b, loc, loaded, source,
              ValueRange{batchId, sourceHead, clamp(b, at, length), col},
              /*nontemporal=*/false, aligned);
          elements = arith::SelectOp::create(b, loc, ult(b, at, length),
                                             elements, zeros);
          if (element != half) {
            if (!element.isF32())
              elements = arith::ExtFOp::create(
                  b, loc, loaded.clone(b.getF32Type()), elements);
            elements = arith::TruncFOp::create(b, loc, halves, elements);
          }
          vector::StoreOp::create(b, loc, elements, shared,
                                  ValueRange{row, col}, /*nontemporal=*/false,
                                  llvm::Align(8));
          scf::YieldOp::create(b, loc);
        });
  }

  /// Whether the kKeys x `width` blocks of `source` can be copied by
  /// cp.async: elements of the products' type, rows of whole 16-byte
  /// chunks, each 16-byte aligned, and the same number of chunks for
  /// every thread.
  bool copiesAsync(Value source, int64_t width) {
    auto type = cast<MemRefType>(source.getType());
    return asyncCopies && type.getElementType() == half &&
           type.isLastDimUnitStride() && width % 8 == 0 &&
           alignment(source, 8) == llvm::MaybeAlign(16) &&
           kKeys * width / 8 % (warps * kWarpSize) == 0;
  }

  /// Starts copying rows j0 .. j0 + kKeys of `source[batch, kvHead]` (16-bit,
  /// copiesAsync) into `shared` by cp.async in 16-byte chunks, zeros past T
  /// (a chunk past the end reads nothing); returns their group.
  Value stageAsync(OpBuilder &b, Value source, Value j0, int64_t width,
                   Value shared) {
    int64_t threads = warps * kWarpSize, chunks = width / 8;
    auto tokenType = nvgpu::DeviceAsyncTokenType::get(b.getContext());
    SmallVector<Value> tokens;
    for (int64_t e = 0; e < kKeys * chunks / threads; ++e) {
      Value linear = add(b, tid, e * threads);
      Value row = arith::DivUIOp::create(b, loc, linear, index(b, chunks));
      Value col =
          mul(b, arith::RemUIOp::create(b, loc, linear, index(b, chunks)), 8);
      Value at = arith::AddIOp::create(b, loc, j0, row);
      Value elements = arith::SelectOp::create(b, loc, ult(b, at, T),
                                               index(b, 8), index(b, 0));
      tokens.push_back(nvgpu::DeviceAsyncCopyOp::create(
          b, loc, tokenType, shared, ValueRange{row, col}, source,
          ValueRange{batchId, kvHead, clamp(b, at, T), col}, b.getIndexAttr(8),
          elements, b.getUnitAttr()));
    }
    return nvgpu::DeviceAsyncCreateGroupOp::create(b, loc, tokenType, tokens);
  }

  /// `scalars` (f32, row-major) as a 2-D vector of `shape` (built by
  /// inserts: the GPU lowering takes no n-D shape casts).
  Value vectorOf(OpBuilder &b, ArrayRef<int64_t> shape, ValueRange scalars) {
    auto type = VectorType::get(shape, b.getF32Type());
    Value result = arith::ConstantOp::create(
        b, loc, type, DenseElementsAttr::get(type, 0.0f));
    for (auto [i, scalar] : llvm::enumerate(scalars))
      result = vector::InsertOp::create(
          b, loc, scalar, result,
          ArrayRef<int64_t>{int64_t(i) / shape[1], int64_t(i) % shape[1]});
    return result;
  }

  /// One key block at j0: the new (m, l, O). `bounds`: the block may reach
  /// past T or the causal frontier.
  SmallVector<Value> step(OpBuilder &b, Value j0, ValueRange state,
                          bool bounds) {
    // Asynchronously: K and V as two groups; the scores wait for K only
    // (with prefetch, K's group started in the step before, and the values'
    // products wait for V's, the next K's staying in flight).
    Value valueGroup, nextKeys;
    if (prefetch) {
      Value even = evenBlock(b, j0, kKeys);
      kShared = arith::SelectOp::create(b, loc, even, kBuffers[0], kBuffers[1]);
      nextKeys =
          arith::SelectOp::create(b, loc, even, kBuffers[1], kBuffers[0]);
      valueGroup = stageAsync(b, value, j0, Dv, vShared);
      nvgpu::DeviceAsyncWaitOp::create(b, loc, asyncGroup,
                                       b.getI32IntegerAttr(1));
    } else if (async) {
      Value keyGroup = stageAsync(b, key, j0, D, kShared);
      valueGroup = stageAsync(b, value, j0, Dv, vShared);
      nvgpu::DeviceAsyncWaitOp::create(b, loc, keyGroup,
                                       b.getI32IntegerAttr(1));
    } else {
      stage(b, key, kvHead, j0, T, kKeys, D, kShared);
      stage(b, value, kvHead, j0, T, kKeys, Dv, vShared);
    }
    gpu::BarrierOp::create(b, loc);

    // scores[n][r][c]: row tileRows[r], key j0 + 8n + 2q + c.
    SmallVector<std::array<std::array<Value, 2>, 2>> scores;
    for (int64_t n0 = 0; n0 < kKeys; n0 += 16) {
      // The pair's fragments for all of D first, then the products: the
      // loads are in flight together.
      SmallVector<std::pair<Value, Value>> fragments;
      for (int64_t k0 = 0; k0 < D; k0 += 16)
        fragments.push_back(keyFragments(b, n0, k0));
      Value acc[2] = {accumulator(b), accumulator(b)};
      for (auto [a, pair] : llvm::zip(qFragments, fragments)) {
        acc[0] = mma(b, a, pair.first, acc[0]);
        acc[1] = mma(b, a, pair.second, acc[1]);
      }
      for (int64_t h = 0; h < 2; ++h) {
        auto &tile = scores.emplace_back();
        for (int64_t r = 0; r < 2; ++r)
          for (int64_t c = 0; c < 2; ++c) {
            Value dot = vector::ExtractOp::create(b, loc, acc[h],
                                                  ArrayRef<int64_t>{r, c});
            Value key =
                arith::AddIOp::create(b, loc, j0, add(b, twoQ, n0 + 8 * h + c));
            tile[r][c] = score(b, dot, queryRows[r], key, kKeys, bounds);
          }
      }
    }

    // m' = max(m, rowmax S); a = exp(m - m') (0 while m is -inf);
    // P = exp(S - m') (m' = -inf read as 0, P = 0 then).
    SmallVector<Value> rowMax;
    for (int64_t r = 0; r < 2; ++r) {
      Value max = scores[0][r][0];
      for (auto &tile : scores)
        for (Value s : tile[r])
          if (s != max)
            max = arith::MaximumFOp::create(b, loc, max, s);
      rowMax.push_back(max);
    }
    acrossRow(b, rowMax, /*max=*/true);
    SmallVector<Value> next, alpha;
    SmallVector<Rescale> updates;
    for (int64_t r = 0; r < 2; ++r) {
      updates.push_back(rescale(b, state[r], rowMax[r]));
      next.push_back(updates[r].max);
      alpha.push_back(updates[r].factor);
    }
    SmallVector<Value> sums = {
        arith::MulFOp::create(b, loc, alpha[0], state[2]),
        arith::MulFOp::create(b, loc, alpha[1], state[3])};
    SmallVector<Value> probabilities; // per 16 x 8 tile, as an f32 quad
    for (auto &tile : scores) {
      SmallVector<Value> p;
      for (int64_t r = 0; r < 2; ++r)
        for (int64_t c = 0; c < 2; ++c) {
          p.push_back(probability(b, tile[r][c], updates[r]));
          sums[r] = arith::AddFOp::create(b, loc, sums[r], p.back());
        }
      probabilities.push_back(vectorOf(b, {2, 2}, p));
    }
    llvm::append_range(next, sums);

    // O' = a O + P V: the probabilities of keys k0 .. k0 + 15 (tiles k0 / 8
    // and k0 / 8 + 1) are the A fragment of rows (g, g + 8) x those keys.
    Value scale = vectorOf(b, {2, 2}, {alpha[0], alpha[0], alpha[1], alpha[1]});
    SmallVector<Value> pFragments;
    for (int64_t t = 0; t < kKeys / 8; t += 2) {
      SmallVector<Value> elements;
      for (int64_t i = 0; i < 8; ++i)
        elements.push_back(
            vector::ExtractOp::create(b, loc, probabilities[t + i / 4],
                                      ArrayRef<int64_t>{i / 2 % 2, i % 2}));
      Value both = vectorOf(b, {4, 2}, elements);
      pFragments.push_back(
          arith::TruncFOp::create(b, loc, VectorType::get({4, 2}, half), both));
    }
    if (prefetch) {
      stageAsync(b, key, add(b, j0, kKeys), D, nextKeys);
      nvgpu::DeviceAsyncWaitOp::create(b, loc, valueGroup,
                                       b.getI32IntegerAttr(1));
      gpu::BarrierOp::create(b, loc);
    } else if (valueGroup) {
      nvgpu::DeviceAsyncWaitOp::create(b, loc, valueGroup,
                                       b.getI32IntegerAttr(0));
      gpu::BarrierOp::create(b, loc);
    }
    // Value columns in pairs of 16 x 8 tiles (one ldmatrix.x4.trans per
    // pair and 16 keys), a last single tile when Dv mod 16 = 8.
    for (int64_t o = 0; o < Dv / 8; o += 2) {
      bool two = o + 1 < Dv / 8;
      SmallVector<Value> acc;
      for (int64_t h = 0; h < (two ? 2 : 1); ++h)
        acc.push_back(arith::MulFOp::create(b, loc, state[4 + o + h], scale));
      SmallVector<SmallVector<Value>> fragments;
      for (int64_t k = 0; k < int64_t(pFragments.size()); ++k)
        fragments.push_back(valueFragments(b, 8 * o, 16 * k, two));
      for (auto [a, tiles] : llvm::zip(pFragments, fragments))
        for (auto [sum, fragment] : llvm::zip(acc, tiles))
          sum = mma(b, a, fragment, sum);
      llvm::append_range(next, acc);
    }
    gpu::BarrierOp::create(b, loc);
    return next;
  }

  Type half;
  int64_t warps, queries;
  bool asyncCopies;
  /// K and V copied by cp.async; and the next K block prefetched.
  bool async = false, prefetch = false;
  /// The K block being multiplied (with prefetch, one of kBuffers).
  Value kShared, vShared;
  std::array<Value, 2> kBuffers;
  /// A group of the kernel's cp.async copies (the waits' token).
  Value asyncGroup;
  Value i0, tid, g, q, twoQ, firstRow;
  /// A lane's ldmatrix offsets (row, column) for four tiles in the two
  /// orders.
  std::array<Value, 2> rowOddColHigh, rowHighColOdd;
  SmallVector<Value> tileRows, queryRows, qFragments;
};

} // namespace

bool mlir::fmc::fitsTensorCoreAttention(AttentionKernelOp op,
                                        int64_t sharedBytes) {
  AttentionSizes sizes(op);
  // Groups of four elements are loaded, and pairs stored, as vectors.
  bool contiguous = llvm::all_of(
      ValueRange{op.getQuery(), op.getKey(), op.getValue(), op.getInit()},
      [&](Value v) {
        return cast<MemRefType>(v.getType()).isLastDimUnitStride();
      });
  return contiguous && sizes.D % 16 == 0 && sizes.Dv % 8 == 0 &&
         sizes.S >= 16 && ::sharedBytes(4, sizes.D, sizes.Dv) <= sharedBytes;
}

void mlir::fmc::buildTensorCoreAttention(OpBuilder &b, AttentionKernelOp op,
                                         Type half, int64_t sharedBytes,
                                         int64_t prefetchBytes,
                                         int64_t minBlocks, bool asyncCopies,
                                         FlatSymbolRefAttr module) {
  // 8 warps (128 queries: each K and V block staged once for twice the
  // queries) where S has them, they fit, and the grid still has
  // `minBlocks` blocks; else 4.
  AttentionSizes sizes(op);
  int64_t warps = sizes.S >= 128 && sizes.grid(128) >= minBlocks &&
                          ::sharedBytes(8, sizes.D, sizes.Dv) <= sharedBytes
                      ? 8
                      : 4;
  TensorCoreBuilder(op, half, warps, asyncCopies,
                    std::max(sharedBytes, prefetchBytes))
      .build(b, module);
}
