//===- TileMatmul.cpp - contractions -> shared-memory tiled GPU kernels ---===//
//
// Each f32 contraction (out[..., m, n] += lhs[..., m, k] * rhs[..., k, n],
// any operand layout, see Contraction.h) at the top level of a function
// becomes one gpu.launch: a block computes a block-m x block-n tile of out,
// staging block-k slices of lhs and rhs in double-buffered shared memory
// (every thread copies a few elements, consecutive threads consecutive
// addresses of the operand's contiguous dim, by cp.async where no
// conversion is needed; elements past the edges are zeros; slice i + 1 is
// copied while slice i is multiplied, or up to three slices ahead in up to
// four buffers when both are copied by cp.async), and each of its threads
// accumulates a thread-m x thread-n tile in registers from the shared
// slices (the SIMT kernel). With an f16 or bf16 rhs (weights narrowed by
// --precision) the warps multiply 16-bit tiles of the slices with warp-level
// vector.contract ops instead, which become ldmatrix and mma.sync on the
// tensor cores (fmc-gpu-convert-warp-matmuls); so do f32 ones with
// --precision=tf32. Smaller tiles are taken where the product would give
// the GPU fewer blocks than it has SMs, and the tensor-core kernel's
// largest (128 x 128, in dynamic shared memory) where it gives enough.
// On sm_90a (`wgmma`) large 16-bit products (and, with tf32, f32 ones
// whose operands both store k contiguously) take a warpgroup kernel:
// slices stored as the core matrices wgmma.mma_async reads through
// shared-memory descriptors, one warpgroup per 128 x 128 or 64 x 128 tile.
// Products of fewer than min-size rows (decoding) take a matrix-vector
// kernel instead: no tiles of m to share, threads splitting k and reading
// rhs 16 bytes at a time, partial sums added in shared memory.
// A zero fill
// just before is dropped (the kernel stores instead of adding) and an
// elementwise consumer just after (bias, GELU, residual, quantization:
// Epilogue.h) is applied to the registers before they are stored.
//
//===----------------------------------------------------------------------===//

#include "passes/GPU/Passes.h"

#include "dialects/NV/IR/NVOps.h"
#include "passes/Codegen/Contraction.h"
#include "passes/Codegen/Epilogue.h"
#include "passes/GPU/WarpgroupMMA.h"

#include "mlir/Dialect/Affine/IR/AffineOps.h"
#include "mlir/Dialect/Arith/Utils/Utils.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/LLVMIR/NVVMDialect.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "llvm/Support/FormatVariadic.h"

#include <numeric>

namespace mlir::fmc {
#define GEN_PASS_DEF_GPUTILEMATMULPASS
#include "passes/GPU/Passes.h.inc"
} // namespace mlir::fmc

using namespace mlir;
using namespace mlir::fmc;

namespace {

struct Tiles {
  int64_t blockM, blockN, blockK, threadM, threadN;
  int64_t threads() const { return blockM / threadM * (blockN / threadN); }
  /// Whether the block tile splits into thread tiles, with a multiple of
  /// 32 threads (at most 1024), each copying as many elements of a slice.
  bool valid() const {
    return blockM > 0 && blockN > 0 && blockK > 0 && threadM > 0 &&
           threadN > 0 && blockM % threadM == 0 && blockN % threadN == 0 &&
           threads() % 32 == 0 && threads() <= 1024 &&
           blockK * blockM % threads() == 0 && blockK * blockN % threads() == 0;
  }
};

/// The blocks of blockM x blockN tiles of `c`'s output, all batches.
int64_t gridBlocks(const Contraction &c, int64_t blockM, int64_t blockN) {
  int64_t blocks = llvm::divideCeil(c.sizes[c.m], blockM) *
                   llvm::divideCeil(c.sizes[c.n], blockN);
  for (unsigned d : c.outer)
    blocks *= c.sizes[d];
  return blocks;
}

/// The SIMT kernel's tiles for `c`: `t`, or, with `sms` set, `t` with
/// block-m and then block-n halved (thread tiles kept) while that gives
/// more blocks but still fewer than `sms`, down to 64 threads: products
/// too small to fill the GPU spread over more of its SMs.
Tiles chooseSIMTTiles(const Tiles &t, const Contraction &c, int64_t sms) {
  auto blocks = [&](const Tiles &tiles) {
    return gridBlocks(c, tiles.blockM, tiles.blockN);
  };
  Tiles chosen = t;
  for (bool halveM : {true, false}) {
    if (sms <= 0 || blocks(chosen) >= sms)
      break;
    Tiles smaller = chosen;
    (halveM ? smaller.blockM : smaller.blockN) /= 2;
    if (!smaller.valid() || smaller.threads() < 64 ||
        blocks(smaller) == blocks(chosen))
      break;
    chosen = smaller;
  }
  return chosen;
}

/// Shared-memory rows are padded by this many elements, so that the threads
/// that store one column of a slice (k-major operands) hit different banks;
/// four keeps every row 16-byte aligned for the vector loads.
constexpr int64_t kRowPadding = 4;

/// A tensor-core kernel's tiles: a block computes blockM x blockN outputs
/// from blockK-deep slices, `stages` buffers of each; each warp warpM x
/// warpN of them, as mma.sync tiles of 16 x 8 (k 16 per instruction, 8
/// for tf32).
struct MmaTiles {
  int64_t blockM, blockN, blockK, warpM, warpN, stages;
  int64_t threads() const { return blockM / warpM * (blockN / warpN) * 32; }
};
constexpr int64_t kMmaM = 16, kMmaN = 8;
/// The default tiles: 64 x 128 outputs per block (16-bit slices: eight
/// warps, 2 x 4) or 64 x 64 (tf32: four warps, 2 x 2, as its doubled f32
/// slices would not fit in 48 KB), 32-deep slices, 32 x 32 per warp (2 x 4
/// mma.sync tiles). The wider block loads each lhs element (f32) half as
/// often.
MmaTiles defaultMmaTiles(bool f32) {
  return {64, f32 ? 64 : 128, 32, 32, 32, 2};
}
/// The large tiles (slices copied by cp.async, enough blocks to fill the
/// GPU): 128 x 128 per block, four warps of 64 x 64 (4 x 8 mma.sync
/// tiles), which load each fragment for twice as many products as the
/// default's warps; up to kMaxStages buffers, in dynamic shared memory
/// (16-bit: 75776 bytes for four; tf32's f32 slices: 141312).
constexpr MmaTiles kLargeMmaTiles = {128, 128, 32, 64, 64, 0};
/// Smaller tiles for products that would give the GPU too few blocks of
/// the default ones: 64 x 64 (four warps of 32 x 32) and 32 x 64 (two).
constexpr MmaTiles kMediumMmaTiles = {64, 64, 32, 32, 32, 0};
constexpr MmaTiles kSmallMmaTiles = {32, 64, 32, 32, 32, 0};
constexpr int64_t kMaxStages = 4;
/// Shared rows are padded by 16 bytes (eight f16, four f32): ldmatrix reads
/// eight rows at once, and padded rows start in different banks.
constexpr int64_t kMmaRowPaddingBytes = 16;
/// The shared memory a kernel may declare statically.
constexpr int64_t kStaticSharedBytes = 48 * 1024;

/// The bytes of one buffer of both slices of `m`'s tiles, of `bytes`-wide
/// elements, rows padded.
int64_t mmaSliceBytes(const MmaTiles &m, int64_t bytes) {
  int64_t padding = kMmaRowPaddingBytes / bytes;
  return (m.blockM * (m.blockK + padding) + m.blockK * (m.blockN + padding)) *
         bytes;
}

/// The bytes of `m`'s shared buffer with `stages` buffers per slice: the
/// slices, or after the loop the f32 accumulators' tile in the same bytes.
int64_t mmaSharedBytes(const MmaTiles &m, int64_t bytes, int64_t stages) {
  return std::max(stages * mmaSliceBytes(m, bytes),
                  m.blockM * (m.blockN + kRowPadding) * 4);
}

/// The most buffers per slice, from kMaxStages down to three, whose shared
/// buffer fits `limit`; 0 if three do not.
int64_t mostStages(const MmaTiles &m, int64_t bytes, int64_t limit) {
  for (int64_t stages = kMaxStages; stages >= 3; --stages)
    if (mmaSharedBytes(m, bytes, stages) <= limit)
      return stages;
  return 0;
}

/// The warpgroup kernel's tiles (sm_90a): `warpgroups` warpgroups of 128
/// threads compute blockM x blockN outputs (blockM / 64 wgmma.mma_async
/// m64 x blockN x k16 per 16-deep step, split among the warpgroups by
/// rows) from blockK-deep slices, `stages` buffers of each; the products
/// of `pending` slices may still run when the next slice starts (so the
/// copies stay stages - 1 - pending slices ahead). The table's blockK is
/// for 16-bit operands; f32 ones (tf32, k8 steps) take slices of the same
/// bytes, half as deep (forElement).
struct WgmmaTiles {
  int64_t blockM, blockN, blockK, stages, warpgroups, pending;
  int64_t threads() const;
  WgmmaTiles forElement(Type element) const {
    WgmmaTiles w = *this;
    w.blockK = blockK * 16 / element.getIntOrFloatBitWidth();
    return w;
  }
};
/// The largest first: 128 x 256 reads 85 FLOP per byte of its slices
/// (128 x 128: 64), which the L2 bandwidth of an H100 needs for its
/// tensor cores' rate; with one block per SM (192 KB of buffers), its
/// products overlap the next slice's barrier and copies (pending 1).
constexpr WgmmaTiles kWgmmaTiles[] = {
    {128, 256, 64, 4, 2, 1}, {128, 128, 64, 3, 1, 0}, {64, 128, 64, 3, 1, 0}};
constexpr int64_t kWgmmaM = wgmma::kM, kWarpgroupThreads = wgmma::kThreads;
/// The time hint of one mbarrier.try_wait (the hardware's limit; the wait
/// retries until the phase completes either way).
constexpr int64_t kMbarrierTicks = 10000000;
int64_t WgmmaTiles::threads() const { return warpgroups * kWarpgroupThreads; }
using wgmma::kCoreBytes, wgmma::kCoreRows;

/// The bytes of the warpgroup kernel's shared buffer: the slices' buffers
/// (16-bit elements, or `bytes` each), or after the loop the f32
/// accumulators' tile.
int64_t wgmmaSharedBytes(const WgmmaTiles &w, int64_t bytes = 2) {
  return std::max(w.stages * (w.blockM + w.blockN) * w.blockK * bytes,
                  w.blockM * (w.blockN + kRowPadding) * 4);
}

/// Whether `w` (forElement(element)) fits `c`: the product has a tile's
/// rows and columns, the shared buffer fits `sharedLimit`, and (with `sms`
/// set) the grid gives the GPU at least `sms` blocks.
bool warpgroupTilesFit(const Contraction &c, const WgmmaTiles &w, Type element,
                       int64_t sms, int64_t sharedLimit) {
  return c.sizes[c.m] >= w.blockM && c.sizes[c.n] >= w.blockN &&
         wgmmaSharedBytes(w, element.getIntOrFloatBitWidth() / 8) <=
             sharedLimit &&
         (sms <= 0 || gridBlocks(c, w.blockM, w.blockN) >= sms);
}

/// The matrix-vector kernel's layout (products of fewer than min-size
/// rows): `threads` threads per block of blockN columns, in `groups`
/// groups that split k; each thread reads rhs `width` elements (16 bytes)
/// at a time along its contiguous dim, n (`nMajor`: `lanes` threads side
/// by side along a row of the block's columns) or k (`lanes` threads side
/// by side along one column).
struct MatvecTiles {
  bool nMajor;
  int64_t width, lanes, blockN, groups;
};
constexpr int64_t kMatvecThreads = 256, kMatvecUnroll = 4;

/// The matrix-vector layout for `c` (rhs stored `rhsMap` in `rhsType`), or
/// none when rhs's contiguous dim is neither n nor k. Along n, the widest
/// rows of columns (up to a warp's) that still give `sms` blocks, but no
/// narrower than a 32-byte sector and not much wider than n; along k, a
/// warp per column (fewer lanes for a short k).
std::optional<MatvecTiles> chooseMatvecTiles(const Contraction &c,
                                             AffineMap rhsMap,
                                             MemRefType rhsType, int64_t sms) {
  if (!rhsType.isLastDimUnitStride() ||
      !isa<FloatType>(rhsType.getElementType()))
    return std::nullopt;
  MLIRContext *ctx = rhsMap.getContext();
  AffineExpr last = rhsMap.getResults().back();
  bool nMajor = last == getAffineDimExpr(c.n, ctx);
  if (!nMajor && last != getAffineDimExpr(c.k, ctx))
    return std::nullopt;
  int64_t bytes = rhsType.getElementTypeBitWidth() / 8;
  int64_t contiguous = c.sizes[nMajor ? c.n : c.k];
  int64_t width = 16 / bytes;
  while (contiguous % width != 0)
    width /= 2;
  MatvecTiles t{nMajor, width, 32, 0, 0};
  if (nMajor) {
    int64_t narrowest = std::max<int64_t>(1, 32 / (width * bytes));
    auto blocks = [&](int64_t lanes) {
      return gridBlocks(c, /*blockM=*/c.sizes[c.m], lanes * width);
    };
    while (t.lanes > narrowest && ((sms > 0 && blocks(t.lanes) < sms) ||
                                   t.lanes * width >= 2 * c.sizes[c.n]))
      t.lanes /= 2;
    t.blockN = t.lanes * width;
    t.groups = kMatvecThreads / t.lanes;
  } else {
    while (t.lanes > 1 && t.lanes * width > contiguous)
      t.lanes /= 2;
    t.blockN = kMatvecThreads / t.lanes;
    t.groups = t.lanes;
  }
  return t;
}

class KernelBuilder {
public:
  KernelBuilder(linalg::GenericOp op, const Contraction &c,
                const Fusion &fusion, const Tiles &t, FlatSymbolRefAttr module,
                bool asyncCopies, int64_t sharedLimit = kStaticSharedBytes,
                int64_t sms = 0)
      : op(op), c(c), fusion(fusion), t(t), module(module),
        asyncCopies(asyncCopies), sharedLimit(sharedLimit), sms(sms),
        loc(op.getLoc()), maps(op.getIndexingMapsArray()),
        accType(VectorType::get({t.threadN}, OpBuilder(op).getF32Type())),
        d0(getAffineDimExpr(0, op.getContext())),
        d1(getAffineDimExpr(1, op.getContext())) {}

