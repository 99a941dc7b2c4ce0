//===- Compiler.h - ONNX file -> artifact, end to end -----------*- C++ -*-===//

#ifndef FMC_COMPILER_DRIVER_COMPILER_H
#define FMC_COMPILER_DRIVER_COMPILER_H

#include "frontends/onnx/ModelImporter.h"

#include "mlir/IR/MLIRContext.h"
#include "llvm/Support/raw_ostream.h"

#include <optional>
#include <string>

namespace mlir::fmc {

/// Where compilation stops and what it writes.
enum class EmitKind {
  Graph,       ///< fmc graph dialect right after import
  Linalg,      ///< linalg on tensors
  LLVMDialect, ///< MLIR LLVM dialect
  LLVMIR,      ///< LLVM IR after optimization
  Assembly,    ///< target assembly
  Object,      ///< ELF object
  PTX,         ///< PTX of the GPU kernels (GPU targets)
  Artifact,    ///< the .fmc artifact (default)
};

struct CompileOptions {
  std::string inputPath;
  std::string outputPath;
  std::string target = "host";
  std::string cpu;
  /// GPU targets: fp32, tf32, fp16 or bf16 (--precision).
  std::string precision = "fp32";
  /// With fp16/bf16: the tensors between kernels in that type too
  /// (--narrow-activations; false keeps them f32).
  bool narrowActivations = true;
  /// CPU targets: compile through the GPU mapping and run its launches as
  /// host loops (--gpu-mapping-on-host; a test of the GPU path).
  bool gpuMappingOnHost = false;
  /// Tile as for a GPU with this many SMs (--gpu-sms; 0: the target's).
  unsigned gpuSMs = 0;
  /// Warpgroup MMA for large 16-bit matmuls (--gpu-wgmma; unset: where the
  /// target has it, sm_90a).
  std::optional<bool> gpuWGMMA;
  /// --gpu-tma: the warpgroup matmul's slices copied by the tensor memory
  /// accelerator (needs the warpgroup kernel).
  bool gpuTMA = false;
  EmitKind emit = EmitKind::Artifact;
  onnx::ImportOptions import;
  bool printIRBeforeAll = false;
  bool printIRAfterAll = false;
  bool timing = false;
  /// Remarks on the fusions made and missed (--report=fusions).
  bool reportFusions = false;
  /// A remark per GPU kernel (--report=kernels).
  bool reportKernels = false;
  /// Raise norms, activations and rotary embeddings
  /// (--fuse-transformer-ops).
  bool fuseTransformerOps = true;
};

/// Runs the whole compiler. Diagnostics go to the context's handler; textual
/// outputs (IR, assembly) go to `out` when `outputPath` is empty or "-".
LogicalResult compileModel(MLIRContext &ctx, const CompileOptions &options,
                           llvm::raw_ostream &out);

} // namespace mlir::fmc

#endif // FMC_COMPILER_DRIVER_COMPILER_H
