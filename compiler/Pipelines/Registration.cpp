//===- Registration.cpp - every dialect and pass fmc uses -----------------===//

#include "compiler/Pipelines/Registration.h"

#include "compiler/Pipelines/Pipelines.h"
#include "dialects/Graph/IR/GraphDialect.h"
#include "dialects/NV/IR/NVDialect.h"
#include "passes/ABI/Passes.h"
#include "passes/Codegen/Passes.h"
#include "passes/Conversion/GraphToLinalg/Passes.h"
#include "passes/Fusion/Passes.h"
#include "passes/GPU/Passes.h"
#include "passes/Precision/Passes.h"

#include "mlir/InitAllDialects.h"
#include "mlir/InitAllExtensions.h"
#include "mlir/InitAllPasses.h"
#include "mlir/Target/LLVM/NVVM/Target.h"
#include "mlir/Target/LLVMIR/Dialect/Builtin/BuiltinToLLVMIRTranslation.h"
#include "mlir/Target/LLVMIR/Dialect/GPU/GPUToLLVMIRTranslation.h"
#include "mlir/Target/LLVMIR/Dialect/LLVMIR/LLVMToLLVMIRTranslation.h"
#include "mlir/Target/LLVMIR/Dialect/NVVM/NVVMToLLVMIRTranslation.h"

void mlir::fmc::registerAllDialects(DialectRegistry &registry) {
  registry.insert<GraphDialect, nv::NVDialect>();
  mlir::registerAllDialects(registry);
  mlir::registerAllExtensions(registry);
  registerBuiltinDialectTranslation(registry);
  registerLLVMDialectTranslation(registry);
  // The CUDA path: gpu.binary embedding and NVVM intrinsics.
  registerGPUDialectTranslation(registry);
  registerNVVMDialectTranslation(registry);
  NVVM::registerNVVMTargetInterfaceExternalModels(registry);
  gpu::registerOffloadingLLVMTranslationInterfaceExternalModels(registry);
}

void mlir::fmc::registerAllPasses() {
  // Idempotent: the pipeline builders call it too.
  static bool registered = [] {
    mlir::registerAllPasses();
    registerFmcGraphToLinalgPasses();
    registerFmcABIPasses();
    registerFmcCodegenPasses();
    registerFmcFusionPasses();
    registerFmcGPUPasses();
    registerFmcPrecisionPasses();
    registerPipelines();
    return true;
  }();
  (void)registered;
}
