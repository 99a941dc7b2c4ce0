//===- LaunchAttention.cpp - fmc.attention -> one FlashAttention kernel ---===//
//
// Each fmc.attention_kernel on buffers becomes one gpu.launch with
// FlashAttention-2's schedule: a block per (query block, head, batch), a loop
// over key blocks with the online softmax, the output accumulators in registers
// and the scores of one block at a time. With 256 threads as a 16 x 16 grid,
// thread (ty, tx) owns query rows r = ty + 16 i and, for each key block,
// keys c = tx + 16 k and output columns tx + 16 o (strided, so that the
// threads of a warp read consecutive shared addresses). Per key block:
//
//   stage K                                            barrier
//   S = scale Q K^T (+ mask, -inf past T or the causal frontier), in
//   registers; per-thread row maxima -> shared          barrier
//   m' = max(m, rowmax S), a = exp(m - m'), P = exp(S - m') -> shared,
//   per-thread row sums -> shared; stage V              barrier
//   l' = a l + rowsum P;  O' = a O + P V                barrier
//
// and the rows are divided by l at the end (zero where l = 0). A grid too
// small to fill the GPU also splits the keys: each split's partial results
// go to scratch buffers that a second kernel combines. Decoding (fewer
// than 16 queries per head) takes the kernel of DecodeAttention.cpp
// instead, and with mma-type f16 or bf16, prefills the tensor-core kernel
// of TensorCoreAttention.cpp.
//
//===----------------------------------------------------------------------===//

#include "passes/GPU/AttentionBuilder.h"

#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/LLVMIR/NVVMDialect.h"

#include "llvm/Support/FormatVariadic.h"

#include <limits>

namespace mlir::fmc {
#define GEN_PASS_DEF_LAUNCHATTENTIONPASS
#include "passes/GPU/Passes.h.inc"
} // namespace mlir::fmc

using namespace mlir;
using namespace mlir::fmc;

namespace {

/// A block's threads form a kSide x kSide grid.
constexpr int64_t kSide = 16;
constexpr int64_t kThreads = kSide * kSide;

/// Query rows and keys per thread: a block takes 16 * rows queries and,
/// per step, 16 * keys keys.
struct Blocks {
  int64_t rows, keys;
  int64_t queries() const { return kSide * rows; }
  int64_t keyBlock() const { return kSide * keys; }
};

/// Shared bytes of a block: the query block, one key (or value) block, the
/// probabilities and the per-thread row maxima and sums. Rows are padded
/// by one element, so that threads reading down a column hit different
/// banks.
int64_t sharedBytes(Blocks blocks, int64_t d, int64_t dv) {
  int64_t br = blocks.queries(), bc = blocks.keyBlock();
  return 4 * (br * (d + 1) + bc * (std::max(d, dv) + 1) + br * (bc + 1) +
              2 * br * kSide);
}

/// The largest blocks (no more than S and T need) that fit `budget`.
std::optional<Blocks> chooseBlocks(int64_t s, int64_t t, int64_t d, int64_t dv,
                                   int64_t budget) {
  int64_t rowsNeeded = llvm::divideCeil(s, kSide);
  int64_t keysNeeded = llvm::divideCeil(t, kSide);
  const std::pair<int64_t, int64_t> candidates[] = {
      {4, 4}, {4, 2}, {2, 2}, {2, 1}, {1, 1}};
  for (auto [rows, keys] : candidates) {
    Blocks blocks{std::min(rows, rowsNeeded), std::min(keys, keysNeeded)};
    if (sharedBytes(blocks, d, dv) <= budget)
      return blocks;
  }
  return std::nullopt;
}

class KernelBuilder : AttentionBuilder {
public:
  KernelBuilder(AttentionKernelOp op, Blocks blocks, int64_t splits)
      : AttentionBuilder(op), blocks(blocks), splits(splits) {}

