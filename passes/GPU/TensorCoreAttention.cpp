//===- TensorCoreAttention.cpp - FlashAttention-2 on mma.sync -------------===//
//
// The tensor-core attention kernel, written per lane as FlashAttention-2
// is: a block of kWarps warps takes 16 kWarps queries of one head, each
// warp 16 of them, and loops over blocks of kKeys keys. In a warp, lane
// (g = lane / 4, q = lane mod 4) holds, in the register layout of
// mma.sync.m16n8k16 (A: rows g and g + 8, columns 2q, 2q + 1 and 8 + 2q,
// 9 + 2q of each 16 x 16 tile; B: rows 2q, 2q + 1, 8 + 2q, 9 + 2q of
// column g of each 16 x 8 tile; C: rows g and g + 8, columns 2q, 2q + 1):
//
//   Q           A fragments, loaded once (16-bit, from shared memory)
//   S = Q K^T   C fragments, one 16 x 8 tile per eight keys (f32)
//   m, l        the running max and (lane-partial) sum of rows g, g + 8
//   P           the C fragments of exp(S - m) rounded to 16 bits are the
//               A fragments of P V (two 16 x 8 tiles make one 16 x 16)
//   O           C fragments, one 16 x 8 tile per eight value columns
//
// so scores and probabilities never leave registers: row maxima are
// combined across the four lanes of a row by two butterfly shuffles, and
// the sums once at the end. Per key block:
//
//   stage K, V (f32 -> 16-bit, shared)                 barrier
//   S = scale Q K^T (+ mask, -inf past T or the frontier)
//   m' = max(m, rowmax S), a = exp(m - m'), P = exp(S - m')
//   l' = a l + rowsum P, O' = a O + P V                 barrier
//
// and O / l is stored at the end (zero where l = 0).
//
//===----------------------------------------------------------------------===//

#include "passes/GPU/AttentionBuilder.h"

#include "mlir/Dialect/NVGPU/IR/NVGPUDialect.h"

#include <limits>

using namespace mlir;
using namespace mlir::fmc;

namespace {

/// Warps per block (each takes 16 queries) and keys per step.
constexpr int64_t kWarps = 4;
constexpr int64_t kQueries = 16 * kWarps;
constexpr int64_t kKeys = 64;
constexpr int64_t kWarpSize = 32;
/// 16-bit elements of padding per shared row: a row is then 4 words
/// (mod 32) past the one above, so the eight rows a fragment load reads
/// fall in different banks.
constexpr int64_t kPad = 8;

/// The K (first the Q) block and the V block, 16-bit, rows padded.
int64_t sharedBytes(int64_t d, int64_t dv) {
  return 2 * (std::max(kQueries, kKeys) * (d + kPad) + kKeys * (dv + kPad));
}

class TensorCoreBuilder : AttentionBuilder {
public:
  TensorCoreBuilder(AttentionKernelOp op, Type half)
      : AttentionBuilder(op), half(half) {}

