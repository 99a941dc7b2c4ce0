//===- GraphToLinalg.cpp - the fmc-convert-graph-to-linalg pass -----------===//

#include "dialects/Graph/IR/GraphDialect.h"
#include "dialects/Graph/IR/GraphOps.h"
#include "passes/Conversion/GraphToLinalg/Passes.h"

#include "mlir/Transforms/DialectConversion.h"

namespace mlir::fmc {
#define GEN_PASS_DEF_CONVERTGRAPHTOLINALGPASS
#include "passes/Conversion/GraphToLinalg/Passes.h.inc"
} // namespace mlir::fmc

using namespace mlir;
using namespace mlir::fmc;

namespace {

/// Rejects what the lowering cannot handle yet, at the op that has it.
LogicalResult checkSupported(Operation *op) {
  for (Type type :
       llvm::concat<Type>(op->getOperandTypes(), op->getResultTypes())) {
    auto tensor = dyn_cast<RankedTensorType>(type);
    if (!tensor)
      continue;
    if (!tensor.hasStaticShape())
      return op->emitError("dynamic shape ")
             << tensor
             << " is not supported by this lowering yet; pin symbolic input "
                "dims with --input-shape";
    if (tensor.getElementType().isUnsignedInteger())
      return op->emitError("unsigned element type in ")
             << tensor << " is not supported by this lowering yet";
  }
  if (auto mean = dyn_cast<ReduceMeanOp>(op);
      mean && !isa<FloatType>(mean.getType().getElementType()))
    return op->emitError("integer reduce_mean is not supported yet");
  return success();
}

struct ConvertGraphToLinalgPass
    : fmc::impl::ConvertGraphToLinalgPassBase<ConvertGraphToLinalgPass> {
  void runOnOperation() override {
    func::FuncOp func = getOperation();
    WalkResult checked = func.walk([](Operation *op) {
      if (!isa<GraphDialect>(op->getDialect()))
        return WalkResult::advance();
      return failed(checkSupported(op)) ? WalkResult::interrupt()
                                        : WalkResult::advance();
    });
    if (checked.wasInterrupted())
      return signalPassFailure();

    MLIRContext *ctx = &getContext();
    ConversionTarget target(*ctx);
    target.addIllegalDialect<GraphDialect>();
    target.addLegalDialect<arith::ArithDialect, linalg::LinalgDialect,
                           math::MathDialect, tensor::TensorDialect,
                           func::FuncDialect>();
    RewritePatternSet patterns(ctx);
    populateElementwiseToLinalgPatterns(patterns);
    populateMatMulToLinalgPatterns(patterns);
    populateReductionToLinalgPatterns(patterns);
    populateShapeToLinalgPatterns(patterns);
    if (failed(applyPartialConversion(func, target, std::move(patterns))))
      signalPassFailure();
  }
};

} // namespace