  void build(OpBuilder &b, FlatSymbolRefAttr module) {
    Type f32 = b.getF32Type();
    int64_t br = blocks.queries(), bc = blocks.keyBlock();
    auto shared = [&](int64_t rows, int64_t cols) {
      return MemRefType::get({rows, cols}, f32, AffineMap(),
                             gpu::AddressSpaceAttr::get(
                                 b.getContext(), gpu::AddressSpace::Workgroup));
    };
    Value one = index(b, 1);
    // Split keys: the partial results of each split go to scratch buffers
    // that a second kernel combines.
    SplitBuffers partial;
    int64_t chunk = T;
    if (splits > 1) {
      chunk = llvm::divideCeil(llvm::divideCeil(T, bc), splits) * bc;
      partial = allocateSplits(b, splits);
    }
    OpBuilder::InsertPoint after;
    auto launch = gpu::LaunchOp::create(
        b, loc, index(b, llvm::divideCeil(S, br)), index(b, heads),
        index(b, batch * splits), index(b, kThreads), one, one,
        /*dynamicSharedMemorySize=*/nullptr, /*asyncTokenType=*/nullptr,
        /*asyncDependencies=*/{},
        TypeRange{shared(br, D + 1), shared(bc, std::max(D, Dv) + 1),
                  shared(br, bc + 1), shared(br, kSide), shared(br, kSide)},
        /*privateAttributions=*/{}, nullptr, nullptr, nullptr, module);
    launch->setAttr(fmc::kKernelAttr,
                    b.getStringAttr(llvm::formatv(
                        "attention: FlashAttention-2, f32 SIMT, {0} queries x "
                        "{1} keys per step{2}",
                        br, bc,
                        splits > 1 ? llvm::formatv(", keys split {0} ways "
                                                   "(a second kernel combines)",
                                                   splits)
                                         .str()
                                   : std::string())));
    enterLaunch(b, launch);
    ValueRange buffers = launch.getWorkgroupAttributions();
    qShared = buffers[0];
    kvShared = buffers[1];
    pShared = buffers[2];
    maxShared = buffers[3];
    sumShared = buffers[4];

    {
      OpBuilder::InsertionGuard g(b);
      b.setInsertionPointAfter(launch);
      after = b.saveInsertionPoint();
    }
    batchId = launch.getBlockIds().z;
    Value split;
    if (splits > 1) {
      split = arith::RemUIOp::create(b, loc, batchId, index(b, splits));
      batchId = arith::DivUIOp::create(b, loc, batchId, index(b, splits));
    }
    head = launch.getBlockIds().y;
    kvHead = arith::DivUIOp::create(b, loc, head, index(b, group));
    i0 = mul(b, launch.getBlockIds().x, br);
    tid = launch.getThreadIds().x;
    tx = arith::RemUIOp::create(b, loc, tid, index(b, kSide));
    ty = arith::DivUIOp::create(b, loc, tid, index(b, kSide));
    for (int64_t i = 0; i < blocks.rows; ++i) {
      rows.push_back(add(b, ty, kSide * i));
      queryRows.push_back(
          arith::AddIOp::create(b, loc, i0, rows.back()).getResult());
    }
    for (int64_t c = 0; c < blocks.keys; ++c)
      keyCols.push_back(add(b, tx, kSide * c));
    int64_t columns = llvm::divideCeil(Dv, kSide);
    for (int64_t o = 0; o < columns; ++o)
      outCols.push_back(add(b, tx, kSide * o));

    // The query block, staged once.
    stage(b, query, head, i0, S, br, D, qShared);

    // Key blocks up to the block's causal frontier: its last query
    // i0 + br - 1 sees keys up to i0 + br - 1 + (T - S).
    Value keyBegin = index(b, 0), keyEnd = index(b, T);
    if (splits > 1) {
      keyBegin = mul(b, split, chunk);
      keyEnd = arith::MinUIOp::create(b, loc, keyEnd, add(b, keyBegin, chunk));
    }
    if (op.getCausal())
      keyEnd = arith::MinUIOp::create(b, loc, keyEnd, causalEnd(b, i0, br));
    Value negInf = constant(b, -std::numeric_limits<double>::infinity());
    Value zero = constant(b, 0.0);
    SmallVector<Value> init;
    init.append(blocks.rows, negInf);                // m
    init.append(blocks.rows, zero);                  // l
    init.append(blocks.rows * outCols.size(), zero); // O
    auto keyLoop = scf::ForOp::create(
        b, loc, keyBegin, keyEnd, index(b, bc), init,
        [&](OpBuilder &b, Location, Value j0, ValueRange state) {
          scf::YieldOp::create(b, loc, step(b, j0, state));
        });

    // O / l, zero for a row that saw no key; or with splits, the split's
    // m, l and unnormalized O.
    ValueRange state = keyLoop.getResults();
    if (splits > 1) {
      for (int64_t i = 0; i < blocks.rows; ++i) {
        OpBuilder::InsertionGuard g(b);
        auto ifOp = scf::IfOp::create(b, loc, ult(b, queryRows[i], S));
        b.setInsertionPointToStart(ifOp.thenBlock());
        SmallVector<Value> at = {batchId, head, split, queryRows[i]};
        // Every thread of the row holds the same m and l.
        auto first = ifZero(b, tx);
        {
          OpBuilder::InsertionGuard g2(b);
          b.setInsertionPointToStart(first.thenBlock());
          memref::StoreOp::create(b, loc, state[i], partial.max, at);
          memref::StoreOp::create(b, loc, state[blocks.rows + i], partial.sum,
                                  at);
        }
        for (auto [o, col] : llvm::enumerate(outCols)) {
          OpBuilder::InsertionGuard g2(b);
          if (Dv % kSide != 0) {
            auto inside = scf::IfOp::create(b, loc, ult(b, col, Dv));
            b.setInsertionPointToStart(inside.thenBlock());
          }
          memref::StoreOp::create(
              b, loc, state[2 * blocks.rows + i * outCols.size() + o],
              partial.out, ValueRange{batchId, head, split, queryRows[i], col});
        }
      }
      b.restoreInsertionPoint(after);
      combineSplits(b, splits, partial);
      return;
    }
    for (int64_t i = 0; i < blocks.rows; ++i) {
      Value l = state[blocks.rows + i];
      Value empty =
          arith::CmpFOp::create(b, loc, arith::CmpFPredicate::OEQ, l, zero);
      Value inside = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ult,
                                           queryRows[i], index(b, S));
      for (auto [o, col] : llvm::enumerate(outCols)) {
        Value acc = state[2 * blocks.rows + i * outCols.size() + o];
        Value result = arith::SelectOp::create(
            b, loc, empty, zero, arith::DivFOp::create(b, loc, acc, l));
        Value guard = inside;
        if (Dv % kSide != 0)
          guard = arith::AndIOp::create(
              b, loc, guard,
              arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ult, col,
                                    index(b, Dv)));
        auto ifOp = scf::IfOp::create(b, loc, guard);
        OpBuilder::InsertionGuard g(b);
        b.setInsertionPointToStart(ifOp.thenBlock());
        store(b, result, out, ValueRange{batchId, head, queryRows[i], col});
      }
    }
  }