  /// The SIMT kernel: each thread accumulates a thread-m x thread-n tile
  /// from f32 slices (a narrow rhs is extended while it is staged).
  void buildSIMT() {
    OpBuilder b(op);
    Type f32 = b.getF32Type();
    auto lhsTile = workgroupType({2, t.blockK, t.blockM + kRowPadding}, f32);
    auto rhsTile = workgroupType({2, t.blockK, t.blockN + kRowPadding}, f32);
    gpu::LaunchOp launch =
        createLaunch(b, t.blockM, t.blockN, t.threads(), {lhsTile, rhsTile});
    describe(launch,
             llvm::formatv("matmul: SIMT f32, {0}x{1}x{2} tiles, "
                           "{3}x{4} per thread, 2 buffers",
                           t.blockM, t.blockN, t.blockK, t.threadM, t.threadN));
    int64_t columns = t.blockN / t.threadN;
    Value rowInTile = affine(b, d0.floorDiv(columns) * t.threadM, tid);
    Value colInTile = affine(b, (d0 % columns) * t.threadN, tid);

    Value lhsShared = launch.getWorkgroupAttributions()[0];
    Value rhsShared = launch.getWorkgroupAttributions()[1];
    Value zeros = arith::ConstantOp::create(
        b, loc, accType, DenseElementsAttr::get(accType, 0.0f));
    SmallVector<Value> init(t.threadM, zeros);
    Slice slices[] = {
        {op.getDpsInputs()[0], maps[0], c.m, m0, t.blockM, lhsShared,
         /*kMajor=*/true},
        {op.getDpsInputs()[1], maps[1], c.n, n0, t.blockN, rhsShared,
         /*kMajor=*/true}};
    SmallVector<Value> sums = pipelinedLoop(
        b, slices, t.blockK, t.threads(), /*stages=*/2, init,
        [&](OpBuilder &b, Value buffer, ValueRange acc) {
          // Four steps of k per iteration: their loads and multiply-adds
          // interleave. (Unrolled completely, ptxas keeps every load of the
          // slice live: 157 registers, one block per SM, measured before
          // the slices were double-buffered.)
          int64_t unroll = std::gcd<int64_t>(t.blockK, 4);
          auto inner = scf::ForOp::create(
              b, loc, index(b, 0), index(b, t.blockK), index(b, unroll), acc,
              [&](OpBuilder &b, Location, Value k, ValueRange acc) {
                SmallVector<Value> sums(acc);
                for (int64_t step = 0; step < unroll; ++step)
                  sums = multiply(b, lhsShared, rhsShared, buffer,
                                  affine(b, d0 + step, k), rowInTile, colInTile,
                                  sums);
                scf::YieldOp::create(b, loc, sums);
              });
          return SmallVector<Value>(inner.getResults());
        });

    Value rowBase = affine(b, d0 + d1, {m0, rowInTile});
    Value col = affine(b, d0 + d1, {n0, colInTile});
    for (int64_t i = 0; i < t.threadM; ++i)
      storeRow(b, sums[i], affine(b, d0 + i, rowBase), col,
               /*colAligned=*/true);
    eraseFused();
  }

  /// The tensor-core kernel: `element` is f16 or bf16 (16-bit weights; lhs
  /// rounded to it while it is staged; each warp multiplies 16 x 16 by
  /// 16 x 8 tiles, mma.sync.m16n8k16) or f32 (tf32: 16 x 8 by 8 x 8 tiles,
  /// mma.sync.m16n8k8, which reads the f32 operands as tf32), with f32
  /// accumulators (vector.contract on vectors read from shared memory:
  /// fmc-gpu-convert-warp-matmuls turns them into ldmatrix and mma.sync).
  /// The accumulators go through shared memory to the same per-thread
  /// epilogue as the SIMT kernel's.
  void buildMMA(Type element) {
    OpBuilder b(op);
    // bf16 slices are read as f16 tiles (the same bits; the products are
    // marked bf16).
    bool bf16 = element.isBF16();
    Type f32 = b.getF32Type(), half = bf16 ? b.getF16Type() : element;
    int64_t kMmaK = element.isF32() ? 8 : 16;
    int64_t bytes = element.getIntOrFloatBitWidth() / 8;
    int64_t kMmaRowPadding = kMmaRowPaddingBytes / bytes;
    MmaTiles m = chooseMmaTiles(element);
    int64_t blockN = m.blockN, threads = m.threads(), stages = m.stages;
    // The slices' buffers and, once the products are done, the
    // accumulators' tile share one workgroup buffer (views of it): the
    // tf32 kernel's 36 KB of slices and 17 KB of tile would not fit in the
    // 48 KB a kernel may declare.
    auto lhsTile =
        workgroupType({stages, m.blockM, m.blockK + kMmaRowPadding}, half);
    auto rhsTile =
        workgroupType({stages, m.blockK, blockN + kMmaRowPadding}, half);
    auto outTile = workgroupType({m.blockM, blockN + kRowPadding}, f32);
    int64_t lhsBytes = lhsTile.getNumElements() * bytes;
    int64_t slicesBytes = lhsBytes + rhsTile.getNumElements() * bytes;
    int64_t outBytes = outTile.getNumElements() * 4;
    gpu::LaunchOp launch = createLaunch(
        b, m.blockM, blockN, threads,
        {workgroupType({std::max(slicesBytes, outBytes)}, b.getI8Type())});
    describe(launch,
             llvm::formatv("matmul: tensor cores (mma.sync m16n8k{0} {1}), "
                           "{2}x{3}x{4} tiles, {5} warps, {6} buffers",
                           kMmaK,
                           element.isF32()    ? "tf32"
                           : element.isBF16() ? "bf16"
                                              : "f16",
                           m.blockM, blockN, m.blockK, threads / 32, stages));
    Value raw = launch.getWorkgroupAttributions()[0];
    auto view = [&](MemRefType type, int64_t offset) -> Value {
      return memref::ViewOp::create(b, loc, type, raw, index(b, offset),
                                    ValueRange{});
    };
    Value lhsShared = view(lhsTile, 0);
    Value rhsShared = view(rhsTile, lhsBytes);
    // Where the slices are staged: the same bytes as bf16.
    Value lhsStaged = lhsShared, rhsStaged = rhsShared;
    if (bf16) {
      lhsStaged = view(MemRefType::Builder(lhsTile).setElementType(element), 0);
      rhsStaged =
          view(MemRefType::Builder(rhsTile).setElementType(element), lhsBytes);
    }
    // The warp's corner.
    MLIRContext *ctx = b.getContext();
    int64_t warpColumns = blockN / m.warpN;
    Value warpRow =
        affine(b, d0.floorDiv(32).floorDiv(warpColumns) * m.warpM, tid);
    Value warpCol = affine(b, (d0.floorDiv(32) % warpColumns) * m.warpN, tid);

    auto tileType = VectorType::get({kMmaM, kMmaN}, f32);
    auto lhsType = VectorType::get({kMmaM, kMmaK}, half);
    auto rhsType = VectorType::get({kMmaN, kMmaK}, half);
    int64_t rows = m.warpM / kMmaM, cols = m.warpN / kMmaN;
    Value zeros = arith::ConstantOp::create(
        b, loc, tileType, DenseElementsAttr::get(tileType, 0.0f));
    SmallVector<Value> init(rows * cols, zeros);
    AffineExpr mExpr, nExpr, kExpr;
    bindDims(ctx, mExpr, nExpr, kExpr);
    auto iterators = {vector::IteratorType::parallel,
                      vector::IteratorType::parallel,
                      vector::IteratorType::reduction};
    // Tiles of one buffer: lhs is stored [m][k]; rhs is stored [k][n] and
    // the product wants it [n][k].
    AffineMap plain = AffineMap::get(3, 0, {d1, getAffineDimExpr(2, ctx)}, ctx);
    AffineMap transposed =
        AffineMap::get(3, 0, {getAffineDimExpr(2, ctx), d1}, ctx);
    Value pad = arith::ConstantOp::create(b, loc, b.getFloatAttr(half, 0.0));
    SmallVector<bool> inBounds = {true, true};
    Slice slices[] = {
        {op.getDpsInputs()[0], maps[0], c.m, m0, m.blockM, lhsStaged,
         /*kMajor=*/false},
        {op.getDpsInputs()[1], maps[1], c.n, n0, blockN, rhsStaged,
         /*kMajor=*/true}};
    SmallVector<Value> products = pipelinedLoop(
        b, slices, m.blockK, threads, stages, init,
        [&](OpBuilder &b, Value buffer, ValueRange acc) {
          SmallVector<Value> sums(acc);
          for (int64_t kk = 0; kk < m.blockK; kk += kMmaK) {
            SmallVector<Value> lhs, rhs;
            for (int64_t i = 0; i < rows; ++i)
              lhs.push_back(vector::TransferReadOp::create(
                  b, loc, lhsType, lhsShared,
                  ValueRange{buffer, affine(b, d0 + i * kMmaM, warpRow),
                             index(b, kk)},
                  pad, plain, inBounds));
            for (int64_t j = 0; j < cols; ++j)
              rhs.push_back(vector::TransferReadOp::create(
                  b, loc, rhsType, rhsShared,
                  ValueRange{buffer, index(b, kk),
                             affine(b, d0 + j * kMmaN, warpCol)},
                  pad, transposed, inBounds));
            for (int64_t i = 0; i < rows; ++i)
              for (int64_t j = 0; j < cols; ++j) {
                auto product = vector::ContractionOp::create(
                    b, loc, lhs[i], rhs[j], sums[i * cols + j],
                    ArrayRef<ArrayRef<AffineExpr>>{
                        {mExpr, kExpr}, {nExpr, kExpr}, {mExpr, nExpr}},
                    iterators);
                if (bf16)
                  product->setAttr(kBF16OperandsAttr, b.getUnitAttr());
                sums[i * cols + j] = product;
              }
          }
          return sums;
        });

    // No thread reads the slices any more once all pass this barrier.
    gpu::BarrierOp::create(b, loc);
    Value outShared = view(outTile, 0);
    for (int64_t i = 0; i < rows; ++i)
      for (int64_t j = 0; j < cols; ++j)
        vector::TransferWriteOp::create(
            b, loc, products[i * cols + j], outShared,
            ValueRange{affine(b, d0 + i * kMmaM, warpRow),
                       affine(b, d0 + j * kMmaN, warpCol)},
            inBounds);
    gpu::BarrierOp::create(b, loc);
    storeTile(b, outShared, m.blockM, blockN, threads);
    eraseFused();
  }

