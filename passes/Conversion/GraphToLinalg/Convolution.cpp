//===- Convolution.cpp - conv and pooling to linalg.generic ---------------===//
//
// One linalg.generic per op for any number of spatial dims: output
// positions are parallel loops and the window (and, for conv, the input
// channels of the group) are reductions; a pool reads its padding without
// copying the input (a grouped conv pads it with tensor.pad). A conv whose
// windows tile the input (a patch embedding) is a matrix product of its
// patches; any other conv of one group, of its columns (im2col).
//
//===----------------------------------------------------------------------===//

#include "dialects/Graph/IR/GraphOps.h"
#include "passes/Conversion/GraphToLinalg/Passes.h"
#include "passes/Conversion/GraphToLinalg/Utils.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Transforms/DialectConversion.h"

using namespace mlir;
using namespace mlir::fmc;

namespace {

/// The input padded on its spatial dims with `value`.
Value padSpatial(OpBuilder &b, Location loc, Value input, ArrayRef<int64_t> low,
                 ArrayRef<int64_t> high, Value value) {
  if (llvm::all_of(low, [](int64_t v) { return v == 0; }) &&
      llvm::all_of(high, [](int64_t v) { return v == 0; }))
    return input;
  auto type = cast<RankedTensorType>(input.getType());
  SmallVector<OpFoldResult> lo(2, b.getIndexAttr(0)), hi(2, b.getIndexAttr(0));
  SmallVector<int64_t> shape(type.getShape());
  for (size_t i = 0; i < low.size(); ++i) {
    lo.push_back(b.getIndexAttr(low[i]));
    hi.push_back(b.getIndexAttr(high[i]));
    shape[i + 2] += low[i] + high[i];
  }
  return tensor::PadOp::create(b, loc, type.clone(shape), input, lo, hi, value);
}

/// Inside a linalg.generic body: input[lead..., o * stride + r * dilation -
/// padLow] for the loops `leadDims` (batch, channel: the input's leading
/// dims), `o...` and `r...` (linalg.index dims),
/// or `padValue` where that position lies in the padding. The index is
/// clamped into the input and its value discarded there, so the padded
/// input is never materialized.
Value readWindow(OpBuilder &b, Location loc, Value input,
                 ArrayRef<int64_t> leadDims, ArrayRef<int64_t> outDims,
                 ArrayRef<int64_t> windowDims, ArrayRef<int64_t> strides,
                 ArrayRef<int64_t> dilations, ArrayRef<int64_t> padLow,
                 Value padValue) {
  auto type = cast<RankedTensorType>(input.getType());
  auto constant = [&](int64_t v) -> Value {
    return arith::ConstantIndexOp::create(b, loc, v);
  };
  SmallVector<Value> indices;
  for (int64_t dim : leadDims)
    indices.push_back(linalg::IndexOp::create(b, loc, dim));
  Value inside;
  for (size_t i = 0; i < outDims.size(); ++i) {
    Value o = linalg::IndexOp::create(b, loc, outDims[i]);
    Value r = linalg::IndexOp::create(b, loc, windowDims[i]);
    Value pos = arith::AddIOp::create(
        b, loc, arith::MulIOp::create(b, loc, o, constant(strides[i])),
        arith::MulIOp::create(b, loc, r, constant(dilations[i])));
    pos = arith::SubIOp::create(b, loc, pos, constant(padLow[i]));
    int64_t extent = type.getDimSize(leadDims.size() + i);
    // Unsigned: a position before the input is out too.
    Value in = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ult, pos,
                                     constant(extent));
    inside = inside ? arith::AndIOp::create(b, loc, inside, in) : in;
    indices.push_back(
        arith::MinUIOp::create(b, loc, pos, constant(extent - 1)));
  }
  Value value = tensor::ExtractOp::create(b, loc, input, indices);
  return arith::SelectOp::create(b, loc, inside, value, padValue);
}