private:
  /// Copies rows start .. start + count of `source[batch, head]` (a
  /// [B, heads, length, width] buffer) into `shared`, zeros past `length`.
  /// Consecutive threads copy consecutive elements of a row.
  void stage(OpBuilder &b, Value source, Value sourceHead, Value start,
             int64_t length, int64_t count, int64_t width, Value shared) {
    int64_t total = count * width;
    Value zero = constant(b, 0.0);
    scf::ForOp::create(
        b, loc, tid, index(b, total), index(b, kThreads), ValueRange{},
        [&](OpBuilder &b, Location, Value linear, ValueRange) {
          Value row = arith::DivUIOp::create(b, loc, linear, index(b, width));
          Value col = arith::RemUIOp::create(b, loc, linear, index(b, width));
          Value at = arith::AddIOp::create(b, loc, start, row);
          Value element =
              load(b, source, {batchId, sourceHead, clamp(b, at, length), col});
          element = arith::SelectOp::create(b, loc, ult(b, at, length), element,
                                            zero);
          memref::StoreOp::create(b, loc, element, shared,
                                  ValueRange{row, col});
          scf::YieldOp::create(b, loc);
        });
  }

  /// Combines `values` with max (maximumf, as the CPU lowering) or add.
  Value combineAll(OpBuilder &b, ArrayRef<Value> values, bool max) {
    Value total = values.front();
    for (Value v : values.drop_front())
      total = combine(b, total, v, max);
    return total;
  }

  /// The combination of the kSide per-thread partials of each of the
  /// thread's rows in `partials`.
  SmallVector<Value> rowTotals(OpBuilder &b, Value partials, bool max) {
    SmallVector<Value> totals;
    for (Value row : rows) {
      SmallVector<Value> parts;
      for (int64_t q = 0; q < kSide; ++q)
        parts.push_back(load(b, partials, {row, index(b, q)}));
      totals.push_back(combineAll(b, parts, max));
    }
    return totals;
  }

  /// A loop over `extent` steps t that adds left(t)[i] * right(t)[c] to
  /// sums[i * |right| + c] (fused multiply-adds), from `init`: the
  /// thread's part of a product of two shared blocks.
  ValueRange
  outerProducts(OpBuilder &b, int64_t extent, ValueRange init,
                function_ref<SmallVector<Value>(OpBuilder &, Value)> left,
                function_ref<SmallVector<Value>(OpBuilder &, Value)> right) {
    auto loop = scf::ForOp::create(
        b, loc, index(b, 0), index(b, extent), index(b, 1), init,
        [&](OpBuilder &b, Location, Value t, ValueRange acc) {
          SmallVector<Value> l = left(b, t), r = right(b, t), sums;
          for (auto [i, x] : llvm::enumerate(l))
            for (auto [c, y] : llvm::enumerate(r))
              sums.push_back(
                  math::FmaOp::create(b, loc, x, y, acc[i * r.size() + c]));
          scf::YieldOp::create(b, loc, sums);
        });
    return loop.getResults();
  }

  /// One key block at j0: the new (m, l, O).
  SmallVector<Value> step(OpBuilder &b, Value j0, ValueRange state) {
    int64_t nr = blocks.rows, nk = blocks.keys, bc = blocks.keyBlock();
    int64_t columns = outCols.size();
    Value zero = constant(b, 0.0);
    stage(b, key, kvHead, j0, T, bc, D, kvShared);
    gpu::BarrierOp::create(b, loc);

    // Dot products of the thread's rows and keys.
    ValueRange dots = outerProducts(
        b, D, SmallVector<Value>(nr * nk, zero),
        [&](OpBuilder &b, Value d) {
          return llvm::map_to_vector(
              rows, [&](Value row) { return load(b, qShared, {row, d}); });
        },
        [&](OpBuilder &b, Value d) {
          return llvm::map_to_vector(
              keyCols, [&](Value col) { return load(b, kvShared, {col, d}); });
        });
    SmallVector<Value> s;
    for (int64_t i = 0; i < nr; ++i) {
      SmallVector<Value> rowScores;
      for (int64_t c = 0; c < nk; ++c) {
        Value key = arith::AddIOp::create(b, loc, j0, keyCols[c]);
        s.push_back(score(b, dots[i * nk + c], queryRows[i], key, bc));
        rowScores.push_back(s.back());
      }
      memref::StoreOp::create(b, loc, combineAll(b, rowScores, /*max=*/true),
                              maxShared, ValueRange{rows[i], tx});
    }
    gpu::BarrierOp::create(b, loc);

    // m' = max(m, rowmax S); a = exp(m - m') (0 while m is -inf);
    // P = exp(S - m') (m' = -inf read as 0, P = 0 then).
    SmallVector<Value> rowMax = rowTotals(b, maxShared, /*max=*/true);
    SmallVector<Value> mNew, alpha;
    for (int64_t i = 0; i < nr; ++i) {
      Rescale update = rescale(b, state[i], rowMax[i]);
      mNew.push_back(update.max);
      alpha.push_back(update.factor);
      SmallVector<Value> p;
      for (int64_t c = 0; c < nk; ++c) {
        p.push_back(probability(b, s[i * nk + c], update));
        memref::StoreOp::create(b, loc, p.back(), pShared,
                                ValueRange{rows[i], keyCols[c]});
      }
      memref::StoreOp::create(b, loc, combineAll(b, p, /*max=*/false),
                              sumShared, ValueRange{rows[i], tx});
    }
    stage(b, value, kvHead, j0, T, bc, Dv, kvShared);
    gpu::BarrierOp::create(b, loc);

    // l' = a l + rowsum P;  O' = a O + P V.
    SmallVector<Value> rowSum = rowTotals(b, sumShared, /*max=*/false);
    SmallVector<Value> next(mNew);
    for (int64_t i = 0; i < nr; ++i)
      next.push_back(arith::AddFOp::create(
          b, loc, arith::MulFOp::create(b, loc, alpha[i], state[nr + i]),
          rowSum[i]));
    SmallVector<Value> scaled;
    for (int64_t i = 0; i < nr; ++i)
      for (int64_t o = 0; o < columns; ++o)
        scaled.push_back(arith::MulFOp::create(
            b, loc, alpha[i], state[2 * nr + i * columns + o]));
    // Columns past Dv (when it is not a multiple of 16) read a valid
    // column; their sums are never stored.
    SmallVector<Value> readCols;
    for (Value col : outCols)
      readCols.push_back(Dv % kSide ? clamp(b, col, Dv) : col);
    ValueRange products = outerProducts(
        b, bc, scaled,
        [&](OpBuilder &b, Value j) {
          return llvm::map_to_vector(
              rows, [&](Value row) { return load(b, pShared, {row, j}); });
        },
        [&](OpBuilder &b, Value j) {
          return llvm::map_to_vector(
              readCols, [&](Value col) { return load(b, kvShared, {j, col}); });
        });
    gpu::BarrierOp::create(b, loc);
    llvm::append_range(next, products);
    return next;
  }

  Blocks blocks;
  int64_t splits;
  Value qShared, kvShared, pShared, maxShared, sumShared;
  Value i0, tid, tx, ty;
  SmallVector<Value> rows, queryRows, keyCols, outCols;
};

} // namespace

