//===- Attention.cpp - fmc.attention as FlashAttention loops --------------===//
//
// For every batch, head and block of `queryTile` queries, a loop over blocks
// of `keyTile` keys keeps a running row maximum m, row sum l and output
// accumulator O (the online softmax):
//
//   S = scale * Q K^T (+ mask, or -inf where a boolean mask is false; -inf
//   above the causal frontier)
//   m' = max(m, rowmax S);  P = exp(S - m');  a = exp(m - m')
//   l' = a l + rowsum P;    O' = a O + P V
//
// and the block's result is O / l (0 for a row that saw no key). Only
// queryTile x keyTile scores exist at a time; with `causal`, key blocks past
// the query block's frontier are not visited. Block sizes come from the
// cache budget the pipeline derives from the target (or are given), cut to
// divisors of S and T so that every slice is static; where the divisors are
// too small (a prime length), S and T are padded to whole blocks instead, the
// padded keys masked out and the padded query rows dropped.
//
// With `kernel` (GPU targets), f32 attention becomes one
// fmc.attention_kernel on the keys and values with their cache appended,
// which fmc-gpu-launch-attention builds into a fused kernel after
// bufferization.
//
//===----------------------------------------------------------------------===//

#include "dialects/Graph/IR/GraphOps.h"
#include "passes/Conversion/GraphToLinalg/Passes.h"
#include "passes/Conversion/GraphToLinalg/Utils.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Tensor/Utils/Utils.h"
#include "mlir/Transforms/DialectConversion.h"

using namespace mlir;
using namespace mlir::fmc;

namespace {

/// The block size for a sequence of `n` with a target of `limit`: the
/// largest divisor of `n` up to `limit`, unless that is under half the
/// target (a prime length would give blocks of 1); then equal blocks of at
/// most `limit`, and the sequence is padded to a multiple of them.
int64_t tileFor(int64_t n, int64_t limit) {
  limit = std::max<int64_t>(limit, 1);
  if (n <= limit)
    return n;
  int64_t divisor = 1;
  for (int64_t t = limit; t > 1 && divisor == 1; --t)
    if (n % t == 0)
      divisor = t;
  if (2 * divisor >= limit)
    return divisor;
  return llvm::divideCeil(n, llvm::divideCeil(n, limit));
}

/// `value` padded with `fill` to `size` along `dim`.
Value padAlong(OpBuilder &b, Location loc, Value value, int64_t dim,
               int64_t size, Value fill) {
  auto type = cast<RankedTensorType>(value.getType());
  if (type.getDimSize(dim) == size)
    return value;
  SmallVector<int64_t> shape(type.getShape());
  shape[dim] = size;
  return tensor::createPadHighOp(type.clone(shape), value, fill,
                                 /*nofold=*/false, loc, b);
}

/// `past` [B, H, P, D] followed by `now` [B, H, T, D] along dim 2.
Value appendAlongSequence(OpBuilder &b, Location loc, Value past, Value now) {
  auto pastType = cast<RankedTensorType>(past.getType());
  auto nowType = cast<RankedTensorType>(now.getType());
  SmallVector<int64_t> shape(nowType.getShape());
  shape[2] += pastType.getDimSize(2);
  Value all = tensor::EmptyOp::create(b, loc, shape, nowType.getElementType());
  SmallVector<OpFoldResult> strides(4, b.getIndexAttr(1));
  auto insert = [&](Value part, RankedTensorType type, int64_t at) {
    SmallVector<OpFoldResult> offsets(4, b.getIndexAttr(0)), sizes;
    offsets[2] = b.getIndexAttr(at);
    for (int64_t d : type.getShape())
      sizes.push_back(b.getIndexAttr(d));
    all = tensor::InsertSliceOp::create(b, loc, part, all, offsets, sizes,
                                        strides);
  };
  insert(past, pastType, 0);
  insert(now, nowType, pastType.getDimSize(2));
  return all;
}

/// The keys and values attended to, and the presents with a cache: the
/// cache followed by the new ones.
std::pair<Value, Value> keysAndValues(OpBuilder &b, Location loc,
                                      AttentionOp::Adaptor adaptor) {
  Value keys = adaptor.getKey(), values = adaptor.getValue();
  if (adaptor.getPastKey()) {
    keys = appendAlongSequence(b, loc, adaptor.getPastKey(), keys);
    values = appendAlongSequence(b, loc, adaptor.getPastValue(), values);
  }
  return {keys, values};
}

/// The fused kernel takes f32 attention with an f32 or boolean mask (the
/// graph is in f32 by then: fmc-widen-half-floats) and heads up to
/// `maxHead`.
bool lowersToKernel(AttentionOp op, int64_t maxHead) {
  auto isF32 = [](Value v) {
    return !v || getElementTypeOrSelf(v.getType()).isF32();
  };
  Value mask = op.getMask();
  auto head = [](Value v) {
    return cast<RankedTensorType>(v.getType()).getDimSize(3);
  };
  return isF32(op.getQuery()) &&
         (isF32(mask) || getElementTypeOrSelf(mask.getType()).isInteger(1)) &&
         head(op.getQuery()) <= maxHead && head(op.getValue()) <= maxHead;
}

/// GPU targets: one fmc.attention_kernel into an empty destination, on the
/// keys and values with their cache appended (also the presents).
struct AttentionToKernel : OpConversionPattern<AttentionOp> {
  AttentionToKernel(const TypeConverter &converter, MLIRContext *ctx,
                    int64_t maxHead)
      : OpConversionPattern(converter, ctx, /*benefit=*/2), maxHead(maxHead) {}