/// Whether `op` pads any spatial dim.
template <typename OpTy> bool pads(OpTy op) {
  return llvm::any_of(op.getPadLow(), [](int64_t v) { return v != 0; }) ||
         llvm::any_of(op.getPadHigh(), [](int64_t v) { return v != 0; });
}

/// A convolution whose windows tile the input exactly (stride = kernel, no
/// padding or dilation, one group, f32: a ViT patch embedding) as a matrix
/// product, so that it runs on the matmul microkernel: the input's patches
/// become the rows of a [N * O..., C * K...] matrix (one transposing copy),
/// multiplied by the filter read as [F, C * K...]; the [N * O..., F] result
/// is transposed back to channels first. Null when `op` is not such a conv
/// or its window is 1 x 1 (columnConvAsMatmul reads that input in place).
Value patchConvAsMatmul(OpBuilder &b, ConvOp op, Value input, Value filter) {
  Location loc = op.getLoc();
  MLIRContext *ctx = b.getContext();
  auto inType = cast<RankedTensorType>(input.getType());
  auto filterType = cast<RankedTensorType>(filter.getType());
  auto type = cast<RankedTensorType>(op.getType());
  int64_t spatial = inType.getRank() - 2;
  if (!inType.getElementType().isF32() || op.getGroups() != 1 ||
      !inType.hasStaticShape() || !filterType.hasStaticShape() ||
      !type.hasStaticShape())
    return {};
  // A 1 x 1 window: the columns' product reads the input in place.
  if (llvm::all_of(filterType.getShape().drop_front(2),
                   [](int64_t k) { return k == 1; }))
    return {};
  for (int64_t i = 0; i < spatial; ++i) {
    int64_t k = filterType.getDimSize(2 + i);
    if (op.getStrides()[i] != k || op.getDilations()[i] != 1 ||
        op.getPadLow()[i] != 0 || op.getPadHigh()[i] != 0 ||
        inType.getDimSize(2 + i) != k * type.getDimSize(2 + i))
      return {};
  }
  int64_t n = inType.getDimSize(0), c = inType.getDimSize(1);
  int64_t f = filterType.getDimSize(0);
  // [N, C, O0, K0, O1, K1, ...]
  SmallVector<int64_t> expanded = {n, c};
  SmallVector<ReassociationIndices> split = {{0}, {1}};
  int64_t rows = n, depth = c;
  for (int64_t i = 0; i < spatial; ++i) {
    int64_t o = type.getDimSize(2 + i), k = filterType.getDimSize(2 + i);
    split.push_back({int64_t(expanded.size()), int64_t(expanded.size()) + 1});
    expanded.append({o, k});
    rows *= o;
    depth *= k;
  }
  Type f32 = inType.getElementType();
  Value patches = tensor::ExpandShapeOp::create(
      b, loc, RankedTensorType::get(expanded, f32), input, split);
  // -> [N, O..., C, K...]
  SmallVector<int64_t> perm = {0};
  for (int64_t i = 0; i < spatial; ++i)
    perm.push_back(2 + 2 * i);
  perm.push_back(1);
  for (int64_t i = 0; i < spatial; ++i)
    perm.push_back(3 + 2 * i);
  SmallVector<int64_t> permuted;
  for (int64_t d : perm)
    permuted.push_back(expanded[d]);
  Value empty = tensor::EmptyOp::create(b, loc, permuted, f32);
  Value gathered =
      linalg::TransposeOp::create(b, loc, patches, empty, perm).getResult()[0];
  ReassociationIndices rowDims, depthDims;
  for (int64_t d = 0; d <= spatial; ++d)
    rowDims.push_back(d);
  for (int64_t d = spatial + 1; d < int64_t(permuted.size()); ++d)
    depthDims.push_back(d);
  Value lhs = tensor::CollapseShapeOp::create(
      b, loc, RankedTensorType::get({rows, depth}, f32), gathered,
      ArrayRef<ReassociationIndices>{rowDims, depthDims});
  ReassociationIndices filterDepth;
  for (int64_t d = 1; d < filterType.getRank(); ++d)
    filterDepth.push_back(d);
  Value rhs = tensor::CollapseShapeOp::create(
      b, loc, RankedTensorType::get({f, depth}, f32), filter,
      ArrayRef<ReassociationIndices>{{0}, filterDepth});
  // out[m, f] += lhs[m, k] * rhs[f, k], loops (m, k, f).
  auto d = [&](unsigned i) { return getAffineDimExpr(i, ctx); };
  auto productType = RankedTensorType::get({rows, f}, f32);
  Value product = buildMultiplyAccumulate(
      b, loc, lhs, rhs,
      buildFilled(b, loc, productType, buildScalar(b, loc, f32, 0)),
      {AffineMap::get(3, 0, {d(0), d(1)}, ctx),
       AffineMap::get(3, 0, {d(2), d(1)}, ctx),
       AffineMap::get(3, 0, {d(0), d(2)}, ctx)},
      {utils::IteratorType::parallel, utils::IteratorType::reduction,
       utils::IteratorType::parallel});
  // [N * O..., F] -> [N, O..., F] -> [N, F, O...]
  SmallVector<int64_t> unflat = {n};
  ReassociationIndices outRows;
  for (int64_t i = 0; i <= spatial; ++i)
    outRows.push_back(i);
  for (int64_t i = 0; i < spatial; ++i)
    unflat.push_back(type.getDimSize(2 + i));
  unflat.push_back(f);
  Value channelsLast = tensor::ExpandShapeOp::create(
      b, loc, RankedTensorType::get(unflat, f32), product,
      ArrayRef<ReassociationIndices>{outRows, {spatial + 1}});
  SmallVector<int64_t> back = {0, spatial + 1};
  for (int64_t i = 0; i < spatial; ++i)
    back.push_back(1 + i);
  Value result = tensor::EmptyOp::create(b, loc, type.getShape(), f32);
  return linalg::TransposeOp::create(b, loc, channelsLast, result, back)
      .getResult()[0];
}

