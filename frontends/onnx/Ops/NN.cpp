//===- NN.cpp - importers of ONNX neural-network ops ----------------------===//
//
// Softmax and normalizations.
//
//===----------------------------------------------------------------------===//

#include "frontends/onnx/NodeContext.h"

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

} // namespace

void mlir::fmc::onnx::registerNNOps(OpImportRegistry &r) {
  r["Softmax"] = importSoftmax;
  r["LayerNormalization"] = importLayerNorm;
}
