//===- ModelImporter.h - ONNX ModelProto to the fmc graph dialect -*- C++
//-*-===//

#ifndef FMC_FRONTENDS_ONNX_MODELIMPORTER_H
#define FMC_FRONTENDS_ONNX_MODELIMPORTER_H

#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/OwningOpRef.h"
#include "llvm/ADT/StringMap.h"

#include <functional>
#include <string>

namespace mlir::fmc::onnx {

struct ImportOptions {
  /// Pinned shapes of graph inputs (`--input-shape name=1x128`); they replace
  /// symbolic dims and must agree with static ones.
  llvm::StringMap<SmallVector<int64_t>> inputShapes;
  /// Graph inputs bound to constant values (`--bind-input name=file.npy`):
  /// they become constants, and leave the model's interface. Each makes its
  /// value in the import's context.
  llvm::StringMap<std::function<DenseElementsAttr(MLIRContext *)>> boundInputs;
  /// Name of the generated model function.
  std::string functionName = "main";
  /// Import ONNX Attention as one fmc.attention where its features allow
  /// (`--fuse-attention=false` keeps every attention decomposed).
  bool fuseAttention = true;
};

/// Imports the ONNX model at `path` (binary protobuf, or ONNX text syntax for
/// files ending in .onnxtxt) into a module with one function in the fmc graph
/// dialect. Errors are emitted as diagnostics located at the file or node.
OwningOpRef<ModuleOp> importModelFile(MLIRContext *ctx, StringRef path,
                                      const ImportOptions &options);

/// Parses `--input-shape` values: `name=1x128` (a scalar is `name=`).
LogicalResult parseInputShape(StringRef spec, std::string &name,
                              SmallVectorImpl<int64_t> &shape);

} // namespace mlir::fmc::onnx

#endif // FMC_FRONTENDS_ONNX_MODELIMPORTER_H