/// Bytes of the column matrix above which a convolution stays a loop nest
/// (a larger gathered copy would cost more memory than its product saves).
constexpr int64_t kMaxColumnBytes = int64_t(256) << 20;

/// Any other convolution on floats (static shapes) as one matrix product
/// per image (and group), channels first throughout:
///
///   out[n, f, o] = sum_k filter[f, k] * col[n, k, o]
///
/// over k = (c, r...) (the input channel and the window position, the
/// filter read as [F, C * R...]) and o = (o...) (the output positions). The
/// columns col[n, c, r..., o...] = input[n, c, o * stride + r * dilation -
/// pad] (zero outside the input) are one gathering copy (im2col) whose rows
/// are contiguous along the output positions, as are the product's; the
/// padding is never materialized; a 1 x 1 conv with unit strides and no
/// padding reads its input as the columns without a copy. With G groups
/// the product has a group dim: filter [G, F/G, K] by columns [N, G, K, O].
/// Null when `op` does not qualify: integers, and groups of fewer than 8
/// output channels or a depth under 8 (depthwise convs) stay loop nests.
Value columnConvAsMatmul(OpBuilder &b, ConvOp op, Value input, Value filter) {
  Location loc = op.getLoc();
  MLIRContext *ctx = b.getContext();
  auto inType = cast<RankedTensorType>(input.getType());
  auto filterType = cast<RankedTensorType>(filter.getType());
  auto type = cast<RankedTensorType>(op.getType());
  Type element = inType.getElementType();
  if (!isa<FloatType>(element) || !inType.hasStaticShape() ||
      !filterType.hasStaticShape() || !type.hasStaticShape())
    return {};
  int64_t spatial = inType.getRank() - 2;
  int64_t groups = op.getGroups();
  int64_t n = inType.getDimSize(0), c = filterType.getDimSize(1);
  int64_t f = filterType.getDimSize(0), fg = f / groups;
  int64_t window = 1, positions = 1;
  bool pointwise = true;
  for (int64_t i = 0; i < spatial; ++i) {
    window *= filterType.getDimSize(2 + i);
    positions *= type.getDimSize(2 + i);
    pointwise &= filterType.getDimSize(2 + i) == 1 && op.getStrides()[i] == 1 &&
                 op.getPadLow()[i] == 0 && op.getPadHigh()[i] == 0;
  }
  int64_t depth = c * window;
  if (groups > 1 && (fg < 8 || depth < 8))
    return {};
  if (!pointwise && n * groups * depth * positions *
                            int64_t(element.getIntOrFloatBitWidth() / 8) >
                        kMaxColumnBytes)
    return {};
  auto d = [&](unsigned i) { return getAffineDimExpr(i, ctx); };
  // The input's leading dims: [N, C], or [N, G, C/G] with groups.
  SmallVector<int64_t> lead = {n};
  if (groups > 1) {
    lead.push_back(groups);
    SmallVector<int64_t> shape = {n, groups, c};
    SmallVector<ReassociationIndices> split = {{0}, {1, 2}};
    for (int64_t i = 0; i < spatial; ++i) {
      shape.push_back(inType.getDimSize(2 + i));
      split.push_back({int64_t(3 + i)});
    }
    input = tensor::ExpandShapeOp::create(
        b, loc, RankedTensorType::get(shape, element), input, split);
  }
  lead.push_back(c);
  int64_t leading = lead.size();
  // Columns [N, (G,) K, O]: the leading dims but the channel, then K and O.
  SmallVector<int64_t> columnsShape(lead.begin(), lead.end() - 1);
  columnsShape.append({depth, positions});
  auto columnsType = RankedTensorType::get(columnsShape, element);
  SmallVector<ReassociationIndices> toMatrix;
  for (int64_t i = 0; i + 1 < leading; ++i)
    toMatrix.push_back({i});
  Value columns;
  if (pointwise) {
    // [N, (G,) C, O...] as [N, (G,) K, O].
    toMatrix.push_back({leading - 1});
    toMatrix.emplace_back();
    for (int64_t i = 0; i < spatial; ++i)
      toMatrix.back().push_back(leading + i);
    columns =
        tensor::CollapseShapeOp::create(b, loc, columnsType, input, toMatrix);
  } else {
    // Loops lead..., r..., o...: col[n, (g,) c, r..., o...].
    unsigned loops = leading + 2 * spatial;
    SmallVector<int64_t> shape(lead);
    SmallVector<int64_t> leadDims, outDims, windowDims;
    for (int64_t i = 0; i < leading; ++i)
      leadDims.push_back(i);
    for (int64_t i = 0; i < spatial; ++i) {
      shape.push_back(filterType.getDimSize(2 + i));
      windowDims.push_back(leading + i);
    }
    for (int64_t i = 0; i < spatial; ++i) {
      shape.push_back(type.getDimSize(2 + i));
      outDims.push_back(leading + spatial + i);
    }
    // K in the filter's order (C, R...).
    toMatrix.emplace_back();
    for (int64_t i = leading - 1; i < leading + spatial; ++i)
      toMatrix.back().push_back(i);
    toMatrix.emplace_back();
    for (int64_t i = leading + spatial; i < int64_t(loops); ++i)
      toMatrix.back().push_back(i);
    Value empty = tensor::EmptyOp::create(b, loc, shape, element);
    auto identity = AffineMap::getMultiDimIdentityMap(loops, ctx);
    SmallVector<utils::IteratorType> parallel(loops,
                                              utils::IteratorType::parallel);
    Value gathered;
    if (!pads(op)) {
      SmallVector<AffineExpr> read;
      for (int64_t i : leadDims)
        read.push_back(d(i));
      for (int64_t i = 0; i < spatial; ++i)
        read.push_back(d(outDims[i]) * op.getStrides()[i] +
                       d(windowDims[i]) * op.getDilations()[i]);
      gathered = linalg::GenericOp::create(
                     b, loc, empty.getType(), input, empty,
                     ArrayRef<AffineMap>{AffineMap::get(loops, 0, read, ctx),
                                         identity},
                     parallel,
                     [](OpBuilder &nb, Location nloc, ValueRange args) {
                       linalg::YieldOp::create(nb, nloc, args[0]);
                     })
                     .getResult(0);
    } else {
      gathered = linalg::GenericOp::create(
                     b, loc, empty.getType(), ValueRange{}, empty,
                     ArrayRef<AffineMap>{identity}, parallel,
                     [&](OpBuilder &nb, Location nloc, ValueRange) {
                       Value value = readWindow(
                           nb, nloc, input, leadDims, outDims, windowDims,
                           op.getStrides(), op.getDilations(), op.getPadLow(),
                           buildScalar(nb, nloc, element, 0));
                       linalg::YieldOp::create(nb, nloc, value);
                     })
                     .getResult(0);
    }
    columns = tensor::CollapseShapeOp::create(b, loc, columnsType, gathered,
                                              toMatrix);
  }
  // The filter as [F, K], or [G, F/G, K] with groups.
  Value weights = filter;
  int64_t filterLead = 1;
  if (groups > 1) {
    SmallVector<int64_t> shape = {groups, fg};
    SmallVector<ReassociationIndices> split = {{0, 1}};
    for (int64_t i = 1; i < filterType.getRank(); ++i) {
      shape.push_back(filterType.getDimSize(i));
      split.push_back({i + 1});
    }
    weights = tensor::ExpandShapeOp::create(
        b, loc, RankedTensorType::get(shape, element), weights, split);
    filterLead = 2;
  }
  SmallVector<ReassociationIndices> filterMatrix;
  SmallVector<int64_t> weightsShape;
  for (int64_t i = 0; i < filterLead; ++i) {
    filterMatrix.push_back({i});
    weightsShape.push_back(groups > 1 && i == 0 ? groups : fg);
  }
  filterMatrix.emplace_back();
  for (int64_t i = filterLead; i < filterLead + 1 + spatial; ++i)
    filterMatrix.back().push_back(i);
  weightsShape.push_back(depth);
  weights = tensor::CollapseShapeOp::create(
      b, loc, RankedTensorType::get(weightsShape, element), weights,
      filterMatrix);
  Value product;
  if (groups == 1) {
    // Loops (n, f, k, o).
    auto productType = RankedTensorType::get({n, f, positions}, element);
    product = buildMultiplyAccumulate(
        b, loc, weights, columns,
        buildFilled(b, loc, productType, buildScalar(b, loc, element, 0)),
        {AffineMap::get(4, 0, {d(1), d(2)}, ctx),
         AffineMap::get(4, 0, {d(0), d(2), d(3)}, ctx),
         AffineMap::get(4, 0, {d(0), d(1), d(3)}, ctx)},
        {utils::IteratorType::parallel, utils::IteratorType::parallel,
         utils::IteratorType::reduction, utils::IteratorType::parallel});
  } else {
    // Loops (n, g, f, k, o); [N, G, F/G, O] read as [N, F, O].
    auto productType =
        RankedTensorType::get({n, groups, fg, positions}, element);
    product = buildMultiplyAccumulate(
        b, loc, weights, columns,
        buildFilled(b, loc, productType, buildScalar(b, loc, element, 0)),
        {AffineMap::get(5, 0, {d(1), d(2), d(3)}, ctx),
         AffineMap::get(5, 0, {d(0), d(1), d(3), d(4)}, ctx),
         AffineMap::get(5, 0, {d(0), d(1), d(2), d(4)}, ctx)},
        {utils::IteratorType::parallel, utils::IteratorType::parallel,
         utils::IteratorType::parallel, utils::IteratorType::reduction,
         utils::IteratorType::parallel});
    product = tensor::CollapseShapeOp::create(
        b, loc, RankedTensorType::get({n, f, positions}, element), product,
        ArrayRef<ReassociationIndices>{{0}, {1, 2}, {3}});
  }
  ReassociationIndices outPositions;
  for (int64_t i = 0; i < spatial; ++i)
    outPositions.push_back(2 + i);
  return tensor::ExpandShapeOp::create(
      b, loc, type.clone(element), product,
      ArrayRef<ReassociationIndices>{{0}, {1}, outPositions});
}

