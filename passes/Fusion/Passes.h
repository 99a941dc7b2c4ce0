//===- Passes.h - fusion passes ---------------------------------*- C++ -*-===//

#ifndef FMC_PASSES_FUSION_PASSES_H
#define FMC_PASSES_FUSION_PASSES_H

#include "dialects/Graph/IR/GraphDialect.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Pass/Pass.h"

namespace mlir::fmc {

#define GEN_PASS_DECL
#include "passes/Fusion/Passes.h.inc"

#define GEN_PASS_REGISTRATION
#include "passes/Fusion/Passes.h.inc"

/// The fusion control of fmc-fuse-elementwise: true when fusing the producer
/// of `fusedOperand` into its owner computes no producer element twice.
bool isFusionWithoutRecomputation(OpOperand *fusedOperand);

} // namespace mlir::fmc

#endif // FMC_PASSES_FUSION_PASSES_H
