//===- Shape.cpp - data movement ops to tensor and linalg -----------------===//

#include "dialects/Graph/IR/GraphOps.h"
#include "passes/Conversion/GraphToLinalg/Passes.h"
#include "passes/Conversion/GraphToLinalg/Utils.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Transforms/DialectConversion.h"

using namespace mlir;
using namespace mlir::fmc;

namespace {

struct ReshapeToTensor : OpConversionPattern<ReshapeOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(ReshapeOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    rewriter.replaceOp(op,
                       buildReshape(rewriter, op.getLoc(), adaptor.getInput(),
                                    signless(op.getType())));
    return success();
  }
};

/// The shape of a static tensor is a constant (canonicalization usually
/// folded it already).
struct ShapeToConstant : OpConversionPattern<ShapeOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(ShapeOp op, OpAdaptor,
                  ConversionPatternRewriter &rewriter) const override {
    rewriter.replaceOpWithNewOp<arith::ConstantOp>(
        op, DenseIntElementsAttr::get(signless(op.getType()),
                                      op.getInput().getType().getShape()));
    return success();
  }
};

struct TransposeToLinalg : OpConversionPattern<TransposeOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(TransposeOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    auto type = signless(op.getType());
    Value init = tensor::EmptyOp::create(rewriter, op.getLoc(), type.getShape(),
                                         type.getElementType());
    rewriter.replaceOp(op, linalg::TransposeOp::create(rewriter, op.getLoc(),
                                                       adaptor.getInput(), init,
                                                       op.getPerm())
                               .getResult());
    return success();
  }
};

struct ConcatToTensor : OpConversionPattern<ConcatOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(ConcatOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    auto type = signless(op.getType());
    int64_t axis = op.getAxis(), rank = type.getRank();
    Value result = tensor::EmptyOp::create(rewriter, loc, type.getShape(),
                                           type.getElementType());
    int64_t offset = 0;
    for (Value input : adaptor.getInputs()) {
      auto inputType = cast<RankedTensorType>(input.getType());
      SmallVector<OpFoldResult> offsets(rank, rewriter.getIndexAttr(0));
      SmallVector<OpFoldResult> sizes, strides(rank, rewriter.getIndexAttr(1));
      for (int64_t d = 0; d < rank; ++d)
        sizes.push_back(rewriter.getIndexAttr(inputType.getDimSize(d)));
      offsets[axis] = rewriter.getIndexAttr(offset);
      offset += inputType.getDimSize(axis);
      if (inputType.getNumElements() == 0)
        continue;
      result = tensor::InsertSliceOp::create(rewriter, loc, input, result,
                                             offsets, sizes, strides);
    }
    rewriter.replaceOp(op, result);
    return success();
  }
};

/// Positive steps are a strided extract_slice; dims with negative steps are
/// then read backwards by a generic with an `n - 1 - d` indexing map.
struct SliceToTensor : OpConversionPattern<SliceOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(SliceOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    auto type = signless(op.getType());
    int64_t rank = type.getRank();
    if (type.getNumElements() == 0) {
      rewriter.replaceOpWithNewOp<tensor::EmptyOp>(op, type.getShape(),
                                                   type.getElementType());
      return success();
    }
    SmallVector<OpFoldResult> offsets, sizes, strides;
    bool reversed = false;
    for (int64_t d = 0; d < rank; ++d) {
      int64_t count = type.getDimSize(d), offset = op.getOffsets()[d];
      int64_t step = op.getSteps()[d];
      if (step < 0) {
        reversed = true;
        offset = count == 0 ? 0 : offset + (count - 1) * step;
        step = -step;
      }
      offsets.push_back(rewriter.getIndexAttr(offset));
      sizes.push_back(rewriter.getIndexAttr(count));
      strides.push_back(rewriter.getIndexAttr(step));
    }
    Value slice = tensor::ExtractSliceOp::create(
        rewriter, loc, type, adaptor.getInput(), offsets, sizes, strides);
    if (!reversed) {
      rewriter.replaceOp(op, slice);
      return success();
    }
    MLIRContext *ctx = rewriter.getContext();
    SmallVector<AffineExpr> exprs;
    for (int64_t d = 0; d < rank; ++d) {
      AffineExpr dim = getAffineDimExpr(d, ctx);
      exprs.push_back(op.getSteps()[d] < 0 ? type.getDimSize(d) - 1 - dim
                                           : dim);
    }
    rewriter.replaceOp(
        op, buildParallelGeneric(
                rewriter, loc, type, slice, AffineMap::get(rank, 0, exprs, ctx),
                [](OpBuilder &, Location, ValueRange s) { return s[0]; }));
    return success();
  }
};

