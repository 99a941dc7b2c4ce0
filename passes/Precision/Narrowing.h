//===- Narrowing.h - what the f16/bf16 storage passes share -----*- C++ -*-===//
//
// fmc-narrow-matmul-weights and fmc-narrow-activations both store f32
// tensors in a 16-bit float type and make the generics that read them
// extend each element to f32 at the top of their bodies.
//
//===----------------------------------------------------------------------===//

#ifndef FMC_PASSES_PRECISION_NARROWING_H
#define FMC_PASSES_PRECISION_NARROWING_H

#include "mlir/Dialect/Linalg/IR/Linalg.h"

namespace mlir::fmc {

/// The storage type a pass option names ("f16" or "bf16"); emits an error
/// on `op`, naming `pass`, and returns null for anything else.
FloatType parseNarrowType(Operation *op, StringRef pass, StringRef name);

/// `use`, an input of a generic, now holds 16-bit elements: its block
/// argument takes that type and the body extends it to f32 first (nothing
/// when it already has the type).
void extendInBody(OpOperand &use);

} // namespace mlir::fmc

#endif // FMC_PASSES_PRECISION_NARROWING_H
