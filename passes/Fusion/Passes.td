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
    an indexing map that uses every loop of the consumer, and the consumer
    is the producer's only user. Each producer element is then computed
    once, as before fusion; a producer kept for another user would be
    computed twice. Upstream's default also
    fuses into contractions, e.g. a bias add into the matmul that reads it,
    which recomputes the producer once per output column.

    An all-parallel generic that reads a tensor.expand_shape of a generic's
    result, where the reshape is that result's only user and the generic
    its only user, is first collapsed to read the result itself (MLIR's
    reshape-by-collapsing patterns): a linear layer on 3-D activations
    exported as Reshape -> Gemm -> Reshape leaves its bias add and GELU
    (or residual add) on two sides of a reshape, which then fuse; after a
    matmul the consumer becomes its epilogue.

    First, an input read with constant zeros at unit dims (a per-channel
    batch-norm scale [C, 1, 1] read as (c, 0, 0)) is read through a
    collapse_shape without them, so that every input map is a projected
    permutation, which the reshape collapsing needs: a conv's product
    (channels first, [N, F, OH*OW], expanded to [N, F, OH, OW]) then takes
    its batch norm, activation and residual add as its epilogue.
  }];
  let dependentDialects = ["::mlir::linalg::LinalgDialect"];
}

def FoldConstantGenericsPass
    : Pass<"fmc-fold-constant-generics", "::mlir::ModuleOp"> {
  let summary = "Evaluate at compile time what reads only weights and "
                "constants; the values become weights";
  let description = [{
    On tensors, in the model function's entry block, in order. An
    all-parallel linalg.generic whose inputs are all known (weights, dense
    constants, reshapes of known values, earlier evaluated values), whose
    body has only arith and math ops, linalg.index and tensor.extract of
    known values, and whose output (identity or permuted indexing) has at
    most `max-elements` elements is evaluated element by element, each body
    op folded by its own folder (a body op that does not fold leaves the
    generic as it is); so is a tensor.insert_slice of known values into a
    known destination (a tensor.empty counts as zeros: its contents are
    undefined) with static offsets, sizes and strides. A value that an op
    left in place reads becomes a new weight argument (`folded.N`); the
    evaluated ops go, and so do weights nothing reads any more. A batch
    norm's scale (1 / sqrt(var + eps) * gamma) is then a weight the conv's
    product reads in its epilogue instead of a kernel of its own; rotary
    tables of positions known at compile time (a pinned decode step) are
    weights.
  }];
  let options = [
    Option<"function", "function", "std::string", "\"main\"",
           "Name of the model function">,
    Option<"maxElements", "max-elements", "int64_t", "65536",
           "Largest value (elements) evaluated at compile time">,
  ];
  let dependentDialects = [
    "::mlir::linalg::LinalgDialect", "::mlir::tensor::TensorDialect"
  ];
}

def FoldTransposesPass : Pass<"fmc-fold-transposes"> {
  let summary = "Let elementwise ops read through row-keeping transposes "
                "instead of transposed copies";
  let description = [{
    On tensors. A linalg.transpose that keeps the last dim last, and whose
    every use is an all-parallel linalg.generic reading it as an input or
    through tensor.extract in its body, is folded into them: each reads
    the transpose's input, the permutation composed into its indexing map
    or its extract's indices, and the transpose goes. A query transposed
    to [B, H, S, D] for the rotary embedding (which reads it elementwise
    and, rotated, through extracts) is a kernel and a buffer fewer per
    layer; rows are still read contiguously. A transpose with any other
    use (an attention, a matmul, a function result) stays.
  }];
  let dependentDialects = [
    "::mlir::linalg::LinalgDialect", "::mlir::tensor::TensorDialect"
  ];
}

def FuseSiblingMatmulsPass
    : Pass<"fmc-fuse-sibling-matmuls", "::mlir::ModuleOp"> {
  let summary = "Products of one activation with several weights become one "
                "product over the weights concatenated at compile time";
  let description = [{
    On tensors, in the model function. Contractions that read the same
    lhs with the same maps and body, each with a 2-D weight argument read
    (k, n) and a zero-filled init, whose values no linalg.generic reads
    directly (an elementwise reader would be the matmul kernels' epilogue,
    which a slice of a wider product would lose), become one contraction
    over the weights concatenated along n (a new weight argument; the old
    ones go when nothing else reads them). Each former value is an
    extract_slice of the new one. LLaMA's query, key and value projections
    are one kernel instead of three per layer (a decode step's
    matrix-vector products are launch-bound); the activation is read once.
  }];
  let options = [
    Option<"function", "function", "std::string", "\"main\"",
           "Name of the model function">,
  ];
  let dependentDialects = [
    "::mlir::linalg::LinalgDialect", "::mlir::tensor::TensorDialect"
  ];
}