/// result[pre..., idx..., post...] = data[pre..., wrap(indices[idx...]),
/// post...], with the index clamped into range.
struct GatherToLinalg : OpConversionPattern<GatherOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(GatherOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    MLIRContext *ctx = rewriter.getContext();
    auto type = signless(op.getType());
    Value data = adaptor.getData();
    auto dataType = cast<RankedTensorType>(data.getType());
    auto indicesType = cast<RankedTensorType>(adaptor.getIndices().getType());
    int64_t axis = op.getAxis(), rank = type.getRank();
    int64_t indexRank = indicesType.getRank();
    int64_t n = dataType.getDimSize(axis);
    SmallVector<AffineExpr> indexExprs;
    for (int64_t k = 0; k < indexRank; ++k)
      indexExprs.push_back(getAffineDimExpr(axis + k, ctx));
    Value result = buildParallelGeneric(
        rewriter, loc, type, adaptor.getIndices(),
        AffineMap::get(rank, 0, indexExprs, ctx),
        [&](OpBuilder &b, Location nloc, ValueRange args) -> Value {
          Value raw =
              arith::IndexCastOp::create(b, nloc, b.getIndexType(), args[0]);
          Value size = arith::ConstantIndexOp::create(b, nloc, n);
          Value zero = arith::ConstantIndexOp::create(b, nloc, 0);
          Value last = arith::ConstantIndexOp::create(b, nloc, n - 1);
          Value negative = arith::CmpIOp::create(
              b, nloc, arith::CmpIPredicate::slt, raw, zero);
          Value wrapped = arith::SelectOp::create(
              b, nloc, negative, arith::AddIOp::create(b, nloc, raw, size),
              raw);
          Value clamped = arith::MinSIOp::create(
              b, nloc, arith::MaxSIOp::create(b, nloc, wrapped, zero), last);
          SmallVector<Value> coords;
          for (int64_t d = 0; d < axis; ++d)
            coords.push_back(linalg::IndexOp::create(b, nloc, d));
          coords.push_back(clamped);
          for (int64_t d = axis + 1; d < dataType.getRank(); ++d)
            coords.push_back(
                linalg::IndexOp::create(b, nloc, d + indexRank - 1));
          return tensor::ExtractOp::create(b, nloc, data, coords);
        });
    rewriter.replaceOp(op, result);
    return success();
  }
};

/// Clamps a (possibly negative, wrapping) index into [0, n).
Value normalizeIndex(OpBuilder &b, Location loc, Value raw, int64_t n) {
  Value index = arith::IndexCastOp::create(b, loc, b.getIndexType(), raw);
  Value size = arith::ConstantIndexOp::create(b, loc, n);
  Value zero = arith::ConstantIndexOp::create(b, loc, 0);
  Value last = arith::ConstantIndexOp::create(b, loc, n - 1);
  Value negative =
      arith::CmpIOp::create(b, loc, arith::CmpIPredicate::slt, index, zero);
  Value wrapped = arith::SelectOp::create(
      b, loc, negative, arith::AddIOp::create(b, loc, index, size), index);
  return arith::MinSIOp::create(
      b, loc, arith::MaxSIOp::create(b, loc, wrapped, zero), last);
}

struct GatherElementsToLinalg : OpConversionPattern<GatherElementsOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(GatherElementsOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Value data = adaptor.getData();
    auto dataType = cast<RankedTensorType>(data.getType());
    int64_t axis = op.getAxis();
    int64_t n = dataType.getDimSize(axis);
    auto type = signless(op.getType());
    Value result = buildParallelGeneric(
        rewriter, op.getLoc(), type, adaptor.getIndices(),
        rewriter.getMultiDimIdentityMap(type.getRank()),
        [&](OpBuilder &b, Location loc, ValueRange args) -> Value {
          SmallVector<Value> coords;
          for (int64_t d = 0; d < type.getRank(); ++d)
            coords.push_back(d == axis
                                 ? normalizeIndex(b, loc, args[0], n)
                                 : Value(linalg::IndexOp::create(b, loc, d)));
          return tensor::ExtractOp::create(b, loc, data, coords);
        });
    rewriter.replaceOp(op, result);
    return success();
  }
};

struct PadToTensor : OpConversionPattern<PadOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(PadOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Value value = tensor::ExtractOp::create(rewriter, loc, adaptor.getValue(),
                                            ValueRange{});
    SmallVector<OpFoldResult> low, high;
    for (auto [l, h] : llvm::zip(op.getLow(), op.getHigh())) {
      low.push_back(rewriter.getIndexAttr(l));
      high.push_back(rewriter.getIndexAttr(h));
    }
    rewriter.replaceOpWithNewOp<tensor::PadOp>(
        op, signless(op.getType()), adaptor.getInput(), low, high, value);
    return success();
  }
};

} // namespace

