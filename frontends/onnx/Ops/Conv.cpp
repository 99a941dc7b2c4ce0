//===- Conv.cpp - importers of ONNX convolution, pooling, normalization ---===//
//
// Conv, MaxPool, AveragePool, global pooling and the channels-first
// normalizations (BatchNormalization at inference, InstanceNormalization,
// GroupNormalization, LpNormalization).
//
//===----------------------------------------------------------------------===//

#include "frontends/onnx/NodeContext.h"
#include "frontends/onnx/TensorImporter.h"

using namespace mlir;
using namespace mlir::fmc;
using namespace mlir::fmc::onnx;

namespace {

/// A per-channel [C] parameter as [C, 1, ...] against a rank-`rank` input.
Value perChannel(NodeContext &n, Value p, int64_t rank) {
  if (!p)
    return {};
  SmallVector<int64_t> shape = {tensorType(p).getNumElements()};
  shape.append(rank - 2, 1);
  return n.reshapeTo(p, shape);
}

/// Window attributes resolved to explicit pads: strides, dilations, pads
/// (or auto_pad), and for pooling ceil_mode as extra end padding
/// (`ceilExtra`, which averages never count).
struct Window {
  SmallVector<int64_t> kernel, strides, dilations, low, high, ceilExtra, out;
};

FailureOr<Window> resolveWindow(NodeContext &n, ArrayRef<int64_t> input,
                                ArrayRef<int64_t> kernel, bool pooling) {
  int64_t spatial = kernel.size();
  Window w;
  w.kernel.assign(kernel.begin(), kernel.end());
  w.strides = n.intsAttr("strides").value_or(SmallVector<int64_t>(spatial, 1));
  w.dilations =
      n.intsAttr("dilations").value_or(SmallVector<int64_t>(spatial, 1));
  SmallVector<int64_t> pads =
      n.intsAttr("pads").value_or(SmallVector<int64_t>(2 * spatial, 0));
  if (int64_t(w.strides.size()) != spatial ||
      int64_t(w.dilations.size()) != spatial ||
      int64_t(pads.size()) != 2 * spatial) {
    n.error() << "strides, dilations and pads must match the " << spatial
              << " spatial dims";
    return failure();
  }
  for (int64_t i = 0; i < spatial; ++i)
    if (w.strides[i] < 1 || w.dilations[i] < 1 || kernel[i] < 1 ||
        pads[i] < 0 || pads[i + spatial] < 0) {
      n.error() << "strides, dilations and kernel sizes must be positive and "
                   "pads non-negative";
      return failure();
    }
  std::string autoPad = n.stringAttr("auto_pad", "NOTSET");
  bool ceil = pooling && n.intAttr("ceil_mode", 0) != 0;
  for (int64_t i = 0; i < spatial; ++i) {
    int64_t in = input[i], s = w.strides[i];
    int64_t span = w.dilations[i] * (kernel[i] - 1) + 1;
    int64_t lo = pads[i], hi = pads[i + spatial], extra = 0, out;
    if (autoPad == "SAME_UPPER" || autoPad == "SAME_LOWER") {
      out = (in + s - 1) / s;
      int64_t total = std::max<int64_t>(0, (out - 1) * s + span - in);
      lo = autoPad == "SAME_UPPER" ? total / 2 : total - total / 2;
      hi = total - lo;
    } else if (autoPad == "VALID") {
      lo = hi = 0;
      out = in >= span ? (in - span) / s + 1 : 0;
    } else if (autoPad == "NOTSET") {
      int64_t padded = in + lo + hi - span;
      if (padded < 0) {
        n.error() << "the window does not fit spatial dim " << i;
        return failure();
      }
      out = (ceil ? (padded + s - 1) / s : padded / s) + 1;
      // A last window must start inside the input or its low padding.
      if (ceil && (out - 1) * s >= in + lo)
        --out;
      extra = std::max<int64_t>(0, (out - 1) * s + span - (in + lo + hi));
    } else {
      n.error() << "auto_pad '" << autoPad << "' is not supported";
      return failure();
    }
    w.low.push_back(lo);
    w.high.push_back(hi);
    w.ceilExtra.push_back(extra);
    w.out.push_back(out);
  }
  return w;
}

LogicalResult importConv(NodeContext &n, SmallVectorImpl<Value> &results) {
  FailureOr<Value> x = n.required(0, "X"), f = n.required(1, "W");
  if (failed(x) || failed(f))
    return failure();
  auto xType = tensorType(*x), fType = tensorType(*f);
  if (xType.getRank() < 3 || fType.getRank() != xType.getRank() ||
      !xType.hasStaticShape() || !fType.hasStaticShape()) {
    n.error() << "needs static [N, C, spatial...] input and [M, C/group, "
                 "kernel...] weights, got "
              << xType << " and " << fType;
    return failure();
  }
  ArrayRef<int64_t> kernel = fType.getShape().drop_front(2);
  if (auto given = n.intsAttr("kernel_shape");
      given && ArrayRef<int64_t>(*given) != kernel) {
    n.error() << "kernel_shape does not match the weights";
    return failure();
  }
  FailureOr<Window> w =
      resolveWindow(n, xType.getShape().drop_front(2), kernel, false);
  if (failed(w))
    return failure();
  SmallVector<int64_t> shape = {xType.getDimSize(0), fType.getDimSize(0)};
  shape.append(w->out);
  Value y = n.op<ConvOp>(
      {*x, *f},
      {n.namedAttr("strides", n.b.getDenseI64ArrayAttr(w->strides)),
       n.namedAttr("dilations", n.b.getDenseI64ArrayAttr(w->dilations)),
       n.namedAttr("pad_low", n.b.getDenseI64ArrayAttr(w->low)),
       n.namedAttr("pad_high", n.b.getDenseI64ArrayAttr(w->high)),
       n.namedAttr("groups", n.b.getI64IntegerAttr(n.intAttr("group", 1)))},
      xType.clone(shape));
  if (Value bias = n.input(2))
    y = n.op<AddOp>({y, perChannel(n, bias, xType.getRank())});
  return n.done(results, {y});
}

enum class PoolKind { Max, Average, Lp };

/// MaxPool; AveragePool as a sum pool over window counts; LpPool as
/// (sum pool of |x|^p)^(1/p).
LogicalResult importPool(NodeContext &n, SmallVectorImpl<Value> &results,
                         PoolKind kind) {
  bool isMax = kind == PoolKind::Max;
  FailureOr<Value> x = n.required(0, "X");
  if (failed(x))
    return failure();
  auto xType = tensorType(*x);
  if (xType.getRank() < 3 || !xType.hasStaticShape()) {
    n.error() << "needs a static [N, C, spatial...] input, got " << xType;
    return failure();
  }
  if (isMax && n.hasOutput(1)) {
    n.error() << "the Indices output is not supported";
    return failure();
  }
  auto kernel = n.intsAttr("kernel_shape");
  if (!kernel || int64_t(kernel->size()) != xType.getRank() - 2) {
    n.error() << "kernel_shape must give one size per spatial dim";
    return failure();
  }
  ArrayRef<int64_t> in = xType.getShape().drop_front(2);
  FailureOr<Window> w = resolveWindow(n, in, *kernel, true);
  if (failed(w))
    return failure();
  SmallVector<int64_t> shape = {xType.getDimSize(0), xType.getDimSize(1)};
  shape.append(w->out);
  SmallVector<int64_t> high(w->high);
  for (auto [h, e] : llvm::zip(high, w->ceilExtra))
    h += e;
  Value input = *x;
  double p = n.intAttr("p", 2);
  if (kind == PoolKind::Lp) {
    if (!isa<FloatType>(xType.getElementType()) || p <= 0) {
      n.error() << "needs a floating-point input and p > 0";
      return failure();
    }
    input = n.op<PowOp>({n.op<AbsOp>({*x}), n.scalar(*x, p)});
  }
  Value y = n.op<PoolOp>(
      {input},
      {n.namedAttr("kind", n.b.getStringAttr(isMax ? "max" : "sum")),
       n.namedAttr("kernel", n.b.getDenseI64ArrayAttr(*kernel)),
       n.namedAttr("strides", n.b.getDenseI64ArrayAttr(w->strides)),
       n.namedAttr("dilations", n.b.getDenseI64ArrayAttr(w->dilations)),
       n.namedAttr("pad_low", n.b.getDenseI64ArrayAttr(w->low)),
       n.namedAttr("pad_high", n.b.getDenseI64ArrayAttr(high))},
      xType.clone(shape));
  if (isMax)
    return n.done(results, {y});
  if (kind == PoolKind::Lp)
    return n.done(results, {n.op<PowOp>({y, n.scalar(y, 1.0 / p)})});
  if (!isa<FloatType>(xType.getElementType())) {
    n.error() << "expects a floating-point input, got " << xType;
    return failure();
  }
  // The number of window taps counted at each output position: inside the
  // input, or (count_include_pad) inside the input and its explicit pads.
  bool includePad = n.intAttr("count_include_pad", 0) != 0;
  int64_t spatial = in.size();
  SmallVector<int64_t> countShape(2, 1);
  countShape.append(w->out);
  int64_t total = 1;
  for (int64_t o : w->out)
    total *= o;
  SmallVector<float> counts;
  SmallVector<int64_t> pos(spatial, 0);
  for (int64_t flat = 0; flat < total; ++flat) {
    int64_t rest = flat, count = 1;
    for (int64_t i = spatial - 1; i >= 0; --i) {
      pos[i] = rest % w->out[i];
      rest /= w->out[i];
    }
    for (int64_t i = 0; i < spatial; ++i) {
      int64_t lo = includePad ? -w->low[i] : 0;
      int64_t hi = includePad ? in[i] + w->high[i] : in[i];
      int64_t taps = 0;
      for (int64_t r = 0; r < (*kernel)[i]; ++r) {
        int64_t p = pos[i] * w->strides[i] + r * w->dilations[i] - w->low[i];
        taps += p >= lo && p < hi;
      }
      count *= taps;
    }
    counts.push_back(static_cast<float>(std::max<int64_t>(count, 1)));
  }
  FailureOr<Value> countValue = n.constant(DenseElementsAttr::get(
      RankedTensorType::get(countShape, n.b.getF32Type()), ArrayRef(counts)));
  if (failed(countValue))
    return failure();
  Value divisor = *countValue;
  if (xType.getElementType() != n.b.getF32Type())
    divisor = n.op<CastOp>({divisor}, {},
                           tensorType(divisor).clone(xType.getElementType()));
  return n.done(results, {n.op<DivOp>({y, divisor})});
}

LogicalResult importGlobalPool(NodeContext &n, SmallVectorImpl<Value> &results,
                               bool isMax) {
  FailureOr<Value> x = n.required(0, "X");
  if (failed(x))
    return failure();
  SmallVector<int64_t> axes;
  for (int64_t d = 2; d < tensorType(*x).getRank(); ++d)
    axes.push_back(d);
  SmallVector<NamedAttribute> attrs = {
      n.namedAttr("axes", n.b.getDenseI64ArrayAttr(axes)),
      n.namedAttr("keepdims", n.b.getBoolAttr(true))};
  return n.done(results, {isMax ? n.op<ReduceMaxOp>({*x}, attrs)
                                : n.op<ReduceMeanOp>({*x}, attrs)});
}

/// BatchNormalization at inference: (x - mean) / sqrt(var + eps) * scale + B
/// with per-channel statistics.
LogicalResult importBatchNorm(NodeContext &n, SmallVectorImpl<Value> &results) {
  FailureOr<Value> x = n.required(0, "X"), scale = n.required(1, "scale"),
                   bias = n.required(2, "B"), mean = n.required(3, "mean"),
                   var = n.required(4, "var");
  if (failed(x) || failed(scale) || failed(bias) || failed(mean) || failed(var))
    return failure();
  if (n.intAttr("training_mode", 0) != 0 || n.hasOutput(1) || n.hasOutput(2)) {
    n.error() << "training mode (running statistics outputs) is not supported";
    return failure();
  }
  int64_t rank = tensorType(*x).getRank();
  if (rank < 2) {
    n.error() << "needs an [N, C, ...] input";
    return failure();
  }
  auto channel = [&](Value v) {
    return rank == 2 ? v : perChannel(n, v, rank);
  };
  Value eps = n.scalar(*var, n.floatAttr("epsilon", 1e-5f));
  Value invStd = n.op<ReciprocalOp>({n.op<SqrtOp>({n.op<AddOp>({*var, eps})})});
  Value factor = n.op<MulOp>({*scale, invStd});
  Value y = n.op<MulOp>({n.op<SubOp>({*x, channel(*mean)}), channel(factor)});
  return n.done(results, {n.op<AddOp>({y, channel(*bias)})});
}

/// Normalizes x over dims [first, rank) in f32: (x - mean) / sqrt(var + eps).
Value normalizeFrom(NodeContext &n, Value x, int64_t first, float epsilon) {
  auto type = tensorType(x);
  Value wide = x;
  if (type.getElementType() != n.b.getF32Type())
    wide = n.op<CastOp>({x}, {}, type.clone(n.b.getF32Type()));
  SmallVector<int64_t> axes;
  for (int64_t d = first; d < type.getRank(); ++d)
    axes.push_back(d);
  SmallVector<NamedAttribute> reduce = {
      n.namedAttr("axes", n.b.getDenseI64ArrayAttr(axes)),
      n.namedAttr("keepdims", n.b.getBoolAttr(true))};
  Value centered = n.op<SubOp>({wide, n.op<ReduceMeanOp>({wide}, reduce)});
  Value var = n.op<ReduceMeanOp>({n.op<MulOp>({centered, centered})}, reduce);
  Value y = n.op<MulOp>(
      {centered, n.op<ReciprocalOp>({n.op<SqrtOp>(
                     {n.op<AddOp>({var, n.scalar(var, epsilon)})})})});
  if (y && type.getElementType() != n.b.getF32Type())
    y = n.op<CastOp>({y}, {}, type);
  return y;
}

LogicalResult importInstanceNorm(NodeContext &n,
                                 SmallVectorImpl<Value> &results) {
  FailureOr<Value> x = n.required(0, "input"), scale = n.required(1, "scale"),
                   bias = n.required(2, "B");
  if (failed(x) || failed(scale) || failed(bias))
    return failure();
  int64_t rank = tensorType(*x).getRank();
  if (rank < 3) {
    n.error() << "needs an [N, C, spatial...] input";
    return failure();
  }
  Value y = normalizeFrom(n, *x, 2, n.floatAttr("epsilon", 1e-5f));
  y = n.op<MulOp>({y, perChannel(n, *scale, rank)});
  return n.done(results, {n.op<AddOp>({y, perChannel(n, *bias, rank)})});
}

/// GroupNormalization: statistics per (n, group); scale and bias per
/// channel (opset 21) or per group (opset 18).
LogicalResult importGroupNorm(NodeContext &n, SmallVectorImpl<Value> &results) {
  FailureOr<Value> x = n.required(0, "X"), scale = n.required(1, "scale"),
                   bias = n.required(2, "bias");
  if (failed(x) || failed(scale) || failed(bias))
    return failure();
  auto type = tensorType(*x);
  int64_t rank = type.getRank(), groups = n.intAttr("num_groups", 0);
  if (rank < 3 || !type.hasStaticShape() || groups < 1 ||
      type.getDimSize(1) % groups) {
    n.error() << "needs a static [N, C, spatial...] input with C divisible "
                 "by num_groups";
    return failure();
  }
  int64_t c = type.getDimSize(1),
          rest = type.getNumElements() / (type.getDimSize(0) * groups);
  Value grouped = n.reshapeTo(*x, {type.getDimSize(0), groups, rest});
  Value y =
      n.reshapeTo(normalizeFrom(n, grouped, 2, n.floatAttr("epsilon", 1e-5f)),
                  type.getShape());
  auto channelParam = [&](Value p) -> Value {
    if (tensorType(p).getNumElements() == c)
      return perChannel(n, p, rank);
    // One value per group: repeat it for the group's channels.
    Value column = n.reshapeTo(p, {groups, 1});
    Value spread = n.op<BroadcastOp>({column}, {},
                                     tensorType(p).clone({groups, c / groups}));
    return perChannel(n, n.reshapeTo(spread, {c}), rank);
  };
  y = n.op<MulOp>({y, channelParam(*scale)});
  return n.done(results, {n.op<AddOp>({y, channelParam(*bias)})});
}

/// LpNormalization: x / ||x||_p along an axis (0 where the norm is 0).
LogicalResult importLpNorm(NodeContext &n, SmallVectorImpl<Value> &results) {
  FailureOr<Value> x = n.required(0, "input");
  if (failed(x))
    return failure();
  FailureOr<int64_t> axis =
      n.axis(n.intAttr("axis", -1), tensorType(*x).getRank());
  if (failed(axis))
    return failure();
  int64_t p = n.intAttr("p", 2);
  if (p != 1 && p != 2) {
    n.error() << "p must be 1 or 2, got " << p;
    return failure();
  }
  SmallVector<NamedAttribute> reduce = {
      n.namedAttr("axes", n.b.getDenseI64ArrayAttr({*axis})),
      n.namedAttr("keepdims", n.b.getBoolAttr(true))};
  Value norm =
      p == 1
          ? n.op<ReduceSumOp>({n.op<AbsOp>({*x})}, reduce)
          : n.op<SqrtOp>({n.op<ReduceSumOp>({n.op<MulOp>({*x, *x})}, reduce)});
  Value zero = n.scalar(*x, 0.0);
  Value isZero = n.op<EqualOp>({norm, zero});
  return n.done(results,
                {n.op<WhereOp>({isZero, zero, n.op<DivOp>({*x, norm})})});
}

/// ConvTranspose as a convolution: the input with stride - 1 zeros
/// inserted between elements, padded by (kernel - 1) * dilation minus the
/// pads (cropped where that is negative) plus output_padding at the end,
/// convolved with stride 1 by the weights with in/out channels swapped per
/// group and the kernel flipped.
LogicalResult importConvTranspose(NodeContext &n,
                                  SmallVectorImpl<Value> &results) {
  FailureOr<Value> x = n.required(0, "X"), f = n.required(1, "W");
  if (failed(x) || failed(f))
    return failure();
  auto xType = tensorType(*x), fType = tensorType(*f);
  int64_t rank = xType.getRank(), spatial = rank - 2;
  int64_t group = n.intAttr("group", 1);
  if (rank < 3 || fType.getRank() != rank || !xType.hasStaticShape() ||
      !fType.hasStaticShape() || group < 1 ||
      fType.getDimSize(0) != xType.getDimSize(1) ||
      xType.getDimSize(1) % group) {
    n.error() << "needs static [N, C, spatial...] input and [C, M/group, "
                 "kernel...] weights, got "
              << xType << " and " << fType;
    return failure();
  }
  ArrayRef<int64_t> kernel = fType.getShape().drop_front(2);
  ArrayRef<int64_t> in = xType.getShape().drop_front(2);
  auto attrOr = [&](StringRef name, int64_t size, int64_t dflt) {
    return n.intsAttr(name).value_or(SmallVector<int64_t>(size, dflt));
  };
  SmallVector<int64_t> strides = attrOr("strides", spatial, 1);
  SmallVector<int64_t> dilations = attrOr("dilations", spatial, 1);
  SmallVector<int64_t> outPad = attrOr("output_padding", spatial, 0);
  SmallVector<int64_t> pads = attrOr("pads", 2 * spatial, 0);
  std::optional<SmallVector<int64_t>> outputShape = n.intsAttr("output_shape");
  std::string autoPad = n.stringAttr("auto_pad", "NOTSET");
  if (int64_t(strides.size()) != spatial ||
      int64_t(dilations.size()) != spatial ||
      int64_t(outPad.size()) != spatial ||
      int64_t(pads.size()) != 2 * spatial ||
      (outputShape && int64_t(outputShape->size()) != spatial)) {
    n.error() << "strides, dilations, output_padding, output_shape and pads "
                 "must match the "
              << spatial << " spatial dims";
    return failure();
  }
  if (autoPad != "NOTSET" && autoPad != "VALID" && autoPad != "SAME_UPPER" &&
      autoPad != "SAME_LOWER") {
    n.error() << "auto_pad '" << autoPad << "' is not supported";
    return failure();
  }
  SmallVector<int64_t> out(spatial);
  for (int64_t i = 0; i < spatial; ++i) {
    int64_t span = (kernel[i] - 1) * dilations[i] + 1;
    int64_t full = strides[i] * (in[i] - 1) + outPad[i] + span;
    if (outputShape || autoPad == "SAME_UPPER" || autoPad == "SAME_LOWER") {
      int64_t target = outputShape ? (*outputShape)[i] : in[i] * strides[i];
      int64_t total = full - target;
      bool upper = autoPad == "SAME_UPPER";
      // Floor division: a negative total (a larger output_shape) pads the
      // end.
      int64_t halfDown = total >= 0 ? total / 2 : -((1 - total) / 2);
      pads[i] = upper ? halfDown : total - halfDown;
      pads[i + spatial] = total - pads[i];
    } else if (autoPad == "VALID") {
      pads[i] = pads[i + spatial] = 0;
    }
    out[i] = full - pads[i] - pads[i + spatial];
    if (out[i] < 1) {
      n.error() << "output dim " << i << " would be " << out[i];
      return failure();
    }
  }
  // Zeros between input elements: [.., D, ..] -> [.., D, 1, ..] padded to
  // [.., D, s, ..] -> [.., D * s, ..], cut to (D - 1) * s + 1.
  Value y = *x;
  for (int64_t i = 0; i < spatial && y; ++i) {
    int64_t s = strides[i], axis = 2 + i;
    if (s == 1)
      continue;
    auto type = tensorType(y);
    SmallVector<int64_t> split(type.getShape());
    split.insert(split.begin() + axis + 1, 1);
    SmallVector<int64_t> low(split.size(), 0), high(split.size(), 0);
    high[axis + 1] = s - 1;
    SmallVector<int64_t> spread(split);
    spread[axis + 1] = s;
    Value padded =
        n.op<PadOp>({n.reshapeTo(y, split), n.scalar(y, 0.0)},
                    {n.namedAttr("low", n.b.getDenseI64ArrayAttr(low)),
                     n.namedAttr("high", n.b.getDenseI64ArrayAttr(high))},
                    type.clone(spread));
    SmallVector<int64_t> merged(type.getShape());
    merged[axis] *= s;
    SmallVector<int64_t> cut(type.getShape());
    cut[axis] = (in[i] - 1) * s + 1;
    y = n.op<SliceOp>(
        {n.reshapeTo(padded, merged)},
        {n.namedAttr("offsets",
                     n.b.getDenseI64ArrayAttr(SmallVector<int64_t>(rank, 0))),
         n.namedAttr("steps",
                     n.b.getDenseI64ArrayAttr(SmallVector<int64_t>(rank, 1)))},
        type.clone(cut));
  }
  // Full padding (k - 1) * d less the pads; negative amounts crop.
  if (!y)
    return failure();
  auto type = tensorType(y);
  SmallVector<int64_t> low(rank, 0), high(rank, 0), offsets(rank, 0);
  SmallVector<int64_t> kept(type.getShape());
  for (int64_t i = 0; i < spatial; ++i) {
    int64_t edge = (kernel[i] - 1) * dilations[i];
    int64_t lo = edge - pads[i], hi = edge - pads[i + spatial] + outPad[i];
    low[2 + i] = std::max<int64_t>(lo, 0);
    high[2 + i] = std::max<int64_t>(hi, 0);
    offsets[2 + i] = std::max<int64_t>(-lo, 0);
    kept[2 + i] -= std::max<int64_t>(-lo, 0) + std::max<int64_t>(-hi, 0);
  }
  if (kept != SmallVector<int64_t>(type.getShape()))
    y = n.op<SliceOp>(
        {y},
        {n.namedAttr("offsets", n.b.getDenseI64ArrayAttr(offsets)),
         n.namedAttr("steps",
                     n.b.getDenseI64ArrayAttr(SmallVector<int64_t>(rank, 1)))},
        type.clone(kept));
  SmallVector<int64_t> paddedShape(kept);
  for (int64_t d = 0; d < rank; ++d)
    paddedShape[d] += low[d] + high[d];
  if (paddedShape != kept)
    y = n.op<PadOp>({y, n.scalar(y, 0.0)},
                    {n.namedAttr("low", n.b.getDenseI64ArrayAttr(low)),
                     n.namedAttr("high", n.b.getDenseI64ArrayAttr(high))},
                    type.clone(paddedShape));
  // Weights [C, M/g, k...] -> [g, C/g, M/g, k...] -> [g, M/g, C/g, k...]
  // -> [M, C/g, k...], flipped along the kernel dims.
  int64_t c = fType.getDimSize(0), mPerGroup = fType.getDimSize(1);
  SmallVector<int64_t> grouped = {group, c / group, mPerGroup};
  grouped.append(kernel.begin(), kernel.end());
  SmallVector<int64_t> perm = {0, 2, 1};
  for (int64_t i = 0; i < spatial; ++i)
    perm.push_back(3 + i);
  SmallVector<int64_t> convShape = {group * mPerGroup, c / group};
  convShape.append(kernel.begin(), kernel.end());
  Value w =
      n.reshapeTo(n.transposeBy(n.reshapeTo(*f, grouped), perm), convShape);
  SmallVector<int64_t> flipOffsets(rank, 0), flipSteps(rank, 1);
  for (int64_t i = 0; i < spatial; ++i) {
    flipOffsets[2 + i] = kernel[i] - 1;
    flipSteps[2 + i] = -1;
  }
  w = n.op<SliceOp>(
      {w},
      {n.namedAttr("offsets", n.b.getDenseI64ArrayAttr(flipOffsets)),
       n.namedAttr("steps", n.b.getDenseI64ArrayAttr(flipSteps))},
      w ? w.getType() : Type());
  SmallVector<int64_t> resultShape = {xType.getDimSize(0), group * mPerGroup};
  resultShape.append(out);
  SmallVector<int64_t> zeros(spatial, 0), ones(spatial, 1);
  Value result = n.op<ConvOp>(
      {y, w},
      {n.namedAttr("strides", n.b.getDenseI64ArrayAttr(ones)),
       n.namedAttr("dilations", n.b.getDenseI64ArrayAttr(dilations)),
       n.namedAttr("pad_low", n.b.getDenseI64ArrayAttr(zeros)),
       n.namedAttr("pad_high", n.b.getDenseI64ArrayAttr(zeros)),
       n.namedAttr("groups", n.b.getI64IntegerAttr(group))},
      xType.clone(resultShape));
  if (Value bias = n.input(2))
    result = n.op<AddOp>({result, perChannel(n, bias, rank)});
  return n.done(results, {result});
}

/// LRN: x / (bias + alpha / size * (sum of x^2 over a window of `size`
/// channels))^beta; the window sum is a sum pool over the channel dim.
LogicalResult importLRN(NodeContext &n, SmallVectorImpl<Value> &results) {
  FailureOr<Value> x = n.required(0, "X");
  if (failed(x))
    return failure();
  auto type = tensorType(*x);
  int64_t size = n.intAttr("size", 0);
  if (type.getRank() < 3 || size < 1 ||
      !isa<FloatType>(type.getElementType())) {
    n.error() << "needs a float [N, C, ...] input and size >= 1";
    return failure();
  }
  int64_t rest = 1;
  for (int64_t d = 2; d < type.getRank(); ++d)
    rest *= type.getDimSize(d);
  int64_t channels = type.getDimSize(1);
  SmallVector<int64_t> poolShape = {type.getDimSize(0), 1, channels, rest};
  Value sq = n.reshapeTo(n.op<MulOp>({*x, *x}), poolShape);
  Value sum = n.op<PoolOp>(
      {sq},
      {n.namedAttr("kind", n.b.getStringAttr("sum")),
       n.namedAttr("kernel", n.b.getDenseI64ArrayAttr({size, 1})),
       n.namedAttr("strides", n.b.getDenseI64ArrayAttr({1, 1})),
       n.namedAttr("dilations", n.b.getDenseI64ArrayAttr({1, 1})),
       n.namedAttr("pad_low", n.b.getDenseI64ArrayAttr({(size - 1) / 2, 0})),
       n.namedAttr("pad_high", n.b.getDenseI64ArrayAttr({size / 2, 0}))},
      type.clone(poolShape));
  sum = n.reshapeTo(sum, type.getShape());
  Value scaled = n.op<AddOp>(
      {n.scalar(*x, n.floatAttr("bias", 1.0f)),
       n.op<MulOp>({sum, n.scalar(*x, n.floatAttr("alpha", 1e-4f) / size)})});
  Value denom = n.op<PowOp>({scaled, n.scalar(*x, n.floatAttr("beta", 0.75f))});
  return n.done(results, {n.op<DivOp>({*x, denom})});
}

/// MeanVarianceNormalization: (x - E[x]) / (sqrt(E[x^2] - E[x]^2) + 1e-9)
/// over `axes` (default N, H, W), as ONNX's function defines it.
LogicalResult importMVN(NodeContext &n, SmallVectorImpl<Value> &results) {
  FailureOr<Value> x = n.required(0, "X");
  if (failed(x))
    return failure();
  int64_t rank = tensorType(*x).getRank();
  SmallVector<int64_t> axes =
      n.intsAttr("axes").value_or(SmallVector<int64_t>{0, 2, 3});
  for (int64_t &a : axes) {
    FailureOr<int64_t> axis = n.axis(a, rank);
    if (failed(axis))
      return failure();
    a = *axis;
  }
  SmallVector<NamedAttribute> reduce = {
      n.namedAttr("axes", n.b.getDenseI64ArrayAttr(axes)),
      n.namedAttr("keepdims", n.b.getBoolAttr(true))};
  Value mean = n.op<ReduceMeanOp>({*x}, reduce);
  Value meanSq = n.op<ReduceMeanOp>({n.op<MulOp>({*x, *x})}, reduce);
  Value std = n.op<SqrtOp>({n.op<SubOp>({meanSq, n.op<MulOp>({mean, mean})})});
  return n.done(results,
                {n.op<DivOp>({n.op<SubOp>({*x, mean}),
                              n.op<AddOp>({std, n.scalar(*x, 1e-9)})})});
}

} // namespace

