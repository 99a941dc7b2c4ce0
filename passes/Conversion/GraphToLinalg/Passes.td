//===- Passes.td - graph to linalg conversion --------------*- tablegen -*-===//

#ifndef FMC_CONVERSION_GRAPHTOLINALG_PASSES
#define FMC_CONVERSION_GRAPHTOLINALG_PASSES

include "mlir/Pass/PassBase.td"

def ConvertGraphToLinalgPass
    : Pass<"fmc-convert-graph-to-linalg", "::mlir::func::FuncOp"> {
  let summary = "Lower fmc graph ops to linalg, tensor, arith and math";
  let description = [{
    Every fmc op becomes structured ops on tensors: elementwise ops and
    broadcasts become `linalg.generic` with broadcasting indexing maps, matmul
    a `linalg.generic` contraction (batch dims broadcast), reductions,
    softmax and layer norm chains of reductions and elementwise generics,
    reshapes `tensor.collapse_shape`/`tensor.expand_shape`, slices
    `tensor.extract_slice`, gathers a `linalg.generic` with `tensor.extract`, scatters an `scf.for`
    nest of `tensor.extract`/`tensor.insert`, and attention the FlashAttention
    loops (query blocks, key tiles, online softmax; no S x T buffer), or
    with `attention-kernel` (GPU targets) one `fmc.attention_kernel` on the
    keys and values with their cache appended, for a fused kernel.
    Dynamic shapes and unsigned element types are rejected with a diagnostic
    at the op.
  }];
  let options = [
    Option<"attentionCacheBytes", "attention-cache-bytes", "int64_t",
           "262144",
           "Cache bytes one FlashAttention step's tiles may use (the "
           "pipeline passes half the target's L2); block sizes derive from "
           "it and the head sizes">,
    Option<"attentionQueryTile", "attention-query-tile", "int64_t", "0",
           "Queries per FlashAttention block (0: derived from the cache "
           "budget)">,
    Option<"attentionKeyTile", "attention-key-tile", "int64_t", "0",
           "Keys per FlashAttention step (0: derived from the cache budget)">,
    Option<"attentionParallel", "attention-parallel", "bool", "false",
           "Build FlashAttention's (batch, head, query block) loops as one "
           "scf.forall (independent iterations) rather than scf.for">,
    Option<"attentionKernel", "attention-kernel", "bool", "false",
           "Lower f32 attention to fmc.attention_kernel (one fused kernel, "
           "fmc-gpu-launch-attention) instead of loops">,
    Option<"attentionKernelMaxHead", "attention-kernel-max-head", "int64_t",
           "256",
           "Largest head size (D and Dv) the fused kernel takes (what fits "
           "the target's shared memory); larger heads keep the loops">,
  ];
  let dependentDialects = [
    "::mlir::arith::ArithDialect",
    "::mlir::linalg::LinalgDialect",
    "::mlir::math::MathDialect",
    "::mlir::scf::SCFDialect",
    "::mlir::tensor::TensorDialect",
  ];
}

#endif // FMC_CONVERSION_GRAPHTOLINALG_PASSES
