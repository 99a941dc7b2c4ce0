//===- Indexing.cpp - importers of ONNX gathers, scatters and selections --===//
//
// GatherND (a gather from the data flattened over the indexed dims),
// ScatterND, ScatterElements, Scatter and TensorScatter (all fmc.scatter_nd),
// Compress (a gather with a compile-time condition), ReverseSequence (a
// gather_elements with computed indices) and TopK (ranks from pairwise
// comparisons).
//
//===----------------------------------------------------------------------===//

#include "frontends/onnx/NodeContext.h"

#include "mlir/Dialect/Utils/IndexingUtils.h"

using namespace mlir;
using namespace mlir::fmc;
using namespace mlir::fmc::onnx;

namespace {

Type i64Of(NodeContext &n) { return n.b.getI64Type(); }

/// Indices as i64 with negative values counted from the end of `dim`.
Value normalizedIndex(NodeContext &n, Value indices, Value dim) {
  Value idx = n.castTo(indices, i64Of(n));
  if (!idx || !dim)
    return {};
  Value negative = n.op<LessOp>({idx, n.scalar(idx, 0)}, {},
                                tensorType(idx).clone(n.b.getI1Type()));
  return n.op<WhereOp>({negative, n.op<AddOp>({idx, dim}), idx});
}

Value scatterND(NodeContext &n, Value data, Value indices, Value updates,
                StringRef reduction) {
  return n.op<ScatterNDOp>(
      {data, indices, updates},
      {n.namedAttr("reduction", n.b.getStringAttr(reduction))},
      data ? data.getType() : Type());
}

FailureOr<std::string> reductionOf(NodeContext &n) {
  std::string reduction = n.stringAttr("reduction", "none");
  if (!llvm::is_contained({"none", "add", "mul", "max", "min"}, reduction)) {
    n.error() << "reduction '" << reduction << "' is invalid";
    return failure();
  }
  return reduction;
}

LogicalResult importScatterND(NodeContext &n, SmallVectorImpl<Value> &results) {
  FailureOr<Value> data = n.required(0, "data"),
                   indices = n.required(1, "indices"),
                   updates = n.required(2, "updates");
  FailureOr<std::string> reduction = reductionOf(n);
  if (failed(data) || failed(indices) || failed(updates) || failed(reduction))
    return failure();
  return n.done(results, {scatterND(n, *data, n.castTo(*indices, i64Of(n)),
                                    *updates, *reduction)});
}

/// ScatterElements (and the deprecated Scatter): every index gets its full
/// coordinate (its own position, with `axis` replaced by the index), then
/// a ScatterND of single elements.
LogicalResult importScatterElements(NodeContext &n,
                                    SmallVectorImpl<Value> &results) {
  FailureOr<Value> data = n.required(0, "data"),
                   indices = n.required(1, "indices"),
                   updates = n.required(2, "updates");
  FailureOr<std::string> reduction = reductionOf(n);
  if (failed(data) || failed(indices) || failed(updates) || failed(reduction))
    return failure();
  auto dataType = tensorType(*data);
  auto idxType = tensorType(*indices);
  int64_t rank = dataType.getRank();
  FailureOr<int64_t> axis = n.axis(n.intAttr("axis", 0), rank);
  if (failed(axis))
    return failure();
  if (idxType.getRank() != rank ||
      tensorType(*updates).getShape() != idxType.getShape()) {
    n.error() << "indices and updates must have one shape of the data's rank";
    return failure();
  }
  SmallVector<int64_t> coordShape(idxType.getShape());
  coordShape.push_back(1);
  auto coordType = RankedTensorType::get(coordShape, i64Of(n));
  SmallVector<Value> coords;
  for (int64_t d = 0; d < rank; ++d) {
    Value c;
    if (d == *axis)
      c = normalizedIndex(n, *indices,
                          n.scalar(n.castTo(*indices, i64Of(n)),
                                   double(dataType.getDimSize(d))));
    else
      c = n.op<BroadcastOp>({n.iota(rank, d, idxType.getDimSize(d))}, {},
                            idxType.clone(i64Of(n)));
    coords.push_back(n.reshapeTo(c, coordShape));
  }
  SmallVector<int64_t> allShape(idxType.getShape());
  allShape.push_back(rank);
  Value all =
      n.op<ConcatOp>(coords, {n.namedAttr("axis", n.b.getI64IntegerAttr(rank))},
                     coordType.clone(allShape));
  return n.done(results, {scatterND(n, *data, all, *updates, *reduction)});
}

/// TensorScatter: writes `update` into the cache at write_indices[batch]
/// (+ position, modulo the cache length in circular mode) along `axis`.
LogicalResult importTensorScatter(NodeContext &n,
                                  SmallVectorImpl<Value> &results) {
  FailureOr<Value> cache = n.required(0, "past_cache"),
                   update = n.required(1, "update");
  if (failed(cache) || failed(update))
    return failure();
  auto cacheType = tensorType(*cache);
  auto updType = tensorType(*update);
  int64_t rank = cacheType.getRank();
  FailureOr<int64_t> axis = n.axis(n.intAttr("axis", -2), rank);
  if (failed(axis))
    return failure();
  if (*axis == 0) {
    n.error() << "axis must not be the batch axis";
    return failure();
  }
  std::string mode = n.stringAttr("mode", "linear");
  if (mode != "linear" && mode != "circular") {
    n.error() << "mode '" << mode << "' is invalid";
    return failure();
  }
  // Coordinates for the dims up to and including `axis`.
  SmallVector<int64_t> prefix(updType.getShape().take_front(*axis + 1));
  int64_t q = *axis + 1;
  SmallVector<int64_t> coordShape(prefix);
  coordShape.push_back(1);
  auto prefixType = RankedTensorType::get(prefix, i64Of(n));
  SmallVector<Value> coords;
  for (int64_t d = 0; d < q; ++d) {
    Value c = n.iota(q, d, prefix[d]);
    if (d == *axis) {
      if (Value writes = n.input(2)) {
        SmallVector<int64_t> shape(q, 1);
        shape[0] = cacheType.getDimSize(0);
        c = n.op<AddOp>({c, n.reshapeTo(n.castTo(writes, i64Of(n)), shape)});
      }
      if (mode == "circular")
        c = n.op<ModOp>({c, n.scalar(c, double(cacheType.getDimSize(*axis)))});
    }
    c = n.op<BroadcastOp>({c}, {}, prefixType);
    coords.push_back(n.reshapeTo(c, coordShape));
  }
  SmallVector<int64_t> allShape(prefix);
  allShape.push_back(q);
  Value all =
      n.op<ConcatOp>(coords, {n.namedAttr("axis", n.b.getI64IntegerAttr(q))},
                     prefixType.clone(allShape));
  return n.done(results, {scatterND(n, *cache, all, *update, "none")});
}

/// GatherND: the data's batch and indexed dims are flattened into one, each
/// index tuple becomes a linear position in it, then one gather.
LogicalResult importGatherND(NodeContext &n, SmallVectorImpl<Value> &results) {
  FailureOr<Value> data = n.required(0, "data"),
                   indices = n.required(1, "indices");
  if (failed(data) || failed(indices))
    return failure();
  auto dataType = tensorType(*data);
  auto idxType = tensorType(*indices);
  int64_t b = n.intAttr("batch_dims", 0);
  int64_t idxRank = idxType.getRank();
  int64_t q = idxType.getDimSize(idxRank - 1);
  if (b < 0 || b >= idxRank || b + q > dataType.getRank()) {
    n.error() << "batch_dims " << b << " and index length " << q
              << " do not fit data " << dataType;
    return failure();
  }
  SmallVector<int64_t> positions(idxType.getShape().drop_back());
  auto posType = RankedTensorType::get(positions, i64Of(n));
  Value idx = n.castTo(*indices, i64Of(n));
  // Linear position within the indexed dims.
  Value linear;
  int64_t stride = 1;
  for (int64_t j = q - 1; j >= 0; --j) {
    int64_t dim = dataType.getDimSize(b + j);
    SmallVector<int64_t> offsets(idxRank, 0), steps(idxRank, 1);
    offsets[idxRank - 1] = j;
    SmallVector<int64_t> sliceShape(positions);
    sliceShape.push_back(1);
    Value part = n.op<SliceOp>(
        {idx},
        {n.namedAttr("offsets", n.b.getDenseI64ArrayAttr(offsets)),
         n.namedAttr("steps", n.b.getDenseI64ArrayAttr(steps))},
        posType.clone(sliceShape));
    part = normalizedIndex(n, n.reshapeTo(part, positions),
                           n.scalar(idx, double(dim)));
    Value term = n.op<MulOp>({part, n.scalar(part, double(stride))});
    linear = linear ? n.op<AddOp>({linear, term}) : term;
    stride *= dim;
  }
  int64_t indexed = stride;
  // Batch offsets: the flattened batch position times the indexed size.
  int64_t batchSize = 1;
  for (int64_t d = 0; d < b; ++d)
    batchSize *= dataType.getDimSize(d);
  if (b > 0) {
    SmallVector<int64_t> batchShape(positions.begin(), positions.begin() + b);
    SmallVector<int64_t> offsetsShape(batchShape);
    offsetsShape.append(positions.size() - b, 1);
    SmallVector<int64_t> values;
    for (int64_t i = 0; i < batchSize; ++i)
      values.push_back(i * indexed);
    linear = n.op<AddOp>({linear, n.i64Constant(values, offsetsShape)});
  }
  if (!linear) // q == 0: whole slices per batch position
    linear = n.op<BroadcastOp>({n.scalar(idx, 0)}, {}, posType);
  SmallVector<int64_t> flatShape = {batchSize * indexed};
  llvm::append_range(flatShape, dataType.getShape().drop_front(b + q));
  Value flat = n.reshapeTo(*data, flatShape);
  SmallVector<int64_t> resultShape(positions);
  llvm::append_range(resultShape, dataType.getShape().drop_front(b + q));
  return n.done(results,
                {n.op<GatherOp>({flat, linear},
                                {n.namedAttr("axis", n.b.getI64IntegerAttr(0))},
                                dataType.clone(resultShape))});
}

/// Compress with a compile-time condition: a gather of the selected
/// positions (the output size depends on the condition's values).
LogicalResult importCompress(NodeContext &n, SmallVectorImpl<Value> &results) {
  FailureOr<Value> x = n.required(0, "input"),
                   cond = n.required(1, "condition");
  if (failed(x) || failed(cond))
    return failure();
  FailureOr<SmallVector<int64_t>> c = n.constantInts(*cond, "condition");
  if (failed(c))
    return failure();
  Value input = *x;
  auto type = tensorType(input);
  int64_t axis = 0;
  if (n.attr("axis")) {
    FailureOr<int64_t> normalized =
        n.axis(n.intAttr("axis", 0), type.getRank());
    if (failed(normalized))
      return failure();
    axis = *normalized;
  } else {
    input = n.reshapeTo(input, {type.getNumElements()});
    type = tensorType(input);
  }
  SmallVector<int64_t> selected;
  for (int64_t i = 0, e = std::min<int64_t>(c->size(), type.getDimSize(axis));
       i < e; ++i)
    if ((*c)[i])
      selected.push_back(i);
  SmallVector<int64_t> shape(type.getShape());
  shape[axis] = selected.size();
  if (selected.empty()) {
    n.error() << "the condition selects nothing (empty outputs are not "
                 "supported here)";
    return failure();
  }
  return n.done(results, {n.op<GatherOp>(
                             {input, n.i64Constant(selected)},
                             {n.namedAttr("axis", n.b.getI64IntegerAttr(axis))},
                             type.clone(shape))});
}

/// ReverseSequence: along time_axis, position t of batch b reads
/// len[b] - 1 - t when t < len[b], else t.
LogicalResult importReverseSequence(NodeContext &n,
                                    SmallVectorImpl<Value> &results) {
  FailureOr<Value> x = n.required(0, "input"),
                   lens = n.required(1, "sequence_lens");
  if (failed(x) || failed(lens))
    return failure();
  auto type = tensorType(*x);
  int64_t rank = type.getRank();
  FailureOr<int64_t> timeAxis = n.axis(n.intAttr("time_axis", 0), rank);
  FailureOr<int64_t> batchAxis = n.axis(n.intAttr("batch_axis", 1), rank);
  if (failed(timeAxis) || failed(batchAxis) || *timeAxis == *batchAxis) {
    if (succeeded(timeAxis) && succeeded(batchAxis))
      n.error() << "time_axis and batch_axis must differ";
    return failure();
  }
  Value t = n.iota(rank, *timeAxis, type.getDimSize(*timeAxis));
  SmallVector<int64_t> lenShape(rank, 1);
  lenShape[*batchAxis] = type.getDimSize(*batchAxis);
  Value len = n.reshapeTo(n.castTo(*lens, i64Of(n)), lenShape);
  Value reversed = n.op<SubOp>({n.op<SubOp>({len, n.scalar(len, 1)}), t});
  SmallVector<int64_t> both(rank, 1);
  both[*timeAxis] = type.getDimSize(*timeAxis);
  both[*batchAxis] = type.getDimSize(*batchAxis);
  auto bothType = RankedTensorType::get(both, i64Of(n));
  Value inside = n.op<LessOp>({t, len}, {}, bothType.clone(n.b.getI1Type()));
  Value idx = n.op<WhereOp>({inside, reversed, t});
  idx = n.op<BroadcastOp>({idx}, {}, type.clone(i64Of(n)));
  return n.done(
      results,
      {n.op<GatherElementsOp>(
          {*x, idx}, {n.namedAttr("axis", n.b.getI64IntegerAttr(*timeAxis))},
          type)});
}

/// TopK with a compile-time k: along the (last, after a transpose) axis,
/// element i's rank is the number of elements that come before it (larger,
/// or smaller for largest = 0; ties by lower index); output slot r takes the
/// index whose rank is r. Uses n x n comparisons per row.
LogicalResult importTopK(NodeContext &n, SmallVectorImpl<Value> &results) {
  FailureOr<Value> x = n.required(0, "X"), kValue = n.required(1, "K");
  if (failed(x) || failed(kValue))
    return failure();
  FailureOr<SmallVector<int64_t>> kList = n.constantInts(*kValue, "K");
  if (failed(kList))
    return failure();
  auto type = tensorType(*x);
  int64_t rank = type.getRank();
  FailureOr<int64_t> axis = n.axis(n.intAttr("axis", -1), rank);
  if (failed(axis))
    return failure();
  int64_t len = type.getDimSize(*axis);
  int64_t k = kList->empty() ? -1 : kList->front();
  if (kList->size() != 1 || k < 1 || k > len) {
    n.error() << "K must be one value in [1, " << len << "]";
    return failure();
  }
  bool largest = n.intAttr("largest", 1) != 0;
  // Move the axis last.
  SmallVector<int64_t> perm = axisLastPermutation(rank, *axis);
  Value v = n.transposeBy(*x, perm);
  SmallVector<int64_t> rows(tensorType(v).getShape().drop_back());
  auto withTail = [&](ArrayRef<int64_t> tail) {
    SmallVector<int64_t> s(rows);
    s.append(tail.begin(), tail.end());
    return s;
  };
  Value vi = n.reshapeTo(v, withTail({len, 1})); // element i
  Value vj = n.reshapeTo(v, withTail({1, len})); // element j
  auto pairType = RankedTensorType::get(withTail({len, len}), n.b.getI1Type());
  Value better = largest ? n.op<GreaterOp>({vj, vi}, {}, pairType)
                         : n.op<LessOp>({vj, vi}, {}, pairType);
  Value tie = n.op<EqualOp>({vj, vi}, {}, pairType);
  int64_t pr = rows.size() + 2;
  SmallVector<int64_t> square(pr, 1);
  square[pr - 2] = square[pr - 1] = len;
  Value jBeforeI =
      n.op<LessOp>({n.iota(pr, pr - 1, len), n.iota(pr, pr - 2, len)}, {},
                   RankedTensorType::get(square, n.b.getI1Type()));
  Value before = n.op<OrOp>({better, n.op<AndOp>({tie, jBeforeI})});
  Value beforeI64 = n.castTo(before, i64Of(n));
  Value rankOf = n.op<ReduceSumOp>(
      {beforeI64}, {n.namedAttr("axes", n.b.getDenseI64ArrayAttr({pr - 1})),
                    n.namedAttr("keepdims", n.b.getBoolAttr(false))});
  // slot[r] = sum_i i * (rank[i] == r)
  Value rankCol = n.reshapeTo(rankOf, withTail({len, 1}));
  auto slotType = RankedTensorType::get(withTail({len, k}), n.b.getI1Type());
  Value hit = n.op<EqualOp>({rankCol, n.iota(pr, pr - 1, k)}, {}, slotType);
  Value picked =
      n.op<WhereOp>({hit, n.iota(pr, pr - 2, len), n.scalar(rankCol, 0)});
  Value idx = n.op<ReduceSumOp>(
      {picked}, {n.namedAttr("axes", n.b.getDenseI64ArrayAttr({pr - 2})),
                 n.namedAttr("keepdims", n.b.getBoolAttr(false))});
  Value values = n.op<GatherElementsOp>(
      {v, idx},
      {n.namedAttr("axis", n.b.getI64IntegerAttr(int64_t(rows.size())))},
      tensorType(v).clone(withTail({k})));
  SmallVector<int64_t> inverse = invertPermutationVector(perm);
  return n.done(results,
                {n.transposeBy(values, inverse), n.transposeBy(idx, inverse)});
}

} // namespace

void mlir::fmc::onnx::registerIndexingOps(OpImportRegistry &r) {
  r["GatherND"] = importGatherND;
  r["ScatterND"] = importScatterND;
  r["ScatterElements"] = importScatterElements;
  r["Scatter"] = importScatterElements;
  r["TensorScatter"] = importTensorScatter;
  r["Compress"] = importCompress;
  r["ReverseSequence"] = importReverseSequence;
  r["TopK"] = importTopK;
}
