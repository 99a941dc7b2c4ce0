//===- Passes.h - fusion passes ---------------------------------*- C++ -*-===//

#ifndef FMC_PASSES_FUSION_PASSES_H
#define FMC_PASSES_FUSION_PASSES_H

#include "dialects/Graph/IR/GraphDialect.h"
#include "dialects/Graph/IR/GraphOps.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Pass/Pass.h"

namespace mlir::fmc {

#define GEN_PASS_DECL
#include "passes/Fusion/Passes.h.inc"

#define GEN_PASS_REGISTRATION
#include "passes/Fusion/Passes.h.inc"

/// A decomposed attention found by fmc-raise-attention: the operands of the
/// fmc.attention that replaces it (the key is keySource transposed by
/// keyPerm to keyType) and the locations of the ops it replaces.
struct AttentionMatch {
  Value query, keySource, value, mask;
  SmallVector<int64_t> keyPerm;
  RankedTensorType keyType;
  double scale = 1.0;
  bool causal = false;
  SmallVector<Location> locs;
};

/// Matches softmax(Q @ K^T [* or / c] [+ mask]) @ V ending in `pv`; on no
/// match, says why in `whyNot`.
std::optional<AttentionMatch> matchAttention(MatMulOp pv, std::string &whyNot);

/// The fusion control of fmc-fuse-elementwise: true when fusing the producer
/// of `fusedOperand` into its owner computes no producer element twice.
bool isFusionWithoutRecomputation(OpOperand *fusedOperand);

} // namespace mlir::fmc

#endif // FMC_PASSES_FUSION_PASSES_H