struct ConvToLinalg : OpConversionPattern<ConvOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(ConvOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    MLIRContext *ctx = rewriter.getContext();
    auto type = signless(op.getType());
    Type element = type.getElementType();
    if (Value product = patchConvAsMatmul(rewriter, op, adaptor.getInput(),
                                          adaptor.getFilter())) {
      rewriter.replaceOp(op, product);
      return success();
    }
    if (Value product = columnConvAsMatmul(rewriter, op, adaptor.getInput(),
                                           adaptor.getFilter())) {
      rewriter.replaceOp(op, product);
      return success();
    }
    auto filterType = cast<RankedTensorType>(adaptor.getFilter().getType());
    int64_t spatial = type.getRank() - 2;
    int64_t groups = op.getGroups();
    int64_t perGroupIn = filterType.getDimSize(1);
    int64_t perGroupOut = filterType.getDimSize(0) / groups;
    Value padded =
        padSpatial(rewriter, loc, adaptor.getInput(), op.getPadLow(),
                   op.getPadHigh(), buildScalar(rewriter, loc, element, 0));
    // Loops: n, m, o..., c, r...
    int64_t numLoops = 2 + spatial + 1 + spatial;
    int64_t cLoop = 2 + spatial;
    auto dim = [&](int64_t d) { return getAffineDimExpr(d, ctx); };
    SmallVector<AffineExpr> inExprs = {
        dim(0), dim(1).floorDiv(perGroupOut) * perGroupIn + dim(cLoop)};
    SmallVector<AffineExpr> filterExprs = {dim(1), dim(cLoop)};
    SmallVector<AffineExpr> outExprs = {dim(0), dim(1)};
    for (int64_t i = 0; i < spatial; ++i) {
      AffineExpr o = dim(2 + i), r = dim(cLoop + 1 + i);
      inExprs.push_back(o * op.getStrides()[i] + r * op.getDilations()[i]);
      filterExprs.push_back(r);
      outExprs.push_back(o);
    }
    SmallVector<AffineMap> maps = {
        AffineMap::get(numLoops, 0, inExprs, ctx),
        AffineMap::get(numLoops, 0, filterExprs, ctx),
        AffineMap::get(numLoops, 0, outExprs, ctx)};
    SmallVector<utils::IteratorType> iterators(2 + spatial,
                                               utils::IteratorType::parallel);
    iterators.append(1 + spatial, utils::IteratorType::reduction);
    Value init = buildFilled(rewriter, loc, type,
                             buildScalar(rewriter, loc, element, 0));
    bool isFloat = isa<FloatType>(element);
    auto generic = linalg::GenericOp::create(
        rewriter, loc, type, ValueRange{padded, adaptor.getFilter()}, init,
        maps, iterators, [&](OpBuilder &b, Location nloc, ValueRange args) {
          Value sum;
          if (isFloat)
            sum = arith::AddFOp::create(
                b, nloc, args[2],
                arith::MulFOp::create(b, nloc, args[0], args[1]));
          else
            sum = arith::AddIOp::create(
                b, nloc, args[2],
                arith::MulIOp::create(b, nloc, args[0], args[1]));
          linalg::YieldOp::create(b, nloc, sum);
        });
    rewriter.replaceOp(op, generic.getResult(0));
    return success();
  }
};

