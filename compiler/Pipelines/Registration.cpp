//===- Registration.cpp - every dialect and pass fmc uses -----------------===//

#include "compiler/Pipelines/Registration.h"

#include "compiler/Pipelines/Pipelines.h"
#include "dialects/Graph/IR/GraphDialect.h"
#include "passes/ABI/Passes.h"
#include "passes/Codegen/Passes.h"
#include "passes/Conversion/GraphToLinalg/Passes.h"
#include "passes/Fusion/Passes.h"
#include "passes/Precision/Passes.h"

#include "mlir/InitAllDialects.h"
#include "mlir/InitAllExtensions.h"
#include "mlir/InitAllPasses.h"
#include "mlir/Target/LLVMIR/Dialect/Builtin/BuiltinToLLVMIRTranslation.h"
#include "mlir/Target/LLVMIR/Dialect/LLVMIR/LLVMToLLVMIRTranslation.h"

void mlir::fmc::registerAllDialects(DialectRegistry &registry) {
  registry.insert<GraphDialect>();
  mlir::registerAllDialects(registry);
  mlir::registerAllExtensions(registry);
  registerBuiltinDialectTranslation(registry);
  registerLLVMDialectTranslation(registry);
}

void mlir::fmc::registerAllPasses() {
  // Idempotent: the pipeline builders call it too.
  static bool registered = [] {
    mlir::registerAllPasses();
    registerFmcGraphToLinalgPasses();
    registerFmcABIPasses();
    registerFmcCodegenPasses();
    registerFmcFusionPasses();
    registerFmcPrecisionPasses();
    registerPipelines();
    return true;
  }();
  (void)registered;
}
