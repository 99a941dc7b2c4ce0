//===- WarpgroupAttention.cpp - FlashAttention on wgmma (sm_90a) ----------===//
//
// The warpgroup attention kernel: FlashAttention with both products on
// wgmma.mma_async, whose B operand the tensor cores read from shared
// memory once per warpgroup of 4 warps, not once per warp as mma.sync's
// ldmatrix fragments are. A block of one or two warpgroups
// takes 64 queries per warpgroup of one head; its 16-bit Q, K and V come
// by cp.async into core matrices (8 x 8, rows of 16 bytes: Q and K
// K-major, rows along D; V N-major, rows along Dv), K and V in three
// buffers each where they fit (else two) so that copies run ahead of the
// products: K of block j + stages - 1 and V of block j + stages - 2 start
// in step j. The schedule within a
// warpgroup is FlashAttention-3's: a block's P V runs while the next
// block's softmax does. Per block j of kKeys keys (block 0 before the
// loops, without its P V):
//
//   wait for K_j and V_(j-1) (started stages - 2 steps before)  barrier
//   start the copies of K_(j+stages-1) (into K_(j-1)'s buffer) and
//   V_(j+stages-2) (into V_(j-2)'s)
//   issue S_j = Q K_j^T    D / 16 wgmma m64 n64 k16 per warpgroup
//   issue O += P_(j-1) V_(j-1)   64 / 16 wgmma m64 nDv k16, A (P, rounded
//                                to 16 bits) from registers
//   wait for S_j (wait_group 1: P V still running)
//   scores in registers (the accumulator layout: thread (warp w, lane
//   g * 4 + q) holds rows 16 w + g and + 8, columns 8 j + 2 q, + 1)
//   m' = max(m, rowmax S) (the row's four lanes by shuffles),
//   a = exp(m - m'), P_j = exp(S - m'), l' = a l + rowsum P_j
//   wait for P V (wait_group 0); O = a O
//
// (the accumulators of 16 keys are laid out as wgmma's A fragment: P never
// leaves the registers; the warpgroups meet only at the step's barrier).
// After the loops, the last block's P V once its V has arrived,
// and O / l is stored (zero where l = 0). Key blocks below T
// and below the causal frontier of the block's first query run without
// bounds checks in a loop of their own, as in the mma.sync kernel.
//
//===----------------------------------------------------------------------===//

#include "passes/GPU/AttentionBuilder.h"
#include "passes/GPU/WarpgroupMMA.h"

#include "dialects/NV/IR/NVOps.h"

#include "mlir/Dialect/LLVMIR/NVVMDialect.h"
#include "mlir/Dialect/NVGPU/IR/NVGPUDialect.h"
#include "llvm/Support/FormatVariadic.h"

#include <limits>

using namespace mlir;
using namespace mlir::fmc;

namespace {

using wgmma::kCoreBytes;

/// Keys per step.
constexpr int64_t kKeys = 64;

/// The kernel's shared buffer: Q (64 rows per warpgroup), `stages` K and
/// `stages` V buffers (the copies run stages - 1 blocks ahead of the
/// scores); 16-bit elements, byte offsets.
struct Layout {
  int64_t groups, stages, d, dv;
  int64_t threads() const { return groups * wgmma::kThreads; }
  int64_t queries() const { return groups * wgmma::kM; }
  int64_t qBytes() const { return queries() * d * 2; }
  int64_t kBytes() const { return kKeys * d * 2; }
  int64_t vBytes() const { return kKeys * dv * 2; }
  int64_t key(int64_t i) const { return qBytes() + i * kBytes(); }
  int64_t value(int64_t i) const {
    return qBytes() + stages * kBytes() + i * vBytes();
  }
  int64_t total() const { return value(stages); }
  /// Whether every thread copies the same number of 16-byte chunks of a
  /// K and a V block.
  bool copiesEvenly() const {
    return kKeys * d / 8 % threads() == 0 && kKeys * dv / 8 % threads() == 0;
  }
};

class WarpgroupBuilder : AttentionBuilder {
public:
  WarpgroupBuilder(AttentionKernelOp op, Type half, const Layout &layout)
      : AttentionBuilder(op), half(half), layout(layout) {}

