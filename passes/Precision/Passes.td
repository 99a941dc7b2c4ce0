//===- Passes.td - numeric precision passes ----------------*- tablegen -*-===//

#ifndef FMC_PASSES_PRECISION
#define FMC_PASSES_PRECISION

include "mlir/Pass/PassBase.td"

def WidenHalfFloatsPass : Pass<"fmc-widen-half-floats", "func::FuncOp"> {
  let summary = "Compute f16/bf16 graph ops in f32, rounding each result once";
  let description = [{
    For targets without native half-precision arithmetic: every computing
    graph op (elementwise math, comparisons, matmul, einsum, reductions,
    softmax, normalizations) with f16 or bf16 operands or results gets its
    half-precision operands cast to f32 and its results computed in f32 and
    cast back. Each op's result is rounded once, as a reference that computes
    op by op in the storage type would, and sums (matmul, reductions)
    accumulate in f32. Data movement (reshape, transpose, slice, gather,
    concat, pad, where, broadcast) and casts stay in the storage type.
  }];
  let dependentDialects = ["::mlir::fmc::GraphDialect"];
}

#endif // FMC_PASSES_PRECISION
