//===- Compiler.cpp - ONNX file -> artifact, end to end -------------------===//

#include "compiler/Driver/Compiler.h"

#include "compiler/Artifact/ArtifactBuilder.h"
#include "compiler/Pipelines/Pipelines.h"
#include "compiler/Targets/CPU/CPUTarget.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Target/LLVMIR/Export.h"
#include "llvm/IR/LLVMContext.h"
#include "llvm/IR/LegacyPassManager.h"
#include "llvm/IR/Module.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/ToolOutputFile.h"

using namespace mlir;
using namespace mlir::fmc;

namespace {

LogicalResult runPipeline(ModuleOp module, const CompileOptions &options,
                          function_ref<LogicalResult(OpPassManager &)> build) {
  PassManager pm(module.getContext());
  if (options.printIRBeforeAll || options.printIRAfterAll) {
    module.getContext()->disableMultithreading();
    pm.enableIRPrinting(
        [&](Pass *, Operation *) { return options.printIRBeforeAll; },
        [&](Pass *, Operation *) { return options.printIRAfterAll; },
        /*printModuleScope=*/true, /*printAfterOnlyOnChange=*/false);
  }
  if (options.timing)
    pm.enableTiming();
  if (failed(build(pm)))
    return module.emitError("internal error: invalid pass pipeline");
  return pm.run(module);
}

} // namespace

LogicalResult mlir::fmc::compileModel(MLIRContext &ctx,
                                      const CompileOptions &options,
                                      llvm::raw_ostream &out) {
  Location fileLoc = FileLineColLoc::get(&ctx, options.inputPath, 0, 0);
  auto textResult =
      [&](function_ref<void(llvm::raw_ostream &)> print) -> LogicalResult {
    if (options.outputPath.empty() || options.outputPath == "-") {
      print(out);
      return success();
    }
    std::error_code ec;
    llvm::ToolOutputFile file(options.outputPath, ec, llvm::sys::fs::OF_None);
    if (ec)
      return emitError(fileLoc)
             << "cannot write '" << options.outputPath << "': " << ec.message();
    print(file.os());
    file.keep();
    return success();
  };

  ::fmc::CPUTarget target;
  std::string error;
  if (!::fmc::isCPUTargetName(options.target)) {
    return emitError(fileLoc)
           << "target '" << options.target
           << "' is a GPU target; the CUDA backend is not implemented yet "
              "(supported: host and CPU targets)";
  }
  if (!::fmc::resolveCPUTarget(options.target, options.cpu, target, error))
    return emitError(fileLoc) << error;

  OwningOpRef<ModuleOp> module =
      onnx::importModelFile(&ctx, options.inputPath, options.import);
  if (!module)
    return failure();
  if (options.emit == EmitKind::Graph)
    return textResult([&](llvm::raw_ostream &os) { module->print(os); });

  PipelineOptions pipeline;
  pipeline.function = options.import.functionName;
  pipeline.tileCacheBytes = target.l2Bytes / 2;
  ::fmc::MatmulTiles tiles = ::fmc::matmulTiles(target);
  pipeline.matmulMR = tiles.mr;
  pipeline.matmulNR = tiles.nr;
  pipeline.matmulLanes = tiles.lanes;
  pipeline.matmulKC = tiles.kc;
  pipeline.matmulMC = tiles.mc;
  pipeline.matmulFMA = target.hasFMA;
  pipeline.reportFusions = options.reportFusions;
  pipeline.fuseAttention = options.import.fuseAttention;
  pipeline.fuseTransformerOps = options.fuseTransformerOps;
  if (failed(runPipeline(*module, options, [&](OpPassManager &pm) {
        return buildGraphToLinalgPipeline(pm, pipeline);
      })))
    return failure();
  if (options.emit == EmitKind::Linalg)
    return textResult([&](llvm::raw_ostream &os) { module->print(os); });

  ::fmc::artifact::ArtifactContents contents;
  auto model = module->lookupSymbol<func::FuncOp>(pipeline.function);
  if (!model || failed(collectArtifactTensors(model, contents)))
    return failure();
  // The weights' bytes stay in the context's resource blobs; the codegen
  // pipeline drops the attributes that name them, not the blobs.

  // Everything the graph-to-linalg pipeline accepted must compile; a failure
  // from here on is a compiler bug, said so.
  auto internalError = [&] {
    return emitError(fileLoc)
           << "internal error: code generation failed after the model was "
              "accepted (a compiler bug; please report it with the model)";
  };
  if (failed(runPipeline(*module, options, [&](OpPassManager &pm) {
        return buildCPUCodegenPipeline(pm, pipeline);
      })))
    return internalError();
  if (options.emit == EmitKind::LLVMDialect)
    return textResult([&](llvm::raw_ostream &os) { module->print(os); });

  std::unique_ptr<llvm::TargetMachine> machine =
      ::fmc::createTargetMachine(target, error);
  if (!machine)
    return emitError(fileLoc) << error;
  llvm::LLVMContext llvmContext;
  std::unique_ptr<llvm::Module> llvmModule =
      translateModuleToLLVMIR(*module, llvmContext, "fmc_model");
  if (!llvmModule)
    return internalError();
  llvmModule->setDataLayout(machine->createDataLayout());
  llvmModule->setTargetTriple(machine->getTargetTriple());
  ::fmc::optimizeModule(*llvmModule, *machine);
  if (options.emit == EmitKind::LLVMIR)
    return textResult(
        [&](llvm::raw_ostream &os) { llvmModule->print(os, nullptr); });

  llvm::SmallVector<char> object;
  if (options.emit == EmitKind::Assembly) {
    llvm::raw_svector_ostream stream(object);
    llvm::legacy::PassManager pm;
    if (machine->addPassesToEmitFile(pm, stream, nullptr,
                                     llvm::CodeGenFileType::AssemblyFile))
      return emitError(fileLoc) << "the target cannot emit assembly";
    pm.run(*llvmModule);
    return textResult(
        [&](llvm::raw_ostream &os) { os.write(object.data(), object.size()); });
  }
  if (!::fmc::emitObject(*llvmModule, *machine, object, error))
    return emitError(fileLoc) << error;
  if (options.emit == EmitKind::Object)
    return textResult(
        [&](llvm::raw_ostream &os) { os.write(object.data(), object.size()); });

  std::vector<char> library;
  if (!::fmc::linkSharedObject(object, library, error))
    return emitError(fileLoc) << error;
  contents.targetTriple = target.triple;
  contents.targetCpu = target.cpu;
  contents.sourceName = llvm::sys::path::filename(options.inputPath).str();
  contents.code = library.data();
  contents.codeSize = library.size();
  if (options.outputPath.empty())
    return emitError(fileLoc) << "no output file given (-o)";
  if (!::fmc::artifact::writeArtifact(options.outputPath, contents, error))
    return emitError(fileLoc) << error;
  return success();
}
