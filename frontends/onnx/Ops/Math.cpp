//===- Math.cpp - importers of ONNX math ops ------------------------------===//
//
// Elementwise arithmetic, logic and comparisons, MatMul/Gemm, reductions.
//
//===----------------------------------------------------------------------===//

#include "frontends/onnx/NodeContext.h"

#include <map>

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

/// The axes of a ReduceX node: an attribute before opset `axesInputSince`,
/// an optional input after; none means all (or, with noop_with_empty_axes,
/// none: `noop` is set).
FailureOr<SmallVector<int64_t>> reduceAxes(NodeContext &n, int64_t rank,
                                           int64_t axesInputSince, bool &noop) {
  SmallVector<int64_t> axes;
  bool given = false;
  noop = false;
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
  if (axes.empty() && n.intAttr("noop_with_empty_axes", 0)) {
    noop = true;
    return axes;
  }
  (void)given;
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
  return axes;
}

/// ReduceX and the reductions ONNX defines through them: `pre` maps the
/// input elementwise, `post` the reduced result (identity when null).
using ValueFn = std::function<Value(NodeContext &, Value)>;

template <typename OpTy>
LogicalResult importReduce(NodeContext &n, SmallVectorImpl<Value> &results,
                           int64_t axesInputSince, ValueFn pre = nullptr,
                           ValueFn post = nullptr) {
  FailureOr<Value> data = n.required(0, "data");
  if (failed(data))
    return failure();
  int64_t rank = cast<RankedTensorType>(data->getType()).getRank();
  bool noop = false;
  FailureOr<SmallVector<int64_t>> axes =
      reduceAxes(n, rank, axesInputSince, noop);
  if (failed(axes))
    return failure();
  Value x = pre ? pre(n, *data) : *data;
  Value y;
  if (noop) {
    y = x;
  } else {
    y = n.op<OpTy>(
        {x}, {n.namedAttr("axes", n.b.getDenseI64ArrayAttr(*axes)),
              n.namedAttr("keepdims",
                          n.b.getBoolAttr(n.intAttr("keepdims", 1) != 0))});
  }
  return n.done(results, {post && y ? post(n, y) : y});
}

/// ReduceLogSumExp, stably: log(sum(exp(x - max))) + max.
LogicalResult importReduceLogSumExp(NodeContext &n,
                                    SmallVectorImpl<Value> &results) {
  FailureOr<Value> data = n.required(0, "data");
  if (failed(data))
    return failure();
  int64_t rank = cast<RankedTensorType>(data->getType()).getRank();
  bool noop = false;
  FailureOr<SmallVector<int64_t>> axes = reduceAxes(n, rank, 18, noop);
  if (failed(axes))
    return failure();
  if (noop)
    return n.done(results, {*data});
  auto attrs = [&](bool keep) {
    return SmallVector<NamedAttribute>{
        n.namedAttr("axes", n.b.getDenseI64ArrayAttr(*axes)),
        n.namedAttr("keepdims", n.b.getBoolAttr(keep))};
  };
  bool keep = n.intAttr("keepdims", 1) != 0;
  // An empty reduction has no max: shift by 0 there (the sum is 0 and the
  // result -inf either way).
  Value kept = n.op<ReduceMaxOp>({*data}, attrs(true));
  Value finite = n.op<WhereOp>(
      {n.op<IsInfOp>(
           {kept}, {},
           kept ? cast<RankedTensorType>(kept.getType()).clone(n.b.getI1Type())
                : Type()),
       n.scalar(kept, 0.0), kept});
  Value sum = n.op<ReduceSumOp>({n.op<ExpOp>({n.op<SubOp>({*data, finite})})},
                                attrs(keep));
  Value shift = finite;
  if (!keep && finite) {
    FailureOr<Value> r =
        n.reshape(finite, cast<RankedTensorType>(sum.getType()).getShape());
    shift = succeeded(r) ? *r : Value();
  }
  return n.done(results, {n.op<AddOp>({n.op<LogOp>({sum}), shift})});
}

