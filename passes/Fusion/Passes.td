//===- Passes.td - fusion passes ---------------------------*- tablegen -*-===//

#ifndef FMC_PASSES_FUSION
#define FMC_PASSES_FUSION

include "mlir/Pass/PassBase.td"

def FuseElementwisePass : Pass<"fmc-fuse-elementwise"> {
  let summary = "Fuse elementwise linalg producers into consumers, without "
                "recomputation";
  let description = [{
    Fuses an all-parallel linalg.generic into its consumer (MLIR's elementwise
    fusion patterns) only when the consumer reads the producer's result with
    an indexing map that uses every loop of the consumer. Each producer
    element is then computed once, as before fusion. Upstream's default also
    fuses into contractions, e.g. a bias add into the matmul that reads it,
    which recomputes the producer once per output column.
  }];
  let dependentDialects = ["::mlir::linalg::LinalgDialect"];
}

#endif // FMC_PASSES_FUSION
