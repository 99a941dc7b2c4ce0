//===- Passes.td - target-independent codegen passes -------*- tablegen -*-===//

#ifndef FMC_PASSES_CODEGEN
#define FMC_PASSES_CODEGEN

include "mlir/Pass/PassBase.td"

def ApproximateMathPass : Pass<"fmc-approximate-math"> {
  let summary = "Replace transcendental math ops by polynomial approximations";
  let description = [{
    erf, tanh, exp, log and friends become arith/math.fma sequences (MLIR's
    polynomial approximations, accurate to a few ulp in f32), so compiled
    models vectorize and need no libm calls for them. f16/bf16 math is
    computed in f32.
  }];
  let dependentDialects = ["::mlir::arith::ArithDialect",
                           "::mlir::math::MathDialect",
                           "::mlir::vector::VectorDialect"];
}

def LowerMemRefCopyPass : Pass<"fmc-lower-memref-copy"> {
  let summary = "Rewrite memref.copy as linalg.copy";
  let description = [{
    Copies between strided memrefs would otherwise lower to a call into MLIR's
    C runner utilities, which compiled models do not link. As linalg.copy
    they become loops (and vector code) like every other linalg op.
  }];
  let dependentDialects = ["::mlir::linalg::LinalgDialect"];
}

#endif // FMC_PASSES_CODEGEN
