//===- Passes.h - numeric precision passes ----------------------*- C++ -*-===//

#ifndef FMC_PASSES_PRECISION_PASSES_H
#define FMC_PASSES_PRECISION_PASSES_H

#include "dialects/Graph/IR/GraphDialect.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Pass/Pass.h"

namespace mlir::fmc {

#define GEN_PASS_DECL
#include "passes/Precision/Passes.h.inc"

#define GEN_PASS_REGISTRATION
#include "passes/Precision/Passes.h.inc"

} // namespace mlir::fmc

#endif // FMC_PASSES_PRECISION_PASSES_H