int64_t mlir::fmc::largestFusedAttentionHead(int64_t sharedBytes) {
  // The smallest blocks, 16 x 16, with D = Dv.
  int64_t head = 0;
  while (::sharedBytes(Blocks{1, 1}, head + 1, head + 1) <= sharedBytes)
    ++head;
  return head;
}

namespace {

struct LaunchAttentionPass
    : fmc::impl::LaunchAttentionPassBase<LaunchAttentionPass> {
  using Base::Base;

  void runOnOperation() override {
    SmallVector<AttentionKernelOp> ops;
    getOperation().walk([&](AttentionKernelOp op) {
      if (op.getNumResults() == 0)
        ops.push_back(op);
    });
    auto module = FlatSymbolRefAttr::get(&getContext(), moduleName);
    Type half;
    if (mmaType == "f16")
      half = Float16Type::get(&getContext());
    else if (mmaType == "bf16")
      half = BFloat16Type::get(&getContext());
    else if (!mmaType.empty()) {
      getOperation().emitError("fmc-gpu-launch-attention: mma-type is f16, "
                               "bf16 or empty, not '")
          << mmaType << "'";
      return signalPassFailure();
    }
    for (AttentionKernelOp op : ops) {
      auto shape = [](Value v) { return cast<MemRefType>(v.getType()); };
      // f32, or activations stored in f16/bf16 (fmc-narrow-activations):
      // the kernels extend them as they read them and round the output.
      auto stored = [](Value v) {
        return isa<Float32Type, Float16Type, BFloat16Type>(
            getElementTypeOrSelf(v.getType()));
      };
      if (!stored(op.getQuery()) || !stored(op.getKey()) ||
          !stored(op.getValue()) || !stored(op.getInit())) {
        op.emitError("the attention kernel takes f32, f16 or bf16 operands");
        return signalPassFailure();
      }
      if (fitsDecodeAttention(op, sharedBytes)) {
        OpBuilder b(op);
        buildDecodeAttention(b, op, splitBlocks, module);
        op.erase();
        continue;
      }
      int64_t optIn = std::max<int64_t>(sharedBytes, maxSharedBytes);
      if (half && wgmma && asyncCopies &&
          fitsWarpgroupAttention(op, half, optIn)) {
        OpBuilder b(op);
        buildWarpgroupAttention(b, op, half, optIn, splitBlocks / 2, module);
        op.erase();
        continue;
      }
      if (half && fitsTensorCoreAttention(op, sharedBytes)) {
        OpBuilder b(op);
        buildTensorCoreAttention(b, op, half, sharedBytes, maxSharedBytes,
                                 splitBlocks / 2, asyncCopies, module);
        op.erase();
        continue;
      }
      int64_t d = shape(op.getQuery()).getDimSize(3);
      int64_t dv = shape(op.getValue()).getDimSize(3);
      std::optional<Blocks> blocks =
          chooseBlocks(shape(op.getQuery()).getDimSize(2),
                       shape(op.getKey()).getDimSize(2), d, dv, sharedBytes);
      if (!blocks) {
        op.emitError("attention with head sizes ")
            << d << " and " << dv << " needs more than the target's "
            << int64_t(sharedBytes) << " bytes of shared memory per block";
        return signalPassFailure();
      }
      // Too few blocks to fill the GPU: split the keys too, each split at
      // least two key blocks.
      int64_t grid = llvm::divideCeil(shape(op.getQuery()).getDimSize(2),
                                      blocks->queries()) *
                     shape(op.getQuery()).getDimSize(1) *
                     shape(op.getQuery()).getDimSize(0);
      int64_t splits =
          keySplits(grid,
                    llvm::divideCeil(shape(op.getKey()).getDimSize(2),
                                     blocks->keyBlock()),
                    splitBlocks, /*minPerSplit=*/2);
      OpBuilder b(op);
      KernelBuilder(op, *blocks, splits).build(b, module);
      op.erase();
    }
  }
};

} // namespace