  void build(OpBuilder &b, FlatSymbolRefAttr module) {
    MLIRContext *ctx = b.getContext();
    auto workgroup =
        gpu::AddressSpaceAttr::get(ctx, gpu::AddressSpace::Workgroup);
    int64_t rows = std::max(kQueries, kKeys);
    Value one = index(b, 1);
    auto launch = gpu::LaunchOp::create(
        b, loc, index(b, llvm::divideCeil(S, kQueries)), index(b, heads),
        index(b, batch), index(b, kWarps * kWarpSize), one, one,
        /*dynamicSharedMemorySize=*/nullptr, /*asyncTokenType=*/nullptr,
        /*asyncDependencies=*/{},
        TypeRange{MemRefType::get({sharedBytes(D, Dv)}, b.getI8Type(),
                                  AffineMap(), workgroup)},
        /*privateAttributions=*/{}, nullptr, nullptr, nullptr, module);
    Block &body = launch.getBody().front();
    b.setInsertionPointToEnd(&body);
    gpu::TerminatorOp::create(b, loc);
    b.setInsertionPointToStart(&body);
    Value bytes = launch.getWorkgroupAttributions()[0];
    auto view = [&](int64_t offset, int64_t r, int64_t c) {
      return memref::ViewOp::create(
          b, loc, MemRefType::get({r, c}, half, AffineMap(), workgroup), bytes,
          index(b, offset), ValueRange{});
    };
    kShared = view(0, rows, D + kPad);
    vShared = view(2 * rows * (D + kPad), kKeys, Dv + kPad);

    batchId = launch.getBlockIds().z;
    head = launch.getBlockIds().y;
    kvHead = arith::DivUIOp::create(b, loc, head, index(b, group));
    i0 = mul(b, launch.getBlockIds().x, kQueries);
    tid = launch.getThreadIds().x;
    Value warp = arith::DivUIOp::create(b, loc, tid, index(b, kWarpSize));
    Value lane = arith::RemUIOp::create(b, loc, tid, index(b, kWarpSize));
    g = arith::DivUIOp::create(b, loc, lane, index(b, 4));
    q = arith::RemUIOp::create(b, loc, lane, index(b, 4));
    twoQ = mul(b, q, 2);
    Value warpRow = arith::AddIOp::create(b, loc, mul(b, warp, 16), g);
    tileRows = {warpRow, add(b, warpRow, 8)};
    for (Value r : tileRows)
      queryRows.push_back(arith::AddIOp::create(b, loc, i0, r));

    // The warp's Q fragments, through the K buffer.
    stage(b, query, head, i0, S, kQueries, D, kShared);
    gpu::BarrierOp::create(b, loc);
    for (int64_t k0 = 0; k0 < D; k0 += 16)
      qFragments.push_back(aFragment(b, k0));
    gpu::BarrierOp::create(b, loc);

    Value keyEnd = index(b, T);
    if (op.getCausal())
      keyEnd =
          arith::MinUIOp::create(b, loc, keyEnd, causalEnd(b, i0, kQueries));
    Value negInf = constant(b, -std::numeric_limits<double>::infinity());
    Value zero = constant(b, 0.0);
    SmallVector<Value> init = {negInf, negInf, zero, zero};
    init.append(Dv / 8, accumulator(b));
    auto keyLoop = scf::ForOp::create(
        b, loc, index(b, 0), keyEnd, index(b, kKeys), init,
        [&](OpBuilder &b, Location, Value j0, ValueRange state) {
          scf::YieldOp::create(b, loc, step(b, j0, state));
        });

    // l: the row's four lanes' sums; O / l, zero for a row that saw no key.
    ValueRange state = keyLoop.getResults();
    SmallVector<Value> sums = {state[2], state[3]};
    acrossRow(b, sums, /*max=*/false);
    auto pair = VectorType::get({2}, b.getF32Type());
    Value zeros = arith::ConstantOp::create(b, loc, pair,
                                            DenseElementsAttr::get(pair, 0.0f));
    for (int64_t r = 0; r < 2; ++r) {
      Value empty = arith::CmpFOp::create(b, loc, arith::CmpFPredicate::OEQ,
                                          sums[r], zero);
      Value divisor = vector::BroadcastOp::create(b, loc, pair, sums[r]);
      auto inside = scf::IfOp::create(b, loc, ult(b, queryRows[r], S));
      OpBuilder::InsertionGuard guard(b);
      b.setInsertionPointToStart(inside.thenBlock());
      for (int64_t o = 0; o < Dv / 8; ++o) {
        Value row = vector::ExtractOp::create(b, loc, state[4 + o], r);
        Value result = arith::SelectOp::create(
            b, loc, empty, zeros, arith::DivFOp::create(b, loc, row, divisor));
        vector::StoreOp::create(
            b, loc, result, out,
            ValueRange{batchId, head, queryRows[r], add(b, twoQ, 8 * o)},
            /*nontemporal=*/false, llvm::Align(8));
      }
    }
  }

private:
  /// A zero 16 x 8 f32 accumulator fragment.
  Value accumulator(OpBuilder &b) {
    auto type = VectorType::get({2, 2}, b.getF32Type());
    return arith::ConstantOp::create(b, loc, type,
                                     DenseElementsAttr::get(type, 0.0f));
  }

  Value shuffleXor(OpBuilder &b, Value v, int64_t offset) {
    return gpu::ShuffleOp::create(b, loc, v, offset, kWarpSize,
                                  gpu::ShuffleMode::XOR)
        .getShuffleResult();
  }

  /// Combines each of `values` (max or add) across the four lanes that
  /// hold a row (lanes 4g .. 4g + 3): two butterfly steps, both rows'
  /// shuffles together.
  void acrossRow(OpBuilder &b, MutableArrayRef<Value> values, bool max) {
    for (int64_t offset : {1, 2}) {
      SmallVector<Value> other = llvm::map_to_vector(
          values, [&](Value v) { return shuffleXor(b, v, offset); });
      for (auto [v, w] : llvm::zip(values, other))
        v = max ? Value(arith::MaximumFOp::create(b, loc, v, w))
                : Value(arith::AddFOp::create(b, loc, v, w));
    }
  }

  /// Two consecutive 16-bit elements of a shared row (one 32-bit load).
  Value pairAt(OpBuilder &b, Value shared, Value row, Value col) {
    return vector::LoadOp::create(b, loc, VectorType::get({2}, half), shared,
                                  ValueRange{row, col}, /*nontemporal=*/false,
                                  llvm::Align(4));
  }