namespace {

/// ScatterND as a loop nest over the updates (sequential, so duplicate
/// indices apply in order) carrying the result tensor: each step reads the
/// q indices, extracts the current element, combines and inserts it.
struct ScatterNDToLoops : OpConversionPattern<ScatterNDOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(ScatterNDOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    auto dataType = cast<RankedTensorType>(adaptor.getData().getType());
    auto indicesType = cast<RankedTensorType>(adaptor.getIndices().getType());
    auto updatesType = cast<RankedTensorType>(adaptor.getUpdates().getType());
    if (!dataType.hasStaticShape() || !updatesType.hasStaticShape())
      return rewriter.notifyMatchFailure(op, "needs static shapes");
    int64_t batch = indicesType.getRank() - 1;
    int64_t q = indicesType.getDimSize(batch);
    Type element = dataType.getElementType();
    bool isFloat = isa<FloatType>(element);
    bool isUnsigned =
        op.getData().getType().getElementType().isUnsignedInteger();
    StringRef reduction = op.getReduction();
    auto cst = [&](OpBuilder &b, int64_t v) -> Value {
      return arith::ConstantIndexOp::create(b, loc, v);
    };
    SmallVector<Value> lbs, ubs, steps;
    for (int64_t d = 0; d < updatesType.getRank(); ++d) {
      lbs.push_back(cst(rewriter, 0));
      ubs.push_back(cst(rewriter, updatesType.getDimSize(d)));
      steps.push_back(cst(rewriter, 1));
    }
    scf::LoopNest nest = scf::buildLoopNest(
        rewriter, loc, lbs, ubs, steps, ValueRange{adaptor.getData()},
        [&](OpBuilder &b, Location nloc, ValueRange ivs,
            ValueRange iter) -> scf::ValueVector {
          SmallVector<Value> target;
          for (int64_t j = 0; j < q; ++j) {
            SmallVector<Value> at(ivs.take_front(batch));
            at.push_back(cst(b, j));
            Value raw =
                tensor::ExtractOp::create(b, nloc, adaptor.getIndices(), at);
            Value idx =
                arith::IndexCastOp::create(b, nloc, b.getIndexType(), raw);
            Value dim = cst(b, dataType.getDimSize(j));
            Value negative = arith::CmpIOp::create(
                b, nloc, arith::CmpIPredicate::slt, idx, cst(b, 0));
            target.push_back(arith::SelectOp::create(
                b, nloc, negative, arith::AddIOp::create(b, nloc, idx, dim),
                idx));
          }
          llvm::append_range(target, ivs.drop_front(batch));
          Value update =
              tensor::ExtractOp::create(b, nloc, adaptor.getUpdates(), ivs);
          Value value = update;
          if (reduction != "none") {
            Value old = tensor::ExtractOp::create(b, nloc, iter[0], target);
            if (reduction == "add")
              value = isFloat
                          ? Value(arith::AddFOp::create(b, nloc, old, update))
                          : Value(arith::AddIOp::create(b, nloc, old, update));
            else if (reduction == "mul")
              value = isFloat
                          ? Value(arith::MulFOp::create(b, nloc, old, update))
                          : Value(arith::MulIOp::create(b, nloc, old, update));
            else if (reduction == "max")
              value =
                  isFloat
                      ? Value(arith::MaximumFOp::create(b, nloc, old, update))
                  : isUnsigned
                      ? Value(arith::MaxUIOp::create(b, nloc, old, update))
                      : Value(arith::MaxSIOp::create(b, nloc, old, update));
            else
              value =
                  isFloat
                      ? Value(arith::MinimumFOp::create(b, nloc, old, update))
                  : isUnsigned
                      ? Value(arith::MinUIOp::create(b, nloc, old, update))
                      : Value(arith::MinSIOp::create(b, nloc, old, update));
          }
          return {tensor::InsertOp::create(b, nloc, value, iter[0], target)};
        });
    rewriter.replaceOp(op, nest.results.front());
    return success();
  }
};

} // namespace

void mlir::fmc::populateShapeToLinalgPatterns(RewritePatternSet &patterns,
                                              const TypeConverter &converter) {
  patterns.add<ReshapeToTensor, ShapeToConstant, TransposeToLinalg,
               ConcatToTensor, SliceToTensor, GatherToLinalg,
               GatherElementsToLinalg, PadToTensor, ScatterNDToLoops>(
      converter, patterns.getContext());
}