  LogicalResult
  matchAndRewrite(AttentionOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    if (!lowersToKernel(op, maxHead))
      return rewriter.notifyMatchFailure(
          op, "the kernel takes f32 attention with heads that fit");
    Location loc = op.getLoc();
    auto [keys, values] = keysAndValues(rewriter, loc, adaptor);
    auto resultType = cast<RankedTensorType>(op.getResult().getType());
    Value init = tensor::EmptyOp::create(rewriter, loc, resultType.getShape(),
                                         resultType.getElementType());
    auto kernel = AttentionKernelOp::create(
        rewriter, loc, TypeRange{resultType}, adaptor.getQuery(), keys, values,
        adaptor.getMask(), init, op.getScaleAttr(), op.getCausalAttr());
    SmallVector<Value> results = {kernel.getResult()[0]};
    if (adaptor.getPastKey())
      results.append({keys, values});
    rewriter.replaceOp(op, results);
    return success();
  }

  int64_t maxHead;
};

struct AttentionToFlashLoops : OpConversionPattern<AttentionOp> {
  AttentionToFlashLoops(const TypeConverter &converter, MLIRContext *ctx,
                        AttentionTiles tiles)
      : OpConversionPattern(converter, ctx), tiles(tiles) {}

  LogicalResult
  matchAndRewrite(AttentionOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    MLIRContext *ctx = rewriter.getContext();
    auto [keys, values] = keysAndValues(rewriter, loc, adaptor);
    auto qType = cast<RankedTensorType>(adaptor.getQuery().getType());
    auto kType = cast<RankedTensorType>(keys.getType());
    auto vType = cast<RankedTensorType>(values.getType());
    auto resultType = cast<RankedTensorType>(op.getResult().getType());
    Type f = qType.getElementType();
    int64_t batch = qType.getDimSize(0), heads = qType.getDimSize(1);
    int64_t S = qType.getDimSize(2), D = qType.getDimSize(3);
    int64_t kvHeads = kType.getDimSize(1), T = kType.getDimSize(2);
    int64_t Dv = vType.getDimSize(3);
    int64_t group = heads / kvHeads, offset = T - S;
    // Square power-of-two blocks t whose step working set (Q block, K and V
    // tiles, scores and probabilities, accumulator and its rescaled copy)
    // fits the cache budget: bytes * (t (2 D + 3 Dv) + 2 t^2).
    int64_t bytes = llvm::divideCeil(f.getIntOrFloatBitWidth(), 8);
    int64_t derived = 8;
    for (int64_t t = 256; t > 8; t /= 2)
      if (bytes * (t * (2 * D + 3 * Dv) + 2 * t * t) <= tiles.cacheBytes) {
        derived = t;
        break;
      }
    int64_t Br = tileFor(S, tiles.query ? tiles.query : derived);
    int64_t Bc = tileFor(T, tiles.key ? tiles.key : derived);
    // Queries and keys padded to whole blocks: padded keys are masked out,
    // padded query rows are computed and dropped.
    int64_t Sp = llvm::alignTo(S, Br), Tp = llvm::alignTo(T, Bc);
    bool causal = op.getCausal();
    Value mask = adaptor.getMask();
    auto maskType =
        mask ? cast<RankedTensorType>(mask.getType()) : RankedTensorType();
    Value query = adaptor.getQuery(), paddedKeys = keys, paddedValues = values;
    {
      Value zero = buildScalar(rewriter, loc, f, 0.0);
      query = padAlong(rewriter, loc, query, 2, Sp, zero);
      paddedKeys = padAlong(rewriter, loc, keys, 2, Tp, zero);
      paddedValues = padAlong(rewriter, loc, values, 2, Tp, zero);
      if (mask) {
        // A padded mask entry is never used unmasked: its key is hidden
        // below and its query row dropped.
        Value fill = buildScalar(rewriter, loc, maskType.getElementType(), 0.0);
        int64_t rank = maskType.getRank();
        if (rank >= 2 && maskType.getDimSize(rank - 2) != 1)
          mask = padAlong(rewriter, loc, mask, rank - 2, Sp, fill);
        if (rank >= 1 && maskType.getDimSize(rank - 1) != 1)
          mask = padAlong(rewriter, loc, mask, rank - 1, Tp, fill);
        maskType = cast<RankedTensorType>(mask.getType());
      }
    }

    auto idx = [&](OpBuilder &b, int64_t v) -> Value {
      return arith::ConstantIndexOp::create(b, loc, v);
    };
    auto fconst = [&](OpBuilder &b, double v) {
      return buildScalar(b, loc, f, v);
    };
    auto tensorOf = [&](ArrayRef<int64_t> shape) {
      return RankedTensorType::get(shape, f);
    };
    auto d = [&](unsigned i) { return getAffineDimExpr(i, ctx); };
    auto par = utils::IteratorType::parallel;
    auto red = utils::IteratorType::reduction;
    double negInf = -std::numeric_limits<double>::infinity();

    SmallVector<int64_t> paddedShape(resultType.getShape());
    paddedShape[2] = Sp;
    Value init = tensor::EmptyOp::create(rewriter, loc, paddedShape, f);
    SmallVector<Value> lbs = {idx(rewriter, 0), idx(rewriter, 0),
                              idx(rewriter, 0)};
    SmallVector<Value> ubs = {idx(rewriter, batch), idx(rewriter, heads),
                              idx(rewriter, Sp)};
    SmallVector<Value> steps = {idx(rewriter, 1), idx(rewriter, 1),
                                idx(rewriter, Br)};
    // One (batch, head, query block): the online softmax over its key
    // blocks, normalized.
    auto buildBlock = [&](OpBuilder &b, Value bi, Value hi, Value i0) -> Value {
      Value kvh = arith::DivUIOp::create(b, loc, hi, idx(b, group));
      auto slice2d = [&](Value src, Value head, Value start, int64_t rows,
                         int64_t cols) {
        SmallVector<OpFoldResult> offsets = {bi, head, start,
                                             b.getIndexAttr(0)};
        SmallVector<OpFoldResult> sizes = {b.getIndexAttr(1), b.getIndexAttr(1),
                                           b.getIndexAttr(rows),
                                           b.getIndexAttr(cols)};
        SmallVector<OpFoldResult> strides(4, b.getIndexAttr(1));
        return tensor::ExtractSliceOp::create(b, loc, tensorOf({rows, cols}),
                                              src, offsets, sizes, strides);
      };
      Value q = slice2d(query, hi, i0, Br, D);
      Value m0 = buildFilled(b, loc, tensorOf({Br}), fconst(b, negInf));
      Value l0 = buildFilled(b, loc, tensorOf({Br}), fconst(b, 0.0));
      Value o0 = buildFilled(b, loc, tensorOf({Br, Dv}), fconst(b, 0.0));
      // Key blocks up to the block's causal frontier i0 + Br - 1 + offset.
      Value keyEnd = idx(b, Tp);
      if (causal) {
        Value last = arith::AddIOp::create(b, loc, i0, idx(b, Br - 1 + offset));
        Value blocks = arith::AddIOp::create(
            b, loc, arith::DivUIOp::create(b, loc, last, idx(b, Bc)),
            idx(b, 1));
        keyEnd = arith::MinUIOp::create(
            b, loc, arith::MulIOp::create(b, loc, blocks, idx(b, Bc)),
            idx(b, Tp));
      }
      auto keyLoop = scf::ForOp::create(
          b, loc, idx(b, 0), keyEnd, idx(b, Bc), ValueRange{m0, l0, o0},
          [&](OpBuilder &kb, Location, Value j0, ValueRange state) {
            Value k = slice2d(paddedKeys, kvh, j0, Bc, D);
            Value v = slice2d(paddedValues, kvh, j0, Bc, Dv);
            // Scores: scale * q k^T, masked. Contractions loop
            // (rows, reduction, columns), as fmc.matmul's lowering.
            Value sInit =
                buildFilled(kb, loc, tensorOf({Br, Bc}), fconst(kb, 0.0));
            Value qk = buildMultiplyAccumulate(
                kb, loc, q, k, sInit,
                {AffineMap::get(3, 0, {d(0), d(1)}, ctx),
                 AffineMap::get(3, 0, {d(2), d(1)}, ctx),
                 AffineMap::get(3, 0, {d(0), d(2)}, ctx)},
                {par, red, par});
            auto rows2 = AffineMap::getMultiDimIdentityMap(2, ctx);
            auto perRow = AffineMap::get(2, 0, {d(0)}, ctx);
            auto same1 = AffineMap::getMultiDimIdentityMap(1, ctx);
            Value scores = buildParallelGeneric(
                kb, loc, tensorOf({Br, Bc}), qk, {rows2},
                [&](OpBuilder &gb, Location gl, ValueRange a) -> Value {
                  Value s = arith::MulFOp::create(
                      gb, gl, a[0],
                      buildScalar(gb, gl, f, op.getScale().convertToDouble()));
                  Value r = linalg::IndexOp::create(gb, gl, 0);
                  Value c = linalg::IndexOp::create(gb, gl, 1);
                  Value i = arith::AddIOp::create(gb, gl, i0, r);
                  Value j = arith::AddIOp::create(gb, gl, j0, c);
                  if (mask) {
                    // Broadcast dims of the mask read index 0.
                    SmallVector<Value> full = {bi, hi, i, j};
                    SmallVector<Value> at;
                    int64_t rank = maskType.getRank();
                    for (int64_t m = 0; m < rank; ++m) {
                      int64_t dimIndex = 4 - rank + m;
                      at.push_back(
                          maskType.getDimSize(m) == 1
                              ? arith::ConstantIndexOp::create(gb, gl, 0)
                                    .getResult()
                              : full[dimIndex]);
                    }
                    Value m = tensor::ExtractOp::create(gb, gl, mask, at);
                    s = maskType.getElementType().isInteger(1)
                            ? Value(arith::SelectOp::create(
                                  gb, gl, m, s, buildScalar(gb, gl, f, negInf)))
                            : Value(arith::AddFOp::create(gb, gl, s, m));
                  }
                  if (Tp != T) {
                    Value padding = arith::CmpIOp::create(
                        gb, gl, arith::CmpIPredicate::uge, j,
                        arith::ConstantIndexOp::create(gb, gl, T));
                    s = arith::SelectOp::create(
                        gb, gl, padding, buildScalar(gb, gl, f, negInf), s);
                  }
                  if (causal) {
                    Value frontier = arith::AddIOp::create(
                        gb, gl, i,
                        arith::ConstantIndexOp::create(gb, gl, offset));
                    Value hidden = arith::CmpIOp::create(
                        gb, gl, arith::CmpIPredicate::ugt, j, frontier);
                    s = arith::SelectOp::create(
                        gb, gl, hidden, buildScalar(gb, gl, f, negInf), s);
                  }
                  return s;
                });
            // m' = max(m, rowmax S) and the rescale a = exp(m - m')
            // (0 while m is -inf), in one pass.
            Value tileMax = buildReduction(
                kb, loc, scores, {1},
                buildFilled(kb, loc, tensorOf({Br}), fconst(kb, negInf)),
                [](OpBuilder &gb, Location gl, Value acc, Value x) {
                  return Value(arith::MaximumFOp::create(gb, gl, acc, x));
                });
            auto update = linalg::GenericOp::create(
                kb, loc, TypeRange{tensorOf({Br}), tensorOf({Br})},
                ValueRange{state[0], tileMax},
                ValueRange{state[0], buildFilled(kb, loc, tensorOf({Br}),
                                                 fconst(kb, 0.0))},
                SmallVector<AffineMap>(4, same1), {par},
                [&](OpBuilder &gb, Location gl, ValueRange a) {
                  Value mn = arith::MaximumFOp::create(gb, gl, a[0], a[1]);
                  Value isInf = arith::CmpFOp::create(
                      gb, gl, arith::CmpFPredicate::OEQ, a[0],
                      buildScalar(gb, gl, f, negInf));
                  Value e = math::ExpOp::create(
                      gb, gl, arith::SubFOp::create(gb, gl, a[0], mn));
                  Value alpha = arith::SelectOp::create(
                      gb, gl, isInf, buildScalar(gb, gl, f, 0.0), e);
                  linalg::YieldOp::create(gb, gl, ValueRange{mn, alpha});
                });
            Value mNew = update.getResult(0);
            Value alpha = update.getResult(1);
            // P = exp(S - m') with m' = -inf read as 0 (P = 0 then).
            Value p = buildParallelGeneric(
                kb, loc, tensorOf({Br, Bc}), ValueRange{scores, mNew},
                {rows2, perRow},
                [&](OpBuilder &gb, Location gl, ValueRange a) -> Value {
                  Value isInf = arith::CmpFOp::create(
                      gb, gl, arith::CmpFPredicate::OEQ, a[1],
                      buildScalar(gb, gl, f, negInf));
                  Value m = arith::SelectOp::create(
                      gb, gl, isInf, buildScalar(gb, gl, f, 0.0), a[1]);
                  return math::ExpOp::create(
                      gb, gl, arith::SubFOp::create(gb, gl, a[0], m));
                });
            auto times = [](OpBuilder &gb, Location gl, ValueRange a) -> Value {
              return arith::MulFOp::create(gb, gl, a[0], a[1]);
            };
            // l' = a l + rowsum P.
            Value lScaled = buildParallelGeneric(kb, loc, tensorOf({Br}),
                                                 ValueRange{state[1], alpha},
                                                 {same1, same1}, times);
            Value lNew = buildReduction(
                kb, loc, p, {1}, lScaled,
                [](OpBuilder &gb, Location gl, Value acc, Value x) {
                  return Value(arith::AddFOp::create(gb, gl, acc, x));
                });
            // O' = a O + P V.
            Value oScaled = buildParallelGeneric(kb, loc, tensorOf({Br, Dv}),
                                                 ValueRange{state[2], alpha},
                                                 {rows2, perRow}, times);
            Value oNew = buildMultiplyAccumulate(
                kb, loc, p, v, oScaled,
                {AffineMap::get(3, 0, {d(0), d(1)}, ctx),
                 AffineMap::get(3, 0, {d(1), d(2)}, ctx),
                 AffineMap::get(3, 0, {d(0), d(2)}, ctx)},
                {par, red, par});
            // The new state goes back into the loop-carried tensors, so
            // that bufferization keeps one buffer each across steps
            // (elementwise fusion may otherwise compute it elsewhere).
            auto into = [&](Value value, Value state) {
              return linalg::CopyOp::create(kb, loc, value, state).getResult(0);
            };
            scf::YieldOp::create(kb, loc,
                                 ValueRange{into(mNew, state[0]),
                                            into(lNew, state[1]),
                                            into(oNew, state[2])});
          });
      // O / l, rows that saw no key (l = 0) give 0.
      Value normalized = buildParallelGeneric(
          b, loc, tensorOf({Br, Dv}),
          ValueRange{keyLoop.getResult(2), keyLoop.getResult(1)},
          {AffineMap::getMultiDimIdentityMap(2, ctx),
           AffineMap::get(2, 0, {d(0)}, ctx)},
          [&](OpBuilder &gb, Location gl, ValueRange a) -> Value {
            Value zero = buildScalar(gb, gl, f, 0.0);
            Value empty = arith::CmpFOp::create(
                gb, gl, arith::CmpFPredicate::OEQ, a[1], zero);
            Value div = arith::DivFOp::create(gb, gl, a[0], a[1]);
            return arith::SelectOp::create(gb, gl, empty, zero, div);
          });
      return normalized;
    };
    auto blockSlice = [&](OpBuilder &b, ValueRange ivs) {
      SmallVector<OpFoldResult> offsets = {ivs[0], ivs[1], ivs[2],
                                           b.getIndexAttr(0)};
      SmallVector<OpFoldResult> sizes = {b.getIndexAttr(1), b.getIndexAttr(1),
                                         b.getIndexAttr(Br),
                                         b.getIndexAttr(Dv)};
      SmallVector<OpFoldResult> strides(4, b.getIndexAttr(1));
      return std::make_tuple(offsets, sizes, strides);
    };
    Value result;
    if (tiles.parallelBlocks) {
      // Every iteration writes its own slice: a forall the CPU pipeline
      // runs on the thread pool.
      auto forall = scf::ForallOp::create(
          rewriter, loc, getAsOpFoldResult(lbs), getAsOpFoldResult(ubs),
          getAsOpFoldResult(steps), ValueRange{init}, std::nullopt);
      OpBuilder b = OpBuilder::atBlockTerminator(forall.getBody());
      ValueRange ivs = forall.getInductionVars();
      Value normalized = buildBlock(b, ivs[0], ivs[1], ivs[2]);
      b.setInsertionPointToEnd(forall.getTerminator().getBody());
      auto [offsets, sizes, strides] = blockSlice(b, ivs);
      tensor::ParallelInsertSliceOp::create(b, loc, normalized,
                                            forall.getRegionIterArgs()[0],
                                            offsets, sizes, strides);
      result = forall.getResult(0);
    } else {
      scf::LoopNest nest = scf::buildLoopNest(
          rewriter, loc, lbs, ubs, steps, ValueRange{init},
          [&](OpBuilder &b, Location, ValueRange ivs,
              ValueRange iter) -> scf::ValueVector {
            Value normalized = buildBlock(b, ivs[0], ivs[1], ivs[2]);
            auto [offsets, sizes, strides] = blockSlice(b, ivs);
            return {tensor::InsertSliceOp::create(b, loc, normalized, iter[0],
                                                  offsets, sizes, strides)};
          });
      result = nest.results.front();
    }
    if (Sp != S) {
      SmallVector<OpFoldResult> offsets(4, rewriter.getIndexAttr(0)), sizes;
      for (int64_t d : resultType.getShape())
        sizes.push_back(rewriter.getIndexAttr(d));
      SmallVector<OpFoldResult> strides(4, rewriter.getIndexAttr(1));
      result = tensor::ExtractSliceOp::create(rewriter, loc, resultType, result,
                                              offsets, sizes, strides);
    }
    SmallVector<Value> results = {result};
    if (adaptor.getPastKey())
      results.append({keys, values});
    rewriter.replaceOp(op, results);
    return success();
  }

  AttentionTiles tiles;
};

} // namespace

void mlir::fmc::populateAttentionToLinalgPatterns(
    RewritePatternSet &patterns, const TypeConverter &converter,
    AttentionTiles tiles) {
  // The kernel where the target has one; the loops for the rest.
  if (tiles.kernel)
    patterns.add<AttentionToKernel>(converter, patterns.getContext(),
                                    tiles.kernelMaxHead);
  patterns.add<AttentionToFlashLoops>(converter, patterns.getContext(), tiles);
}
