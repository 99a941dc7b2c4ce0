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
  let options = [
    Option<"useFMA", "fma", "bool", /*default=*/"true",
           "The target has FMA; otherwise math.fma (also the polynomials') "
           "becomes a multiply and an add">,
  ];
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

def PackMatmulWeightsPass : Pass<"fmc-pack-matmul-weights", "::mlir::ModuleOp"> {
  let summary = "Repack matmul weights into the microkernel's column panels";
  let description = [{
    A contraction (see Contraction.h) whose rhs is a 2-D f32 weight argument
    of the model function reads it as `rhs[n floordiv W, k, n mod W]`: the
    weight's bytes are rewritten at compile time into panels of W columns,
    each panel K rows of W contiguous floats, the last one zero-padded. The
    microkernel then streams one panel with unit stride. A weight that has
    other users keeps its original argument and gains a packed copy.
  }];
  let options = [
    Option<"function", "function", "std::string", /*default=*/"\"main\"",
           "Name of the model function">,
    Option<"width", "width", "int64_t", /*default=*/"16",
           "Columns per panel (the microkernel's register tile width)">,
    Option<"minElements", "min-elements", "int64_t", /*default=*/"4096",
           "Weights with fewer elements are left as they are">,
  ];
}

def TileMatmulPass : Pass<"fmc-tile-matmul", "::mlir::ModuleOp"> {
  let summary = "Lower f32 contractions on memrefs to a register-tiled "
                "vector microkernel with cache blocking";
  let description = [{
    Each contraction (see Contraction.h) on memrefs becomes loops over
    blocks of `mc` rows, blocks of columns (`out-block-bytes` of out), `kc`
    reductions and panels of `nr` columns; the
    rhs panel is read from the packed weight or packed at run time into a
    kc x nr buffer, and an `mr` x `nr` block of the output is accumulated in
    vector registers: per k, `nr / lanes` vector loads of the panel, `mr`
    broadcasts of lhs and `mr * nr / lanes` vector FMAs. Tails of m and n
    use smaller row counts and masked loads and stores. The output must be
    unit-stride along n; other generics are left for convert-linalg-to-loops.

    Fused around a contraction (Epilogue.h): a zero `linalg.fill` of its
    output just before it is dropped and the first kc block stores its sums
    instead of adding them; an all-parallel elementwise generic just after
    it that reads its output (bias, GELU, residual add) is applied to the
    sums in registers in the last kc block, whose stores go to that
    generic's output, and the generic is dropped. Both only when the
    buffers allow it (the output is an intermediate no one else reads; the
    epilogue's output does not overlap what the kernel still reads).

    A contraction of at least `parallel-min-work` multiply-adds (with more
    than one panel and operands of static layout) is outlined into a private
    function `<func>_matmul<i>(panelBegin, panelEnd, lhs, rhs, out, ...)`
    (then the epilogue's other inputs and its output) marked
    `fmc.parallel_task` and called for all panels; each call has its own
    scratch buffers, so fmc-dispatch-parallel-tasks can split the panel
    range across threads.
  }];
  let options = [
    Option<"mr", "mr", "int64_t", /*default=*/"6", "Rows per register tile">,
    Option<"nr", "nr", "int64_t", /*default=*/"16",
           "Columns per register tile (a multiple of lanes)">,
    Option<"lanes", "lanes", "int64_t", /*default=*/"8",
           "f32 lanes of one vector register">,
    Option<"kc", "kc", "int64_t", /*default=*/"256",
           "Reduction block: out's tile is read and written K / kc times">,
    Option<"mc", "mc", "int64_t", /*default=*/"256",
           "Row block: an mc x kc lhs block stays in L2">,
    Option<"outBlockBytes", "out-block-bytes", "int64_t",
           /*default=*/"131072",
           "Output block: the panels of one block of out (mc rows) fill at "
           "most this many bytes, so that it stays in cache across the kc "
           "blocks (at least 256 columns)">,
    Option<"useFMA", "fma", "bool", /*default=*/"true",
           "Accumulate with vector.fma; otherwise a multiply and an add "
           "(targets without FMA, where llvm.fma becomes a libm call)">,
    Option<"parallelMinWork", "parallel-min-work", "int64_t",
           /*default=*/"262144",
           "Multiply-adds from which a contraction is split across threads">,
  ];
  let dependentDialects = ["::mlir::affine::AffineDialect",
                           "::mlir::arith::ArithDialect",
                           "::mlir::func::FuncDialect",
                           "::mlir::memref::MemRefDialect",
                           "::mlir::scf::SCFDialect",
                           "::mlir::vector::VectorDialect"];
}

def OutlineParallelLoopsPass
    : Pass<"fmc-outline-parallel-loops", "::mlir::ModuleOp"> {
  let summary = "Run large parallel loops on the runtime's threads";
  let description = [{
    Every outermost `scf.parallel` of a function (the elementwise,
    normalization and softmax loops that convert-linalg-to-parallel-loops
    makes, and FlashAttention's (batch, head, query block) forall) whose
    static iteration count, nested loops and linalg ops' iteration domains
    included, reaches `min-work` is outlined into a private function
    `<func>_loop<N>(begin, end, ...)` marked `fmc.parallel_task`. The task
    runs iterations [begin, end) of the split dimension, the first with two
    or more iterations (the ones before it have one), and all iterations of
    the others; the call covers the whole range, and
    fmc-dispatch-parallel-tasks splits it across threads. A stack buffer
    (memref.alloca) that only the loop uses is its scratch space and is
    allocated anew in the task, so that each thread has its own; other
    captured buffers are passed as arguments (they must have static shapes, strides and
    offsets, which the bare-pointer calling convention rebuilds); captured
    constants are recreated inside. A buffer argument is `llvm.noalias`
    when no other argument can reach its bytes while the task runs: traced
    to its root (a function argument, an allocation, a global) and, for a
    view of the arena at a constant offset, to its bytes, it is apart from
    every other buffer argument, or neither it nor the other is written
    (an op whose writes cannot be attributed to a buffer leaves every
    argument as it is). LLVM then vectorizes copies between views of the
    arena (a convolution's columns) that it would otherwise keep scalar.
    Each iteration computes exactly what it
    did before, so results do not depend on the thread count. Loops with
    dynamic bounds or a captured buffer with a dynamic layout stay where
    they are.
  }];
  let options = [
    Option<"minWork", "min-work", "int64_t", "65536",
           "Smallest iteration count worth a parallel dispatch">,
  ];
  let dependentDialects = [
    "::mlir::scf::SCFDialect", "::mlir::memref::MemRefDialect",
    "::mlir::func::FuncDialect"
  ];
}

#endif // FMC_PASSES_CODEGEN