  void build(OpBuilder &b, FlatSymbolRefAttr module) {
    MLIRContext *ctx = b.getContext();
    auto workgroup =
        gpu::AddressSpaceAttr::get(ctx, gpu::AddressSpace::Workgroup);
    int64_t queries = layout.queries(), threads = layout.threads();
    Value one = index(b, 1);
    auto launch = gpu::LaunchOp::create(
        b, loc, index(b, llvm::divideCeil(S, queries)), index(b, heads),
        index(b, batch), index(b, threads), one, one,
        /*dynamicSharedMemorySize=*/nullptr, /*asyncTokenType=*/nullptr,
        /*asyncDependencies=*/{},
        TypeRange{MemRefType::get({layout.total()}, b.getI8Type(), AffineMap(),
                                  workgroup)},
        /*privateAttributions=*/{}, nullptr, nullptr, nullptr, module);
    launch->setAttr(
        fmc::kKernelAttr,
        b.getStringAttr(llvm::formatv(
            "attention: FlashAttention on warpgroups (wgmma.mma_async "
            "m64n{0}k16 and m64n{1}k16 {2}), {3} queries x {0} keys per "
            "step, {4} warpgroup(s), Q, K, V by cp.async (K, V in {5} "
            "buffers each), P from registers, a block's S issued with the "
            "block before's P V",
            kKeys, Dv, half.isBF16() ? "bf16" : "f16", queries, layout.groups,
            layout.stages)));
    enterLaunch(b, launch);
    raw = launch.getWorkgroupAttributions()[0];
    address = wgmma::sharedAddress(b, loc, raw);
    auto view = [&](int64_t offset, ArrayRef<int64_t> shape) -> Value {
      return memref::ViewOp::create(
          b, loc, MemRefType::get(shape, half, AffineMap(), workgroup), raw,
          index(b, offset), ValueRange{});
    };
    // Core matrices: K-major [row / 8][k / 8][row % 8][k % 8]; V N-major
    // [column / 8][key / 8][key % 8][column % 8]; K and V [buffer][...].
    int64_t stages = layout.stages;
    qTile = view(0, {queries / 8, D / 8, 8, 8});
    kTiles = view(layout.key(0), {stages, kKeys / 8, D / 8, 8, 8});
    vTiles = view(layout.value(0), {stages, Dv / 8, kKeys / 8, 8, 8});

    batchId = launch.getBlockIds().z;
    head = launch.getBlockIds().y;
    kvHead = arith::DivUIOp::create(b, loc, head, index(b, group));
    i0 = mul(b, launch.getBlockIds().x, queries);
    tid = launch.getThreadIds().x;
    warpgroup = arith::DivUIOp::create(b, loc, tid, index(b, wgmma::kThreads));
    Value warp = arith::RemUIOp::create(
        b, loc, arith::DivUIOp::create(b, loc, tid, index(b, kWarpSize)),
        index(b, 4));
    Value lane = arith::RemUIOp::create(b, loc, tid, index(b, kWarpSize));
    g = arith::DivUIOp::create(b, loc, lane, index(b, 4));
    twoQ = mul(b, arith::RemUIOp::create(b, loc, lane, index(b, 4)), 2);
    // Rows g and g + 8 of the warp's 16.
    for (int64_t r = 0; r < 2; ++r) {
      Value row = arith::AddIOp::create(
          b, loc, mul(b, warpgroup, wgmma::kM),
          add(b, arith::AddIOp::create(b, loc, mul(b, warp, 16), g), 8 * r));
      queryRows.push_back(arith::AddIOp::create(b, loc, i0, row));
    }

    // Q and the first K block as one group; with more than two buffers,
    // the next K blocks and the V blocks before theirs as a group each (the
    // order of the steps' copies: K of block i, then V of block i - 1).
    SmallVector<Value> tokens =
        copyRows(b, query, head, i0, S, queries, D, qTile, {}, /*kMajor=*/true);
    llvm::append_range(tokens, copyRows(b, key, kvHead, index(b, 0), T, kKeys,
                                        D, kTiles, index(b, 0),
                                        /*kMajor=*/true));
    anyGroup = commit(b, tokens);
    for (int64_t i = 1; i + 1 < stages; ++i) {
      commit(b, copyRows(b, key, kvHead, index(b, i * kKeys), T, kKeys, D,
                         kTiles, index(b, i), /*kMajor=*/true));
      commit(b, copyRows(b, value, kvHead, index(b, (i - 1) * kKeys), T, kKeys,
                         Dv, vTiles, index(b, i - 1), /*kMajor=*/false));
    }

    // Block 0 (bounds checked: the loops start at the next): its scores
    // and probabilities; its P V is the next step's.
    Value negInf = constant(b, -std::numeric_limits<double>::infinity());
    Value zero = constant(b, 0.0);
    Value j0 = index(b, 0);
    handOver(b, j0, index(b, 0));
    NVVM::WgmmaFenceAlignedOp::create(b, loc);
    Value scores = wait(b, issueScores(b, index(b, layout.key(0))), 0);
    Probabilities first =
        softmax(b, j0, scores, {negInf, negInf, zero, zero}, /*bounds=*/true);
    auto outType = VectorType::get({Dv / 2}, b.getF32Type());
    SmallVector<Value> init = llvm::to_vector(first.state);
    init.push_back(arith::ConstantOp::create(
        b, loc, outType, DenseElementsAttr::get(outType, 0.0f)));
    init.push_back(index(b, 1 % stages));
    llvm::append_range(init, first.fragments);
    ValueRange state = keyLoops(
        b, i0, queries, kKeys, init,
        [&](OpBuilder &b, Value j0, ValueRange state, bool bounds) {
          return step(b, j0, state, bounds);
        },
        /*firstKey=*/kKeys);
    // The last block's P V, once its V (copied in the last step, with the
    // block past the end's K) has arrived.
    nvgpu::DeviceAsyncWaitOp::create(b, loc, anyGroup, b.getI32IntegerAttr(0));
    fencedBarrier(b);
    NVVM::WgmmaFenceAlignedOp::create(b, loc);
    Value out = wait(
        b,
        issueValues(b, state[4], state.drop_front(6), valueBefore(b, state[5])),
        0);

    // l: the row's four lanes' sums. Values 4 j + 2 r, + 1 of O: row r,
    // columns 8 j + 2 q, + 1.
    SmallVector<Value> sums = {state[2], state[3]};
    butterfly(b, sums, {1, 2}, /*max=*/false);
    auto pair = VectorType::get({2}, b.getF32Type());
    storeNormalized(
        b, queryRows, sums, Dv / 8,
        [&](OpBuilder &b, int64_t j, int64_t r) -> Value {
          return vector::FromElementsOp::create(
              b, loc, pair,
              ValueRange{
                  vector::ExtractOp::create(b, loc, out, 4 * j + 2 * r),
                  vector::ExtractOp::create(b, loc, out, 4 * j + 2 * r + 1)});
        },
        [&](OpBuilder &b, int64_t j) { return add(b, twoQ, 8 * j); });
  }

private:
  /// Starts copying rows start .. start + rows of `source[batch,
  /// sourceHead]` (16-bit, `width` per row) into the core matrices of
  /// `tile` by cp.async, 16 bytes (8 elements: a core-matrix row) at a time,
  /// zeros past `length` (a chunk past it reads nothing); `buffer`, if
  /// not null, is the first index of `tile`. `kMajor`: the
  /// source's rows are the core matrices' rows ([row / 8][chunk][row %
  /// 8]), else their columns ([chunk][row / 8][row % 8]). Eight
  /// consecutive threads fill one core matrix (rows row0 .. row0 + 7 of
  /// one chunk: 128 contiguous bytes, so a warp's 16-byte writes fall in
  /// distinct banks), the next eight the next chunk of the same rows (a
  /// warp reads 8 rows x 64 contiguous bytes: as many 32-byte sectors as
  /// 512 contiguous bytes would take).
  SmallVector<Value> copyRows(OpBuilder &b, Value source, Value sourceHead,
                              Value start, int64_t length, int64_t rows,
                              int64_t width, Value tile, Value buffer,
                              bool kMajor) {
    int64_t threads = layout.threads(), chunks = width / 8;
    auto tokenType = nvgpu::DeviceAsyncTokenType::get(b.getContext());
    SmallVector<Value> tokens;
    // Copy e is (core-matrix row tid mod 8, chunk and row group q mod
    // chunks and q / chunks of q = tid / 8 + e * threads / 8), written so
    // that the parts the copies share are computed once.
    int64_t step = threads / 8;
    Value rowInCore = arith::RemUIOp::create(b, loc, tid, index(b, 8));
    Value group = arith::DivUIOp::create(b, loc, tid, index(b, 8));
    Value sharedChunk = arith::RemUIOp::create(b, loc, group, index(b, chunks));
    Value firstCore = arith::DivUIOp::create(b, loc, group, index(b, chunks));
    for (int64_t e = 0; e < rows * chunks / threads; ++e) {
      Value chunk = sharedChunk, rowCore = add(b, firstCore, e * step / chunks);
      if (step % chunks != 0) {
        Value q = add(b, group, e * step);
        chunk = arith::RemUIOp::create(b, loc, q, index(b, chunks));
        rowCore = arith::DivUIOp::create(b, loc, q, index(b, chunks));
      }
      Value row = arith::AddIOp::create(b, loc, mul(b, rowCore, 8), rowInCore);
      Value at = arith::AddIOp::create(b, loc, start, row);
      Value elements = arith::SelectOp::create(b, loc, ult(b, at, length),
                                               index(b, 8), index(b, 0));
      SmallVector<Value> to =
          kMajor ? SmallVector<Value>{rowCore, chunk, rowInCore, index(b, 0)}
                 : SmallVector<Value>{chunk, rowCore, rowInCore, index(b, 0)};
      if (buffer)
        to.insert(to.begin(), buffer);
      tokens.push_back(nvgpu::DeviceAsyncCopyOp::create(
          b, loc, tokenType, tile, to, source,
          ValueRange{batchId, sourceHead, clamp(b, at, length),
                     mul(b, chunk, 8)},
          b.getIndexAttr(8), elements, b.getUnitAttr()));
    }
    return tokens;
  }

