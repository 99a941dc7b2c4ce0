//===- NodeContext.h - what an op importer sees of one ONNX node -*- C++
//-*-===//

#ifndef FMC_FRONTENDS_ONNX_NODECONTEXT_H
#define FMC_FRONTENDS_ONNX_NODECONTEXT_H

#include "dialects/Graph/IR/GraphOps.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/TypeUtilities.h"
#include "mlir/IR/Verifier.h"
#include "llvm/ADT/StringMap.h"

#include <onnx/onnx_pb.h>

namespace mlir::fmc::onnx {

/// One node being imported: its inputs as values, attributes with defaults,
/// the opset, and builders that infer types, verify and fold.
class NodeContext {
public:
  NodeContext(OpBuilder &builder, Location loc, const ::onnx::NodeProto &node,
              int64_t opset, SmallVector<Value> inputs)
      : b(builder), loc(loc), node(node), opset(opset),
        inputs(std::move(inputs)) {}

  OpBuilder &b;
  Location loc;
  const ::onnx::NodeProto &node;
  int64_t opset;
  /// Folder of the model file; external data is resolved only inside it.
  StringRef modelDir;
  /// Whether attention may become one fmc.attention (ImportOptions).
  bool fuseAttention = true;

  /// Input i, or a null value when it is absent or empty (optional).
  Value input(unsigned i) const {
    return i < inputs.size() ? inputs[i] : Value();
  }
  unsigned numInputs() const { return inputs.size(); }
  /// Whether output i is requested by the graph (non-empty name).
  bool hasOutput(int i) const {
    return i < node.output_size() && !node.output(i).empty();
  }

  /// An error at this node, prefixed with the op type.
  InFlightDiagnostic error() const {
    return mlir::emitError(loc) << node.op_type() << ": ";
  }
  /// Reports a missing required input.
  FailureOr<Value> required(unsigned i, StringRef what) const;

  const ::onnx::AttributeProto *attr(StringRef name) const;
  int64_t intAttr(StringRef name, int64_t dflt) const;
  float floatAttr(StringRef name, float dflt) const;
  std::string stringAttr(StringRef name, StringRef dflt) const;
  std::optional<SmallVector<int64_t>> intsAttr(StringRef name) const;
  /// Fails (with a diagnostic) on attributes the importer does not handle.
  LogicalResult rejectAttr(StringRef name, StringRef why) const;

  /// The integer values of a constant operand (shape inputs, axes, ...).
  FailureOr<SmallVector<int64_t>> constantInts(Value v, StringRef what) const;
  /// Reports that operand `v` ('what') must be a compile-time constant,
  /// naming the graph input to bind when it is one.
  void notConstant(Value v, StringRef what) const;
  /// Normalizes an axis against `rank`, reporting out-of-range axes.
  FailureOr<int64_t> axis(int64_t axis, int64_t rank) const;

  /// Builds an fmc op, inferring its result type when `resultType` is null,
  /// verifies it and folds it to a constant when possible. Failures (shape
  /// mismatches in the model) are diagnostics at this node, never crashes.
  template <typename OpTy>
  FailureOr<Value> create(Type resultType, ValueRange operands,
                          ArrayRef<NamedAttribute> attrs = {}) {
    OperationState state(loc, OpTy::getOperationName());
    state.addOperands(operands);
    state.addAttributes(attrs);
    if (resultType) {
      state.addTypes(resultType);
    } else if constexpr (OpTy::template hasTrait<
                             InferTypeOpInterface::Trait>()) {
      auto &props = state.getOrAddProperties<typename OpTy::Properties>();
      if (failed(OpTy::setPropertiesFromAttr(
              props, state.attributes.getDictionary(b.getContext()),
              [&] { return error(); })))
        return failure();
      SmallVector<Type> types;
      if (failed(OpTy::inferReturnTypes(
              b.getContext(), loc, state.operands,
              state.attributes.getDictionary(b.getContext()),
              state.getRawProperties(), state.regions, types)))
        return failure();
      state.addTypes(types);
    } else {
      error() << "internal error: no result type for "
              << OpTy::getOperationName();
      return failure();
    }
    return finish(b.create(state));
  }
  template <typename OpTy>
  FailureOr<Value> create(ValueRange operands,
                          ArrayRef<NamedAttribute> attrs = {}) {
    return create<OpTy>(Type(), operands, attrs);
  }

