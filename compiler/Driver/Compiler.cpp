//===- Compiler.cpp - ONNX file -> artifact, end to end -------------------===//

#include "compiler/Driver/Compiler.h"

#include "compiler/Artifact/ArtifactBuilder.h"
#include "compiler/Pipelines/Pipelines.h"
#include "compiler/Targets/CPU/CPUTarget.h"
#include "compiler/Targets/CUDA/CUDATarget.h"
#include "passes/ABI/Passes.h"
#include "passes/GPU/Passes.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Target/LLVMIR/Export.h"
#include "llvm/IR/LLVMContext.h"
#include "llvm/IR/LegacyPassManager.h"
#include "llvm/IR/Module.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/Process.h"
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

/// The CUDA toolkit whose ptxas and fatbinary assemble kernels: $CUDA_HOME,
/// else $CUDA_PATH, else the folder found when fmc was configured.
std::string cudaToolkitPath() {
  for (const char *variable : {"CUDA_HOME", "CUDA_PATH"})
    if (std::optional<std::string> value = llvm::sys::Process::GetEnv(variable))
      if (!value->empty())
        return *value;
  return FMC_CUDA_TOOLKIT;
}

/// --emit=ptx: the PTX of every serialized GPU module.
void printKernels(ModuleOp module, llvm::raw_ostream &os) {
  module.walk([&](gpu::BinaryOp binary) {
    for (Attribute attr : binary.getObjects())
      if (auto object = dyn_cast<gpu::ObjectAttr>(attr))
        os << "// fmc: GPU module @" << binary.getName() << " for "
           << object.getTarget() << "\n"
           << object.getObject().getValue() << "\n";
  });
}