  Value commit(OpBuilder &b, ArrayRef<Value> tokens) {
    auto tokenType = nvgpu::DeviceAsyncTokenType::get(b.getContext());
    return nvgpu::DeviceAsyncCreateGroupOp::create(b, loc, tokenType, tokens);
  }

  /// Each thread's writes to shared memory made visible to the async proxy
  /// (which wgmma reads through), then the block's barrier.
  void fencedBarrier(OpBuilder &b) {
    NVVM::FenceProxyOp::create(
        b, loc, NVVM::ProxyKind::async_shared,
        NVVM::SharedSpaceAttr::get(b.getContext(),
                                   NVVM::SharedSpace::shared_cta));
    gpu::BarrierOp::create(b, loc);
  }

  /// The descriptor of core matrices `offset` bytes into the buffer
  /// (adjacent in k 128 bytes apart, in rows `strideBytes`).
  Value descriptor(OpBuilder &b, Value offset, int64_t strideBytes) {
    return wgmma::descriptor(b, loc, address, offset, kCoreBytes, strideBytes);
  }

  /// Issues S = Q K^T for the warpgroup, committed (not waited for): its
  /// 64 rows of Q (K-major, D / 8 core matrices per 8 rows) by the K block
  /// at byte `kOffset` (K-major: K is [key][d]), one m64n64k16 per 16 of
  /// D, the first with scale-d 0 (no zeros written to the accumulators
  /// between the fence before it and it). Returns the accumulators.
  Value issueScores(OpBuilder &b, Value kOffset) {
    int64_t stride = D / 8 * kCoreBytes;
    Value qOffset = mul(b, warpgroup, wgmma::kM / 8 * stride);
    Value sums = wgmma::undefinedAccumulators(b, loc, kKeys);
    for (int64_t k0 = 0; k0 < D; k0 += wgmma::kK) {
      int64_t kBytes = k0 / 8 * kCoreBytes;
      sums = wgmma::multiply(b, loc, sums,
                             descriptor(b, add(b, qOffset, kBytes), stride),
                             descriptor(b, add(b, kOffset, kBytes), stride),
                             kKeys, half, /*bKMajor=*/true,
                             /*accumulate=*/k0 > 0);
    }
    NVVM::WgmmaGroupSyncAlignedOp::create(b, loc);
    return sums;
  }

