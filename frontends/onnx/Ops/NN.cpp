//===- NN.cpp - importers of ONNX neural-network ops ----------------------===//
//
// Softmax and normalizations.
//
//===----------------------------------------------------------------------===//

#include "frontends/onnx/NodeContext.h"
#include "frontends/onnx/TensorImporter.h"

#include <array>
#include <cmath>

using namespace mlir;
using namespace mlir::fmc;
using namespace mlir::fmc::onnx;

namespace {

/// Softmax, LogSoftmax and Hardmax: from opset 13 `build` applies along one
/// axis (default -1); earlier opsets flatten x to 2-D at `axis` (default 1),
/// apply it along the rows and restore the shape.
LogicalResult importAlongAxis(NodeContext &n, SmallVectorImpl<Value> &results,
                              function_ref<Value(Value, int64_t)> build) {
  FailureOr<Value> x = n.required(0, "input");
  if (failed(x))
    return failure();
  auto type = tensorType(*x);
  if (!isa<FloatType>(type.getElementType())) {
    n.error() << "expects a floating-point input, got " << type;
    return failure();
  }
  int64_t rank = type.getRank();
  FailureOr<int64_t> axis =
      n.axis(n.intAttr("axis", n.opset >= 13 ? -1 : 1), rank);
  if (failed(axis))
    return failure();
  if (n.opset >= 13)
    return n.done(results, {build(*x, *axis)});
  if (!type.hasStaticShape()) {
    n.error() << "opset < 13 needs a static input shape";
    return failure();
  }
  int64_t rows = 1, cols = 1;
  for (int64_t d = 0; d < rank; ++d)
    (d < *axis ? rows : cols) *= type.getDimSize(d);
  Value y = build(n.reshapeTo(*x, {rows, cols}), 1);
  return n.done(results, {n.reshapeTo(y, type.getShape())});
}

LogicalResult importNormalization(NodeContext &n,
                                  SmallVectorImpl<Value> &results, bool rms);

/// LayerNormalization (one output) as fmc.layer_norm and RMSNormalization as
/// fmc.rms_norm; statistics in f32 (fmc-widen-half-floats), so a stash_type
/// other than float takes the decomposed path.
LogicalResult importNorm(NodeContext &n, SmallVectorImpl<Value> &results,
                         bool rms) {
  if (n.hasOutput(1) || n.hasOutput(2) || n.intAttr("stash_type", 1) != 1)
    return importNormalization(n, results, rms);
  FailureOr<Value> x = n.required(0, "X"), scale = n.required(1, "Scale");
  if (failed(x) || failed(scale))
    return failure();
  int64_t rank = cast<RankedTensorType>(x->getType()).getRank();
  FailureOr<int64_t> axis = n.axis(n.intAttr("axis", -1), rank);
  if (failed(axis))
    return failure();
  SmallVector<Value> operands = {*x, *scale};
  if (Value bias = n.input(2))
    operands.push_back(bias);
  SmallVector<NamedAttribute> attrs = {
      n.namedAttr("axis", n.b.getI64IntegerAttr(*axis)),
      n.namedAttr("epsilon",
                  n.b.getF32FloatAttr(n.floatAttr("epsilon", 1e-5f)))};
  FailureOr<Value> y = rms ? n.create<RMSNormOp>(operands, attrs)
                           : n.create<LayerNormOp>(operands, attrs);
  if (failed(y))
    return failure();
  results.push_back(*y);
  return success();
}

/// x - max - log(sum(exp(x - max))) along `axis`.
Value logSoftmax(NodeContext &n, Value x, int64_t axis) {
  SmallVector<NamedAttribute> reduce = {
      n.namedAttr("axes", n.b.getDenseI64ArrayAttr({axis})),
      n.namedAttr("keepdims", n.b.getBoolAttr(true))};
  Value shifted = n.op<SubOp>({x, n.op<ReduceMaxOp>({x}, reduce)});
  Value logSum =
      n.op<LogOp>({n.op<ReduceSumOp>({n.op<ExpOp>({shifted})}, reduce)});
  return n.op<SubOp>({shifted, logSum});
}

/// Mean and variance normalization over dims [axis, rank), in the stash type
/// (f32 for half-precision inputs): returns {y, mean, 1 / sqrt(var + eps)},
/// mean and inverse stddev with the normalized dims kept as 1. With `rms`,
/// the mean is not subtracted and y = x / sqrt(mean(x^2) + eps).
std::array<Value, 3> normalize(NodeContext &n, Value x, int64_t axis,
                               float epsilon, bool rms) {
  auto type = cast<RankedTensorType>(x.getType());
  SmallVector<int64_t> axes;
  for (int64_t d = axis; d < type.getRank(); ++d)
    axes.push_back(d);
  SmallVector<NamedAttribute> reduce = {
      n.namedAttr("axes", n.b.getDenseI64ArrayAttr(axes)),
      n.namedAttr("keepdims", n.b.getBoolAttr(true))};
  Value mean, centered = x;
  if (!rms) {
    mean = n.op<ReduceMeanOp>({x}, reduce);
    centered = n.op<SubOp>({x, mean});
  }
  Value var = n.op<ReduceMeanOp>({n.op<MulOp>({centered, centered})}, reduce);
  Value invStd = n.op<ReciprocalOp>(
      {n.op<SqrtOp>({n.op<AddOp>({var, n.scalar(var, epsilon)})})});
  return {n.op<MulOp>({centered, invStd}), mean, invStd};
}

/// LayerNormalization with its Mean / InvStdDev outputs, or with a
/// stash_type other than float: decomposed.
LogicalResult importNormalization(NodeContext &n,
                                  SmallVectorImpl<Value> &results, bool rms) {
  FailureOr<Value> x = n.required(0, "X"), scale = n.required(1, "Scale");
  if (failed(x) || failed(scale))
    return failure();
  auto type = cast<RankedTensorType>(x->getType());
  auto element = dyn_cast<FloatType>(type.getElementType());
  if (!element) {
    n.error() << "expects a floating-point input, got " << type;
    return failure();
  }
  FailureOr<int64_t> axis = n.axis(n.intAttr("axis", -1), type.getRank());
  if (failed(axis))
    return failure();
  // Statistics are computed in stash_type (f32 by default).
  FailureOr<Type> compute =
      importElementType(n.b.getContext(), n.intAttr("stash_type", 1), n.loc);
  if (failed(compute))
    return failure();
  if (!isa<FloatType>(*compute)) {
    n.error() << "stash_type must be a floating-point type";
    return failure();
  }
  auto [y, mean, invStd] = normalize(n, n.castTo(*x, *compute), *axis,
                                     n.floatAttr("epsilon", 1e-5f), rms);
  Value out = n.castTo(y, element);
  out = n.op<MulOp>({out, *scale});
  if (Value bias = rms ? Value() : n.input(2))
    out = n.op<AddOp>({out, bias});
  if (out && out.getType() != type) {
    n.error() << "Scale/B do not broadcast to " << type;
    return failure();
  }
  if (rms)
    return n.done(results, {out});
  return n.done(results, {out, mean, invStd});
}

/// NegativeLogLikelihoodLoss: loss[n, d...] = -input[n, target[n, d...],
/// d...] * weight[target], 0 where target == ignore_index; reduced by
/// none, sum, or mean (sum over the sum of the weights used).
Value nllLoss(NodeContext &n, Value input, Value target, Value weight) {
  auto inputType = cast<RankedTensorType>(input.getType());
  auto targetType = cast<RankedTensorType>(target.getType());
  if (inputType.getRank() < 2 ||
      targetType.getRank() != inputType.getRank() - 1) {
    n.error() << "input must be [N, C, d...] and target [N, d...], got "
              << inputType << " and " << targetType;
    return {};
  }
  std::string reduction = n.stringAttr("reduction", "mean");
  if (reduction != "none" && reduction != "sum" && reduction != "mean") {
    n.error() << "reduction '" << reduction << "' is not supported";
    return {};
  }
  Value valid, safe = target;
  if (n.attr("ignore_index")) {
    Value ignore = n.scalar(target, n.intAttr("ignore_index", 0));
    valid = n.op<NotOp>({n.op<EqualOp>({target, ignore})});
    safe = n.op<WhereOp>({valid, target, n.scalar(target, 0)});
  }
  SmallVector<int64_t> column(targetType.getShape());
  column.insert(column.begin() + 1, 1);
  Value picked =
      n.op<GatherElementsOp>({input, n.reshapeTo(safe, column)},
                             {n.namedAttr("axis", n.b.getI64IntegerAttr(1))});
  Value loss = n.op<NegOp>({n.reshapeTo(picked, targetType.getShape())});
  Value w;
  if (weight)
    w = n.op<GatherOp>({weight, safe},
                       {n.namedAttr("axis", n.b.getI64IntegerAttr(0))});
  if (valid) {
    Value mask = n.castTo(valid, inputType.getElementType());
    w = w ? n.op<MulOp>({w, mask}) : mask;
  }
  if (w)
    loss = n.op<MulOp>({loss, w});
  if (reduction == "none")
    return loss;
  SmallVector<int64_t> all;
  for (int64_t d = 0; d < targetType.getRank(); ++d)
    all.push_back(d);
  SmallVector<NamedAttribute> reduce = {
      n.namedAttr("axes", n.b.getDenseI64ArrayAttr(all)),
      n.namedAttr("keepdims", n.b.getBoolAttr(false))};
  Value sum = n.op<ReduceSumOp>({loss}, reduce);
  if (reduction == "sum")
    return sum;
  if (!w)
    return n.op<ReduceMeanOp>({loss}, reduce);
  return n.op<DivOp>({sum, n.op<ReduceSumOp>({w}, reduce)});
}

LogicalResult importNLLLoss(NodeContext &n, SmallVectorImpl<Value> &results) {
  FailureOr<Value> input = n.required(0, "input"),
                   target = n.required(1, "target");
  if (failed(input) || failed(target))
    return failure();
  return n.done(results, {nllLoss(n, *input, *target, n.input(2))});
}

/// SoftmaxCrossEntropyLoss: NLL of the log-softmax along dim 1; the
/// log-probabilities are the optional second output.
LogicalResult importSoftmaxCrossEntropy(NodeContext &n,
                                        SmallVectorImpl<Value> &results) {
  FailureOr<Value> scores = n.required(0, "scores"),
                   labels = n.required(1, "labels");
  if (failed(scores) || failed(labels))
    return failure();
  if (cast<RankedTensorType>(scores->getType()).getRank() < 2) {
    n.error() << "scores must be [N, C, d...]";
    return failure();
  }
  Value logProb = logSoftmax(n, *scores, 1);
  Value loss = logProb ? nllLoss(n, logProb, *labels, n.input(2)) : Value();
  return n.done(results, {loss, logProb});
}

/// Activations are decomposed into elementwise fmc ops; fusion puts each
/// back into one loop.
using Activation = std::function<Value(NodeContext &, Value)>;

LogicalResult importActivation(NodeContext &n, SmallVectorImpl<Value> &results,
                               const Activation &build) {
  FailureOr<Value> x = n.required(0, "X");
  if (failed(x))
    return failure();
  auto type = cast<RankedTensorType>(x->getType());
  auto element = dyn_cast<FloatType>(type.getElementType());
  if (!element) {
    n.error() << "expects a floating-point input, got " << type;
    return failure();
  }
  // Half-precision inputs are computed in f32 and rounded once at the end.
  if (element.getWidth() < 32) {
    auto wide = type.clone(n.b.getF32Type());
    Value y = build(n, n.op<CastOp>({*x}, {}, wide));
    return n.done(results, {n.op<CastOp>({y}, {}, type)});
  }
  return n.done(results, {build(n, *x)});
}

Value select(NodeContext &n, Value condition, Value t, Value f) {
  return n.op<WhereOp>({condition, t, f});
}

Value softplus(NodeContext &n, Value x) {
  // max(x, 0) + log(1 + exp(-|x|)) does not overflow for large |x|.
  Value tail = n.op<LogOp>({n.op<AddOp>(
      {n.scalar(x, 1.0), n.op<ExpOp>({n.op<NegOp>({n.op<AbsOp>({x})})})})});
  return n.op<AddOp>({n.op<ReluOp>({x}), tail});
}

void registerActivations(OpImportRegistry &r) {
  auto add = [&](StringRef name, Activation build) {
    r[name] = [build](NodeContext &n, SmallVectorImpl<Value> &results) {
      return importActivation(n, results, build);
    };
  };
  add("Elu", [](NodeContext &n, Value x) {
    Value alpha = n.scalar(x, n.floatAttr("alpha", 1.0f));
    Value neg =
        n.op<MulOp>({alpha, n.op<SubOp>({n.op<ExpOp>({x}), n.scalar(x, 1.0)})});
    return select(n, n.op<LessOp>({x, n.scalar(x, 0.0)}), neg, x);
  });
  add("Celu", [](NodeContext &n, Value x) {
    Value alpha = n.scalar(x, n.floatAttr("alpha", 1.0f));
    Value neg =
        n.op<MulOp>({alpha, n.op<SubOp>({n.op<ExpOp>({n.op<DivOp>({x, alpha})}),
                                         n.scalar(x, 1.0)})});
    return n.op<AddOp>({n.op<MaxOp>({x, n.scalar(x, 0.0)}),
                        n.op<MinOp>({neg, n.scalar(x, 0.0)})});
  });
  add("Selu", [](NodeContext &n, Value x) {
    Value alpha = n.scalar(x, n.floatAttr("alpha", 1.67326319217681884765625f));
    Value gamma = n.scalar(x, n.floatAttr("gamma", 1.05070102214813232421875f));
    Value neg = n.op<SubOp>({n.op<MulOp>({alpha, n.op<ExpOp>({x})}), alpha});
    Value y = select(n, n.op<GreaterOp>({x, n.scalar(x, 0.0)}), x, neg);
    return n.op<MulOp>({gamma, y});
  });
  add("LeakyRelu", [](NodeContext &n, Value x) {
    Value alpha = n.scalar(x, n.floatAttr("alpha", 0.01f));
    return select(n, n.op<LessOp>({x, n.scalar(x, 0.0)}),
                  n.op<MulOp>({x, alpha}), x);
  });
  add("ThresholdedRelu", [](NodeContext &n, Value x) {
    Value alpha = n.scalar(x, n.floatAttr("alpha", 1.0f));
    return select(n, n.op<GreaterOp>({x, alpha}), x, n.scalar(x, 0.0));
  });
  auto hardSigmoid = [](NodeContext &n, Value x, float alpha, float beta) {
    Value y =
        n.op<AddOp>({n.op<MulOp>({x, n.scalar(x, alpha)}), n.scalar(x, beta)});
    return n.op<MaxOp>({n.op<MinOp>({y, n.scalar(x, 1.0)}), n.scalar(x, 0.0)});
  };
  add("HardSigmoid", [hardSigmoid](NodeContext &n, Value x) {
    return hardSigmoid(n, x, n.floatAttr("alpha", 0.2f),
                       n.floatAttr("beta", 0.5f));
  });
  add("HardSwish", [hardSigmoid](NodeContext &n, Value x) {
    return n.op<MulOp>({x, hardSigmoid(n, x, 1.0f / 6.0f, 0.5f)});
  });
  add("Softplus", softplus);
  add("Softsign", [](NodeContext &n, Value x) {
    return n.op<DivOp>({x, n.op<AddOp>({n.scalar(x, 1.0), n.op<AbsOp>({x})})});
  });
  add("Mish", [](NodeContext &n, Value x) {
    return n.op<MulOp>({x, n.op<TanhOp>({softplus(n, x)})});
  });
  add("Swish", [](NodeContext &n, Value x) {
    Value alpha = n.scalar(x, n.floatAttr("alpha", 1.0f));
    return n.op<MulOp>({x, n.op<SigmoidOp>({n.op<MulOp>({x, alpha})})});
  });
  add("Gelu", [](NodeContext &n, Value x) -> Value {
    std::string approximate = n.stringAttr("approximate", "none");
    if (approximate != "none" && approximate != "tanh") {
      n.error() << "approximate must be 'none' or 'tanh', got '" << approximate
                << "'";
      return {};
    }
    return n.op<GeluOp>(
        {x}, {n.namedAttr("approximate", n.b.getStringAttr(approximate))});
  });
}

/// Clip: bounds are optional inputs since opset 11, attributes before.
LogicalResult importClip(NodeContext &n, SmallVectorImpl<Value> &results) {
  FailureOr<Value> x = n.required(0, "input");
  if (failed(x))
    return failure();
  Value y = *x;
  if (n.opset >= 11) {
    if (Value lo = n.input(1))
      y = n.op<MaxOp>({y, lo});
    if (Value hi = n.input(2))
      y = n.op<MinOp>({y, hi});
  } else {
    if (n.attr("min"))
      y = n.op<MaxOp>({y, n.scalar(y, n.floatAttr("min", 0.0f))});
    if (n.attr("max"))
      y = n.op<MinOp>({y, n.scalar(y, n.floatAttr("max", 0.0f))});
  }
  return n.done(results, {y});
}

/// PRelu: slope broadcasts to X.
LogicalResult importPRelu(NodeContext &n, SmallVectorImpl<Value> &results) {
  FailureOr<Value> x = n.required(0, "X"), slope = n.required(1, "slope");
  if (failed(x) || failed(slope))
    return failure();
  Value y = select(n, n.op<LessOp>({*x, n.scalar(*x, 0.0)}),
                   n.op<MulOp>({*x, *slope}), *x);
  if (y && y.getType() != x->getType()) {
    n.error() << "slope " << slope->getType() << " does not broadcast to "
              << x->getType();
    return failure();
  }
  return n.done(results, {y});
}

/// Shrink: x + bias below -lambd, x - bias above lambd, 0 in between.
LogicalResult importShrink(NodeContext &n, SmallVectorImpl<Value> &results) {
  FailureOr<Value> x = n.required(0, "input");
  if (failed(x))
    return failure();
  Value bias = n.scalar(*x, n.floatAttr("bias", 0.0f));
  Value lambd = n.scalar(*x, n.floatAttr("lambd", 0.5f));
  Value negLambd = n.scalar(*x, -n.floatAttr("lambd", 0.5f));
  Value above = select(n, n.op<GreaterOp>({*x, lambd}), n.op<SubOp>({*x, bias}),
                       n.scalar(*x, 0.0));
  return n.done(results, {select(n, n.op<LessOp>({*x, negLambd}),
                                 n.op<AddOp>({*x, bias}), above)});
}

/// Hardmax: 1 at the (first) maximum along the axis, 0 elsewhere.
Value hardmax(NodeContext &n, Value x, int64_t axis) {
  if (!x)
    return {};
  auto type = tensorType(x);
  Value best = n.op<ArgMaxOp>(
      {x}, {n.namedAttr("axis", n.b.getI64IntegerAttr(axis)),
            n.namedAttr("keepdims", n.b.getBoolAttr(true)),
            n.namedAttr("select_last_index", n.b.getBoolAttr(false))});
  SmallVector<int64_t> iotaShape(type.getRank(), 1), iota;
  iotaShape[axis] = type.getDimSize(axis);
  for (int64_t i = 0; i < iotaShape[axis]; ++i)
    iota.push_back(i);
  FailureOr<Value> iotaValue = n.constant(DenseElementsAttr::get(
      RankedTensorType::get(iotaShape, n.b.getI64Type()), ArrayRef(iota)));
  if (failed(iotaValue))
    return {};
  return n.op<CastOp>({n.op<EqualOp>({best, *iotaValue})}, {}, type);
}

} // namespace

