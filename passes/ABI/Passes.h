//===- Passes.h - passes that shape the runtime ABI -------------*- C++ -*-===//

#ifndef FMC_PASSES_ABI_PASSES_H
#define FMC_PASSES_ABI_PASSES_H

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/Pass/Pass.h"

#include <vector>

namespace mlir::fmc {

#define GEN_PASS_DECL
#include "passes/ABI/Passes.h.inc"

#define GEN_PASS_REGISTRATION
#include "passes/ABI/Passes.h.inc"

/// The model function `name` of `module`, or null after an error on the
/// module naming it (for the passes' `function` option).
func::FuncOp lookupModelFunction(ModuleOp module, StringRef name);

/// Whether a memref can cross a call between the model's functions as a
/// bare pointer: static shape, strides and offset (the callee rebuilds the
/// view from its type). Parallel task functions take only such arguments.
bool isBarePointerCompatible(Type type);

/// A weight's data as a resource attribute of `type` named `name`: a copy of
/// `bytes` in a new 64-byte-aligned blob.
DenseResourceElementsAttr createWeightResource(ShapedType type, StringRef name,
                                               ArrayRef<char> bytes);

/// `bytes` of a [rows, cols] matrix of `elementBytes`-byte elements,
/// transposed (a weight laid out at compile time as its readers want it).
std::vector<char> transposedBytes(ArrayRef<char> bytes, int64_t rows,
                                  int64_t cols, int64_t elementBytes);

/// Appends a read-only weight argument of `type` holding `data` to the
/// model function `func`; null after an error on `loc`.
BlockArgument addWeightArgument(func::FuncOp func, Type type,
                                DenseResourceElementsAttr data, Location loc);

/// Erases the weight arguments of the model function `func` that nothing
/// reads (a pass replaced them), so that the artifact does not store them.
LogicalResult eraseUnreadWeights(func::FuncOp func);

/// Argument and result attributes of the model function.
constexpr llvm::StringLiteral kInputAttr = "fmc.input";
constexpr llvm::StringLiteral kOutputAttr = "fmc.output";
constexpr llvm::StringLiteral kWeightAttr = "fmc.weight";
/// The unsigned element type of an argument or result at the runtime
/// boundary (fmc-convert-graph-to-linalg makes the type signless).
constexpr llvm::StringLiteral kElementTypeAttr = "fmc.element_type";
/// The arena argument of the model function, and the module attribute with
/// its size in bytes (fmc-plan-arena).
constexpr llvm::StringLiteral kArenaAttr = "fmc.arena";
constexpr llvm::StringLiteral kArenaBytesAttr = "fmc.arena_bytes";

/// Marks an outlined parallel loop body `(begin, end, captured...)`, which
/// fmc-dispatch-parallel-tasks calls through the runtime's thread pool.
constexpr llvm::StringLiteral kParallelTaskAttr = "fmc.parallel_task";
/// The pointer the compiled code exports for the runtime to set.
constexpr llvm::StringLiteral kParallelForSymbol = "fmc_parallel_for";

} // namespace mlir::fmc

#endif // FMC_PASSES_ABI_PASSES_H