  /// Issues O + P V for the warpgroup, committed (not waited for): P from
  /// registers (`fragments`: the A fragment of each 16 keys) by the V
  /// block at byte `vOffset` (N-major: V is [key][column]; columns adjacent
  /// in core matrices kKeys / 8 * 128 bytes apart), one m64nDvk16 per 16
  /// keys. `out` is O's vector; returns the accumulators.
  Value issueValues(OpBuilder &b, Value out, ValueRange fragments,
                    Value vOffset) {
    Value sums = wgmma::toAccumulators(b, loc, out);
    for (auto [c, fragment] : llvm::enumerate(fragments))
      sums = wgmma::multiplyRegisterA(
          b, loc, sums, fragment,
          descriptor(b, add(b, vOffset, c * 2 * kCoreBytes),
                     kKeys / 8 * kCoreBytes),
          Dv, /*bKMajor=*/false);
    NVVM::WgmmaGroupSyncAlignedOp::create(b, loc);
    return sums;
  }

  /// Waits until at most `pending` groups of products are running, then
  /// `sums` (the accumulators of a product that has completed) as a
  /// vector; the wait passes them through, so nothing reads them before
  /// it.
  Value wait(OpBuilder &b, Value sums, int64_t pending) {
    return wgmma::fromAccumulators(
        b, loc, nv::WgmmaWaitOp::create(b, loc, sums.getType(), sums, pending));
  }