  /// Builds an fmc op with one of its ODS builders and verifies it; a null
  /// op when the model makes it invalid (diagnosed at this node).
  template <typename OpTy, typename... Args> OpTy build(Args &&...args) {
    auto op = OpTy::create(b, loc, std::forward<Args>(args)...);
    if (failed(mlir::verify(op))) {
      op->erase();
      return OpTy();
    }
    return op;
  }

  /// Chained building for importers that decompose an ONNX op into several
  /// fmc ops: a failed build (already diagnosed) returns a null value, and
  /// any later build given a null operand returns null too, so a chain is
  /// checked once at its end with `done`.
  template <typename OpTy>
  Value op(ValueRange operands, ArrayRef<NamedAttribute> attrs = {},
           Type resultType = {}) {
    if (llvm::any_of(operands, [](Value v) { return !v; }))
      return {};
    FailureOr<Value> result = create<OpTy>(resultType, operands, attrs);
    return succeeded(result) ? *result : Value();
  }
  /// A 0-d constant with `like`'s element type (broadcasts against it).
  Value scalar(Value like, double value);
  /// The i64 constant 0, 1, ..., size - 1 along `axis` of a rank-`rank`
  /// shape that is 1 elsewhere (broadcasts along the other dims).
  Value iota(int64_t rank, int64_t axis, int64_t size);
  /// An i64 constant of `values` with `shape` (1-D when empty).
  Value i64Constant(ArrayRef<int64_t> values, ArrayRef<int64_t> shape = {});
  /// Appends `values` to `results`, failing if any of them is null.
  LogicalResult done(SmallVectorImpl<Value> &results, ArrayRef<Value> values);

  /// Null-propagating shorthands for the chained style above.
  Value reshapeTo(Value x, ArrayRef<int64_t> shape);
  Value transposeBy(Value x, ArrayRef<int64_t> perm);
  /// `x` converted to `element` (itself when it already has that type).
  Value castTo(Value x, Type element);
  /// `count` elements of `x` along `axis` from `start`, every `step`-th.
  Value sliceAlong(Value x, int64_t axis, int64_t start, int64_t count,
                   int64_t step = 1);

  /// Common shapes of ops.
  FailureOr<Value> reshape(Value v, ArrayRef<int64_t> shape);
  FailureOr<Value> constant(ElementsAttr value);
  NamedAttribute namedAttr(StringRef name, Attribute value) {
    return b.getNamedAttr(name, value);
  }

private:
  FailureOr<Value> finish(Operation *op);
  SmallVector<Value> inputs;
};

/// The permutation of `rank` dims that moves `axis` last, the others in
/// order.
inline SmallVector<int64_t> axisLastPermutation(int64_t rank, int64_t axis) {
  SmallVector<int64_t> perm;
  for (int64_t d = 0; d < rank; ++d)
    if (d != axis)
      perm.push_back(d);
  perm.push_back(axis);
  return perm;
}

inline RankedTensorType tensorType(Value v) {
  return cast<RankedTensorType>(v.getType());
}

using OpImportFn =
    std::function<LogicalResult(NodeContext &, SmallVectorImpl<Value> &)>;
using OpImportRegistry = llvm::StringMap<OpImportFn>;

/// Op importers by ONNX category, as in the ONNX operator docs.
void registerMathOps(OpImportRegistry &registry);
void registerNNOps(OpImportRegistry &registry);
void registerTensorOps(OpImportRegistry &registry);
void registerGeneratorOps(OpImportRegistry &registry);
void registerConvOps(OpImportRegistry &registry);
void registerAttentionOps(OpImportRegistry &registry);
void registerResizeOps(OpImportRegistry &registry);
void registerIndexingOps(OpImportRegistry &registry);
void registerSignalOps(OpImportRegistry &registry);
void registerQuantizationOps(OpImportRegistry &registry);
/// ONNX Runtime's com.microsoft ops, keyed "com.microsoft::<op_type>".
void registerContribOps(OpImportRegistry &registry);

} // namespace mlir::fmc::onnx

#endif // FMC_FRONTENDS_ONNX_NODECONTEXT_H