  /// The warpgroup kernel (sm_90a): `element` is f16 or bf16 (16-bit lhs
  /// and rhs), or f32 (read as tf32; both operands store k contiguously),
  /// both copied by cp.async (chooseWgmmaTiles). Each slice is stored as
  /// core matrices, [buffer][row / 8][k / w] of 8 rows of w = 16 bytes of
  /// elements (w: 8 16-bit, 4 f32) that run along the operand's contiguous
  /// dim (K-major: [row % 8][k % w]; MN-major, 16-bit only: [k % 8][row %
  /// 8]): adjacent in k 128 bytes apart (the descriptors' leading byte
  /// offset), in rows blockK / w * 128 (the stride byte offset). Per step
  /// of 32 bytes of k (k16; tf32: k8) each 64-row half of the tile is one
  /// wgmma.mma_async into its f32 accumulators (64 x blockN: blockN / 2
  /// per thread); a slice's instructions are one group, waited for before
  /// the next slice's barrier (no copy overwrites a buffer the tensor cores
  /// still read). The accumulators go through shared memory to the same
  /// per-thread epilogue as the other kernels'.
  void buildWGMMA(Type element, const WgmmaTiles &w) {
    OpBuilder b(op);
    Type f32 = b.getF32Type();
    // With `tma`, the tensor maps of both operands, encoded on the host
    // before the launch (none where either cannot take one).
    SmallVector<TensorMap> encoded;
    if (tma) {
      std::optional<TmaLayout> layouts[] = {
          tmaLayout(coreSlice(0, {}, w.blockM, {}), w.blockM, w.blockK,
                    element),
          tmaLayout(coreSlice(1, {}, w.blockN, {}), w.blockN, w.blockK,
                    element)};
      if (layouts[0] && layouts[1])
        for (auto [i, layout] : llvm::enumerate(layouts))
          encoded.push_back(
              encodeTensorMap(b, op.getDpsInputs()[i], *layout, element));
    }
    // Each warpgroup's rows: `halves` 64-row products per step.
    int64_t groupRows = w.blockM / w.warpgroups;
    int64_t halves = groupRows / kWgmmaM, values = w.blockN / 2;
    int64_t threads = w.threads();
    int64_t bytes = element.getIntOrFloatBitWidth() / 8;
    int64_t width = wgmma::coreWidth(element), step = wgmma::depth(element);
    auto lhsTile = coreTileType(w.stages, w.blockM, w.blockK, element);
    auto rhsTile = coreTileType(w.stages, w.blockN, w.blockK, element);
    auto outTile = workgroupType({w.blockM, w.blockN + kRowPadding}, f32);
    int64_t lhsStageBytes = w.blockM * w.blockK * bytes,
            rhsStageBytes = w.blockN * w.blockK * bytes;
    int64_t lhsBytes = w.stages * lhsStageBytes;
    gpu::LaunchOp launch = createLaunch(
        b, w.blockM, w.blockN, threads,
        {workgroupType({wgmmaSharedBytes(w, bytes)}, b.getI8Type())});
    describe(launch,
             llvm::formatv("matmul: warpgroup MMA (wgmma.mma_async m64n{0}k{8} "
                           "{1}), {2}x{0}x{3} tiles, {4} warpgroup{5}, {6} "
                           "buffers, wait_group {7}{9}",
                           w.blockN,
                           element.isF32()    ? "tf32"
                           : element.isBF16() ? "bf16"
                                              : "f16",
                           w.blockM, w.blockK, w.warpgroups,
                           w.warpgroups > 1 ? "s" : "", w.stages, w.pending,
                           step, encoded.empty() ? "" : ", slices by TMA"));
    Value raw = launch.getWorkgroupAttributions()[0];
    auto view = [&](MemRefType type, int64_t offset) -> Value {
      return memref::ViewOp::create(b, loc, type, raw, index(b, offset),
                                    ValueRange{});
    };
    Slice slices[] = {coreSlice(0, m0, w.blockM, view(lhsTile, 0)),
                      coreSlice(1, n0, w.blockN, view(rhsTile, lhsBytes))};
    pendingGroups = w.pending;
    if (!encoded.empty()) {
      // Thread 0 starts each slice's two boxes; the mbarrier of its buffer
      // completes when their bytes have arrived.
      tensorMaps.clear();
      for (TensorMap map : encoded) {
        Value pointer = LLVM::IntToPtrOp::create(
            b, loc, LLVM::LLVMPointerType::get(b.getContext()), map.descriptor);
        map.descriptor =
            UnrealizedConversionCastOp::create(b, loc, map.type, pointer)
                .getResult(0);
        tensorMaps.push_back(map);
      }
      int64_t stages = w.stages;
      sliceBarriers = nvgpu::MBarrierCreateOp::create(
          b, loc,
          nvgpu::MBarrierGroupType::get(
              b.getContext(),
              gpu::AddressSpaceAttr::get(b.getContext(),
                                         gpu::AddressSpace::Workgroup),
              stages));
      leader = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq, tid,
                                     index(b, 0));
      sliceBytes = lhsStageBytes + rhsStageBytes;
      for (int64_t s = 0; s < stages; ++s)
        nvgpu::MBarrierInitOp::create(b, loc, sliceBarriers, index(b, 1),
                                      index(b, s), leader);
      NVVM::FenceMbarrierInitOp::create(b, loc);
      gpu::BarrierOp::create(b, loc);
    } else {
      // Each thread's cp.async writes reach the async proxy at the barrier.
      proxyFence = true;
    }

    // Descriptors: core matrices adjacent in k 128 bytes apart, in rows
    // blockK / w * 128.
    Value base = wgmma::sharedAddress(b, loc, raw);
    int64_t strideBytes = w.blockK / width * kCoreBytes;
    auto descriptor = [&](OpBuilder &b, Value offset) -> Value {
      return wgmma::descriptor(b, loc, base, offset, kCoreBytes, strideBytes);
    };

    auto accType = VectorType::get({values}, f32);
    // The rhs slice is K-major for wgmma ([n][k], stored along k) where its
    // core matrices' rows do not run along k (slices[1].kMajor: k rows).
    bool rhsKMajor = !slices[1].kMajor;
    Value zeros = arith::ConstantOp::create(
        b, loc, accType, DenseElementsAttr::get(accType, 0.0f));
    SmallVector<Value> init(halves, zeros);
    // The warpgroup's first row in the lhs slice, in bytes.
    Value groupOffset = affine(b,
                               d0.floorDiv(kWarpgroupThreads) *
                                   (groupRows / kCoreRows) * strideBytes,
                               tid);
    SmallVector<Value> products = pipelinedLoop(
        b, slices, w.blockK, threads, w.stages, init,
        [&](OpBuilder &b, Value buffer, ValueRange acc) {
          NVVM::WgmmaFenceAlignedOp::create(b, loc);
          SmallVector<Value> sums;
          for (Value v : acc)
            sums.push_back(wgmma::toAccumulators(b, loc, v));
          for (int64_t kk = 0; kk < w.blockK; kk += step) {
            int64_t kOffset = kk / width * kCoreBytes;
            Value rhs = descriptor(
                b, affine(b, d0 * rhsStageBytes + lhsBytes + kOffset, buffer));
            for (int64_t h = 0; h < halves; ++h) {
              Value lhs = descriptor(
                  b, affine(b,
                            d0 * lhsStageBytes + d1 +
                                h * kWgmmaM / kCoreRows * strideBytes + kOffset,
                            {buffer, groupOffset}));
              sums[h] = wgmma::multiply(b, loc, sums[h], lhs, rhs, w.blockN,
                                        element, rhsKMajor);
            }
          }
          // The accumulators are read below: their registers still belong
          // to the `pending` groups in flight, which the next slice's
          // products take over; the last slice's are all waited for. A
          // wait for all of them passes the accumulators on (so that no
          // read of them moves above it).
          NVVM::WgmmaGroupSyncAlignedOp::create(b, loc);
          int64_t pending = finalSlice ? 0 : w.pending;
          if (pending)
            NVVM::WgmmaWaitGroupSyncOp::create(b, loc, pending);
          SmallVector<Value> result;
          for (Value s : sums) {
            if (!pending)
              s = nv::WgmmaWaitOp::create(b, loc, s.getType(), s, 0);
            result.push_back(wgmma::fromAccumulators(b, loc, s));
          }
          return result;
        });

    // Every group was waited for: no thread reads the slices any more once
    // all pass this barrier. Value 4 j + v of a thread (warpgroup g, warp
    // w in it, lane l) is element (16 w + l / 4 + 8 (v / 2), 8 j + 2 (l mod
    // 4) + v mod 2) of its half's 64 x blockN accumulators, half h of
    // warpgroup g starting at row g groupRows + 64 h of the tile.
    gpu::BarrierOp::create(b, loc);
    Value outShared = view(outTile, 0);
    for (int64_t h = 0; h < halves; ++h)
      for (int64_t i = 0; i < values; i += 2) {
        int64_t v = i % 4;
        Value row =
            affine(b,
                   d0.floorDiv(kWarpgroupThreads) * groupRows + h * kWgmmaM +
                       (d0 % kWarpgroupThreads).floorDiv(32) * 16 +
                       (d0 % 32).floorDiv(4) + 8 * (v / 2),
                   tid);
        Value col = affine(b, 8 * (i / 4) + (d0 % 4) * 2, tid);
        Value pair = vector::FromElementsOp::create(
            b, loc, VectorType::get({2}, f32),
            ValueRange{vector::ExtractOp::create(b, loc, products[h], i),
                       vector::ExtractOp::create(b, loc, products[h], i + 1)});
        vector::StoreOp::create(b, loc, pair, outShared, ValueRange{row, col},
                                /*nontemporal=*/false, llvm::Align(8));
      }
    gpu::BarrierOp::create(b, loc);
    storeTile(b, outShared, w.blockM, w.blockN, threads);
    eraseFused();
  }