  /// The buffer `ahead` blocks after `buffer` ((buffer + ahead) mod
  /// stages, for buffer < stages).
  Value rotate(OpBuilder &b, Value buffer, int64_t ahead) {
    int64_t stages = layout.stages;
    if (ahead % stages == 0)
      return buffer;
    Value sum = add(b, buffer, ahead % stages);
    return arith::SelectOp::create(
        b, loc,
        arith::CmpIOp::create(b, loc, arith::CmpIPredicate::uge, sum,
                              index(b, stages)),
        add(b, sum, -stages), sum);
  }

  /// The byte offset of the V block before the one in `buffer`.
  Value valueBefore(OpBuilder &b, Value buffer) {
    return offsetOf(b, rotate(b, buffer, layout.stages - 1), layout.value(0),
                    layout.vBytes());
  }

  /// The byte offset of buffer `buffer` of those starting at `first`,
  /// `bytes` each.
  Value offsetOf(OpBuilder &b, Value buffer, int64_t first, int64_t bytes) {
    return add(b, mul(b, buffer, bytes), first);
  }

  /// The key block at j0 (K and V buffer `buffer`) is handed over: its K
  /// (and the block before's V)
  /// have arrived (the copies of the last stages - 2 steps may still run:
  /// two groups each), every warpgroup is done with the block before, and
  /// the copies start of K of block j0 / kKeys + stages - 1 (into the
  /// buffer of the block before, whose S is done) and of V of block j0 /
  /// kKeys + stages - 2 (into the buffer of the block before last, whose P
  /// V the step before finished).
  void handOver(OpBuilder &b, Value j0, Value buffer) {
    int64_t stages = layout.stages;
    nvgpu::DeviceAsyncWaitOp::create(b, loc, anyGroup,
                                     b.getI32IntegerAttr(2 * (stages - 2)));
    fencedBarrier(b);
    commit(b, copyRows(b, key, kvHead, add(b, j0, (stages - 1) * kKeys), T,
                       kKeys, D, kTiles, rotate(b, buffer, stages - 1),
                       /*kMajor=*/true));
    commit(b, copyRows(b, value, kvHead, add(b, j0, (stages - 2) * kKeys), T,
                       kKeys, Dv, vTiles, rotate(b, buffer, stages - 2),
                       /*kMajor=*/false));
  }

