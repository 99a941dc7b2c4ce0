//===- ArtifactBuilder.h - model function -> artifact metadata --*- C++ -*-===//

#ifndef FMC_COMPILER_ARTIFACT_ARTIFACTBUILDER_H
#define FMC_COMPILER_ARTIFACT_ARTIFACTBUILDER_H

#include "runtime/src/artifact/ArtifactWriter.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"

namespace mlir::fmc {

/// The ONNX dtype number of an MLIR element type, or 0 when it has none.
uint32_t getDtypeCode(Type type);

/// Fills the inputs, outputs and weights of `contents` from the model
/// function's `fmc.input`, `fmc.weight` and `fmc.output` attributes (after
/// weight outlining). Weight bytes are borrowed from the context's resource
/// blobs. Emits a diagnostic and fails on what the format cannot hold.
LogicalResult
collectArtifactTensors(func::FuncOp model,
                       ::fmc::artifact::ArtifactContents &contents);

} // namespace mlir::fmc

#endif // FMC_COMPILER_ARTIFACT_ARTIFACTBUILDER_H