  /// The warpgroup kernel's tiles for this product of `element` operands
  /// (16-bit, or f32 as tf32): the first of kWgmmaTiles whose tile fits
  /// the product and the GPU (warpgroupTilesFit), whose slices are both
  /// copied by cp.async (and, for tf32, both store k contiguously: PTX's
  /// tf32 operands are K-major); none where none does (the mma.sync
  /// kernels serve it).
  std::optional<WgmmaTiles> chooseWgmmaTiles(Type element) {
    int64_t width = wgmma::coreWidth(element);
    for (const WgmmaTiles &table : kWgmmaTiles) {
      WgmmaTiles w = table.forElement(element);
      if (!warpgroupTilesFit(c, w, element, sms, sharedLimit))
        continue;
      Slice lhs = coreSlice(0, {}, w.blockM, {});
      Slice rhs = coreSlice(1, {}, w.blockN, {});
      if (element.isF32() && (lhs.kMajor || rhs.kMajor))
        return std::nullopt;
      if (copyWidth(lhs, coreTileType(w.stages, w.blockM, w.blockK, element),
                    w.blockK, w.threads()) == width &&
          copyWidth(rhs, coreTileType(w.stages, w.blockN, w.blockK, element),
                    w.blockK, w.threads()) == width)
        return w;
    }
    return std::nullopt;
  }

  /// The matrix-vector kernel (see MatvecTiles): block x computes
  /// block-n columns of every row of out (batch z). Each thread sums, in
  /// f32, the products of its k-group (every groups-th k, or chunk of k)
  /// for its columns, kMatvecUnroll loads in flight; then, row by row, the
  /// groups' partial sums meet in a tree in shared memory, and the row's
  /// columns go through the epilogue (`t`: threadN columns per thread).
  void buildMatvec(const MatvecTiles &mv) {
    OpBuilder b(op);
    Type f32 = b.getF32Type();
    int64_t rows = c.sizes[c.m], extent = c.sizes[c.k], n = c.sizes[c.n];
    int64_t threads = kMatvecThreads, width = mv.width;
    auto partialsType = workgroupType({mv.groups * mv.blockN}, f32);
    gpu::LaunchOp launch =
        createLaunch(b, rows, mv.blockN, threads, {partialsType});
    describe(launch,
             llvm::formatv("matrix-vector: {0} row(s), {1} columns per block, "
                           "k split {2} ways, rhs read {3} at a time along {4}",
                           rows, mv.blockN, mv.groups, width,
                           mv.nMajor ? "n" : "k"));
    Value partials = launch.getWorkgroupAttributions()[0];
    Value lhs = op.getDpsInputs()[0], rhs = op.getDpsInputs()[1];

    // The thread's columns (clamped into out: the store masks the rest)
    // and k-group.
    Value lane = affine(b, d0 % mv.lanes, tid);
    Value group = affine(b, d0.floorDiv(mv.lanes), tid);
    Value col, kFirst;
    int64_t kStep;
    if (mv.nMajor) {
      col = affine(b, d0 + d1 * width, {n0, lane});
      col = arith::MinUIOp::create(b, loc, col, index(b, n - width));
      kFirst = group;
      kStep = mv.groups;
    } else {
      col = affine(b, d0 + d1, {n0, group});
      col = arith::MinUIOp::create(b, loc, col, index(b, n - 1));
      kFirst = affine(b, d0 * width, lane);
      kStep = mv.lanes * width;
    }
    auto vecType = VectorType::get({width}, f32);
    Value zeros = arith::ConstantOp::create(
        b, loc, vecType, DenseElementsAttr::get(vecType, 0.0f));
    SmallVector<Value> init(rows, zeros);
    int64_t stride = kStep * kMatvecUnroll;
    auto loop = scf::ForOp::create(
        b, loc, index(b, 0), index(b, extent), index(b, stride), init,
        [&](OpBuilder &b, Location, Value k0, ValueRange acc) {
          SmallVector<Value> sums(acc);
          for (int64_t u = 0; u < kMatvecUnroll; ++u) {
            Value k = affine(b, d0 + d1 + u * kStep, {k0, kFirst});
            // Past k (a last, partial step) the loads are clamped in
            // bounds and their products dropped.
            bool partial = extent % stride != 0;
            Value inside;
            if (partial) {
              inside = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ult,
                                             k, index(b, extent));
              k = arith::MinUIOp::create(
                  b, loc, k, index(b, mv.nMajor ? extent - 1 : extent - width));
            }
            Value r = loadVector(b, rhs, maps[1], mv.nMajor ? c.n : c.k, width,
                                 {{c.n, col}, {c.k, k}});
            if (partial)
              r = arith::SelectOp::create(b, loc, inside, r, zeros);
            for (int64_t i = 0; i < rows; ++i) {
              std::pair<unsigned, Value> at[] = {{c.m, index(b, i)}, {c.k, k}};
              Value a = mv.nMajor ? vector::BroadcastOp::create(
                                        b, loc, vecType,
                                        loadScalar(b, lhs, maps[0], at))
                                  : loadVector(b, lhs, maps[0], c.k, width, at);
              sums[i] = vector::FMAOp::create(b, loc, a, r, sums[i]);
            }
          }
          scf::YieldOp::create(b, loc, sums);
        });

    int64_t columns = mv.blockN / t.threadN;
    for (int64_t i = 0; i < rows; ++i) {
      if (i > 0)
        barrier(b);
      Value sum = loop.getResult(i);
      if (mv.nMajor)
        vector::StoreOp::create(
            b, loc, sum, partials,
            affine(b, d0 * mv.blockN + d1 * width, {group, lane}),
            /*nontemporal=*/false, alignment(width));
      else
        memref::StoreOp::create(b, loc,
                                vector::ReductionOp::create(
                                    b, loc, vector::CombiningKind::ADD, sum),
                                partials,
                                affine(b, d0 * mv.blockN + d1, {lane, group}));
      barrier(b);
      // Halve the groups: group g adds group g + half's partials.
      for (int64_t half = mv.groups / 2; half >= 1; half /= 2) {
        int64_t count = half * mv.blockN;
        scf::ForOp::create(
            b, loc, tid, index(b, count), index(b, threads), ValueRange{},
            [&](OpBuilder &b, Location, Value e, ValueRange) {
              Value other = affine(b, d0 + count, e);
              Value total = arith::AddFOp::create(
                  b, loc, memref::LoadOp::create(b, loc, partials, e),
                  memref::LoadOp::create(b, loc, partials, other));
              memref::StoreOp::create(b, loc, total, partials, e);
              scf::YieldOp::create(b, loc);
            });
        barrier(b);
      }
      Value storing = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ult,
                                            tid, index(b, columns));
      auto guard = scf::IfOp::create(b, loc, storing);
      OpBuilder::InsertionGuard g(b);
      b.setInsertionPointToStart(guard.thenBlock());
      Value at = affine(b, d0 * t.threadN, tid);
      Value total =
          vector::LoadOp::create(b, loc, accType, partials, at,
                                 /*nontemporal=*/false, alignment(t.threadN));
      store(b, total, index(b, i), affine(b, d0 + d1, {n0, at}));
    }
    eraseFused();
  }