  /// A block's softmax: the new (m0, m1, l0, l1), the factors that rescale
  /// O's rows, and P, rounded, as the A fragments of its keys' P V.
  struct Probabilities {
    SmallVector<Value> state;
    std::array<Value, 2> factors;
    SmallVector<Value> fragments;
  };

  /// The online softmax of the key block at j0 from its `scores` (a vector
  /// of kKeys / 2: value 4 j + v is row v / 2 (g, g + 8), key 8 j + 2 q +
  /// v mod 2) and (m0, m1, l0, l1) in `state`. `bounds`: the block may
  /// reach past T or the causal frontier.
  Probabilities softmax(OpBuilder &b, Value j0, Value scores, ValueRange state,
                        bool bounds) {
    SmallVector<Value> s;
    for (int64_t i = 0; i < kKeys / 2; ++i) {
      int64_t j = i / 4, v = i % 4;
      Value keyAt =
          arith::AddIOp::create(b, loc, j0, add(b, twoQ, 8 * j + v % 2));
      s.push_back(score(b, vector::ExtractOp::create(b, loc, scores, i),
                        queryRows[v / 2], keyAt, kKeys, bounds));
    }
    SmallVector<Value> rowMax;
    for (int64_t r = 0; r < 2; ++r) {
      Value max;
      for (int64_t i = 0; i < kKeys / 2; ++i)
        if (i % 4 / 2 == r)
          max = max ? combine(b, max, s[i], /*max=*/true) : s[i];
      rowMax.push_back(max);
    }
    butterfly(b, rowMax, {1, 2}, /*max=*/true);
    SmallVector<Rescale> updates;
    SmallVector<Value> sums;
    for (int64_t r = 0; r < 2; ++r) {
      updates.push_back(rescale(b, state[r], rowMax[r]));
      sums.push_back(
          arith::MulFOp::create(b, loc, updates[r].factor, state[2 + r]));
    }
    // P, rounded: values 8 c .. 8 c + 7 (keys 16 c .. + 15: n8 tiles 2 c
    // and 2 c + 1, rows g and g + 8) are, in this order, the thread's A
    // fragment of keys 16 c .. + 15 (m16n8k16's A: rows g, g + 8 by
    // columns 2 q, + 1 then 8 + 2 q, + 1).
    auto chunkType = VectorType::get({8}, b.getF32Type());
    Probabilities result;
    for (int64_t c = 0; c < kKeys / 16; ++c) {
      SmallVector<Value> p;
      for (int64_t i = 8 * c; i < 8 * c + 8; ++i) {
        int64_t r = i % 4 / 2;
        p.push_back(probability(b, s[i], updates[r]));
        sums[r] = arith::AddFOp::create(b, loc, sums[r], p.back());
      }
      result.fragments.push_back(arith::TruncFOp::create(
          b, loc, chunkType.clone(half),
          vector::FromElementsOp::create(b, loc, chunkType, p)));
    }
    result.state = {updates[0].max, updates[1].max, sums[0], sums[1]};
    result.factors = {updates[0].factor, updates[1].factor};
    return result;
  }

