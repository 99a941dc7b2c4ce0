//===- Resize.cpp - importers of ONNX Resize and Upsample -----------------===//
//
// Resize is separable: each resized axis is interpolated on its own, in
// order. With static shapes every output position's source taps (indices
// and weights) along an axis are known at compile time, so an axis becomes
// n gathers with constant indices, each scaled by a constant weight vector
// and summed (one gather when every weight is 0 or 1, as in nearest mode,
// which then works for any element type). The coordinate transformations,
// the tap choice at the borders (edge clamping, exclude_outside), nearest
// rounding, cubic and antialiased kernels follow the ONNX specification.
//
//===----------------------------------------------------------------------===//

#include "frontends/onnx/NodeContext.h"

#include "mlir/IR/Matchers.h"

#include <cmath>

using namespace mlir;
using namespace mlir::fmc;
using namespace mlir::fmc::onnx;

namespace {

struct ResizeOptions {
  std::string mode = "nearest";
  std::string coordinates = "half_pixel";
  std::string nearestMode = "round_prefer_floor";
  double cubicA = -0.75;
  bool antialias = false;
  bool excludeOutside = false;
  double extrapolation = 0.0;
};

/// The kernel weights for a source position with fractional part `ratio`
/// (1 when the position is an integer) at `scale` (output / input).
std::vector<double> kernel(const ResizeOptions &o, double ratio, double scale) {
  if (o.mode == "nearest") {
    if (ratio == 1.0)
      return {0, 1};
    if (o.nearestMode == "round_prefer_floor")
      return {double(ratio <= 0.5), double(ratio > 0.5)};
    if (o.nearestMode == "round_prefer_ceil")
      return {double(ratio < 0.5), double(ratio >= 0.5)};
    if (o.nearestMode == "floor")
      return {1, 0};
    return {0, 1}; // ceil
  }
  std::vector<double> w;
  if (o.mode == "linear" && !o.antialias)
    return {1 - ratio, ratio};
  if (o.mode == "linear") {
    double s = std::min(scale, 1.0);
    int64_t start = int64_t(std::floor(-1 / s)) + 1;
    for (int64_t i = start; i < 2 - start; ++i)
      w.push_back(std::clamp(1 - std::abs((double(i) - ratio) * s), 0.0, 1.0));
  } else {
    double a = o.cubicA;
    auto cubic = [a](double x) {
      x = std::abs(x);
      if (x <= 1)
        return ((a + 2) * x - (a + 3)) * x * x + 1;
      if (x < 2)
        return ((a * x - 5 * a) * x + 8 * a) * x - 4 * a;
      return 0.0;
    };
    if (!o.antialias)
      return {cubic(ratio + 1), cubic(ratio), cubic(1 - ratio),
              cubic(2 - ratio)};
    double s = std::min(scale, 1.0);
    int64_t start = int64_t(std::floor(-2 / s)) + 1;
    for (int64_t i = start; i < 2 - start; ++i)
      w.push_back(cubic(s * (double(i) - ratio)));
  }
  double sum = 0;
  for (double v : w)
    sum += v;
  for (double &v : w)
    v /= sum;
  return w;
}

/// The source coordinate of output position `y` along an axis.
double sourceCoordinate(const ResizeOptions &o, double y, double scale,
                        int64_t in, int64_t out, double roiStart,
                        double roiEnd) {
  double outWidth = scale * double(in);
  const std::string &m = o.coordinates;
  if (m == "align_corners")
    return outWidth == 1 ? 0.0 : y * double(in - 1) / (outWidth - 1);
  if (m == "asymmetric")
    return y / scale;
  if (m == "tf_crop_and_resize") {
    double x = outWidth == 1
                   ? (roiEnd - roiStart) * double(in - 1) / 2
                   : y * (roiEnd - roiStart) * double(in - 1) / (outWidth - 1);
    return x + roiStart * double(in - 1);
  }
  if (m == "tf_half_pixel_for_nn") // opsets 11 and 12
    return (y + 0.5) / scale;
  if (m == "pytorch_half_pixel")
    return outWidth == 1 ? -0.5 : (y + 0.5) / scale - 0.5;
  if (m == "half_pixel_symmetric") {
    double adjustment = double(out) / outWidth;
    double center = double(in) / 2;
    return center * (1 - adjustment) + (y + 0.5) / scale - 0.5;
  }
  return (y + 0.5) / scale - 0.5; // half_pixel
}

/// Taps of one axis: for output position o and tap k, index[o * n + k] and
/// weight[o * n + k]; `outside[o]` marks positions that take the
/// extrapolation value.
struct AxisTaps {
  int64_t n = 0;
  std::vector<int64_t> index;
  std::vector<double> weight;
  std::vector<bool> outside;
};

AxisTaps axisTaps(const ResizeOptions &o, double scale, int64_t in, int64_t out,
                  double roiStart, double roiEnd) {
  AxisTaps t;
  t.outside.assign(out, false);
  for (int64_t y = 0; y < out; ++y) {
    double x = sourceCoordinate(o, double(y), scale, in, out, roiStart, roiEnd);
    if (o.coordinates == "tf_crop_and_resize")
      t.outside[y] = x < 0 || x > double(in - 1);
    double floorX = std::floor(x);
    double ratio = x == floorX ? 1.0 : x - floorX;
    std::vector<double> w = kernel(o, ratio, scale);
    int64_t n = w.size();
    t.n = n;
    // The n taps around x, as the ONNX reference picks them on the
    // edge-padded axis.
    int64_t pad = (n + 1) / 2;
    double padded = x + double(pad);
    int64_t p = int64_t(std::floor(padded));
    double frac = padded - double(p);
    int64_t offset = n % 2 == 0 ? (frac == 0 ? -(n / 2) : -(n / 2) + 1)
                                : -((n - 1) / 2) + (frac <= 0.5 ? 0 : 1);
    int64_t start = p + offset - pad;
    if (o.excludeOutside) {
      double sum = 0;
      for (int64_t k = 0; k < n; ++k) {
        if (start + k < 0 || start + k >= in)
          w[k] = 0;
        sum += w[k];
      }
      for (double &v : w)
        v /= sum == 0 ? 1.0 : sum;
    }
    for (int64_t k = 0; k < n; ++k) {
      t.index.push_back(std::clamp<int64_t>(start + k, 0, in - 1));
      t.weight.push_back(w[k]);
    }
  }
  return t;
}

/// A constant of `values` shaped to broadcast along `axis` of a rank-`rank`
/// tensor.
template <typename T>
Value alongAxis(NodeContext &n, ArrayRef<T> values, Type element, int64_t axis,
                int64_t rank) {
  SmallVector<int64_t> shape(rank, 1);
  shape[axis] = values.size();
  auto type = RankedTensorType::get(shape, element);
  DenseElementsAttr attr;
  if constexpr (std::is_same_v<T, double>) {
    SmallVector<APFloat> floats;
    for (double v : values) {
      APFloat f(v);
      bool lost;
      f.convert(cast<FloatType>(element).getFloatSemantics(),
                APFloat::rmNearestTiesToEven, &lost);
      floats.push_back(f);
    }
    attr = DenseElementsAttr::get(type, floats);
  } else {
    attr = DenseElementsAttr::get(type, values);
  }
  FailureOr<Value> c = n.constant(attr);
  return succeeded(c) ? *c : Value();
}

/// Interpolates `x` along `axis` to `out` positions.
Value resizeAxis(NodeContext &n, Value x, int64_t axis, int64_t out,
                 const AxisTaps &t) {
  auto type = tensorType(x);
  int64_t rank = type.getRank();
  Type element = type.getElementType();
  SmallVector<int64_t> shape(type.getShape());
  shape[axis] = out;
  auto resultType = RankedTensorType::get(shape, element);
  auto gather = [&](ArrayRef<int64_t> indices) {
    FailureOr<Value> idx = n.constant(DenseElementsAttr::get(
        RankedTensorType::get({int64_t(indices.size())}, n.b.getI64Type()),
        indices));
    if (failed(idx))
      return Value();
    return n.op<GatherOp>({x, *idx},
                          {n.namedAttr("axis", n.b.getI64IntegerAttr(axis))},
                          resultType);
  };
  // One tap of weight 1 per position (nearest, or aligned positions): a
  // gather, exact for every element type.
  bool selects =
      llvm::all_of(t.weight, [](double w) { return w == 0 || w == 1; });
  SmallVector<int64_t> chosen;
  for (int64_t o = 0; selects && o < out; ++o) {
    int64_t ones = 0;
    for (int64_t k = 0; k < t.n; ++k)
      if (t.weight[o * t.n + k] == 1) {
        ++ones;
        chosen.push_back(t.index[o * t.n + k]);
      }
    selects = ones == 1;
  }
  Value y;
  if (selects) {
    y = gather(chosen);
  } else {
    if (!isa<FloatType>(element)) {
      n.error() << "interpolating (mode '" << n.stringAttr("mode", "nearest")
                << "') tensors of " << element << " is not supported";
      return {};
    }
    for (int64_t k = 0; k < t.n; ++k) {
      SmallVector<int64_t> indices;
      SmallVector<double> weights;
      for (int64_t o = 0; o < out; ++o) {
        indices.push_back(t.index[o * t.n + k]);
        weights.push_back(t.weight[o * t.n + k]);
      }
      Value term =
          n.op<MulOp>({gather(indices),
                       alongAxis<double>(n, weights, element, axis, rank)});
      y = y ? n.op<AddOp>({y, term}) : term;
    }
  }
  if (llvm::is_contained(t.outside, true)) {
    SmallVector<bool> bits(t.outside.begin(), t.outside.end());
    SmallVector<int64_t> maskShape(rank, 1);
    maskShape[axis] = out;
    FailureOr<Value> cond = n.constant(DenseElementsAttr::get(
        RankedTensorType::get(maskShape, n.b.getI1Type()), bits));
    if (failed(cond))
      return {};
    auto fill = isa<FloatType>(element)
                    ? n.scalar(x, n.floatAttr("extrapolation_value", 0.0))
                    : n.scalar(x, 0.0);
    y = n.op<WhereOp>({*cond, fill, y});
  }
  return y;
}

/// A float operand (roi, scales) as doubles; `present` is false when the
/// input is absent or empty.
FailureOr<SmallVector<double>> floatsOf(NodeContext &n, Value v,
                                        StringRef what) {
  SmallVector<double> values;
  if (!v || tensorType(v).getNumElements() == 0)
    return values;
  DenseFPElementsAttr attr;
  if (!matchPattern(v, m_Constant(&attr))) {
    n.notConstant(v, what);
    return failure();
  }
  for (const APFloat &f : attr.getValues<APFloat>())
    values.push_back(f.convertToDouble());
  return values;
}

/// Resize (opsets 10 to 19) and Upsample: `scales`, or `sizes`, per axis.
LogicalResult importResizeWith(NodeContext &n, Value x, Value roiValue,
                               Value scalesValue, Value sizesValue,
                               const ResizeOptions &o,
                               SmallVectorImpl<Value> &results) {
  auto type = tensorType(x);
  int64_t rank = type.getRank();
  FailureOr<SmallVector<double>> roi = floatsOf(n, roiValue, "roi");
  FailureOr<SmallVector<double>> scales = floatsOf(n, scalesValue, "scales");
  if (failed(roi) || failed(scales))
    return failure();
  SmallVector<int64_t> sizes;
  if (sizesValue && tensorType(sizesValue).getNumElements() != 0) {
    FailureOr<SmallVector<int64_t>> s = n.constantInts(sizesValue, "sizes");
    if (failed(s))
      return failure();
    sizes = *s;
  }
  if (scales->empty() == sizes.empty()) {
    n.error() << "exactly one of 'scales' and 'sizes' must be given";
    return failure();
  }
  SmallVector<int64_t> axes =
      n.intsAttr("axes").value_or(SmallVector<int64_t>{});
  if (axes.empty())
    axes = llvm::to_vector(llvm::seq<int64_t>(rank));
  for (int64_t &a : axes) {
    FailureOr<int64_t> axis = n.axis(a, rank);
    if (failed(axis))
      return failure();
    a = *axis;
  }
  size_t count = scales->empty() ? sizes.size() : scales->size();
  if (count != axes.size() || (!roi->empty() && roi->size() != 2 * count)) {
    n.error() << "scales/sizes/roi do not match the " << axes.size()
              << " resized axes of " << type;
    return failure();
  }
  SmallVector<double> scale(rank, 1.0), roiStart(rank, 0.0), roiEnd(rank, 1.0);
  SmallVector<int64_t> out(type.getShape());
  for (auto [i, a] : llvm::enumerate(axes)) {
    if (!roi->empty()) {
      roiStart[a] = (*roi)[i];
      roiEnd[a] = (*roi)[count + i];
    }
    if (!scales->empty()) {
      scale[a] = (*scales)[i];
      if (!(scale[a] > 0)) {
        n.error() << "scale " << scale[a] << " is not positive";
        return failure();
      }
      out[a] = int64_t(scale[a] * double(type.getDimSize(a)));
    } else {
      out[a] = sizes[i];
      scale[a] = double(sizes[i]) / double(type.getDimSize(a));
    }
  }
  std::string policy = n.stringAttr("keep_aspect_ratio_policy", "stretch");
  if (!sizes.empty() && policy != "stretch") {
    if (policy != "not_larger" && policy != "not_smaller") {
      n.error() << "keep_aspect_ratio_policy '" << policy << "' is invalid";
      return failure();
    }
    double s = scale[axes[0]];
    for (int64_t a : axes)
      s = policy == "not_larger" ? std::min(s, scale[a])
                                 : std::max(s, scale[a]);
    for (int64_t a : axes) {
      scale[a] = s;
      out[a] = int64_t(s * double(type.getDimSize(a)) + 0.5);
    }
  }
  Value y = x;
  for (int64_t a = 0; a < rank && y; ++a) {
    int64_t in = type.getDimSize(a);
    bool identity = std::abs(scale[a] - 1.0) <= 1e-9 && out[a] == in &&
                    std::abs(roiStart[a]) <= 1e-9 &&
                    std::abs(roiEnd[a] - 1.0) <= 1e-9;
    if (identity)
      continue;
    if (out[a] <= 0 || in == 0) {
      n.error() << "resizing dim " << a << " from " << in << " to " << out[a]
                << " elements is not supported";
      return failure();
    }
    y = resizeAxis(n, y, a, out[a],
                   axisTaps(o, scale[a], in, out[a], roiStart[a], roiEnd[a]));
  }
  return n.done(results, {y});
}

ResizeOptions readOptions(NodeContext &n) {
  ResizeOptions o;
  o.mode = n.stringAttr("mode", "nearest");
  o.coordinates = n.stringAttr("coordinate_transformation_mode", "half_pixel");
  o.nearestMode = n.stringAttr("nearest_mode", "round_prefer_floor");
  o.cubicA = n.floatAttr("cubic_coeff_a", -0.75);
  o.antialias = n.intAttr("antialias", 0) != 0;
  o.excludeOutside = n.intAttr("exclude_outside", 0) != 0;
  o.extrapolation = n.floatAttr("extrapolation_value", 0.0);
  return o;
}

LogicalResult validate(NodeContext &n, const ResizeOptions &o) {
  static const char *const modes[] = {"nearest", "linear", "cubic"};
  static const char *const coordinates[] = {
      "half_pixel",    "half_pixel_symmetric", "pytorch_half_pixel",
      "align_corners", "asymmetric",           "tf_crop_and_resize"};
  static const char *const nearest[] = {"round_prefer_floor",
                                        "round_prefer_ceil", "floor", "ceil"};
  if (!llvm::is_contained(modes, o.mode)) {
    n.error() << "mode '" << o.mode << "' is invalid";
    return failure();
  }
  if (!llvm::is_contained(coordinates, o.coordinates) &&
      !(o.coordinates == "tf_half_pixel_for_nn" && n.opset < 13)) {
    n.error() << "coordinate_transformation_mode '" << o.coordinates
              << "' is invalid";
    return failure();
  }
  if (!llvm::is_contained(nearest, o.nearestMode)) {
    n.error() << "nearest_mode '" << o.nearestMode << "' is invalid";
    return failure();
  }
  if (o.antialias && o.mode == "nearest") {
    n.error() << "antialias is not defined for mode 'nearest'";
    return failure();
  }
  return success();
}

LogicalResult importResize(NodeContext &n, SmallVectorImpl<Value> &results) {
  FailureOr<Value> x = n.required(0, "X");
  if (failed(x))
    return failure();
  ResizeOptions o = readOptions(n);
  if (n.opset < 11) {
    // Resize-10: (X, scales), asymmetric coordinates, nearest rounds down.
    o.coordinates = "asymmetric";
    o.nearestMode = "floor";
    if (failed(validate(n, o)))
      return failure();
    return importResizeWith(n, *x, {}, n.input(1), {}, o, results);
  }
  if (failed(validate(n, o)))
    return failure();
  return importResizeWith(n, *x, n.input(1), n.input(2), n.input(3), o,
                          results);
}

/// Upsample (deprecated since opset 10): Resize-10 with a `scales` input
/// (an attribute before opset 9).
LogicalResult importUpsample(NodeContext &n, SmallVectorImpl<Value> &results) {
  FailureOr<Value> x = n.required(0, "X");
  if (failed(x))
    return failure();
  ResizeOptions o = readOptions(n);
  o.coordinates = "asymmetric";
  o.nearestMode = "floor";
  if (failed(validate(n, o)))
    return failure();
  Value scales = n.input(1);
  if (!scales) {
    n.error() << "Upsample before opset 9 (scales as an attribute) is not "
                 "supported";
    return failure();
  }
  return importResizeWith(n, *x, {}, scales, {}, o, results);
}

} // namespace

void mlir::fmc::onnx::registerResizeOps(OpImportRegistry &r) {
  r["Resize"] = importResize;
  r["Upsample"] = importUpsample;
}