private:
  /// The epilogue of the tensor-core kernels, from the accumulators' tile
  /// in shared memory: with c = block-n / 4 threads per row, thread t
  /// stores columns 4 (t mod c) .. + 3 of rows t / c + (threads / c) r.
  void storeTile(OpBuilder &b, Value outShared, int64_t blockM, int64_t blockN,
                 int64_t threads) {
    int64_t lanes = t.threadN;
    int64_t columns = blockN / lanes, rowStep = threads / columns;
    Value rowInTile = affine(b, d0.floorDiv(columns), tid);
    Value colInTile = affine(b, (d0 % columns) * lanes, tid);
    Value col = affine(b, d0 + d1, {n0, colInTile});
    for (int64_t r = 0; r < blockM / rowStep; ++r) {
      Value row = affine(b, d0 + r * rowStep, rowInTile);
      Value sum = vector::LoadOp::create(
          b, loc, accType, outShared, ValueRange{row, colInTile},
          /*nontemporal=*/false, alignment(lanes));
      storeRow(b, sum, affine(b, d0 + d1, {m0, row}), col,
               /*colAligned=*/true);
    }
  }

  /// `stages` buffers of a rows x depth slice as core matrices of 8 rows
  /// of w = wgmma::coreWidth(element) elements: [buffer][row / 8][k /
  /// w][8][w] (16-bit elements: w is 8 either way round, and MN-major
  /// slices take [k % 8][row % 8] for the last two).
  MemRefType coreTileType(int64_t stages, int64_t rows, int64_t depth,
                          Type element) {
    int64_t width = wgmma::coreWidth(element);
    return workgroupType(
        {stages, rows / kCoreRows, depth / width, kCoreRows, width}, element);
  }

  /// The tensor-core kernel's tiles for this product. With `sms` set (the
  /// pipeline's, the target's SMs), the largest tiles that still give the
  /// GPU at least that many blocks: the large ones (both slices copied by
  /// cp.async, three or more buffers of each within `sharedLimit` with the
  /// accumulators' tile), the default ones, 64 x 64 (16-bit: four warps)
  /// and 32 x 64 (two warps); the smallest where none does (a prefill of
  /// a few hundred tokens: the 64 x 128 tiles of a 128 x 768 product
  /// would leave all but 12 SMs idle). Without, the default ones. Up to
  /// kMaxStages buffers per slice where both are copied by cp.async and
  /// they fit in the 48 KB a kernel may declare (the default 16-bit tiles:
  /// three, 41 KB), else two.
  MmaTiles chooseMmaTiles(Type element) {
    int64_t bytes = element.getIntOrFloatBitWidth() / 8;
    int64_t padding = kMmaRowPaddingBytes / bytes;
    auto bothAsync = [&](const MmaTiles &m) {
      Slice lhs{op.getDpsInputs()[0], maps[0], c.m, {}, m.blockM, {},
                /*kMajor=*/false};
      Slice rhs{op.getDpsInputs()[1], maps[1], c.n, {}, m.blockN, {},
                /*kMajor=*/true};
      return copyWidth(
                 lhs, workgroupType({2, m.blockM, m.blockK + padding}, element),
                 m.blockK, m.threads()) > 0 &&
             copyWidth(
                 rhs, workgroupType({2, m.blockK, m.blockN + padding}, element),
                 m.blockK, m.threads()) > 0;
    };
    auto fillsGPU = [&](const MmaTiles &m) {
      return gridBlocks(c, m.blockM, m.blockN) >= sms;
    };
    MmaTiles large = kLargeMmaTiles;
    if (sms > 0 && c.sizes[c.m] >= large.blockM &&
        c.sizes[c.n] >= large.blockN && fillsGPU(large) && bothAsync(large) &&
        (large.stages = mostStages(large, bytes, sharedLimit)))
      return large;
    MmaTiles tiles = defaultMmaTiles(element.isF32());
    if (sms > 0) {
      SmallVector<MmaTiles> smaller = {kSmallMmaTiles};
      if (!element.isF32())
        smaller.insert(smaller.begin(), kMediumMmaTiles);
      for (const MmaTiles &m : smaller) {
        if (fillsGPU(tiles))
          break;
        tiles = m;
      }
    }
    tiles.stages = 2;
    if (bothAsync(tiles))
      tiles.stages =
          std::max<int64_t>(2, mostStages(tiles, bytes, kStaticSharedBytes));
    return tiles;
  }

  Value index(OpBuilder &b, int64_t v) {
    return arith::ConstantIndexOp::create(b, loc, v);
  }

  void describe(gpu::LaunchOp launch, const Twine &what) {
    launch->setAttr(kKernelAttr, StringAttr::get(launch.getContext(), what));
  }

  /// `e` applied to `dims` (an affine.apply, composed with the affine.apply
  /// ops that define them): index arithmetic in the kernels stays affine,
  /// which convert-vector-to-gpu leaves alone (it would take arith ops for
  /// element-wise ops on matrix fragments).
  Value affine(OpBuilder &b, AffineExpr e, ValueRange dims) {
    SmallVector<OpFoldResult> operands = getAsOpFoldResult(dims);
    return getValueOrCreateConstantIndexOp(
        b, loc,
        affine::makeComposedFoldedAffineApply(
            b, loc, AffineMap::get(dims.size(), 0, e), operands));
  }

  MemRefType workgroupType(ArrayRef<int64_t> shape, Type element) {
    return MemRefType::get(shape, element, AffineMap(),
                           gpu::AddressSpaceAttr::get(
                               op.getContext(), gpu::AddressSpace::Workgroup));
  }

  /// A launch over the blockM x blockN tiles of out (x: columns, y: rows,
  /// z: batch) with `threads` threads and the given shared buffers, before
  /// the contraction; leaves the builder in its body, with the batch ivs,
  /// the tile's corner (m0, n0), its width and the thread id set.
  gpu::LaunchOp createLaunch(OpBuilder &b, int64_t blockM, int64_t blockN,
                             int64_t threads, TypeRange shared) {
    int64_t batch = 1;
    for (unsigned d : c.outer)
      batch *= c.sizes[d];
    Value one = index(b, 1);
    auto launch = gpu::LaunchOp::create(
        b, loc, index(b, llvm::divideCeil(c.sizes[c.n], blockN)),
        index(b, llvm::divideCeil(c.sizes[c.m], blockM)), index(b, batch),
        index(b, threads), one, one,
        /*dynamicSharedMemorySize=*/nullptr, /*asyncTokenType=*/nullptr,
        /*asyncDependencies=*/{}, shared,
        /*privateAttributions=*/{}, nullptr, nullptr, nullptr, module);
    Block &body = launch.getBody().front();
    b.setInsertionPointToEnd(&body);
    gpu::TerminatorOp::create(b, loc);
    b.setInsertionPointToStart(&body);

    // Batch dims from block z, the tile's corner from blocks y and x.
    ivs.assign(c.sizes.size(), index(b, 0));
    Value rest = launch.getBlockIds().z;
    for (unsigned d : llvm::reverse(c.outer)) {
      ivs[d] = affine(b, d0 % c.sizes[d], rest);
      rest = affine(b, d0.floorDiv(c.sizes[d]), rest);
    }
    m0 = affine(b, d0 * blockM, launch.getBlockIds().y);
    n0 = affine(b, d0 * blockN, launch.getBlockIds().x);
    tileN = blockN;
    tid = launch.getThreadIds().x;
    return launch;
  }

  /// Stores row `row` of out (skipped past m) at columns col...
  void storeRow(OpBuilder &b, Value sum, Value row, Value col,
                bool colAligned) {
    Value inside = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ult, row,
                                         index(b, c.sizes[c.m]));
    auto guard = scf::IfOp::create(b, loc, inside);
    OpBuilder::InsertionGuard g(b);
    b.setInsertionPointToStart(guard.thenBlock());
    store(b, sum, row, col, colAligned);
  }

  void eraseFused() {
    if (fusion.epilogue)
      fusion.epilogue->erase();
    if (fusion.zeroFill)
      fusion.zeroFill->erase();
    op->erase();
  }

  /// The operand indices of `map` at loop position `ivs` with the given
  /// dims replaced.
  SmallVector<Value> indices(OpBuilder &b, AffineMap map,
                             ArrayRef<std::pair<unsigned, Value>> at) {
    SmallVector<OpFoldResult> operands = getAsOpFoldResult(ivs);
    for (auto [dim, value] : at)
      operands[dim] = value;
    return applyIndexingMap(b, loc, map, operands);
  }

  /// One operand's slices: `depth` x `tileSize` at (k0, base) of dims k and
  /// `dim`, kept in `shared` ([buffer][k][row] when kMajor, else
  /// [buffer][row][k]; with `cores`, core matrices (coreTileType) whose
  /// rows run along rows when kMajor, else along k).
  struct Slice {
    Value operand;
    AffineMap map;
    unsigned dim;
    Value base;
    int64_t tileSize;
    Value shared;
    bool kMajor;
    bool cores = false;
  };

  /// Operand `i`'s slices (0: lhs, 1: rhs) as core matrices in `shared`,
  /// rows along the operand's contiguous dim.
  Slice coreSlice(unsigned i, Value base, int64_t tileSize, Value shared) {
    Slice s{
        op.getDpsInputs()[i], maps[i], i ? c.n : c.m, base, tileSize, shared,
        /*kMajor=*/false,
        /*cores=*/true};
    s.kMajor = !kFastest(s);
    return s;
  }

  /// The k loop over `depth`-deep slices, double-buffered and software
  /// pipelined; `multiply` gets a buffer and the accumulators and returns
  /// the new ones. Slice 0 goes into buffer 0 first; iteration i waits for
  /// its copies, passes the barrier (slice i is complete, and no thread
  /// still reads slice i - 1's buffer), starts slice i + 1 into the other
  /// buffer (asynchronous copies, or loads into registers), multiplies
  /// slice i, then stores the registers. The last slice is multiplied after
  /// the loop, so no copy reads past k. One barrier per slice. With three
  /// `stages` (every slice copied asynchronously), slices i + 1 and i + 2
  /// are in flight while slice i is multiplied (pipelinedLoop3).
  SmallVector<Value>
  pipelinedLoop(OpBuilder &b, ArrayRef<Slice> slices, int64_t depth,
                int64_t threads, int64_t stages, ValueRange init,
                function_ref<SmallVector<Value>(OpBuilder &, Value, ValueRange)>
                    multiplySlice) {
    if (stages > 2)
      return pipelinedLoopAsync(b, slices, depth, threads, stages, init,
                                multiplySlice);
    int64_t steps = llvm::divideCeil(c.sizes[c.k], depth);
    auto waitAndSync = [&](OpBuilder &b, Value group) {
      if (group)
        nvgpu::DeviceAsyncWaitOp::create(b, loc, group, b.getI32IntegerAttr(0));
      barrier(b);
    };
    Value zero = index(b, 0);
    SmallVector<SmallVector<Value>> held;
    Value group = stageAll(b, slices, zero, zero, depth, threads, held);
    storeAll(b, slices, zero, depth, threads, held);
    auto loop = scf::ForOp::create(
        b, loc, zero, index(b, (steps - 1) * depth), index(b, depth), init,
        [&](OpBuilder &b, Location, Value k0, ValueRange acc) {
          Value current = affine(b, d0.floorDiv(depth) % 2, k0);
          Value next = affine(b, 1 - d0, current);
          waitAndSync(b, group);
          SmallVector<SmallVector<Value>> held;
          stageAll(b, slices, affine(b, d0 + depth, k0), next, depth, threads,
                   held);
          SmallVector<Value> sums = multiplySlice(b, current, acc);
          storeAll(b, slices, next, depth, threads, held);
          scf::YieldOp::create(b, loc, sums);
        });
    waitAndSync(b, group);
    return multiplySlice(b, index(b, (steps - 1) % 2), loop.getResults());
  }

  /// `stages` (three or more) buffers, every slice copied asynchronously:
  /// slices 0 .. stages - 2 start first (one group each); iteration i waits
  /// until at most stages - 2 groups are in flight (slice i is complete),
  /// passes the barrier (no thread still reads slice i - 1's buffer, which
  /// slice i + stages - 1 reuses), starts slice i + stages - 1 and
  /// multiplies slice i. The last stages - 1 slices are multiplied after
  /// the loop, each waiting until only the slices after it are in flight.
  SmallVector<Value> pipelinedLoopAsync(
      OpBuilder &b, ArrayRef<Slice> slices, int64_t depth, int64_t threads,
      int64_t stages, ValueRange init,
      function_ref<SmallVector<Value>(OpBuilder &, Value, ValueRange)>
          multiplySlice) {
    int64_t steps = llvm::divideCeil(c.sizes[c.k], depth);
    auto start = [&](OpBuilder &b, Value k0, Value buffer) {
      SmallVector<SmallVector<Value>> held;
      return stageAll(b, slices, k0, buffer, depth, threads, held);
    };
    // Slice `slice` has arrived: its copies are among the last `inFlight`
    // groups' predecessors, or (TMA) its buffer's mbarrier has completed
    // the phase of its round through the buffers.
    auto waitAndSync = [&](OpBuilder &b, Value group, int64_t inFlight,
                           Value slice) {
      if (!tensorMaps.empty()) {
        Value parity = arith::IndexCastOp::create(
            b, loc, b.getI1Type(), affine(b, d0.floorDiv(stages) % 2, slice));
        nvgpu::MBarrierTryWaitParityOp::create(b, loc, sliceBarriers, parity,
                                               index(b, kMbarrierTicks),
                                               affine(b, d0 % stages, slice));
      } else {
        nvgpu::DeviceAsyncWaitOp::create(b, loc, group,
                                         b.getI32IntegerAttr(inFlight));
      }
      barrier(b);
    };
    // A buffer is refilled once the products that read it are done: those
    // of `pendingGroups` slices may still run after a slice's barrier.
    int64_t ahead = stages - 1 - pendingGroups;
    Value group = start(b, index(b, 0), index(b, 0));
    for (int64_t j = 1; j < std::min(ahead, steps); ++j)
      start(b, index(b, j * depth), index(b, j));
    int64_t looped = std::max<int64_t>(steps - ahead, 0);
    SmallVector<Value> sums(init);
    if (looped > 0) {
      auto loop = scf::ForOp::create(
          b, loc, index(b, 0), index(b, looped * depth), index(b, depth), init,
          [&](OpBuilder &b, Location, Value k0, ValueRange acc) {
            waitAndSync(b, group, ahead - 1, affine(b, d0.floorDiv(depth), k0));
            start(b, affine(b, d0 + ahead * depth, k0),
                  affine(b, (d0.floorDiv(depth) + ahead) % stages, k0));
            scf::YieldOp::create(
                b, loc,
                multiplySlice(b, affine(b, d0.floorDiv(depth) % stages, k0),
                              acc));
          });
      sums.assign(loop.getResults().begin(), loop.getResults().end());
    }
    for (int64_t r = looped; r < steps; ++r) {
      waitAndSync(b, group, steps - 1 - r, index(b, r));
      finalSlice = r == steps - 1;
      sums = multiplySlice(b, index(b, r % stages), sums);
    }
    finalSlice = false;
    return sums;
  }

  /// The barrier after a slice's copies: with `proxyFence` (the slices are
  /// read by wgmma, in the async proxy), each thread's writes are first
  /// made visible to that proxy.
  void barrier(OpBuilder &b) {
    if (proxyFence)
      NVVM::FenceProxyOp::create(
          b, loc, NVVM::ProxyKind::async_shared,
          NVVM::SharedSpaceAttr::get(b.getContext(),
                                     NVVM::SharedSpace::shared_cta));
    gpu::BarrierOp::create(b, loc);
  }

  /// Starts every slice at k0 into `buffer`: their asynchronous copies as
  /// one group (returned; null if there are none), the loads of the others
  /// appended to `held` (one list per slice).
  Value stageAll(OpBuilder &b, ArrayRef<Slice> slices, Value k0, Value buffer,
                 int64_t depth, int64_t threads,
                 SmallVectorImpl<SmallVector<Value>> &held) {
    if (!tensorMaps.empty()) {
      startBoxes(b, slices, k0, buffer, depth);
      return {};
    }
    SmallVector<Value> tokens;
    for (const Slice &s : slices)
      held.push_back(stage(b, s, k0, buffer, depth, threads, tokens));
    if (tokens.empty())
      return {};
    return nvgpu::DeviceAsyncCreateGroupOp::create(
        b, loc, nvgpu::DeviceAsyncTokenType::get(b.getContext()), tokens);
  }

  /// How a TMA copy reads a slice of an operand as core matrices: a view
  /// of the operand (sizes and strides in elements, outermost first) whose
  /// boxes, as TMA stores them (innermost dim contiguous), are the slice's
  /// core matrices: [batch][row / 8][k / w][8][w] of an operand storing k
  /// contiguously (w = 16 bytes of elements), [batch][row / 8][k / 8][8
  /// k][8 rows] of one storing the rows contiguously. `kUnit` elements of
  /// k per step of the view's k dim; `batch`: the loop dims of its batch
  /// dims (one at most: TMA has five dims).
  struct TmaLayout {
    SmallVector<int64_t> sizes, strides, box;
    int64_t offset = 0, kUnit = 0;
    SmallVector<unsigned> batch;
  };

  /// A tensor map of an operand (TmaLayout): `descriptor` is its address
  /// on the host (encodeTensorMap), or the descriptor in the kernel.
  struct TensorMap {
    Value descriptor;
    nvgpu::TensorMapDescriptorType type;
    int64_t kUnit;
    SmallVector<unsigned> batch;
  };

  /// The TMA layout of slice `s`'s `rows` x `depth` boxes, if TMA can copy
  /// them: the operand holds `element`s (no conversion), with static
  /// strides, unit stride along its last dim, and its start and strides
  /// multiples of 16 bytes; its last two dims are the slice's rows and k,
  /// both multiples of the core matrices' (so that a box never reads past
  /// the operand: TMA fills with zeros only past the view's edges), and
  /// one batch dim at most precedes them.
  std::optional<TmaLayout> tmaLayout(const Slice &s, int64_t rows,
                                     int64_t depth, Type element) {
    auto source = cast<MemRefType>(s.operand.getType());
    int64_t rank = source.getRank();
    SmallVector<int64_t> strides;
    int64_t offset;
    if (source.getElementType() != element || !source.hasStaticShape() ||
        rank < 2 || rank > 3 ||
        failed(source.getStridesAndOffset(strides, offset)) ||
        ShapedType::isDynamic(offset) || strides.back() != 1 ||
        llvm::any_of(strides, ShapedType::isDynamic))
      return std::nullopt;
    int64_t bytes = element.getIntOrFloatBitWidth() / 8;
    if (offset * bytes % 16 != 0 ||
        llvm::any_of(ArrayRef(strides).drop_back(),
                     [&](int64_t stride) { return stride * bytes % 16 != 0; }))
      return std::nullopt;
    ArrayRef<AffineExpr> results = s.map.getResults();
    TmaLayout l;
    l.offset = offset;
    for (int64_t i = 0; i < rank - 2; ++i) {
      auto d = dyn_cast<AffineDimExpr>(results[i]);
      if (!d || !llvm::is_contained(c.outer, d.getPosition()))
        return std::nullopt;
      l.batch.push_back(d.getPosition());
      l.sizes.push_back(source.getDimSize(i));
      l.strides.push_back(strides[i]);
      l.box.push_back(1);
    }
    AffineExpr kExpr = getAffineDimExpr(c.k, s.map.getContext()),
               rowExpr = getAffineDimExpr(s.dim, s.map.getContext());
    int64_t width = wgmma::coreWidth(element);
    int64_t outer = strides[rank - 2];
    int64_t rowCount = c.sizes[s.dim], kCount = c.sizes[c.k];
    if (results[rank - 2] == rowExpr && results[rank - 1] == kExpr) {
      // [row][k]: 8 rows of w elements of k.
      if (rowCount % kCoreRows != 0 || kCount % width != 0)
        return std::nullopt;
      l.sizes.append({rowCount / kCoreRows, kCount / width, kCoreRows, width});
      l.strides.append({kCoreRows * outer, width, outer, 1});
      l.box.append({rows / kCoreRows, depth / width, kCoreRows, width});
      l.kUnit = width;
    } else if (results[rank - 2] == kExpr && results[rank - 1] == rowExpr &&
               width == kCoreRows) {
      // [k][row] (16-bit): 8 rows of k of 8 elements of the rows.
      if (rowCount % kCoreRows != 0 || kCount % kCoreRows != 0)
        return std::nullopt;
      l.sizes.append(
          {rowCount / kCoreRows, kCount / kCoreRows, kCoreRows, kCoreRows});
      l.strides.append({kCoreRows, kCoreRows * outer, outer, 1});
      l.box.append({rows / kCoreRows, depth / kCoreRows, kCoreRows, kCoreRows});
      l.kUnit = kCoreRows;
    } else {
      return std::nullopt;
    }
    return l;
  }

  /// Encodes the tensor map of `operand` laid out as `l`, at `b` (on the
  /// host, before the launch): the strided view, the map over it (no
  /// swizzling, zeros past its edges, L2 lines of 256 bytes) and the
  /// address of its copy in device memory as an i64, which the kernel
  /// takes as an argument and casts back. (The GPU lowering gives maps no
  /// kernel-argument type; an integer also keeps canonicalize from folding
  /// the two casts into one value that outlining would pass as a map.)
  TensorMap encodeTensorMap(OpBuilder &b, Value operand, const TmaLayout &l,
                            Type element) {
    MLIRContext *context = b.getContext();
    auto viewType = MemRefType::get(
        l.sizes, element, StridedLayoutAttr::get(context, l.offset, l.strides));
    Value view = memref::ReinterpretCastOp::create(
        b, loc, viewType, operand, l.offset, l.sizes, l.strides);
    Value unranked = memref::CastOp::create(
        b, loc, UnrankedMemRefType::get(element, Attribute()), view);
    auto type = nvgpu::TensorMapDescriptorType::get(
        context,
        MemRefType::get(
            l.box, element, AffineMap(),
            gpu::AddressSpaceAttr::get(context, gpu::AddressSpace::Workgroup)),
        nvgpu::TensorMapSwizzleKind::SWIZZLE_NONE,
        nvgpu::TensorMapL2PromoKind::L2PROMO_256B,
        nvgpu::TensorMapOOBKind::OOB_ZERO,
        nvgpu::TensorMapInterleaveKind::INTERLEAVE_NONE);
    SmallVector<Value> box = llvm::map_to_vector(
        l.box, [&](int64_t size) { return index(b, size); });
    Value map =
        nvgpu::TmaCreateDescriptorOp::create(b, loc, type, unranked, box);
    Value pointer = UnrealizedConversionCastOp::create(
                        b, loc, LLVM::LLVMPointerType::get(context), map)
                        .getResult(0);
    Value address = LLVM::PtrToIntOp::create(b, loc, b.getI64Type(), pointer);
    return {address, type, l.kUnit, l.batch};
  }

  /// Thread 0 (`leader`) starts TMA copies of every slice at k0 into
  /// `buffer`: the mbarrier of the buffer expects their bytes (zeros past
  /// the edges of the operands count too), and each box lands there as the
  /// slice's core matrices.
  void startBoxes(OpBuilder &b, ArrayRef<Slice> slices, Value k0, Value buffer,
                  int64_t depth) {
    nvgpu::MBarrierArriveExpectTxOp::create(
        b, loc, sliceBarriers, index(b, sliceBytes), buffer, leader);
    for (auto [s, map] : llvm::zip_equal(slices, tensorMaps)) {
      auto shared = cast<MemRefType>(s.shared.getType());
      int64_t rank = shared.getRank();
      SmallVector<OpFoldResult> offsets(rank, b.getIndexAttr(0)), sizes,
          strides(rank, b.getIndexAttr(1));
      offsets[0] = buffer;
      sizes.push_back(b.getIndexAttr(1));
      for (int64_t size : shared.getShape().drop_front())
        sizes.push_back(b.getIndexAttr(size));
      auto box = cast<MemRefType>(map.type.getTensor());
      auto boxType =
          cast<MemRefType>(memref::SubViewOp::inferRankReducedResultType(
              box.getShape(), shared, offsets, sizes, strides));
      Value dst = memref::SubViewOp::create(b, loc, boxType, s.shared, offsets,
                                            sizes, strides);
      // Coordinates from the innermost dim out: a core row's elements and
      // its row (0), k's rows or chunks, the tile's rows in core matrices,
      // then the batch.
      SmallVector<Value> coordinates = {
          index(b, 0), index(b, 0), affine(b, d0.floorDiv(map.kUnit), k0),
          affine(b, d0.floorDiv(kCoreRows), s.base)};
      for (unsigned d : llvm::reverse(map.batch))
        coordinates.push_back(ivs[d]);
      nvgpu::TmaAsyncLoadOp::create(b, loc, dst, sliceBarriers, map.descriptor,
                                    coordinates, buffer,
                                    /*multicastMask=*/Value(), leader);
    }
  }

  /// Stores the loads `held` by stageAll into `buffer`.
  void storeAll(OpBuilder &b, ArrayRef<Slice> slices, Value buffer,
                int64_t depth, int64_t threads,
                ArrayRef<SmallVector<Value>> held) {
    for (auto [s, values] : llvm::zip_equal(slices, held))
      for (auto [e, value] : llvm::enumerate(values)) {
        auto [kk, r] = position(b, s, int64_t(e), /*width=*/1, depth, threads);
        memref::StoreOp::create(b, loc, value, s.shared,
                                sharedAt(b, s, buffer, kk, r));
      }
  }

  bool kFastest(const Slice &s) {
    return s.map.getResults().back() ==
           getAffineDimExpr(c.k, s.map.getContext());
  }

  /// The position (k, row) in the slice of the thread's e-th element, or
  /// vector of `width`: consecutive threads take consecutive ones along
  /// the dim the operand stores contiguously.
  std::pair<Value, Value> position(OpBuilder &b, const Slice &s, int64_t e,
                                   int64_t width, int64_t depth,
                                   int64_t threads) {
    bool fastK = kFastest(s);
    if (s.cores) {
      // Eight consecutive threads copy eight rows of one core matrix (128
      // contiguous bytes of shared memory: a quarter warp's 16-byte
      // accesses without bank conflicts), the next eight the next core
      // matrix along the contiguous dim (each row's chunks adjacent in
      // the operand).
      int64_t chunks = (fastK ? depth : s.tileSize) / width;
      AffineExpr i = d0 + e * threads;
      Value strided = affine(
          b, i.floorDiv(kCoreRows * chunks) * kCoreRows + i % kCoreRows, tid);
      Value minor = affine(b, (i.floorDiv(kCoreRows) % chunks) * width, tid);
      return fastK ? std::make_pair(minor, strided)
                   : std::make_pair(strided, minor);
    }
    int64_t fast = (fastK ? depth : s.tileSize) / width;
    int64_t linear = e * threads;
    Value major = affine(b, (d0 + linear).floorDiv(fast), tid);
    Value minor = affine(b, ((d0 + linear) % fast) * width, tid);
    return fastK ? std::make_pair(minor, major) : std::make_pair(major, minor);
  }

  SmallVector<Value> sharedAt(OpBuilder &b, const Slice &s, Value buffer,
                              Value kk, Value r) {
    if (s.cores) {
      // A core matrix's row: w elements along k (K-major), or 8 along the
      // rows (MN-major, w = 8).
      int64_t width = cast<MemRefType>(s.shared.getType()).getShape().back();
      Value rows = affine(b, d0.floorDiv(kCoreRows), r);
      Value ks = affine(b, d0.floorDiv(width), kk);
      Value row = affine(b, d0 % kCoreRows, r), k = affine(b, d0 % width, kk);
      if (s.kMajor)
        return {buffer, rows, ks, k, row};
      return {buffer, rows, ks, row, k};
    }
    if (s.kMajor)
      return {buffer, kk, r};
    return {buffer, r, kk};
  }

  /// The elements one asynchronous copy of the slice moves (cp.async copies
  /// 4, 8 or 16 bytes from global to shared memory, no conversion): a
  /// 16-byte vector when the operand's contiguous dim is the shared
  /// buffer's and every vector starts 16-byte aligned (strides and offset
  /// multiples of it; buffers are), else one 4-byte element; 0 when the
  /// slice must be staged through registers (converted, or 2-byte
  /// elements against the layout).
  int64_t copyWidth(const Slice &s, int64_t depth, int64_t threads) {
    return copyWidth(s, cast<MemRefType>(s.shared.getType()), depth, threads);
  }
  int64_t copyWidth(const Slice &s, MemRefType shared, int64_t depth,
                    int64_t threads) {
    auto source = cast<MemRefType>(s.operand.getType());
    if (!asyncCopies || source.getElementType() != shared.getElementType() ||
        !source.isLastDimUnitStride())
      return 0;
    int64_t bytes = source.getElementTypeBitWidth() / 8;
    int64_t width = 16 / bytes;
    bool fastK = kFastest(s);
    bool fastMatches =
        s.kMajor ? !fastK && s.map.getResults().back() ==
                                 getAffineDimExpr(s.dim, s.map.getContext())
                 : fastK;
    int64_t fast = fastK ? depth : s.tileSize;
    if (fastMatches && fast % width == 0 &&
        depth * s.tileSize / width % threads == 0 &&
        shared.getShape().back() % width == 0 && vectorsAligned(source, width))
      return width;
    return bytes == 4 ? 1 : 0;
  }

  /// Starts copying slice `s` at k0 into its `buffer`, converted to the
  /// shared buffer's element type, zeros past the edges of its dim and k.
  /// Asynchronous copies (cp.async, their tokens appended to `tokens`) read
  /// only the elements inside and fill the rest with zeros; otherwise the
  /// thread's elements are loaded at clamped indices, zeros selected past
  /// the edges, and returned (storeAll puts them in shared memory later, so
  /// that the loads overlap the products). Unrolled either way.
  SmallVector<Value> stage(OpBuilder &b, const Slice &s, Value k0, Value buffer,
                           int64_t depth, int64_t threads,
                           SmallVectorImpl<Value> &tokens) {
    int64_t size = c.sizes[s.dim], extent = c.sizes[c.k];
    bool fastK = kFastest(s);
    Type element = cast<MemRefType>(s.shared.getType()).getElementType();
    int64_t width = copyWidth(s, depth, threads);
    int64_t count = depth * s.tileSize / threads / std::max<int64_t>(width, 1);
    SmallVector<Value> held;
    for (int64_t e = 0; e < count; ++e) {
      auto [kk, r] =
          position(b, s, e, std::max<int64_t>(width, 1), depth, threads);
      Value row = affine(b, d0 + d1, {s.base, r});
      Value k = affine(b, d0 + d1, {k0, kk});
      Value inside = arith::AndIOp::create(
          b, loc,
          arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ult, row,
                                index(b, size)),
          arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ult, k,
                                index(b, extent)));
      if (!width) {
        // Clamped indices keep the load in bounds; the select drops it.
        Value rowAt = arith::MinUIOp::create(b, loc, row, index(b, size - 1));
        Value kAt = arith::MinUIOp::create(b, loc, k, index(b, extent - 1));
        Value value = memref::LoadOp::create(
            b, loc, s.operand, indices(b, s.map, {{s.dim, rowAt}, {c.k, kAt}}));
        unsigned from = value.getType().getIntOrFloatBitWidth(),
                 to = element.getIntOrFloatBitWidth();
        if (from > to)
          value = arith::TruncFOp::create(b, loc, element, value);
        else if (from < to)
          value = arith::ExtFOp::create(b, loc, element, value);
        held.push_back(arith::SelectOp::create(
            b, loc, inside, value,
            arith::ConstantOp::create(b, loc, b.getFloatAttr(element, 0))));
        continue;
      }
      // The copy reads the elements of its vector inside the operand.
      // Clamped indices keep the source address in bounds (aligned down to
      // a whole vector).
      int64_t fastSize = fastK ? extent : size;
      Value elements = index(b, width);
      if (fastSize % width != 0)
        elements = affine::AffineMinOp::create(
            b, loc,
            AffineMap::get(
                1, 0,
                {fastSize - d0, getAffineConstantExpr(width, b.getContext())},
                b.getContext()),
            fastK ? k : row);
      elements = arith::SelectOp::create(b, loc, inside, elements, index(b, 0));
      Value rowAt = arith::MinUIOp::create(
          b, loc, row, index(b, fastK ? size - 1 : (size - 1) / width * width));
      Value kAt = arith::MinUIOp::create(
          b, loc, k,
          index(b, fastK ? (extent - 1) / width * width : extent - 1));
      int64_t bytes = width * element.getIntOrFloatBitWidth() / 8;
      tokens.push_back(nvgpu::DeviceAsyncCopyOp::create(
          b, loc, nvgpu::DeviceAsyncTokenType::get(b.getContext()), s.shared,
          sharedAt(b, s, buffer, kk, r), s.operand,
          indices(b, s.map, {{s.dim, rowAt}, {c.k, kAt}}),
          b.getIndexAttr(width), elements,
          bytes == 16 ? b.getUnitAttr() : UnitAttr()));
    }
    return held;
  }

  /// One step of k: the thread's thread-m x thread-n outer product from the
  /// shared slices, added to its accumulators (one vector per row).
  SmallVector<Value> multiply(OpBuilder &b, Value lhsShared, Value rhsShared,
                              Value buffer, Value kk, Value row, Value col,
                              ValueRange acc) {
    auto lhsType = VectorType::get({t.threadM}, b.getF32Type());
    auto lhs = vector::LoadOp::create(
        b, loc, lhsType, lhsShared, ValueRange{buffer, kk, row},
        /*nontemporal=*/false, alignment(t.threadM));
    auto rhs = vector::LoadOp::create(
        b, loc, accType, rhsShared, ValueRange{buffer, kk, col},
        /*nontemporal=*/false, alignment(t.threadN));
    SmallVector<Value> result;
    for (auto [i, sum] : llvm::enumerate(acc)) {
      Value a = vector::ExtractOp::create(b, loc, lhs, int64_t(i));
      Value splat = vector::BroadcastOp::create(b, loc, accType, a);
      result.push_back(vector::FMAOp::create(b, loc, splat, rhs, sum));
    }
    return result;
  }

  /// `operand`'s element at loop position `at` (other dims at ivs), in
  /// f32.
  Value loadScalar(OpBuilder &b, Value operand, AffineMap map,
                   ArrayRef<std::pair<unsigned, Value>> at) {
    Value value = memref::LoadOp::create(b, loc, operand, indices(b, map, at));
    if (!value.getType().isF32())
      value = arith::ExtFOp::create(b, loc, b.getF32Type(), value);
    return value;
  }

  /// `width` elements of `operand` from loop position `at` along loop dim
  /// `dim`, as f32: one vector load where dim is the operand's contiguous
  /// dim (aligned to the vector where strides and offset are multiples of
  /// it), else element by element.
  Value loadVector(OpBuilder &b, Value operand, AffineMap map, unsigned dim,
                   int64_t width, ArrayRef<std::pair<unsigned, Value>> at) {
    auto type = cast<MemRefType>(operand.getType());
    auto f32Type = VectorType::get({width}, b.getF32Type());
    if (!type.isLastDimUnitStride() ||
        map.getResults().back() != getAffineDimExpr(dim, b.getContext())) {
      SmallVector<Value> elements;
      for (int64_t j = 0; j < width; ++j) {
        SmallVector<std::pair<unsigned, Value>> shifted(at);
        for (auto &[d, v] : shifted)
          if (d == dim)
            v = affine(b, d0 + j, v);
        elements.push_back(loadScalar(b, operand, map, shifted));
      }
      return vector::FromElementsOp::create(b, loc, f32Type, elements);
    }
    llvm::MaybeAlign align;
    if (vectorsAligned(type, width))
      align = llvm::Align(width * type.getElementTypeBitWidth() / 8);
    Value value = vector::LoadOp::create(
        b, loc, VectorType::get({width}, type.getElementType()), operand,
        indices(b, map, at), /*nontemporal=*/false, align);
    if (type.getElementType() != b.getF32Type())
      value = arith::ExtFOp::create(b, loc, f32Type, value);
    return value;
  }

  /// The byte alignment of a vector of `count` f32 at a multiple of `count`
  /// in a padded shared row: the largest power of two dividing its size.
  llvm::MaybeAlign alignment(int64_t count) {
    int64_t bytes = 4 * count;
    return llvm::Align(std::min<int64_t>(16, bytes & -bytes));
  }

  /// Stores one row of the thread's tile at (row, col..): added to out's
  /// prior value unless a zero fill was dropped, through the epilogue into
  /// its output if there is one. Columns past n are masked.
  void store(OpBuilder &b, Value sum, Value row, Value col,
             bool colAligned = false) {
    int64_t n = c.sizes[c.n];
    // Lane j is stored when col + j < n. (Compared as index vectors:
    // vector.create_mask has no lowering in the NVVM conversion.)
    Value mask;
    if (n % tileN != 0) {
      auto lanesType = VectorType::get({t.threadN}, b.getIndexType());
      Value lanes = arith::ConstantOp::create(
          b, loc, lanesType,
          DenseElementsAttr::get(
              lanesType, llvm::map_to_vector(llvm::seq<int64_t>(t.threadN),
                                             [&](int64_t j) -> Attribute {
                                               return b.getIndexAttr(j);
                                             })));
      Value left = vector::BroadcastOp::create(b, loc, lanesType,
                                               affine(b, n - d0, col));
      mask =
          arith::CmpIOp::create(b, loc, arith::CmpIPredicate::slt, lanes, left);
    }
    auto at = [&](AffineMap map) {
      return indices(b, map, {{c.m, row}, {c.n, col}, {c.k, index(b, 0)}});
    };
    // A vector at a multiple of threadN columns (`colAligned`) of a buffer
    // whose last dim is n is aligned to its size where its offset and
    // strides are multiples of threadN (16-byte vectors at most): one wide
    // access instead of threadN narrow ones.
    AffineExpr nExpr = getAffineDimExpr(c.n, b.getContext());
    auto vectorAlignment = [&](Value memref,
                               AffineMap map) -> llvm::MaybeAlign {
      auto type = cast<MemRefType>(memref.getType());
      if (!colAligned || map.getResults().back() != nExpr ||
          !type.isLastDimUnitStride() || !vectorsAligned(type, t.threadN))
        return {};
      int64_t bytes = t.threadN * type.getElementTypeBitWidth() / 8;
      return llvm::Align(std::min<int64_t>(16, bytes & -bytes));
    };
    // Vectors of the buffer's elements (f32, or f16/bf16 activations that
    // the epilogue's body extends).
    auto load = [&](Value memref, AffineMap map, ValueRange where) -> Value {
      auto type = VectorType::get(
          {t.threadN}, cast<MemRefType>(memref.getType()).getElementType());
      llvm::MaybeAlign aligned = vectorAlignment(memref, map);
      if (mask)
        return vector::MaskedLoadOp::create(
            b, loc, type, memref, where, mask,
            arith::ConstantOp::create(
                b, loc, type,
                DenseElementsAttr::get(
                    type, b.getFloatAttr(type.getElementType(), 0.0))),
            aligned);
      return vector::LoadOp::create(b, loc, type, memref, where,
                                    /*nontemporal=*/false, aligned);
    };
    Value out = op.getDpsInits()[0];
    SmallVector<Value> outAt = at(maps[2]);
    if (!fusion.zeroFill)
      sum = arith::AddFOp::create(b, loc, load(out, maps[2], outAt), sum);
    Value dest = out;
    if (fusion.epilogue) {
      SmallVector<Value> extra = fusion.extraOperands();
      sum = emitEpilogueBody(
          b, loc, fusion, extra, sum, t.threadN, [&](unsigned i, Value memref) {
            const EpilogueInput &input = fusion.inputs[i];
            SmallVector<Value> where = at(input.map);
            if (input.kind == EpilogueInput::Vector)
              return load(memref, input.map, where);
            Value scalar = memref::LoadOp::create(b, loc, memref, where);
            return Value(vector::BroadcastOp::create(
                b, loc, VectorType::get({t.threadN}, scalar.getType()),
                scalar));
          });
      dest = extra.back();
    }
    llvm::MaybeAlign aligned = vectorAlignment(dest, maps[2]);
    if (mask)
      vector::MaskedStoreOp::create(b, loc, dest, outAt, mask, sum, aligned);
    else
      vector::StoreOp::create(b, loc, sum, dest, outAt, /*nontemporal=*/false,
                              aligned);
  }

  linalg::GenericOp op;
  const Contraction &c;
  const Fusion &fusion;
  const Tiles &t;
  FlatSymbolRefAttr module;
  bool asyncCopies;
  /// Shared memory a block may use, and the target's SMs (the large
  /// tensor-core tiles' conditions).
  int64_t sharedLimit, sms;
  Location loc;
  SmallVector<AffineMap> maps;
  VectorType accType;
  SmallVector<Value> ivs;
  Value m0, n0, tid;
  /// Columns of out per block (the kernel's, not necessarily the SIMT
  /// tile's).
  int64_t tileN = 0;
  /// Whether the slices' barriers fence the async proxy (buildWGMMA).
  bool proxyFence = false;
  /// Slices whose products may still run at the next slice's barrier
  /// (buildWGMMA), whose buffers the copies must not refill yet.
  int64_t pendingGroups = 0;
  /// Set while pipelinedLoopAsync builds the last slice's products.
  bool finalSlice = false;

