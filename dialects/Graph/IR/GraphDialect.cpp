//===- GraphDialect.cpp - fmc graph dialect -------------------------------===//

#include "dialects/Graph/IR/GraphDialect.h"
#include "dialects/Graph/IR/GraphOps.h"

#include "mlir/Dialect/Bufferization/IR/DstBufferizableOpInterfaceImpl.h"

using namespace mlir;
using namespace mlir::fmc;

#include "dialects/Graph/IR/GraphDialect.cpp.inc"

namespace {

/// fmc.attention_kernel bufferizes in place into its destination, which it
/// only writes.
struct AttentionKernelBufferization
    : bufferization::DstBufferizableOpInterfaceExternalModel<
          AttentionKernelBufferization, AttentionKernelOp> {
  bool bufferizesToMemoryRead(Operation *op, OpOperand &operand,
                              const bufferization::AnalysisState &) const {
    return !cast<AttentionKernelOp>(op).isDpsInit(&operand);
  }

  LogicalResult bufferize(Operation *op, RewriterBase &rewriter,
                          const bufferization::BufferizationOptions &options,
                          bufferization::BufferizationState &state) const {
    auto kernel = cast<AttentionKernelOp>(op);
    SmallVector<Value> buffers;
    for (Value operand : op->getOperands()) {
      FailureOr<Value> buffer =
          bufferization::getBuffer(rewriter, operand, options, state);
      if (failed(buffer))
        return failure();
      buffers.push_back(*buffer);
    }
    rewriter.setInsertionPoint(op);
    Value mask = kernel.getMask() ? buffers[3] : Value();
    AttentionKernelOp::create(rewriter, op->getLoc(), TypeRange{}, buffers[0],
                              buffers[1], buffers[2], mask, buffers.back(),
                              kernel.getScaleAttr(), kernel.getCausalAttr());
    bufferization::replaceOpWithBufferizedValues(rewriter, op, buffers.back());
    return success();
  }
};

} // namespace

void GraphDialect::initialize() {
  addOperations<
#define GET_OP_LIST
#include "dialects/Graph/IR/GraphOps.cpp.inc"
      >();
  AttentionKernelOp::attachInterface<AttentionKernelBufferization>(
      *getContext());
}

Operation *GraphDialect::materializeConstant(OpBuilder &builder,
                                             Attribute value, Type type,
                                             Location loc) {
  auto elements = dyn_cast<ElementsAttr>(value);
  if (!elements || elements.getType() != type)
    return nullptr;
  return ConstantOp::create(builder, loc, elements);
}
