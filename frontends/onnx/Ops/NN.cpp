//===- NN.cpp - importers of ONNX neural-network ops ----------------------===//
//
// Softmax and normalizations.
//
//===----------------------------------------------------------------------===//

#include "frontends/onnx/NodeContext.h"

#include <cmath>

using namespace mlir;
using namespace mlir::fmc;
using namespace mlir::fmc::onnx;

namespace {

/// Opset 13 normalizes along one axis (default -1). Earlier opsets flatten
/// to 2-D at `axis` (default 1) and normalize each row.
LogicalResult importSoftmax(NodeContext &n, SmallVectorImpl<Value> &results) {
  FailureOr<Value> x = n.required(0, "input");
  if (failed(x))
    return failure();
  auto type = cast<RankedTensorType>(x->getType());
  int64_t rank = type.getRank();
  FailureOr<int64_t> axis =
      n.axis(n.intAttr("axis", n.opset >= 13 ? -1 : 1), rank);
  if (failed(axis))
    return failure();
  if (n.opset >= 13) {
    FailureOr<Value> y = n.create<SoftmaxOp>(
        {*x}, {n.namedAttr("axis", n.b.getI64IntegerAttr(*axis))});
    if (failed(y))
      return failure();
    results.push_back(*y);
    return success();
  }
  if (!type.hasStaticShape()) {
    n.error() << "opset < 13 needs a static input shape";
    return failure();
  }
  int64_t rows = 1, cols = 1;
  for (int64_t d = 0; d < rank; ++d)
    (d < *axis ? rows : cols) *= type.getDimSize(d);
  FailureOr<Value> flat = n.reshape(*x, {rows, cols});
  if (failed(flat))
    return failure();
  FailureOr<Value> y = n.create<SoftmaxOp>(
      {*flat}, {n.namedAttr("axis", n.b.getI64IntegerAttr(1))});
  if (failed(y) || failed(y = n.reshape(*y, type.getShape())))
    return failure();
  results.push_back(*y);
  return success();
}

LogicalResult importLayerNorm(NodeContext &n, SmallVectorImpl<Value> &results) {
  FailureOr<Value> x = n.required(0, "X"), scale = n.required(1, "Scale");
  if (failed(x) || failed(scale))
    return failure();
  if (n.hasOutput(1) || n.hasOutput(2)) {
    n.error() << "the Mean and InvStdDev outputs (training) are not supported";
    return failure();
  }
  int64_t rank = cast<RankedTensorType>(x->getType()).getRank();
  FailureOr<int64_t> axis = n.axis(n.intAttr("axis", -1), rank);
  if (failed(axis))
    return failure();
  SmallVector<Value> operands = {*x, *scale};
  if (Value bias = n.input(2))
    operands.push_back(bias);
  FailureOr<Value> y = n.create<LayerNormOp>(
      operands, {n.namedAttr("axis", n.b.getI64IntegerAttr(*axis)),
                 n.namedAttr("epsilon", n.b.getF32FloatAttr(
                                            n.floatAttr("epsilon", 1e-5f)))});
  if (failed(y))
    return failure();
  results.push_back(*y);
  return success();
}

/// LogSoftmax, stably: x - max - log(sum(exp(x - max))) along one axis
/// (opset < 13: of the rows of x flattened to 2-D at `axis`).
LogicalResult importLogSoftmax(NodeContext &n,
                               SmallVectorImpl<Value> &results) {
  FailureOr<Value> x = n.required(0, "input");
  if (failed(x))
    return failure();
  auto type = cast<RankedTensorType>(x->getType());
  if (!isa<FloatType>(type.getElementType())) {
    n.error() << "expects a floating-point input, got " << type;
    return failure();
  }
  int64_t rank = type.getRank();
  FailureOr<int64_t> axis =
      n.axis(n.intAttr("axis", n.opset >= 13 ? -1 : 1), rank);
  if (failed(axis))
    return failure();
  Value input = *x;
  SmallVector<int64_t> axes = {*axis};
  if (n.opset < 13) {
    if (!type.hasStaticShape()) {
      n.error() << "opset < 13 needs a static input shape";
      return failure();
    }
    int64_t rows = 1, cols = 1;
    for (int64_t d = 0; d < rank; ++d)
      (d < *axis ? rows : cols) *= type.getDimSize(d);
    FailureOr<Value> flat = n.reshape(input, {rows, cols});
    if (failed(flat))
      return failure();
    input = *flat;
    axes = {1};
  }
  SmallVector<NamedAttribute> reduce = {
      n.namedAttr("axes", n.b.getDenseI64ArrayAttr(axes)),
      n.namedAttr("keepdims", n.b.getBoolAttr(true))};
  Value shifted = n.op<SubOp>({input, n.op<ReduceMaxOp>({input}, reduce)});
  Value logSum =
      n.op<LogOp>({n.op<ReduceSumOp>({n.op<ExpOp>({shifted})}, reduce)});
  Value y = n.op<SubOp>({shifted, logSum});
  if (y && n.opset < 13) {
    FailureOr<Value> back = n.reshape(y, type.getShape());
    y = succeeded(back) ? *back : Value();
  }
  return n.done(results, {y});
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
    Value half = n.scalar(x, 0.5), one = n.scalar(x, 1.0);
    Value inner;
    if (approximate == "none") {
      inner = n.op<ErfOp>({n.op<MulOp>({x, n.scalar(x, M_SQRT1_2)})});
    } else if (approximate == "tanh") {
      Value cube = n.op<MulOp>({x, n.op<MulOp>({x, x})});
      Value poly = n.op<AddOp>({x, n.op<MulOp>({cube, n.scalar(x, 0.044715)})});
      inner = n.op<TanhOp>(
          {n.op<MulOp>({poly, n.scalar(x, std::sqrt(2.0 / M_PI))})});
    } else {
      n.error() << "approximate must be 'none' or 'tanh', got '" << approximate
                << "'";
      return {};
    }
    return n.op<MulOp>({n.op<MulOp>({half, x}), n.op<AddOp>({one, inner})});
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

/// Hardmax: 1 at the (first) maximum along the axis, 0 elsewhere; before
/// opset 13 over the rows of x flattened to 2-D at `axis`.
LogicalResult importHardmax(NodeContext &n, SmallVectorImpl<Value> &results) {
  FailureOr<Value> x = n.required(0, "input");
  if (failed(x))
    return failure();
  auto type = cast<RankedTensorType>(x->getType());
  int64_t rank = type.getRank();
  FailureOr<int64_t> axis =
      n.axis(n.intAttr("axis", n.opset >= 13 ? -1 : 1), rank);
  if (failed(axis))
    return failure();
  Value input = *x;
  int64_t along = *axis;
  if (n.opset < 13) {
    int64_t rows = 1, cols = 1;
    for (int64_t d = 0; d < rank; ++d)
      (d < *axis ? rows : cols) *= type.getDimSize(d);
    FailureOr<Value> flat = n.reshape(input, {rows, cols});
    if (failed(flat))
      return failure();
    input = *flat;
    along = 1;
  }
  auto inputType = cast<RankedTensorType>(input.getType());
  Value best = n.op<ArgMaxOp>(
      {input}, {n.namedAttr("axis", n.b.getI64IntegerAttr(along)),
                n.namedAttr("keepdims", n.b.getBoolAttr(true)),
                n.namedAttr("select_last_index", n.b.getBoolAttr(false))});
  SmallVector<int64_t> iotaShape(inputType.getRank(), 1), iota;
  iotaShape[along] = inputType.getDimSize(along);
  for (int64_t i = 0; i < iotaShape[along]; ++i)
    iota.push_back(i);
  FailureOr<Value> iotaValue = n.constant(DenseElementsAttr::get(
      RankedTensorType::get(iotaShape, n.b.getI64Type()), ArrayRef(iota)));
  if (failed(iotaValue))
    return failure();
  Value y = n.op<CastOp>({n.op<EqualOp>({best, *iotaValue})}, {}, inputType);
  if (y && n.opset < 13) {
    FailureOr<Value> back = n.reshape(y, type.getShape());
    y = succeeded(back) ? *back : Value();
  }
  return n.done(results, {y});
}

} // namespace

void mlir::fmc::onnx::registerNNOps(OpImportRegistry &r) {
  r["Hardmax"] = importHardmax;
  registerActivations(r);
  r["Clip"] = importClip;
  r["PRelu"] = importPRelu;
  r["Shrink"] = importShrink;
  r["LogSoftmax"] = importLogSoftmax;
  r["Softmax"] = importSoftmax;
  r["LayerNormalization"] = importLayerNorm;
}
