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

def RaiseAttentionPass : Pass<"fmc-raise-attention", "func::FuncOp"> {
  let summary = "Raise decomposed attention subgraphs to fmc.attention";
  let description = [{
    Recognises, on the graph dialect, the attention that exporters write op
    by op:

      scores = matmul(Q, K^T) [* c | / c] [+ mask]
      result = matmul(softmax(scores, axis = -1), V)

    with Q [B, H, S, D], K^T [B, H, D, T] (a transpose of the keys, folded
    into the new op's key operand) and V [B, H, T, Dv], and rewrites it to
    one `fmc.attention` (scale c or 1 / c, the additive mask when it
    broadcasts to [B, H, S, T]; a constant causal mask, 0 on and below the
    diagonal j <= i + T - S and -inf or -FLT_MAX above it, becomes
    `causal = true` instead). Every intermediate must have no other use,
    so the scores are not needed elsewhere. The new op's location fuses the
    locations (ONNX node names) of the ops it replaced.
  }];
  let dependentDialects = ["::mlir::fmc::GraphDialect"];
}

def ReportFusionsPass : Pass<"fmc-report-fusions", "func::FuncOp"> {
  let summary = "Report fused and unfused attention as remarks";
  let description = [{
    For `fmc compile --report=fusions`: a remark on every fmc.attention
    naming the ONNX nodes it replaced, a remark on every attention-like
    subgraph (a softmax whose result feeds a matmul) left unfused with the
    reason fmc-raise-attention did not match it, on every ONNX Attention
    the importer decomposed (marked `fmc.unfused_attention = "reason"`), and
    a summary remark.
    Changes nothing.
  }];
}

#endif // FMC_PASSES_FUSION