  /// `rows` (vector<2 x half> each) as one fragment.
  Value fragment(OpBuilder &b, ArrayRef<Value> rows) {
    auto type = VectorType::get({int64_t(rows.size()), 2}, half);
    Value result = arith::ConstantOp::create(
        b, loc, type, DenseElementsAttr::get(type, b.getZeroAttr(half)));
    for (auto [i, row] : llvm::enumerate(rows))
      result = vector::InsertOp::create(b, loc, row, result, int64_t(i));
    return result;
  }

  /// The lane's A fragment of the warp's 16 query rows and columns k0 ..
  /// k0 + 15 of the shared Q block.
  Value aFragment(OpBuilder &b, int64_t k0) {
    Value lo = add(b, twoQ, k0), hi = add(b, twoQ, k0 + 8);
    return fragment(b, {pairAt(b, kShared, tileRows[0], lo),
                        pairAt(b, kShared, tileRows[1], lo),
                        pairAt(b, kShared, tileRows[0], hi),
                        pairAt(b, kShared, tileRows[1], hi)});
  }

  /// The lane's B fragment of K^T: dims k0 .. k0 + 15 of keys n0 .. n0 + 7
  /// (key n0 + g's row holds the lane's four elements, in two pairs).
  Value keyFragment(OpBuilder &b, int64_t n0, int64_t k0) {
    Value row = add(b, g, n0);
    return fragment(b, {pairAt(b, kShared, row, add(b, twoQ, k0)),
                        pairAt(b, kShared, row, add(b, twoQ, k0 + 8))});
  }

  /// The lane's B fragment of V: keys k0 .. k0 + 15 of value columns n0 ..
  /// n0 + 7 (column n0 + g of keys k0 + 2q, + 1, + 8, + 9).
  Value valueFragment(OpBuilder &b, int64_t n0, int64_t k0) {
    Value col = add(b, g, n0);
    auto pair = [&](int64_t k) {
      Value first = load(b, vShared, {add(b, twoQ, k), col});
      Value second = load(b, vShared, {add(b, twoQ, k + 1), col});
      return vector::FromElementsOp::create(b, loc, VectorType::get({2}, half),
                                            ValueRange{first, second});
    };
    return fragment(b, {pair(k0), pair(k0 + 8)});
  }

  Value mma(OpBuilder &b, Value a, Value bFragment, Value c) {
    return nvgpu::MmaSyncOp::create(b, loc, a, bFragment, c,
                                    ArrayRef<int64_t>{16, 8, 16});
  }

  /// Copies rows start .. start + count of `source[batch, head]` (a [B,
  /// heads, length, width] f32 buffer) into `shared` in 16 bits, zeros
  /// past `length`. Consecutive threads copy consecutive groups of four
  /// elements of a row.
  void stage(OpBuilder &b, Value source, Value sourceHead, Value start,
             int64_t length, int64_t count, int64_t width, Value shared) {
    auto f32s = VectorType::get({4}, b.getF32Type());
    auto halves = VectorType::get({4}, half);
    Value zeros = arith::ConstantOp::create(b, loc, f32s,
                                            DenseElementsAttr::get(f32s, 0.0f));
    int64_t threads = kWarps * kWarpSize;
    llvm::MaybeAlign aligned = alignment(source);
    scf::ForOp::create(
        b, loc, mul(b, tid, 4), index(b, count * width), index(b, threads * 4),
        ValueRange{}, [&](OpBuilder &b, Location, Value linear, ValueRange) {
          Value row = arith::DivUIOp::create(b, loc, linear, index(b, width));
          Value col = arith::RemUIOp::create(b, loc, linear, index(b, width));
          Value at = arith::AddIOp::create(b, loc, start, row);
          Value elements = vector::LoadOp::create(
              b, loc, f32s, source,
              ValueRange{batchId, sourceHead, clamp(b, at, length), col},
              /*nontemporal=*/false, aligned);
          elements = arith::SelectOp::create(b, loc, ult(b, at, length),
                                             elements, zeros);
          vector::StoreOp::create(
              b, loc, arith::TruncFOp::create(b, loc, halves, elements), shared,
              ValueRange{row, col}, /*nontemporal=*/false, llvm::Align(8));
          scf::YieldOp::create(b, loc);
        });
  }

