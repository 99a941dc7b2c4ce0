//===- GraphToLinalg.cpp - the fmc-convert-graph-to-linalg pass -----------===//

#include "dialects/Graph/IR/GraphDialect.h"
#include "dialects/Graph/IR/GraphOps.h"
#include "passes/Conversion/GraphToLinalg/Passes.h"

#include "mlir/Dialect/SCF/IR/SCF.h"
#include "passes/Conversion/GraphToLinalg/Utils.h"

#include "mlir/Dialect/Func/Transforms/FuncConversions.h"
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
  }
  if (auto mean = dyn_cast<ReduceMeanOp>(op);
      mean && !isa<FloatType>(mean.getType().getElementType()))
    return op->emitError("integer reduce_mean is not supported yet");
  return success();
}

struct ConvertGraphToLinalgPass
    : fmc::impl::ConvertGraphToLinalgPassBase<ConvertGraphToLinalgPass> {
  using Base::Base;
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
    // Unsigned element types become signless (the patterns pick unsigned
    // arith ops from the graph ops' types); the function keeps the ABI type
    // of each unsigned argument and result in `fmc.element_type`.
    TypeConverter converter;
    converter.addConversion([](Type type) { return signless(type); });
    auto remember = [&](Type type, auto setAttr) {
      auto tensor = dyn_cast<RankedTensorType>(type);
      if (tensor && tensor.getElementType().isUnsignedInteger())
        setAttr(TypeAttr::get(tensor.getElementType()));
    };
    FunctionType fnType = func.getFunctionType();
    for (auto [i, type] : llvm::enumerate(fnType.getInputs()))
      remember(type, [&](TypeAttr attr) {
        func.setArgAttr(i, "fmc.element_type", attr);
      });
    for (auto [i, type] : llvm::enumerate(fnType.getResults()))
      remember(type, [&](TypeAttr attr) {
        func.setResultAttr(i, "fmc.element_type", attr);
      });

    ConversionTarget target(*ctx);
    target.addIllegalDialect<GraphDialect>();
    target.addLegalOp<AttentionKernelOp>();
    target.addLegalDialect<arith::ArithDialect, linalg::LinalgDialect,
                           math::MathDialect, scf::SCFDialect,
                           tensor::TensorDialect>();
    target.addDynamicallyLegalOp<func::FuncOp>([&](func::FuncOp op) {
      return converter.isSignatureLegal(op.getFunctionType());
    });
    target.addDynamicallyLegalOp<func::ReturnOp>(
        [&](func::ReturnOp op) { return converter.isLegal(op); });
    target.addDynamicallyLegalOp<func::CallOp>(
        [&](func::CallOp op) { return converter.isLegal(op); });
    RewritePatternSet patterns(ctx);
    populateElementwiseToLinalgPatterns(patterns, converter);
    populateMatMulToLinalgPatterns(patterns, converter);
    populateReductionToLinalgPatterns(patterns, converter);
    populateShapeToLinalgPatterns(patterns, converter);
    populateConvolutionToLinalgPatterns(patterns, converter);
    populateAttentionToLinalgPatterns(
        patterns, converter,
        AttentionTiles{attentionCacheBytes, attentionQueryTile,
                       attentionKeyTile, attentionParallel, attentionKernel,
                       attentionKernelMaxHead});
    populateFunctionOpInterfaceTypeConversionPattern<func::FuncOp>(patterns,
                                                                   converter);
    populateReturnOpTypeConversionPattern(patterns, converter);
    populateCallOpTypeConversionPattern(patterns, converter);
    if (failed(applyPartialConversion(func, target, std::move(patterns))))
      signalPassFailure();
  }
};

} // namespace