public:
  /// Copy the warpgroup kernel's slices by TMA where both operands allow
  /// it (tmaLayout).
  bool tma = false;

private:
  /// With TMA (buildWGMMA): the operands' maps in the kernel, the buffers'
  /// mbarriers, thread 0's predicate and the bytes of one slice of both.
  SmallVector<TensorMap> tensorMaps;
  Value sliceBarriers, leader;
  int64_t sliceBytes = 0;
  AffineExpr d0, d1;
};

struct GPUTileMatmulPass : fmc::impl::GPUTileMatmulPassBase<GPUTileMatmulPass> {
  using Base::Base;

  void runOnOperation() override {
    func::FuncOp func = getOperation();
    Tiles t{blockM, blockN, blockK, threadM, threadN};
    if (!t.valid()) {
      func.emitError("fmc-gpu-tile-matmul: the block tile must split into "
                     "thread tiles, a multiple of 32 threads (at most 1024), "
                     "each copying the same number of elements of a slice");
      return signalPassFailure();
    }
    struct Work {
      linalg::GenericOp op;
      Contraction c;
      Fusion fusion;
      std::optional<MatvecTiles> matvec;
    };
    std::vector<Work> work;
    for (Operation &op : func.getBody().getOps()) {
      auto generic = dyn_cast<linalg::GenericOp>(op);
      if (!generic || !generic.hasPureBufferSemantics())
        continue;
      FailureOr<Contraction> c = matchContraction(generic);
      if (failed(c) || c->packedWidth ||
          !cast<MemRefType>(generic.getDpsInits()[0].getType())
               .isLastDimUnitStride())
        continue;
      // Below this a tile would be mostly padding: one thread per output
      // (fmc-gpu-launch-parallel-loops) serves a matrix-vector product
      // better.
      if (c->sizes[c->m] < minSize && c->sizes[c->k] >= minSize) {
        if (std::optional<MatvecTiles> mv = chooseMatvecTiles(
                *c, generic.getIndexingMapsArray()[1],
                cast<MemRefType>(generic.getDpsInputs()[1].getType()), sms))
          work.push_back({generic, *c, {}, mv});
        continue;
      }
      if (c->sizes[c->m] < minSize || c->sizes[c->n] < minSize ||
          c->sizes[c->k] < minSize)
        continue;
      work.push_back({generic, *c, {}, std::nullopt});
    }
    // Matched before anything is rewritten: a fill or an epilogue belongs to
    // the contraction next to it.
    for (Work &w : work)
      w.fusion = matchFusion(w.op, w.c, /*narrowFloats=*/true);
    auto module = FlatSymbolRefAttr::get(&getContext(), moduleName);
    for (Work &w : work)
      if (w.matvec) {
        // Columns per epilogue thread: the rhs vector along n, else four.
        Tiles tiles{w.c.sizes[w.c.m], w.matvec->blockN, 1, 1,
                    w.matvec->nMajor ? w.matvec->width
                                     : std::min<int64_t>(4, w.matvec->blockN)};
        KernelBuilder(w.op, w.c, w.fusion, tiles, module, asyncCopies)
            .buildMatvec(*w.matvec);
      } else if (
          // The tensor cores take lhs rounded to rhs's 16-bit type (or
          // already stored in it).
          w.c.narrowRhs && isa<Float16Type, BFloat16Type>(w.c.narrowRhs) &&
          (!w.c.narrowLhs || w.c.narrowLhs == w.c.narrowRhs) && tensorCores) {
        KernelBuilder builder(w.op, w.c, w.fusion, t, module, asyncCopies,
                              sharedBytes, sms);
        std::optional<WgmmaTiles> tiles;
        builder.tma = tma;
        if (wgmma && (tiles = builder.chooseWgmmaTiles(w.c.narrowRhs)))
          builder.buildWGMMA(w.c.narrowRhs, *tiles);
        else
          builder.buildMMA(w.c.narrowRhs);
      } else if (!w.c.narrowRhs && !w.c.narrowLhs && tf32) {
        KernelBuilder builder(w.op, w.c, w.fusion, t, module, asyncCopies,
                              sharedBytes, sms);
        Type f32 = Float32Type::get(&getContext());
        std::optional<WgmmaTiles> tiles;
        builder.tma = tma;
        if (wgmma && (tiles = builder.chooseWgmmaTiles(f32)))
          builder.buildWGMMA(f32, *tiles);
        else
          builder.buildMMA(f32);
      } else {
        Tiles tiles = chooseSIMTTiles(t, w.c, sms);
        KernelBuilder(w.op, w.c, w.fusion, tiles, module, asyncCopies)
            .buildSIMT();
      }
  }
};

} // namespace

