//===- Epilogue.h - what fmc-tile-matmul fuses around a contraction -------===//
//
// A contraction accumulates into `out`. When a zero fill of `out` comes just
// before it, its first kc block stores instead of adding (the fill goes).
// When an elementwise linalg.generic that reads `out` comes just after it
// (a bias add, GELU, a residual add, a quantization to 8-bit integers: its
// output may have another element type), the last kc block applies that
// generic's body to each output vector in registers and stores the result
// into the generic's output (the generic goes). Both are matched on buffers,
// after bufferization and arena planning.
//
//===----------------------------------------------------------------------===//

#ifndef FMC_PASSES_CODEGEN_EPILOGUE_H
#define FMC_PASSES_CODEGEN_EPILOGUE_H

#include "passes/Codegen/Contraction.h"

namespace mlir::fmc {

/// How the epilogue reads one of its inputs for an output vector at
/// (..., m, n .. n + lanes).
struct EpilogueInput {
  enum Kind {
    Out,      ///< the contraction's result
    Vector,   ///< contiguous along n: one vector load
    Broadcast ///< independent of n: one scalar load, broadcast
  } kind;
  /// Indices of the input in the contraction's loop dims.
  AffineMap map;
};

struct Fusion {
  /// The zero fill of out that the first kc block replaces, or null.
  linalg::FillOp zeroFill;
  /// The elementwise generic applied in the last kc block, or null.
  linalg::GenericOp epilogue;
  /// One entry per input of `epilogue`.
  SmallVector<EpilogueInput> inputs;

  /// The epilogue's operands that the kernel reads or writes besides the
  /// contraction's own: its inputs other than out, then its output.
  SmallVector<Value> extraOperands() const;
};

/// What can be fused around `op`, a contraction described by `c` on
/// buffers. Assumes that buffers with different roots (function arguments,
/// allocations) do not alias, as the runtime passes distinct inputs,
/// outputs, weights and arena; views of one buffer alias unless both are
/// memref.view ops with disjoint constant byte ranges. May move views and
/// constants that the epilogue uses up before `op`. With `narrowFloats`
/// (the GPU kernels) the epilogue may also read and write f16 and bf16
/// buffers (activations stored narrow), its body extending and rounding.
Fusion matchFusion(linalg::GenericOp op, const Contraction &c,
                   bool narrowFloats = false);

/// Emits `fusion.epilogue`'s body on vectors of `lanes` elements: the
/// contraction's value is `sum`, and input i of the epilogue (other than
/// out) is `readInput(i, memref)`, a vector of `lanes` elements that the
/// caller loads from `memref` (the matching entry of extraOperands()).
/// Constants become splats. Returns the value the body yields.
Value emitEpilogueBody(OpBuilder &b, Location loc, const Fusion &fusion,
                       ValueRange extraOperands, Value sum, int64_t lanes,
                       function_ref<Value(unsigned, Value)> readInput);

} // namespace mlir::fmc

#endif // FMC_PASSES_CODEGEN_EPILOGUE_H