def FuseRowReductionsPass : Pass<"fmc-fuse-row-reductions",
                                  "func::FuncOp"> {
  let summary = "Tile norms, softmax and other row-reduction chains by rows "
                "into one loop, so that each row is read from memory once";
  let description = [{
    A layer norm, RMS norm or softmax lowers to linalg.generic ops on
    tensors that each pass over the whole tensor: reductions over the
    trailing dims (a sum, a sum of squares, a max) and elementwise ops that
    read a row's reduced values (centering, normalizing, exp, the division).
    This pass finds each such chain, ending in an all-parallel generic that
    reads a row reduction of the same iteration domain through the leading
    (row) dims, and tiles that generic by one row with an scf.forall,
    fusing into the loop every producer of the chain (MLIR's
    tileConsumerAndFuseProducersUsingSCF): the row reductions (static reduced
    dims), all-parallel generics of the same domain, and the fills of their
    accumulators. A producer joins only when all its users are in the chain,
    so nothing is computed both inside and outside the loop; a value used
    after the chain as well (the residual sum before a norm) stays where it
    is. Each row then goes through every step while it is in L1, and the
    chain's intermediates shrink to one row, which later passes keep on the
    stack.

    With `gpu-blocks` the loop is mapped to GPU blocks (`#gpu.block`
    linear dims, the last row dim fastest), for fmc-gpu-launch-row-loops;
    a mapped loop is also kept when it has a single row (a decode step's
    norm), which canonicalization would otherwise inline, leaving the
    chain's ops to run as separate kernels.
  }];
  let options = [
    Option<"gpuBlocks", "gpu-blocks", "bool", "false",
           "Map the row loops to GPU blocks (and keep one-row loops)">,
  ];
  let dependentDialects = ["::mlir::linalg::LinalgDialect",
                           "::mlir::scf::SCFDialect",
                           "::mlir::tensor::TensorDialect",
                           "::mlir::gpu::GPUDialect"];
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

def RaiseNormsPass : Pass<"fmc-raise-norms", "func::FuncOp"> {
  let summary = "Raise decomposed layer/RMS norms, and norms of a residual "
                "sum, to fmc norm ops";
  let description = [{
    Recognises, on the graph dialect,

      d    = x - reduce_mean(x)           (layer norm; RMS norm: d = x)
      norm = d / sqrt(reduce_mean(d * d | d ** 2) + eps)
             (or d * (1 / sqrt(...)), d * reciprocal(sqrt(...)))
      y    = norm [* scale [+ bias]]

    with both means keepdims over the trailing dims [axis, rank) and scale
    and bias broadcasting to those dims, and rewrites it to fmc.layer_norm or
    fmc.rms_norm (a missing scale becomes ones). Then a norm whose input is
    a + b becomes one fmc.skip_norm whose second result replaces the sum.
    Every intermediate must have no use outside the pattern.
  }];
  let dependentDialects = ["::mlir::fmc::GraphDialect"];
}

def RaiseActivationsPass : Pass<"fmc-raise-activations", "func::FuncOp"> {
  let summary = "Raise decomposed GELU and SiLU to fmc.gelu and fmc.silu";
  let description = [{
    Recognises x * 0.5 * (1 + erf(x / sqrt(2))) (also with x * (1 / sqrt(2))),
    x * 0.5 * (1 + tanh(sqrt(2 / pi) * (x + 0.044715 * x^3))) (x^3 as
    pow(x, 3) or x * x * x), with the three factors of the final product in
    any order and grouping, and x * sigmoid(x). Constants match within a
    relative 1e-4 (exporters round them).
  }];
  let dependentDialects = ["::mlir::fmc::GraphDialect"];
}

def RaiseRotaryPass : Pass<"fmc-raise-rotary", "func::FuncOp"> {
  let summary = "Raise decomposed rotary position embeddings to fmc.rotary";
  let description = [{
    Recognises x * cos + rot(x) * sin where rot(x) is the quarter turn of
    the last dim: concat(-x[..., D/2:], x[..., :D/2]) (LLaMA/NeoX
    rotate_half) or the interleaved pairs (-x[..., 1::2], x[..., 0::2])
    stacked and flattened (GPT-J rotate_every_two), with cos and sin as wide
    as x's rows and broadcasting to x.
  }];
  let dependentDialects = ["::mlir::fmc::GraphDialect"];
}

def ReportFusionsPass : Pass<"fmc-report-fusions", "func::FuncOp"> {
  let summary = "Report fused ops and unfused attention as remarks";
  let description = [{
    For `fmc compile --report=fusions`: a remark on every fmc.attention
    naming the ONNX nodes it replaced, a remark on every attention-like
    subgraph (a softmax whose result feeds a matmul) left unfused with the
    reason fmc-raise-attention did not match it, on every ONNX Attention
    the importer decomposed (marked `fmc.unfused_attention = "reason"`), a
    remark on every norm, skip + norm, GELU, SiLU and rotary op naming its
    ONNX nodes, and a summary remark with the counts.
    Changes nothing.
  }];
}

#endif // FMC_PASSES_FUSION