std::string mlir::fmc::describeTensorCoreMatmulTiles(int64_t sharedBytes) {
  std::string text;
  llvm::raw_string_ostream os(text);
  // 16-bit operands, both copied by cp.async.
  auto describe = [&](MmaTiles m, int64_t limit) {
    if (!(m.stages = mostStages(m, 2, limit)))
      return;
    int64_t bytes = mmaSharedBytes(m, 2, m.stages);
    os << (text.empty() ? "" : ", ") << m.blockM << "x" << m.blockN << "x"
       << m.blockK << " (" << m.threads() / 32 << " warps, " << m.stages
       << " buffers, " << bytes << " bytes"
       << (bytes > kStaticSharedBytes ? " dynamic" : "") << ")";
  };
  describe(kLargeMmaTiles, sharedBytes);
  describe(defaultMmaTiles(/*f32=*/false), kStaticSharedBytes);
  describe(kMediumMmaTiles, kStaticSharedBytes);
  describe(kSmallMmaTiles, kStaticSharedBytes);
  return text;
}

bool mlir::fmc::vectorsAligned(MemRefType type, int64_t width) {
  SmallVector<int64_t> strides;
  int64_t offset;
  return succeeded(type.getStridesAndOffset(strides, offset)) &&
         !ShapedType::isDynamic(offset) && offset % width == 0 &&
         llvm::all_of(ArrayRef(strides).drop_back(), [&](int64_t stride) {
           return !ShapedType::isDynamic(stride) && stride % width == 0;
         });
}

bool mlir::fmc::fitsWarpgroupMatmul(const Contraction &c, Type element,
                                    int64_t sms, int64_t sharedBytes) {
  return llvm::any_of(kWgmmaTiles, [&](const WgmmaTiles &w) {
    return warpgroupTilesFit(c, w.forElement(element), element, sms,
                             sharedBytes);
  });
}

std::string mlir::fmc::describeWarpgroupMatmulTiles(int64_t sharedBytes) {
  std::string text;
  llvm::raw_string_ostream os(text);
  for (const WgmmaTiles &w : kWgmmaTiles) {
    int64_t bytes = wgmmaSharedBytes(w);
    if (bytes > sharedBytes)
      continue;
    os << (text.empty() ? "" : ", ") << w.blockM << "x" << w.blockN << "x"
       << w.blockK << " (" << w.warpgroups << " warpgroup"
       << (w.warpgroups > 1 ? "s" : "") << ", " << w.stages << " buffers, "
       << "wait_group " << w.pending << ", " << bytes << " bytes"
       << (bytes > kStaticSharedBytes ? " dynamic" : "") << ")";
  }
  return text;
}
