//===- Math.cpp - importers of ONNX math ops ------------------------------===//
//
// Elementwise arithmetic, logic and comparisons, MatMul/Gemm, reductions.
//
//===----------------------------------------------------------------------===//

#include "frontends/onnx/NodeContext.h"

using namespace mlir;
using namespace mlir::fmc;
using namespace mlir::fmc::onnx;

namespace {

template <typename OpTy>
LogicalResult importBinary(NodeContext &n, SmallVectorImpl<Value> &results) {
  FailureOr<Value> lhs = n.required(0, "A"), rhs = n.required(1, "B");
  if (failed(lhs) || failed(rhs))
    return failure();
  FailureOr<Value> result = n.create<OpTy>({*lhs, *rhs});
  if (failed(result))
    return failure();
  results.push_back(*result);
  return success();
}

/// Max, Min, Sum, Mean take any number of inputs.
template <typename OpTy>
LogicalResult importVariadic(NodeContext &n, SmallVectorImpl<Value> &results) {
  FailureOr<Value> acc = n.required(0, "data_0");
  if (failed(acc))
    return failure();
  for (unsigned i = 1; i < n.numInputs(); ++i) {
    acc = n.create<OpTy>({*acc, n.input(i)});
    if (failed(acc))
      return failure();
  }
  results.push_back(*acc);
  return success();
}

template <typename OpTy>
LogicalResult importUnary(NodeContext &n, SmallVectorImpl<Value> &results) {
  FailureOr<Value> x = n.required(0, "X");
  if (failed(x))
    return failure();
  FailureOr<Value> result = n.create<OpTy>({*x});
  if (failed(result))
    return failure();
  results.push_back(*result);
  return success();
}

LogicalResult importMatMul(NodeContext &n, SmallVectorImpl<Value> &results) {
  return importBinary<MatMulOp>(n, results);
}

/// Y = alpha * op(A) @ op(B) + beta * C.
LogicalResult importGemm(NodeContext &n, SmallVectorImpl<Value> &results) {
  FailureOr<Value> a = n.required(0, "A"), b = n.required(1, "B");
  if (failed(a) || failed(b))
    return failure();
  for (Value v : {*a, *b})
    if (cast<RankedTensorType>(v.getType()).getRank() != 2) {
      n.error() << "A and B must be 2-D, got " << v.getType();
      return failure();
    }
  auto transpose = [&](Value v) {
    return n.create<TransposeOp>(
        {v}, {n.namedAttr("perm", n.b.getDenseI64ArrayAttr({1, 0}))});
  };
  if (n.intAttr("transA", 0) && failed(a = transpose(*a)))
    return failure();
  if (n.intAttr("transB", 0) && failed(b = transpose(*b)))
    return failure();
  FailureOr<Value> y = n.create<MatMulOp>({*a, *b});
  if (failed(y))
    return failure();
  Type element = cast<RankedTensorType>(y->getType()).getElementType();
  auto scalar = [&](float value) -> FailureOr<Value> {
    auto type = RankedTensorType::get({}, element);
    if (isa<FloatType>(element))
      return n.constant(DenseElementsAttr::get(
          type, n.b.getFloatAttr(element, value).getValue()));
    return n.constant(DenseElementsAttr::get(
        type,
        n.b.getIntegerAttr(element, static_cast<int64_t>(value)).getValue()));
  };
  float alpha = n.floatAttr("alpha", 1.0f), beta = n.floatAttr("beta", 1.0f);
  if (alpha != 1.0f) {
    FailureOr<Value> s = scalar(alpha);
    if (failed(s) || failed(y = n.create<MulOp>({*y, *s})))
      return failure();
  }
  if (Value c = n.input(2); c && beta != 0.0f) {
    FailureOr<Value> scaled = c;
    if (beta != 1.0f) {
      FailureOr<Value> s = scalar(beta);
      if (failed(s) || failed(scaled = n.create<MulOp>({c, *s})))
        return failure();
    }
    if (failed(y = n.create<AddOp>({*y, *scaled})))
      return failure();
  }
  results.push_back(*y);
  return success();
}

/// ReduceX: axes are an attribute before opset 18 (ReduceSum: 13) and an
/// optional input after; no axes means all unless noop_with_empty_axes.
template <typename OpTy>
LogicalResult importReduce(NodeContext &n, SmallVectorImpl<Value> &results,
                           int64_t axesInputSince) {
  FailureOr<Value> data = n.required(0, "data");
  if (failed(data))
    return failure();
  int64_t rank = cast<RankedTensorType>(data->getType()).getRank();
  SmallVector<int64_t> axes;
  bool given = false;
  if (n.opset >= axesInputSince) {
    if (Value axesInput = n.input(1)) {
      FailureOr<SmallVector<int64_t>> values =
          n.constantInts(axesInput, "axes");
      if (failed(values))
        return failure();
      axes = *values;
      given = true;
    }
  } else if (auto attr = n.intsAttr("axes")) {
    axes = *attr;
    given = true;
  }
  if (given && axes.empty() && n.intAttr("noop_with_empty_axes", 0)) {
    results.push_back(*data);
    return success();
  }
  if (axes.empty())
    for (int64_t d = 0; d < rank; ++d)
      axes.push_back(d);
  for (int64_t &axis : axes) {
    FailureOr<int64_t> normalized = n.axis(axis, rank);
    if (failed(normalized))
      return failure();
    axis = *normalized;
  }
  llvm::sort(axes);
  axes.erase(llvm::unique(axes), axes.end());
  FailureOr<Value> result = n.create<OpTy>(
      {*data}, {n.namedAttr("axes", n.b.getDenseI64ArrayAttr(axes)),
                n.namedAttr("keepdims",
                            n.b.getBoolAttr(n.intAttr("keepdims", 1) != 0))});
  if (failed(result))
    return failure();
  results.push_back(*result);
  return success();
}

/// Mean of any number of inputs: their sum over the count.
LogicalResult importMean(NodeContext &n, SmallVectorImpl<Value> &results) {
  FailureOr<Value> first = n.required(0, "data_0");
  if (failed(first))
    return failure();
  Value acc = *first;
  for (unsigned i = 1; i < n.numInputs(); ++i)
    acc = n.op<AddOp>({acc, n.input(i)});
  if (!isa<FloatType>(getElementTypeOrSelf(first->getType()))) {
    n.error() << "integer inputs are not supported";
    return failure();
  }
  return n.done(results, {n.op<DivOp>({acc, n.scalar(acc, n.numInputs())})});
}

/// Mod: fmod=0 is the integer remainder with the divisor's sign; fmod=1 the
/// C remainder (required for floats).
LogicalResult importMod(NodeContext &n, SmallVectorImpl<Value> &results) {
  FailureOr<Value> a = n.required(0, "A"), b = n.required(1, "B");
  if (failed(a) || failed(b))
    return failure();
  bool fmod = n.intAttr("fmod", 0) != 0;
  if (!fmod && isa<FloatType>(getElementTypeOrSelf(a->getType()))) {
    n.error() << "fmod=0 is invalid for floating-point inputs";
    return failure();
  }
  return n.done(results,
                {fmod ? n.op<FModOp>({*a, *b}) : n.op<ModOp>({*a, *b})});
}

LogicalResult importBitShift(NodeContext &n, SmallVectorImpl<Value> &results) {
  FailureOr<Value> x = n.required(0, "X"), y = n.required(1, "Y");
  if (failed(x) || failed(y))
    return failure();
  std::string direction = n.stringAttr("direction", "");
  if (direction != "LEFT" && direction != "RIGHT") {
    n.error() << "direction must be LEFT or RIGHT, got '" << direction << "'";
    return failure();
  }
  return n.done(results, {direction == "LEFT" ? n.op<ShiftLeftOp>({*x, *y})
                                              : n.op<ShiftRightOp>({*x, *y})});
}

/// IsInf with detect_negative / detect_positive.
LogicalResult importIsInf(NodeContext &n, SmallVectorImpl<Value> &results) {
  FailureOr<Value> x = n.required(0, "X");
  if (failed(x))
    return failure();
  bool neg = n.intAttr("detect_negative", 1) != 0;
  bool pos = n.intAttr("detect_positive", 1) != 0;
  Value inf = n.op<IsInfOp>(
      {*x}, {}, cast<RankedTensorType>(x->getType()).clone(n.b.getI1Type()));
  if (neg && pos)
    return n.done(results, {inf});
  if (!neg && !pos)
    return n.done(results, {n.op<AndOp>({inf, n.op<NotOp>({inf})})});
  Value side = neg ? n.op<LessOp>({*x, n.scalar(*x, 0.0)})
                   : n.op<GreaterOp>({*x, n.scalar(*x, 0.0)});
  return n.done(results, {n.op<AndOp>({inf, side})});
}

LogicalResult importIsNaN(NodeContext &n, SmallVectorImpl<Value> &results) {
  FailureOr<Value> x = n.required(0, "X");
  if (failed(x))
    return failure();
  return n.done(
      results,
      {n.op<IsNaNOp>(
          {*x}, {},
          cast<RankedTensorType>(x->getType()).clone(n.b.getI1Type()))});
}

} // namespace