void mlir::fmc::onnx::registerConvOps(OpImportRegistry &r) {
  r["LRN"] = importLRN;
  r["ConvTranspose"] = importConvTranspose;
  r["MeanVarianceNormalization"] = importMVN;
  r["Conv"] = importConv;
  r["MaxPool"] = [](NodeContext &n, SmallVectorImpl<Value> &res) {
    return importPool(n, res, PoolKind::Max);
  };
  r["AveragePool"] = [](NodeContext &n, SmallVectorImpl<Value> &res) {
    return importPool(n, res, PoolKind::Average);
  };
  r["LpPool"] = [](NodeContext &n, SmallVectorImpl<Value> &res) {
    return importPool(n, res, PoolKind::Lp);
  };
  r["GlobalMaxPool"] = [](NodeContext &n, SmallVectorImpl<Value> &res) {
    return importGlobalPool(n, res, /*isMax=*/true);
  };
  r["GlobalAveragePool"] = [](NodeContext &n, SmallVectorImpl<Value> &res) {
    return importGlobalPool(n, res, /*isMax=*/false);
  };
  r["BatchNormalization"] = importBatchNorm;
  r["InstanceNormalization"] = importInstanceNorm;
  r["GroupNormalization"] = importGroupNorm;
  r["LpNormalization"] = importLpNorm;
}