template <typename OpTy>
LogicalResult importArgReduce(NodeContext &n, SmallVectorImpl<Value> &results) {
  FailureOr<Value> data = n.required(0, "data");
  if (failed(data))
    return failure();
  int64_t rank = cast<RankedTensorType>(data->getType()).getRank();
  FailureOr<int64_t> axis = n.axis(n.intAttr("axis", 0), rank);
  if (failed(axis))
    return failure();
  return n.done(
      results,
      {n.op<OpTy>({*data},
                  {n.namedAttr("axis", n.b.getI64IntegerAttr(*axis)),
                   n.namedAttr("keepdims",
                               n.b.getBoolAttr(n.intAttr("keepdims", 1) != 0)),
                   n.namedAttr("select_last_index",
                               n.b.getBoolAttr(
                                   n.intAttr("select_last_index", 0) != 0))})});
}

/// CumSum and CumProd.
template <typename OpTy>
LogicalResult importCumulative(NodeContext &n,
                               SmallVectorImpl<Value> &results) {
  FailureOr<Value> x = n.required(0, "x"), a = n.required(1, "axis");
  if (failed(x) || failed(a))
    return failure();
  FailureOr<SmallVector<int64_t>> axisValue = n.constantInts(*a, "axis");
  if (failed(axisValue))
    return failure();
  if (axisValue->size() != 1) {
    n.error() << "axis must hold one value";
    return failure();
  }
  int64_t rank = cast<RankedTensorType>(x->getType()).getRank();
  FailureOr<int64_t> axis = n.axis(axisValue->front(), rank);
  if (failed(axis))
    return failure();
  return n.done(
      results,
      {n.op<OpTy>(
          {*x}, {n.namedAttr("axis", n.b.getI64IntegerAttr(*axis)),
                 n.namedAttr("exclusive",
                             n.b.getBoolAttr(n.intAttr("exclusive", 0) != 0)),
                 n.namedAttr("reverse",
                             n.b.getBoolAttr(n.intAttr("reverse", 0) != 0))})});
}