/// MLIR's gpu-to-llvm lowering and gpu.binary translation call the
/// `mgpu*` functions of MLIR's CUDA runtime wrappers. fmc's runtime
/// implements them under its own names (docs/ARTIFACT.md), so that its
/// library exports nothing outside the fmc_ prefix.
LogicalResult renameGPURuntimeCalls(llvm::Module &module, Location loc) {
  static const llvm::StringMap<StringRef> kNames = {
      {"mgpuModuleLoad", "fmc_cuda_module_load"},
      {"mgpuModuleUnload", "fmc_cuda_module_unload"},
      {"mgpuModuleGetFunction", "fmc_cuda_module_get_function"},
      {"mgpuLaunchKernel", "fmc_cuda_launch_kernel"},
      {"mgpuStreamCreate", "fmc_cuda_stream_create"},
      {"mgpuStreamDestroy", "fmc_cuda_stream_destroy"},
      {"mgpuStreamSynchronize", "fmc_cuda_stream_synchronize"},
      {"mgpuMemAlloc", "fmc_cuda_mem_alloc"},
      {"mgpuMemFree", "fmc_cuda_mem_free"},
      {"mgpuMemcpy", "fmc_cuda_memcpy"},
      {"mgpuMemset32", "fmc_cuda_memset32"},
      {"mgpuMemset16", "fmc_cuda_memset16"},
      {"mgpuTensorMapEncodeTiledMemref", "fmc_cuda_tensor_map_encode"},
  };
  for (llvm::Function &function : module.functions()) {
    if (!function.isDeclaration() || !function.getName().starts_with("mgpu"))
      continue;
    auto it = kNames.find(function.getName());
    if (it == kNames.end())
      return emitError(loc) << "internal error: the GPU host code calls '"
                            << function.getName()
                            << "', which fmc's runtime does not implement";
    function.setName(it->second);
  }
  return success();
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

  // A GPU target's host code runs on the CPU it is linked for; that is
  // `target` for CPU targets and generic x86-64 for GPU targets.
  ::fmc::CPUTarget target;
  std::optional<::fmc::CUDATarget> gpu;
  std::string error;
  if (::fmc::isCUDATargetName(options.target)) {
    gpu.emplace();
    if (!::fmc::resolveCUDATarget(options.target, *gpu, error))
      return emitError(fileLoc) << error;
    if (!::fmc::resolveCPUTarget("x86-64", options.cpu, target, error))
      return emitError(fileLoc) << error;
  } else {
    if (options.precision != "fp32" && !options.gpuMappingOnHost)
      return emitError(fileLoc)
             << "--precision applies to GPU targets (and to "
                "--gpu-mapping-on-host, which tests their mapping) only";
    if (options.emit == EmitKind::PTX)
      return emitError(fileLoc) << "--emit=ptx needs a GPU target (sm_*)";
    if (!::fmc::resolveCPUTarget(options.target, options.cpu, target, error))
      return emitError(fileLoc) << error;
  }

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
  pipeline.matmulOutBlockBytes = tiles.outBlockBytes;
  pipeline.matmulFMA = target.hasFMA;
  pipeline.reportFusions = options.reportFusions;
  pipeline.reportKernels = options.reportKernels;
  pipeline.fuseAttention = options.import.fuseAttention;
  pipeline.fuseTransformerOps = options.fuseTransformerOps;
  if (options.gpuMappingOnHost && gpu)
    return emitError(fileLoc) << "--gpu-mapping-on-host needs a CPU target";
  pipeline.gpuMappingOnHost = options.gpuMappingOnHost;
  // fp16/bf16: matmul weights stored narrow (multiplied on the tensor
  // cores by fmc-gpu-tile-matmul); tf32: f32 weights, matmuls on
  // the tensor cores reading them as tf32.
  if (options.precision == "fp16" || options.precision == "bf16")
    pipeline.narrowWeights = options.precision == "fp16" ? "f16" : "bf16";
  else if (options.precision == "tf32")
    pipeline.gpuTF32 = true;
  else if (options.precision != "fp32")
    return emitError(fileLoc)
           << "--precision=" << options.precision
           << " is not supported (supported: fp32, tf32, fp16, bf16)";
  if (options.gpuTMA && !gpu && !options.gpuMappingOnHost)
    return emitError(fileLoc) << "--gpu-tma applies to GPU targets (sm_90a) "
                                 "and to --gpu-mapping-on-host";
  if (gpu || options.gpuMappingOnHost) {
    // The CPU kernel's weight panels and the thread pool's attention
    // forall are CPU-only; the GPU path (and its emulation) uses neither.
    // The row loops of norms become one kernel each
    // (fmc-gpu-launch-row-loops).
    pipeline.packMatmulWeights = false;
    pipeline.parallelAttention = false;
    pipeline.rowLoopsOnGPUBlocks = true;
    // Matrix-vector weights whose rows are not whole 16-byte vectors (of
    // the weights as narrowed) are read along k instead.
    pipeline.gpuMatvecWeightWidth = pipeline.narrowWeights.empty() ? 4 : 8;
    // The GPU matmul tiles of the target (--gpu-mapping-on-host: the
    // default ones, every target's today).
    ::fmc::GPUMatmulTiles gpuTiles =
        gpu ? ::fmc::matmulTiles(*gpu) : ::fmc::GPUMatmulTiles();
    pipeline.gpuBlockM = gpuTiles.blockM;
    pipeline.gpuBlockN = gpuTiles.blockN;
    pipeline.gpuBlockK = gpuTiles.blockK;
    pipeline.gpuThreadM = gpuTiles.threadM;
    pipeline.gpuThreadN = gpuTiles.threadN;
    // Attention as one fused kernel, its blocks within the target's shared
    // memory per block; with fp16/bf16, on the tensor cores (mma.sync
    // m16n8k16 of f16 and bf16: every CUDA target fmc has) in that type.
    pipeline.gpuAttention = true;
    pipeline.gpuAttentionMMA = pipeline.narrowWeights;
    // The tensors between kernels in that type too (read by the kernels as
    // they are, arithmetic in f32): half the bytes, and 16-bit operands the
    // tensor-core kernels stage without converting them.
    if (options.narrowActivations)
      pipeline.narrowActivations = pipeline.narrowWeights;
    if (gpu) {
      pipeline.gpuSharedBytes = gpu->sharedBytesPerBlock;
      pipeline.gpuMaxSharedBytes = gpu->maxSharedBytesPerBlock;
      pipeline.gpuSplitBlocks = 2 * gpu->maxSMs;
      pipeline.gpuSMs = gpu->maxSMs;
      pipeline.gpuAsyncCopies = gpu->asyncCopy;
      pipeline.gpuWGMMA = gpu->wgmma;
    }
    if (options.gpuSMs) {
      pipeline.gpuSMs = options.gpuSMs;
      pipeline.gpuSplitBlocks = 2 * options.gpuSMs;
    }
    if (options.gpuWGMMA) {
      if (*options.gpuWGMMA && gpu && !gpu->wgmma)
        return emitError(fileLoc)
               << "--gpu-wgmma: " << gpu->name
               << " has no warpgroup MMA (wgmma.mma_async needs sm_90a)";
      pipeline.gpuWGMMA = *options.gpuWGMMA;
      // On the host, the warpgroup kernels' tiles are those of the GPU that
      // has them (sm_90a's shared memory per block: its 128 x 256 tiles).
      ::fmc::CUDATarget hopper;
      if (!gpu && pipeline.gpuWGMMA &&
          ::fmc::resolveCUDATarget("sm_90a", hopper, error))
        pipeline.gpuMaxSharedBytes = hopper.maxSharedBytesPerBlock;
    }
    if (options.gpuTMA) {
      if (!pipeline.gpuWGMMA)
        return emitError(fileLoc)
               << "--gpu-tma: TMA copies feed the warpgroup matmul kernel, "
               << (!gpu         ? std::string("which needs --gpu-wgmma")
                   : gpu->wgmma ? std::string("which --gpu-wgmma=false "
                                              "turns off")
                                : "which " + gpu->name +
                                      " does not have (it needs sm_90a)");
      pipeline.gpuTMA = true;
    }
    pipeline.gpuAttentionMaxHead =
        mlir::fmc::largestFusedAttentionHead(pipeline.gpuSharedBytes);
  }
  if (gpu) {
    // FlashAttention's blocks: a few MiB of scores per step keeps the
    // number of kernel launches per attention small.
    pipeline.tileCacheBytes = 4 << 20;
    pipeline.cudaChip = gpu->chip;
    pipeline.cudaFeatures = gpu->ptxFeatures;
    pipeline.cudaBlockSize = ::fmc::elementwiseBlockSize(*gpu);
    pipeline.cudaToolkit = cudaToolkitPath();
    std::string ptxas = pipeline.cudaToolkit + "/bin/ptxas";
    if (!llvm::sys::fs::can_execute(ptxas))
      return emitError(fileLoc)
             << "cannot compile for " << gpu->name << ": ptxas was not found "
             << "at '" << ptxas
             << "' (set CUDA_HOME to the CUDA toolkit's folder)";
  }
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
  if (gpu) {
    if (failed(runPipeline(*module, options, [&](OpPassManager &pm) {
          return buildCUDAKernelPipeline(pm, pipeline);
        })))
      return internalError();
    if (options.emit == EmitKind::LLVMDialect)
      return textResult([&](llvm::raw_ostream &os) { module->print(os); });
    bool ptx = options.emit == EmitKind::PTX;
    if (failed(runPipeline(*module, options, [&](OpPassManager &pm) {
          return buildCUDABinaryPipeline(pm, pipeline, ptx ? "isa" : "fatbin");
        })))
      return internalError();
    if (ptx)
      return textResult(
          [&](llvm::raw_ostream &os) { printKernels(*module, os); });
  } else if (failed(runPipeline(*module, options, [&](OpPassManager &pm) {
               return buildCPUCodegenPipeline(pm, pipeline);
             }))) {
    return internalError();
  }
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
  if (gpu && failed(renameGPURuntimeCalls(*llvmModule, fileLoc)))
    return failure();
  llvmModule->setDataLayout(machine->createDataLayout());
  llvmModule->setTargetTriple(machine->getTargetTriple());
  // The emulated GPU kernels (--gpu-mapping-on-host) are a test of the
  // mapping, not a CPU build: scalar cleanups and a fast instruction
  // selector and register allocator keep their unrolled warp-level
  // products and emulated collectives from taking minutes of LLVM time.
  if (options.gpuMappingOnHost)
    machine->setOptLevel(llvm::CodeGenOptLevel::None);
  ::fmc::optimizeModule(*llvmModule, *machine,
                        /*quick=*/options.gpuMappingOnHost);
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
  if (!::fmc::linkSharedObject(object, target.triple, library, error))
    return emitError(fileLoc) << error;
  contents.targetTriple = target.triple;
  contents.targetCpu = target.cpu;
  if (auto arena =
          module->getOperation()->getAttrOfType<IntegerAttr>(kArenaBytesAttr))
    contents.arenaBytes = arena.getInt();
  if (gpu)
    contents.device = gpu->chip;
  contents.sourceName = llvm::sys::path::filename(options.inputPath).str();
  contents.code = library.data();
  contents.codeSize = library.size();
  if (options.outputPath.empty())
    return emitError(fileLoc) << "no output file given (-o)";
  if (!::fmc::artifact::writeArtifact(options.outputPath, contents, error))
    return emitError(fileLoc) << error;
  return success();
}