/// SwiGLU(A, B) = Swish_alpha(A) * B with A and B of one shape.
LogicalResult importSwiGLU(NodeContext &n, SmallVectorImpl<Value> &results) {
  FailureOr<Value> a = n.required(0, "A"), b = n.required(1, "B");
  if (failed(a) || failed(b))
    return failure();
  if (a->getType() != b->getType()) {
    n.error() << "A and B must have one type, got " << a->getType() << " and "
              << b->getType();
    return failure();
  }
  Value alpha = n.scalar(*a, n.floatAttr("alpha", 1.0f));
  Value swish = n.op<MulOp>({*a, n.op<SigmoidOp>({n.op<MulOp>({*a, alpha})})});
  return n.done(results, {n.op<MulOp>({swish, *b})});
}

void mlir::fmc::onnx::registerNNOps(OpImportRegistry &r) {
  r["SwiGLU"] = importSwiGLU;
  r["Softmax"] = [](NodeContext &n, SmallVectorImpl<Value> &res) {
    return importAlongAxis(n, res, [&](Value x, int64_t axis) {
      return n.op<SoftmaxOp>(
          {x}, {n.namedAttr("axis", n.b.getI64IntegerAttr(axis))});
    });
  };
  // LogSoftmax, stably: x - max - log(sum(exp(x - max))).
  r["LogSoftmax"] = [](NodeContext &n, SmallVectorImpl<Value> &res) {
    return importAlongAxis(n, res, [&](Value x, int64_t axis) {
      return x ? logSoftmax(n, x, axis) : Value();
    });
  };
  r["Hardmax"] = [](NodeContext &n, SmallVectorImpl<Value> &res) {
    return importAlongAxis(
        n, res, [&](Value x, int64_t axis) { return hardmax(n, x, axis); });
  };
  registerActivations(r);
  r["Clip"] = importClip;
  r["PRelu"] = importPRelu;
  r["Shrink"] = importShrink;
  r["LayerNormalization"] = [](NodeContext &n, SmallVectorImpl<Value> &res) {
    return importNorm(n, res, /*rms=*/false);
  };
  r["RMSNormalization"] = [](NodeContext &n, SmallVectorImpl<Value> &res) {
    return importNorm(n, res, /*rms=*/true);
  };
  r["NegativeLogLikelihoodLoss"] = importNLLLoss;
  r["SoftmaxCrossEntropyLoss"] = importSoftmaxCrossEntropy;
}
