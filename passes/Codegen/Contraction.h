//===- Contraction.h - recognising f32 matmul-like linalg.generic -*- C++
//-*-===//
//
// The linalg.generic ops that fmc's matmul lowering (and FlashAttention's
// tile products) produce: out[..., m, n] += lhs[..., m, k] * rhs[..., k, n]
// with any permutation or broadcast of the operand dims. Weight packing and
// the register-tiled microkernel both start from this description.
//
//===----------------------------------------------------------------------===//

#ifndef FMC_PASSES_CODEGEN_CONTRACTION_H
#define FMC_PASSES_CODEGEN_CONTRACTION_H

#include "mlir/Dialect/Linalg/IR/Linalg.h"

namespace mlir::fmc {

struct Contraction {
  /// Loop dims of the generic.
  unsigned m = 0, n = 0, k = 0;
  /// The other parallel dims (batch dims and extra row dims), in the order
  /// the output indexes them.
  SmallVector<unsigned> outer;
  /// Static size of every loop.
  SmallVector<int64_t> sizes;
  /// Nonzero when rhs is already packed: rhs[n floordiv W, k, n mod W].
  int64_t packedWidth = 0;
  /// f16 or bf16 when rhs is stored narrow and the body extends each
  /// element to f32 (fmc-narrow-matmul-weights); null for f32.
  Type narrowRhs;
  /// The same for lhs (activations stored narrow: fmc-narrow-activations).
  Type narrowLhs;
};

/// Matches a static-shaped f32 generic with two inputs and one init whose
/// body is `out + lhs * rhs` (lhs and rhs may be f16/bf16, extended to f32
/// in the body: see narrowLhs, narrowRhs) and whose maps describe a matrix
/// product: one reduction dim k; the output indexes every parallel dim, with n
/// last; lhs indexes m and k but not n; rhs indexes k and n (or is packed) but
/// not m.
FailureOr<Contraction> matchContraction(linalg::GenericOp op);

/// The indices `map` gives at the loop position `loops` (one value per loop
/// dim), each an affine.apply composed with those that define `loops`
/// (folded to a constant where it is one).
SmallVector<Value> applyIndexingMap(OpBuilder &b, Location loc, AffineMap map,
                                    ArrayRef<OpFoldResult> loops);

/// The rhs map of a contraction whose rhs is packed in panels of `width`
/// columns: (n floordiv width, k, n mod width).
AffineMap packedRhsMap(unsigned numLoops, unsigned n, unsigned k, int64_t width,
                       MLIRContext *ctx);

} // namespace mlir::fmc

#endif // FMC_PASSES_CODEGEN_CONTRACTION_H