struct PoolToLinalg : OpConversionPattern<PoolOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(PoolOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    MLIRContext *ctx = rewriter.getContext();
    auto type = signless(op.getType());
    Type element = type.getElementType();
    bool isMax = op.getKind() == "max";
    bool isFloat = isa<FloatType>(element);
    bool isUnsigned =
        op.getInput().getType().getElementType().isUnsignedInteger();
    int64_t spatial = type.getRank() - 2;
    Value lowest;
    if (!isMax) {
      lowest = buildScalar(rewriter, loc, element, 0);
    } else if (auto f = dyn_cast<FloatType>(element)) {
      lowest = arith::ConstantOp::create(
          rewriter, loc,
          rewriter.getFloatAttr(
              f, APFloat::getInf(f.getFloatSemantics(), /*Negative=*/true)));
    } else {
      unsigned width = element.getIntOrFloatBitWidth();
      lowest = arith::ConstantOp::create(
          rewriter, loc,
          rewriter.getIntegerAttr(
              element, isUnsigned ? APInt::getMinValue(width)
                                  : APInt::getSignedMinValue(width)));
    }
    // Loops: n, c, o..., r...; the window's extent comes from an empty
    // tensor of the kernel's shape, read by the r loops. A padded input is
    // read through readWindow (the padding is `lowest`), not copied.
    int64_t numLoops = 2 + 2 * spatial;
    auto dim = [&](int64_t d) { return getAffineDimExpr(d, ctx); };
    bool padding = pads(op);
    SmallVector<AffineExpr> inExprs = {dim(0), dim(1)}, windowExprs,
                            outExprs = {dim(0), dim(1)};
    SmallVector<int64_t> outDims, windowDims;
    for (int64_t i = 0; i < spatial; ++i) {
      AffineExpr o = dim(2 + i), r = dim(2 + spatial + i);
      inExprs.push_back(o * op.getStrides()[i] + r * op.getDilations()[i]);
      windowExprs.push_back(r);
      outExprs.push_back(o);
      outDims.push_back(2 + i);
      windowDims.push_back(2 + spatial + i);
    }
    Value window =
        tensor::EmptyOp::create(rewriter, loc, op.getKernel(), element);
    SmallVector<Value> inputs = {window};
    SmallVector<AffineMap> maps = {
        AffineMap::get(numLoops, 0, windowExprs, ctx),
        AffineMap::get(numLoops, 0, outExprs, ctx)};
    if (!padding) {
      inputs.insert(inputs.begin(), adaptor.getInput());
      maps.insert(maps.begin(), AffineMap::get(numLoops, 0, inExprs, ctx));
    }
    SmallVector<utils::IteratorType> iterators(2 + spatial,
                                               utils::IteratorType::parallel);
    iterators.append(spatial, utils::IteratorType::reduction);
    Value init = buildFilled(rewriter, loc, type, lowest);
    auto generic = linalg::GenericOp::create(
        rewriter, loc, type, inputs, init, maps, iterators,
        [&](OpBuilder &b, Location nloc, ValueRange args) {
          Value x = padding
                        ? readWindow(b, nloc, adaptor.getInput(), {0, 1},
                                     outDims, windowDims, op.getStrides(),
                                     op.getDilations(), op.getPadLow(), lowest)
                        : args[0];
          Value acc = args.back(), r;
          if (!isMax)
            r = isFloat ? Value(arith::AddFOp::create(b, nloc, acc, x))
                        : Value(arith::AddIOp::create(b, nloc, acc, x));
          else if (isFloat)
            r = arith::MaximumFOp::create(b, nloc, acc, x);
          else
            r = isUnsigned ? Value(arith::MaxUIOp::create(b, nloc, acc, x))
                           : Value(arith::MaxSIOp::create(b, nloc, acc, x));
          linalg::YieldOp::create(b, nloc, r);
        });
    rewriter.replaceOp(op, generic.getResult(0));
    return success();
  }
};

} // namespace

void mlir::fmc::populateConvolutionToLinalgPatterns(
    RewritePatternSet &patterns, const TypeConverter &converter) {
  patterns.add<ConvToLinalg, PoolToLinalg>(converter, patterns.getContext());
}
