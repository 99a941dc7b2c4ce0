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

def ExpandSmallFloatsPass : Pass<"fmc-expand-small-floats", "func::FuncOp"> {
  let summary = "Expand conversions from and to 8- and 4-bit floats into "
                "integer arithmetic";
  let description = [{
    LLVM has no 8- or 4-bit float types (the LLVM type converter stores
    them as integers of the same width), so scalar `arith.extf` from and
    `arith.truncf` to f8E4M3FN, f8E4M3FNUZ, f8E5M2, f8E5M2FNUZ and
    f4E2M1FN become integer arithmetic on the f32 bit pattern. The format's
    parameters (exponent bias, mantissa width, largest finite value, which
    encodings are infinity and NaN) come from its APFloat semantics.

    Truncation rounds to nearest even. Values beyond the largest finite
    value become infinity where the format has one and NaN otherwise (or
    the largest value in f4E2M1FN, which has neither; the graph's `saturate`
    casts clamp before this). NaN keeps its sign where the format has signed
    NaN, becomes the single NaN pattern of the FNUZ formats, and becomes
    zero in f4E2M1FN. -0 becomes +0 in formats without negative zero.
    Sources other than f32 go through f32 first (exact for f16 and bf16).
  }];
  let dependentDialects = ["::mlir::arith::ArithDialect"];
}

def NarrowMatmulWeightsPass
    : Pass<"fmc-narrow-matmul-weights", "::mlir::ModuleOp"> {
  let summary = "Store matmul weights in f16 or bf16, converted at compile "
                "time; compute and accumulate in f32";
  let description = [{
    For `fmc compile --precision=fp16|bf16` (GPU targets): every f32 weight
    argument of the model function (`fmc.weight`) that only linalg.generic
    ops on tensors read as an input (directly or through collapse_shape /
    expand_shape, as a convolution's filter is read as a matrix), one of them
    a contraction (a generic
    with a reduction loop: matmuls, convolutions), is converted at compile
    time to `type` (round to nearest even; the argument, its weight blob and
    the artifact's weight hold the narrow type, half the bytes). Each
    reading generic extends the element to f32 at the top of its body, so
    products and sums stay in f32. Biases, norm scales and tables read
    otherwise (a gather) stay f32.
  }];
  let options = [
    Option<"function", "function", "std::string", "\"main\"",
           "Name of the model function">,
    Option<"type", "type", "std::string", "\"f16\"",
           "The storage type of the weights: f16 or bf16">,
  ];
  let dependentDialects = ["::mlir::arith::ArithDialect",
                           "::mlir::linalg::LinalgDialect"];
}

def NarrowActivationsPass
    : Pass<"fmc-narrow-activations", "func::FuncOp"> {
  let summary = "Store f32 tensors passed between kernels in f16 or bf16; "
                "compute in f32";
  let description = [{
    For `fmc compile --precision=fp16|bf16` on GPU targets, after fusion,
    on linalg on tensors: an f32 result that one kernel writes and others
    read is stored in `type` when every reader (through reshapes, slices
    and transposes) extends it where it reads it: an input of a
    linalg.generic (elementwise ops, matmuls: the body extends the element
    to f32 first) or the query, key or value of fmc.attention_kernel. The
    writers: elementwise linalg.generic ops that do not read their
    destination, the row loops of fmc-fuse-row-reductions (scf.forall whose
    body stores one such generic's slice), fmc.attention_kernel, and
    concatenations (tensor.insert_slice chains into a tensor.empty, e.g. a
    key/value cache with the new keys appended) of such generics' results
    that nothing else reads; each rounds its f32 result once (round to
    nearest even) where it stores it.
    Arithmetic, sums and the values inside a kernel stay f32; the bytes
    between kernels are halved, and the tensor-core kernels stage their
    16-bit operands without converting them. Results of the function and
    values read any other way (gathers, masks, destinations) stay f32.
  }];
  let options = [
    Option<"type", "type", "std::string", "\"f16\"",
           "The storage type of the activations: f16 or bf16">,
  ];
  let dependentDialects = ["::mlir::arith::ArithDialect",
                           "::mlir::linalg::LinalgDialect",
                           "::mlir::tensor::TensorDialect"];
}

#endif // FMC_PASSES_PRECISION