  /// One key block at j0 (FlashAttention-3's schedule within a
  /// warpgroup): S of this block and P V of the block before are issued
  /// together; this block's softmax runs while P V does. The state is (m0,
  /// m1, l0, l1, O rescaled to m, this block's K and V buffer, the block
  /// before's P's fragments).
  SmallVector<Value> step(OpBuilder &b, Value j0, ValueRange state,
                          bool bounds) {
    Value buffer = state[5];
    Value kOffset = offsetOf(b, buffer, layout.key(0), layout.kBytes());
    handOver(b, j0, buffer);
    NVVM::WgmmaFenceAlignedOp::create(b, loc);
    Value scoreSums = issueScores(b, kOffset);
    Value products =
        issueValues(b, state[4], state.drop_front(6), valueBefore(b, buffer));
    Probabilities next =
        softmax(b, j0, wait(b, scoreSums, 1), state.take_front(4), bounds);
    // O + P V of the block before, rescaled to the new maxima (columns 8 j
    // + 2 q, + 1 of rows g, g + 8: values 4 j + 2 r, + 1).
    SmallVector<Value> factors;
    for (int64_t i = 0; i < Dv / 2; ++i)
      factors.push_back(next.factors[i % 4 / 2]);
    Value out = wait(b, products, 0);
    SmallVector<Value> result = next.state;
    result.push_back(arith::MulFOp::create(
        b, loc, out,
        vector::FromElementsOp::create(b, loc, out.getType(), factors)));
    result.push_back(rotate(b, buffer, 1));
    llvm::append_range(result, next.fragments);
    return result;
  }

  Type half;
  Layout layout;
  Value raw, address, qTile;
  /// The K and V buffers ([stages][core matrices]).
  Value kTiles, vTiles;
  /// A cp.async group (the waits' token; they wait by count).
  Value anyGroup;
  Value i0, tid, warpgroup, g, twoQ;
  /// The thread's two rows' queries.
  SmallVector<Value> queryRows;
};

/// The layout for `op` with `groups` warpgroups and `stages` K and V
/// buffers, if the kernel takes it.
std::optional<Layout> layoutFor(AttentionKernelOp op, Type half, int64_t groups,
                                int64_t stages, int64_t sharedBytes) {
  auto shape = [](Value v) { return cast<MemRefType>(v.getType()); };
  AttentionSizes sizes(op);
  // Q, K and V of the products' type, their rows whole 16-byte chunks
  // (cp.async), each 16-byte aligned.
  bool copied = llvm::all_of(
      ValueRange{op.getQuery(), op.getKey(), op.getValue()}, [&](Value v) {
        return shape(v).getElementType() == half &&
               shape(v).isLastDimUnitStride() &&
               AttentionBuilder::alignment(v, 8) == llvm::MaybeAlign(16);
      });
  Layout layout{groups, stages, sizes.D, sizes.Dv};
  if (!copied || !shape(op.getInit()).isLastDimUnitStride() ||
      sizes.S < layout.queries() || sizes.D % 16 != 0 || sizes.D > 256 ||
      sizes.Dv % 16 != 0 || sizes.Dv > 256 || !layout.copiesEvenly() ||
      layout.total() > sharedBytes)
    return std::nullopt;
  return layout;
}

} // namespace

bool mlir::fmc::fitsWarpgroupAttention(AttentionKernelOp op, Type half,
                                       int64_t sharedBytes) {
  return layoutFor(op, half, 1, 2, sharedBytes).has_value();
}

void mlir::fmc::buildWarpgroupAttention(OpBuilder &b, AttentionKernelOp op,
                                        Type half, int64_t sharedBytes,
                                        int64_t minBlocks,
                                        FlatSymbolRefAttr module) {
  // Two warpgroups (128 queries: each K and V block staged once for twice
  // the queries) where they fit and the grid still has `minBlocks` blocks;
  // three K and V buffers (the copies two blocks ahead) where they fit,
  // else two.
  std::optional<Layout> layout;
  bool wide = AttentionSizes(op).grid(2 * wgmma::kM) >= minBlocks;
  for (auto [groups, stages] :
       {std::pair<int64_t, int64_t>{2, 3}, {2, 2}, {1, 3}, {1, 2}}) {
    if (groups == 2 && !wide)
      continue;
    if ((layout = layoutFor(op, half, groups, stages, sharedBytes)))
      break;
  }
  assert(layout && "fitsWarpgroupAttention holds");
  WarpgroupBuilder(op, half, *layout).build(b, module);
}