void mlir::fmc::onnx::registerMathOps(OpImportRegistry &r) {
  r["Add"] = importBinary<AddOp>;
  r["Sub"] = importBinary<SubOp>;
  r["Mul"] = importBinary<MulOp>;
  r["Div"] = importBinary<DivOp>;
  r["Pow"] = importBinary<PowOp>;
  r["Equal"] = importBinary<EqualOp>;
  r["Less"] = importBinary<LessOp>;
  r["Greater"] = importBinary<GreaterOp>;
  r["And"] = importBinary<AndOp>;
  r["Or"] = importBinary<OrOp>;
  r["Max"] = importVariadic<MaxOp>;
  r["Min"] = importVariadic<MinOp>;
  r["Sum"] = importVariadic<AddOp>;
  r["Sqrt"] = importUnary<SqrtOp>;
  r["Exp"] = importUnary<ExpOp>;
  r["Log"] = importUnary<LogOp>;
  r["Erf"] = importUnary<ErfOp>;
  r["Tanh"] = importUnary<TanhOp>;
  r["Sigmoid"] = importUnary<SigmoidOp>;
  r["Relu"] = importUnary<ReluOp>;
  r["Neg"] = importUnary<NegOp>;
  r["Abs"] = importUnary<AbsOp>;
  r["Reciprocal"] = importUnary<ReciprocalOp>;
  r["Not"] = importUnary<NotOp>;
  r["GreaterOrEqual"] = importBinary<GreaterEqualOp>;
  r["LessOrEqual"] = importBinary<LessEqualOp>;
  r["Xor"] = importBinary<XorOp>;
  r["BitwiseAnd"] = importBinary<BitwiseAndOp>;
  r["BitwiseOr"] = importBinary<BitwiseOrOp>;
  r["BitwiseXor"] = importBinary<BitwiseXorOp>;
  r["BitwiseNot"] = importUnary<BitwiseNotOp>;
  r["BitShift"] = importBitShift;
  r["Mod"] = importMod;
  r["Mean"] = importMean;
  r["Ceil"] = importUnary<CeilOp>;
  r["Floor"] = importUnary<FloorOp>;
  r["Round"] = importUnary<RoundOp>;
  r["Sign"] = importUnary<SignOp>;
  r["Sin"] = importUnary<SinOp>;
  r["Cos"] = importUnary<CosOp>;
  r["Tan"] = importUnary<TanOp>;
  r["Asin"] = importUnary<AsinOp>;
  r["Acos"] = importUnary<AcosOp>;
  r["Atan"] = importUnary<AtanOp>;
  r["Sinh"] = importUnary<SinhOp>;
  r["Cosh"] = importUnary<CoshOp>;
  r["Asinh"] = importUnary<AsinhOp>;
  r["Acosh"] = importUnary<AcoshOp>;
  r["Atanh"] = importUnary<AtanhOp>;
  r["IsNaN"] = importIsNaN;
  r["IsInf"] = importIsInf;
  r["MatMul"] = importMatMul;
  r["Gemm"] = importGemm;
  r["ReduceMean"] = [](NodeContext &n, SmallVectorImpl<Value> &res) {
    return importReduce<ReduceMeanOp>(n, res, 18);
  };
  r["ReduceSum"] = [](NodeContext &n, SmallVectorImpl<Value> &res) {
    return importReduce<ReduceSumOp>(n, res, 13);
  };
  r["ReduceMax"] = [](NodeContext &n, SmallVectorImpl<Value> &res) {
    return importReduce<ReduceMaxOp>(n, res, 18);
  };
  r["ReduceMin"] = [](NodeContext &n, SmallVectorImpl<Value> &res) {
    return importReduce<ReduceMinOp>(n, res, 18);
  };
}