/// Einsum: spaces are dropped, an implicit output ("ij,jk") becomes the
/// letters used once, in alphabetical order, and "..." becomes fresh
/// letters for the broadcast dims.
LogicalResult importEinsum(NodeContext &n, SmallVectorImpl<Value> &results) {
  std::string equation;
  for (char c : n.stringAttr("equation", ""))
    if (c != ' ')
      equation.push_back(c);
  auto arrow = equation.find("->");
  std::string lhs = equation.substr(0, arrow);
  std::optional<std::string> out;
  if (arrow != std::string::npos)
    out = equation.substr(arrow + 2);
  SmallVector<StringRef> rawTerms;
  StringRef(lhs).split(rawTerms, ',');
  if (rawTerms.size() != n.numInputs()) {
    n.error() << "equation '" << equation << "' has " << rawTerms.size()
              << " operand terms for " << n.numInputs() << " inputs";
    return failure();
  }
  // Fresh letters for ellipsis dims: upper case letters unused elsewhere.
  std::string fresh;
  for (char c = 'A'; c <= 'Z'; ++c)
    if (equation.find(c) == std::string::npos)
      fresh.push_back(c);
  int64_t ellipsisRank = 0;
  SmallVector<Value> inputs;
  for (auto [i, term] : llvm::enumerate(rawTerms)) {
    FailureOr<Value> v = n.required(i, "Inputs");
    if (failed(v))
      return failure();
    inputs.push_back(*v);
    int64_t rank = cast<RankedTensorType>(v->getType()).getRank();
    if (term.contains("..."))
      ellipsisRank =
          std::max<int64_t>(ellipsisRank, rank - int64_t(term.size()) + 3);
  }
  if (ellipsisRank > int64_t(fresh.size())) {
    n.error() << "too many broadcast dims";
    return failure();
  }
  std::string ellipsis = fresh.substr(0, ellipsisRank);
  SmallVector<std::string> terms;
  for (auto [term, input] : llvm::zip(rawTerms, inputs)) {
    int64_t rank = cast<RankedTensorType>(input.getType()).getRank();
    std::string t = term.str();
    if (auto pos = t.find("..."); pos != std::string::npos) {
      int64_t dims = rank - int64_t(t.size()) + 3;
      t.replace(pos, 3, ellipsis.substr(ellipsisRank - dims));
    }
    terms.push_back(t);
  }
  std::string output;
  if (out) {
    output = *out;
    if (auto pos = output.find("..."); pos != std::string::npos)
      output.replace(pos, 3, ellipsis);
  } else {
    std::map<char, int> counts;
    for (const std::string &t : terms)
      for (char c : t)
        ++counts[c];
    output = ellipsis;
    for (auto [c, count] : counts)
      if (count == 1 && !llvm::is_contained(ellipsis, c))
        output.push_back(c);
  }
  // The result shape: each output letter's size (the largest seen, so that
  // size-1 dims broadcast).
  std::map<char, int64_t> sizes;
  for (auto [t, input] : llvm::zip(terms, inputs)) {
    auto shape = cast<RankedTensorType>(input.getType()).getShape();
    if (t.size() != shape.size()) {
      n.error() << "term '" << t << "' does not match the rank of "
                << input.getType();
      return failure();
    }
    for (auto [c, dim] : llvm::zip(t, shape))
      sizes[c] = std::max(sizes[c], dim);
  }
  SmallVector<int64_t> shape;
  for (char c : output) {
    if (!sizes.count(c)) {
      n.error() << "output subscript '" << c << "' is in no input";
      return failure();
    }
    shape.push_back(sizes[c]);
  }
  std::string explicitEquation = llvm::join(terms, ",") + "->" + output;
  auto type = RankedTensorType::get(
      shape, cast<RankedTensorType>(inputs[0].getType()).getElementType());
  return n.done(
      results,
      {n.op<EinsumOp>(
          inputs,
          {n.namedAttr("equation", n.b.getStringAttr(explicitEquation))},
          type)});
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

/// Mod: fmod=0 is the remainder with the divisor's sign (Python %); fmod=1
/// the C remainder.
LogicalResult importMod(NodeContext &n, SmallVectorImpl<Value> &results) {
  FailureOr<Value> a = n.required(0, "A"), b = n.required(1, "B");
  if (failed(a) || failed(b))
    return failure();
  bool fmod = n.intAttr("fmod", 0) != 0;
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
  auto reduce = [&](StringRef name, auto build) { r[name] = build; };
  reduce("ReduceMean", [](NodeContext &n, SmallVectorImpl<Value> &res) {
    return importReduce<ReduceMeanOp>(n, res, 18);
  });
  reduce("ReduceSum", [](NodeContext &n, SmallVectorImpl<Value> &res) {
    return importReduce<ReduceSumOp>(n, res, 13);
  });
  reduce("ReduceMax", [](NodeContext &n, SmallVectorImpl<Value> &res) {
    return importReduce<ReduceMaxOp>(n, res, 18);
  });
  reduce("ReduceMin", [](NodeContext &n, SmallVectorImpl<Value> &res) {
    return importReduce<ReduceMinOp>(n, res, 18);
  });
  reduce("ReduceProd", [](NodeContext &n, SmallVectorImpl<Value> &res) {
    return importReduce<ReduceProdOp>(n, res, 18);
  });
  reduce("ReduceL1", [](NodeContext &n, SmallVectorImpl<Value> &res) {
    return importReduce<ReduceSumOp>(
        n, res, 18, [](NodeContext &n, Value x) { return n.op<AbsOp>({x}); });
  });
  reduce("ReduceL2", [](NodeContext &n, SmallVectorImpl<Value> &res) {
    return importReduce<ReduceSumOp>(
        n, res, 18, [](NodeContext &n, Value x) { return n.op<MulOp>({x, x}); },
        [](NodeContext &n, Value y) { return n.op<SqrtOp>({y}); });
  });
  reduce("ReduceSumSquare", [](NodeContext &n, SmallVectorImpl<Value> &res) {
    return importReduce<ReduceSumOp>(n, res, 18, [](NodeContext &n, Value x) {
      return n.op<MulOp>({x, x});
    });
  });
  reduce("ReduceLogSum", [](NodeContext &n, SmallVectorImpl<Value> &res) {
    return importReduce<ReduceSumOp>(
        n, res, 18, nullptr,
        [](NodeContext &n, Value y) { return n.op<LogOp>({y}); });
  });
  r["ReduceLogSumExp"] = importReduceLogSumExp;
  r["ArgMax"] = importArgReduce<ArgMaxOp>;
  r["ArgMin"] = importArgReduce<ArgMinOp>;
  r["CumSum"] = importCumulative<CumSumOp>;
  r["CumProd"] = importCumulative<CumProdOp>;
  r["Einsum"] = importEinsum;
}