  /// 16 bytes where `buffer`'s offset and strides keep every group of four
  /// f32 at a multiple of four elements (buffers themselves are 16-byte
  /// aligned: the arena, weights, cudaMalloc), else unknown.
  static llvm::MaybeAlign alignment(Value buffer) {
    auto [strides, offset] =
        cast<MemRefType>(buffer.getType()).getStridesAndOffset();
    bool aligned =
        !ShapedType::isDynamic(offset) && offset % 4 == 0 &&
        llvm::all_of(ArrayRef<int64_t>(strides).drop_back(), [](int64_t s) {
          return !ShapedType::isDynamic(s) && s % 4 == 0;
        });
    return aligned ? llvm::MaybeAlign(16) : llvm::MaybeAlign();
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

  /// One key block at j0: the new (m, l, O).
  SmallVector<Value> step(OpBuilder &b, Value j0, ValueRange state) {
    Value zero = constant(b, 0.0);
    Value negInf = constant(b, -std::numeric_limits<double>::infinity());
    stage(b, key, kvHead, j0, T, kKeys, D, kShared);
    stage(b, value, kvHead, j0, T, kKeys, Dv, vShared);
    gpu::BarrierOp::create(b, loc);

    // scores[n][r][c]: row tileRows[r], key j0 + 8n + 2q + c.
    SmallVector<std::array<std::array<Value, 2>, 2>> scores;
    for (int64_t n0 = 0; n0 < kKeys; n0 += 8) {
      Value acc = accumulator(b);
      for (auto [k, a] : llvm::enumerate(qFragments))
        acc = mma(b, a, keyFragment(b, n0, 16 * k), acc);
      auto &tile = scores.emplace_back();
      for (int64_t r = 0; r < 2; ++r)
        for (int64_t c = 0; c < 2; ++c) {
          Value dot =
              vector::ExtractOp::create(b, loc, acc, ArrayRef<int64_t>{r, c});
          Value key = arith::AddIOp::create(b, loc, j0, add(b, twoQ, n0 + c));
          tile[r][c] = score(b, dot, queryRows[r], key, kKeys);
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
    SmallVector<Value> next, alpha, base;
    for (int64_t r = 0; r < 2; ++r) {
      Value m = state[r];
      next.push_back(arith::MaximumFOp::create(b, loc, m, rowMax[r]));
      Value wasEmpty =
          arith::CmpFOp::create(b, loc, arith::CmpFPredicate::OEQ, m, negInf);
      alpha.push_back(arith::SelectOp::create(
          b, loc, wasEmpty, zero,
          math::ExpOp::create(b, loc,
                              arith::SubFOp::create(b, loc, m, next[r]))));
      Value isEmpty = arith::CmpFOp::create(b, loc, arith::CmpFPredicate::OEQ,
                                            next[r], negInf);
      base.push_back(arith::SelectOp::create(b, loc, isEmpty, zero, next[r]));
    }
    SmallVector<Value> sums = {
        arith::MulFOp::create(b, loc, alpha[0], state[2]),
        arith::MulFOp::create(b, loc, alpha[1], state[3])};
    SmallVector<Value> probabilities; // per 16 x 8 tile, as an f32 quad
    for (auto &tile : scores) {
      SmallVector<Value> p;
      for (int64_t r = 0; r < 2; ++r)
        for (int64_t c = 0; c < 2; ++c) {
          p.push_back(math::ExpOp::create(
              b, loc, arith::SubFOp::create(b, loc, tile[r][c], base[r])));
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
    for (int64_t o = 0; o < Dv / 8; ++o) {
      Value acc = arith::MulFOp::create(b, loc, state[4 + o], scale);
      for (auto [k, a] : llvm::enumerate(pFragments))
        acc = mma(b, a, valueFragment(b, 8 * o, 16 * k), acc);
      next.push_back(acc);
    }
    gpu::BarrierOp::create(b, loc);
    return next;
  }

  Type half;
  Value kShared, vShared;
  Value i0, tid, g, q, twoQ;
  SmallVector<Value> tileRows, queryRows, qFragments;
};

} // namespace

int64_t mlir::fmc::tensorCoreAttentionBytes(int64_t d, int64_t dv) {
  return sharedBytes(d, dv);
}

bool mlir::fmc::fitsTensorCoreAttention(AttentionKernelOp op,
                                        int64_t sharedBytes) {
  auto shape = [](Value v) { return cast<MemRefType>(v.getType()); };
  int64_t s = shape(op.getQuery()).getDimSize(2);
  int64_t d = shape(op.getQuery()).getDimSize(3);
  int64_t dv = shape(op.getValue()).getDimSize(3);
  // Groups of four f32 are loaded, and pairs stored, as vectors.
  bool contiguous = llvm::all_of(
      ValueRange{op.getQuery(), op.getKey(), op.getValue(), op.getInit()},
      [&](Value v) { return shape(v).isLastDimUnitStride(); });
  return contiguous && d % 16 == 0 && dv % 8 == 0 && s >= 16 &&
         ::sharedBytes(d, dv) <= sharedBytes;
}

void mlir::fmc::buildTensorCoreAttention(OpBuilder &b, AttentionKernelOp op,
                                         Type half, FlatSymbolRefAttr module) {
  TensorCoreBuilder(op, half).build(b, module);
}
