//===- CompileCommand.cpp - fmc compile -----------------------------------===//

#include "tools/fmc/Commands.h"
#include "tools/fmc/Npy.h"

#include "compiler/Driver/Compiler.h"
#include "compiler/Pipelines/Registration.h"
#include "compiler/Targets/CPU/CPUTarget.h"
#include "compiler/Targets/CUDA/CUDATarget.h"
#include "passes/GPU/Passes.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/DialectRegistry.h"
#include "llvm/Support/raw_ostream.h"

namespace cl = llvm::cl;
using namespace mlir;

namespace fmc::tool {

cl::SubCommand &getCompileSubCommand() {
  static cl::SubCommand sub("compile", "Compile an ONNX model to an artifact");
  return sub;
}

namespace {
cl::opt<std::string> inputFile(cl::Positional, cl::Optional,
                               cl::desc("<model.onnx | model.onnxtxt>"),
                               cl::sub(getCompileSubCommand()));
cl::opt<std::string> outputFile("o", cl::desc("Output file ('-' for stdout)"),
                                cl::value_desc("file"), cl::init(""),
                                cl::sub(getCompileSubCommand()));
cl::opt<std::string>
    target("target",
           cl::desc("Target: host (default; CPU features detected), an x86-64 "
                    "or AArch64 CPU (x86-64-v3, znver2, neoverse-n1, "
                    "cortex-a76, ...) or a triple (aarch64-linux-gnu)"),
           cl::init("host"), cl::sub(getCompileSubCommand()));
cl::opt<bool> printTarget(
    "print-target",
    cl::desc("Print the target description (ISA, vector registers, caches, "
             "cores, matmul tiles) that tiling reads, and exit"),
    cl::init(false), cl::sub(getCompileSubCommand()));
cl::opt<std::string> targetCpu("target-cpu",
                               cl::desc("Override the target's CPU name"),
                               cl::init(""), cl::sub(getCompileSubCommand()));
cl::opt<std::string> precision(
    "precision",
    cl::desc("Precision on GPU targets: fp32 (default); fp16: matmul "
             "weights stored in f16 (converted at compile time) and the "
             "tensors passed between kernels stored in f16, arithmetic "
             "and sums in f32, matmuls and attention on the tensor cores; "
             "bf16: the same in bf16; tf32: f32 weights, matmuls on the "
             "tensor cores reading their operands as tf32 (10-bit "
             "mantissas, sums in f32)"),
    cl::init("fp32"), cl::sub(getCompileSubCommand()));
cl::opt<bool> narrowActivations(
    "narrow-activations",
    cl::desc("With --precision=fp16|bf16: store the tensors passed between "
             "kernels in that type (default); =false keeps them f32 (only "
             "the matmul weights narrow), e.g. to tell which of the two an "
             "accuracy loss comes from"),
    cl::init(true), cl::sub(getCompileSubCommand()));
cl::opt<unsigned> gpuSMs(
    "gpu-sms",
    cl::desc("GPU targets and --gpu-mapping-on-host: tile as for a GPU with "
             "this many SMs instead of the target's (or, on the host, an "
             "A100's 108): matmuls take the largest tiles that give at "
             "least this many blocks, so a smaller N gives larger tiles, and "
             "attentions split their keys among blocks while their grid has "
             "fewer than 2N; for tests and tuning"),
    cl::init(0), cl::Hidden, cl::sub(getCompileSubCommand()));
cl::opt<cl::boolOrDefault> gpuWGMMA(
    "gpu-wgmma",
    cl::desc("Multiply large fp16/bf16 matmuls, and run fp16/bf16 "
             "attention, with warpgroup MMA (wgmma.mma_async; default: on "
             "sm_90a, off elsewhere); with --gpu-mapping-on-host, runs "
             "those kernels' emulation (with sm_90a's shared memory per "
             "block); for tests and for timing them against the mma.sync "
             "kernels"),
    cl::init(cl::BOU_UNSET), cl::Hidden, cl::sub(getCompileSubCommand()));
cl::opt<bool> gpuTMA(
    "gpu-tma",
    cl::desc("Copy the slices of the warpgroup matmul kernel (sm_90a, or "
             "--gpu-wgmma with --gpu-mapping-on-host) with the tensor memory "
             "accelerator: one thread starts each slice's copies "
             "(cp.async.bulk.tensor) and the threads wait on an mbarrier, "
             "instead of every thread copying by cp.async. Off by default "
             "until measured on a GPU"),
    cl::init(false), cl::Hidden, cl::sub(getCompileSubCommand()));
cl::opt<bool> gpuMappingOnHost(
    "gpu-mapping-on-host",
    cl::desc("CPU targets: compile through the GPU mapping (one thread per "
             "parallel iteration, device buffers) and run its launches as "
             "host loops, to test the GPU path without a GPU"),
    cl::init(false), cl::sub(getCompileSubCommand()));
cl::list<std::string>
    inputShapes("input-shape",
                cl::desc("Pin a graph input's shape, e.g. input_ids=1x128 "
                         "(repeatable); replaces symbolic dims"),
                cl::value_desc("name=DxD..."), cl::sub(getCompileSubCommand()));
cl::list<std::string> bindInputs(
    "bind-input",
    cl::desc("Bind a graph input to the value in a .npy file (repeatable): it "
             "becomes a compile-time constant and leaves the artifact's "
             "inputs; use it for inputs that determine shapes (axes, shape, "
             "pads, repeats)"),
    cl::value_desc("name=file.npy"), cl::sub(getCompileSubCommand()));
cl::opt<mlir::fmc::EmitKind> emit(
    "emit", cl::desc("What to produce"),
    cl::values(
        clEnumValN(mlir::fmc::EmitKind::Graph, "graph",
                   "fmc graph dialect after import"),
        clEnumValN(mlir::fmc::EmitKind::Linalg, "linalg", "linalg on tensors"),
        clEnumValN(mlir::fmc::EmitKind::LLVMDialect, "llvm-dialect",
                   "MLIR LLVM dialect"),
        clEnumValN(mlir::fmc::EmitKind::LLVMIR, "llvm-ir", "optimized LLVM IR"),
        clEnumValN(mlir::fmc::EmitKind::Assembly, "asm", "target assembly"),
        clEnumValN(mlir::fmc::EmitKind::Object, "obj", "ELF object file"),
        clEnumValN(mlir::fmc::EmitKind::PTX, "ptx",
                   "PTX of the GPU kernels (GPU targets)"),
        clEnumValN(mlir::fmc::EmitKind::Artifact, "artifact",
                   "the .fmc artifact (default)")),
    cl::init(mlir::fmc::EmitKind::Artifact), cl::sub(getCompileSubCommand()));
cl::opt<bool> printBefore("mlir-print-ir-before-all",
                          cl::desc("Print the IR before every pass"),
                          cl::sub(getCompileSubCommand()));
cl::opt<bool> printAfter("mlir-print-ir-after-all",
                         cl::desc("Print the IR after every pass"),
                         cl::sub(getCompileSubCommand()));
cl::opt<bool> timing("mlir-timing", cl::desc("Time every pass"),
                     cl::sub(getCompileSubCommand()));
cl::opt<bool> fuseAttention(
    "fuse-attention",
    cl::desc("Compile attention as one fused op (FlashAttention); "
             "--fuse-attention=false keeps it as separate ops"),
    cl::init(true), cl::sub(getCompileSubCommand()));
cl::opt<bool> fuseTransformerOps(
    "fuse-transformer-ops",
    cl::desc("Raise decomposed layer/RMS norms, residual + norm, GELU, SiLU "
             "and rotary embeddings to fused ops; =false keeps them as "
             "separate ops"),
    cl::init(true), cl::sub(getCompileSubCommand()));
cl::opt<std::string>
    report("report",
           cl::desc("What to report while compiling: 'fusions' (every fused "
                    "attention with the ONNX nodes it replaced, and every "
                    "attention-like subgraph left unfused with the reason); "
                    "'kernels' (GPU targets and --gpu-mapping-on-host: every "
                    "kernel with its algorithm, tiles, grid and shared "
                    "memory, at its ONNX node)"),
           cl::value_desc("fusions|kernels"), cl::sub(getCompileSubCommand()));

/// Finds the ONNX node name and file in a location built by the importer.
void describeLocation(Location loc, std::string &file, std::string &node) {
  if (auto name = dyn_cast<NameLoc>(loc)) {
    if (node.empty())
      node = name.getName().str();
    describeLocation(name.getChildLoc(), file, node);
  } else if (auto fileLoc = dyn_cast<FileLineColLoc>(loc)) {
    if (file.empty())
      file = fileLoc.getFilename().str();
  } else if (auto fused = dyn_cast<FusedLoc>(loc)) {
    for (Location inner : fused.getLocations())
      describeLocation(inner, file, node);
  } else if (auto callSite = dyn_cast<CallSiteLoc>(loc)) {
    describeLocation(callSite.getCallee(), file, node);
  }
}

/// One line per diagnostic: `<file>: node '<name>': error: <message>`.
LogicalResult printDiagnostic(Diagnostic &diag) {
  std::string file, node;
  describeLocation(diag.getLocation(), file, node);
  llvm::raw_ostream &os = llvm::errs();
  os << (file.empty() ? std::string("fmc compile") : file);
  if (!node.empty())
    os << ": node '" << node << "'";
  switch (diag.getSeverity()) {
  case DiagnosticSeverity::Error:
    os << ": error: ";
    break;
  case DiagnosticSeverity::Warning:
    os << ": warning: ";
    break;
  case DiagnosticSeverity::Remark:
    os << ": remark: ";
    break;
  default:
    os << ": note: ";
    break;
  }
  os << diag << "\n";
  return success();
}
/// The .npy array as a dense attribute (null for a dtype fmc lacks).
DenseElementsAttr npyToAttr(MLIRContext *ctx, const NpyArray &a) {
  Builder b(ctx);
  Type element;
  switch (a.dtype) {
  case FMC_DTYPE_FLOAT32:
    element = b.getF32Type();
    break;
  case FMC_DTYPE_FLOAT64:
    element = b.getF64Type();
    break;
  case FMC_DTYPE_FLOAT16:
    element = b.getF16Type();
    break;
  case FMC_DTYPE_BFLOAT16:
    element = b.getBF16Type();
    break;
  case FMC_DTYPE_INT8:
  case FMC_DTYPE_INT16:
  case FMC_DTYPE_INT32:
  case FMC_DTYPE_INT64:
    element = b.getIntegerType(8 * fmc_dtype_size(a.dtype));
    break;
  case FMC_DTYPE_UINT8:
  case FMC_DTYPE_UINT16:
  case FMC_DTYPE_UINT32:
  case FMC_DTYPE_UINT64:
    element = b.getIntegerType(8 * fmc_dtype_size(a.dtype), false);
    break;
  case FMC_DTYPE_BOOL: {
    auto type = RankedTensorType::get(a.shape, b.getI1Type());
    llvm::SmallVector<bool> bits(a.data.begin(), a.data.end());
    return DenseElementsAttr::get(type, llvm::ArrayRef<bool>(bits));
  }
  default:
    return {};
  }
  auto type = RankedTensorType::get(a.shape, element);
  llvm::ArrayRef<char> raw(reinterpret_cast<const char *>(a.data.data()),
                           a.data.size());
  return DenseElementsAttr::getFromRawBuffer(type, raw);
}

} // namespace

/// `fmc compile --print-target`: the resolved target description.
int printTargetDescription() {
  std::string error;
  if (::fmc::isCUDATargetName(target)) {
    ::fmc::CUDATarget gpu;
    if (!::fmc::resolveCUDATarget(target, gpu, error)) {
      llvm::errs() << "fmc compile: error: " << error << "\n";
      return 1;
    }
    ::fmc::printCUDATarget(gpu, llvm::outs());
    // What fmc-gpu-launch-attention makes of it.
    llvm::outs() << "attention: one fused kernel for heads up to "
                 << mlir::fmc::largestFusedAttentionHead(
                        gpu.sharedBytesPerBlock)
                 << " (larger: loops); keys split when a grid has under "
                 << 2 * gpu.maxSMs << " blocks\n";
    // What fmc-gpu-tile-matmul's tensor-core kernel chooses from.
    llvm::outs() << "tensor-core matmul tiles (16-bit operands; the largest "
                    "giving at least "
                 << gpu.maxSMs << " blocks): "
                 << mlir::fmc::describeTensorCoreMatmulTiles(
                        gpu.maxSharedBytesPerBlock)
                 << "\n";
    if (gpu.wgmma)
      llvm::outs() << "warpgroup matmul tiles (wgmma; 16-bit operands, or "
                      "with tf32 f32 ones storing k contiguously in slices "
                      "half as deep, both copied by cp.async; the largest "
                      "giving at least "
                   << gpu.maxSMs << " blocks, else the tensor-core tiles): "
                   << mlir::fmc::describeWarpgroupMatmulTiles(
                          gpu.maxSharedBytesPerBlock)
                   << "\n";
    return 0;
  }
  ::fmc::CPUTarget t;
  if (!::fmc::resolveCPUTarget(target, targetCpu, t, error)) {
    llvm::errs() << "fmc compile: error: " << error << "\n";
    return 1;
  }
  ::fmc::MatmulTiles tiles = ::fmc::matmulTiles(t);
  llvm::raw_ostream &os = llvm::outs();
  os << "target: " << t.name << "\n"
     << "  triple: " << t.triple << ", cpu: " << t.cpu << "\n"
     << "  vector: " << t.vectorBits << "-bit x " << t.vectorRegisters
     << " registers" << (t.hasFMA ? ", fma" : "") << "\n"
     << "  caches: L1d " << t.l1dBytes / 1024 << " KiB, L2 " << t.l2Bytes / 1024
     << " KiB, L3 " << t.l3Bytes / 1024 << " KiB\n"
     << "  cores: ";
  if (t.cores)
    os << t.cores << "\n";
  else
    os << "decided at run time\n";
  os << "  matmul tiles: mr " << tiles.mr << ", nr " << tiles.nr << ", kc "
     << tiles.kc << ", mc " << tiles.mc << ", out block "
     << tiles.outBlockBytes / 1024 << " KiB\n";
  return 0;
}

int runCompileCommand() {
  if (printTarget)
    return printTargetDescription();
  if (inputFile.empty()) {
    llvm::errs() << "fmc compile: error: give the model to compile\n";
    return 1;
  }
  mlir::fmc::CompileOptions options;
  options.inputPath = inputFile;
  options.outputPath = outputFile;
  options.target = target;
  options.cpu = targetCpu;
  options.precision = precision;
  options.narrowActivations = narrowActivations;
  options.gpuSMs = gpuSMs;
  if (gpuWGMMA != cl::BOU_UNSET)
    options.gpuWGMMA = gpuWGMMA == cl::BOU_TRUE;
  options.gpuTMA = gpuTMA;
  options.gpuMappingOnHost = gpuMappingOnHost;
  options.emit = emit;
  options.printIRBeforeAll = printBefore;
  options.printIRAfterAll = printAfter;
  options.timing = timing;
  if (!report.empty() && report != "fusions" && report != "kernels") {
    llvm::errs() << "fmc compile: error: unknown --report '" << report
                 << "' (supported: fusions, kernels)\n";
    return 1;
  }
  options.reportFusions = report == "fusions";
  options.reportKernels = report == "kernels";
  options.import.fuseAttention = fuseAttention;
  options.fuseTransformerOps = fuseTransformerOps;
  for (const std::string &spec : inputShapes) {
    std::string name;
    llvm::SmallVector<int64_t> shape;
    if (failed(mlir::fmc::onnx::parseInputShape(spec, name, shape))) {
      llvm::errs() << "fmc compile: error: bad --input-shape '" << spec
                   << "' (expected name=DxDx...)\n";
      return 1;
    }
    options.import.inputShapes[name] = shape;
  }
  for (const std::string &spec : bindInputs) {
    auto [name, path] = llvm::StringRef(spec).split('=');
    if (name.empty() || path.empty()) {
      llvm::errs() << "fmc compile: error: bad --bind-input '" << spec
                   << "' (expected name=file.npy)\n";
      return 1;
    }
    llvm::Expected<NpyArray> array = readNpy(path);
    if (!array) {
      llvm::errs() << "fmc compile: error: "
                   << llvm::toString(array.takeError()) << "\n";
      return 1;
    }
    options.import.boundInputs[name] =
        [value = std::move(*array)](MLIRContext *ctx) -> DenseElementsAttr {
      return npyToAttr(ctx, value);
    };
  }
  if (options.emit == mlir::fmc::EmitKind::Artifact &&
      options.outputPath.empty()) {
    llvm::errs() << "fmc compile: error: give the artifact's path with -o\n";
    return 1;
  }

  DialectRegistry registry;
  mlir::fmc::registerAllDialects(registry);
  MLIRContext context(registry);
  ScopedDiagnosticHandler handler(&context, printDiagnostic);
  if (failed(mlir::fmc::compileModel(context, options, llvm::outs())))
    return 1;
  return 0;
}

} // namespace fmc::tool
