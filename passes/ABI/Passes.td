//===- Passes.td - passes that shape the runtime ABI -------*- tablegen -*-===//

#ifndef FMC_PASSES_ABI
#define FMC_PASSES_ABI

include "mlir/Pass/PassBase.td"

def OutlineWeightsPass : Pass<"fmc-outline-weights", "::mlir::ModuleOp"> {
  let summary = "Turn large constants into weight arguments of the model";
  let description = [{
    Every `fmc.constant` of at least `min-bytes` bytes in the model function
    becomes a new function argument (after the inputs) carrying the attribute
    `fmc.weight = dense_resource<...>`, which references the bytes without
    printing them. The artifact writer stores those bytes in the weights
    section and the runtime passes a pointer into the mapped file, so weights
    are never compiled into the code. Arguments are marked
    `bufferization.writable = false`.
  }];
  let options = [
    Option<"function", "function", "std::string", "\"main\"",
           "Name of the model function">,
    Option<"minBytes", "min-bytes", "int64_t", "64",
           "Constants at least this large become weights">,
  ];
}

def FlattenEmptyTensorsPass
    : Pass<"fmc-flatten-empty-tensors", "::mlir::ModuleOp"> {
  let summary = "Give zero-element arguments and results of the model the "
                "type tensor<0xT>";
  let description = [{
    Runs on the model function after its artifact metadata (which keeps the
    real shapes) was collected. A tensor with no elements carries no data,
    but the bare-pointer calling convention cannot describe every such shape
    (a zero extent after the first dimension has no strided layout). Each
    zero-element argument becomes `tensor<0xT>`, and its uses read a
    `tensor.empty` of the original type instead; each zero-element result
    returns its own `tensor.empty() : tensor<0xT>` (so that no two results
    share a buffer). The runtime passes a pointer
    it never dereferences.
  }];
  let options = [
    Option<"function", "function", "std::string", "\"main\"",
           "Name of the model function">,
  ];
  let dependentDialects = ["::mlir::tensor::TensorDialect"];
}

def DistinctResultsPass : Pass<"fmc-distinct-results", "::mlir::ModuleOp"> {
  let summary = "Give every result of the model function its own tensor";
  let description = [{
    The runtime hands the model one output buffer per result, so a value
    returned at several positions (two graph outputs naming one tensor, or
    Identity nodes fanning one out) is copied with `linalg.copy` into a new
    tensor for every position after its first. Runs before bufferization.
  }];
  let options = [
    Option<"function", "function", "std::string", "\"main\"",
           "Name of the model function">,
  ];
  let dependentDialects = ["::mlir::linalg::LinalgDialect",
                           "::mlir::tensor::TensorDialect"];
}

def UnshareFillsPass : Pass<"fmc-unshare-fills", "::mlir::ModuleOp"> {
  let summary = "Give every user of a tensor linalg.fill its own fill";
  let description = [{
    CSE merges identical fills: the zeros every matmul of one shape
    accumulates into become one tensor with several users. One-shot
    bufferization then keeps that buffer for the first writer and gives
    each later one a new buffer plus a copy of the zeros (an extra pass over
    memory per contraction). This pass clones the fill (and its
    `tensor.empty` destination) in front of each user and erases the shared
    one, so that every destination is written in place and the zeros live
    no longer than their user needs them.
    Runs before bufferization.
  }];
  let dependentDialects = ["::mlir::linalg::LinalgDialect",
                           "::mlir::tensor::TensorDialect"];
}

def HoistLoopBuffersPass
    : Pass<"fmc-hoist-loop-buffers", "::mlir::ModuleOp"> {
  let summary = "Turn static buffers allocated in loop bodies into stack "
                "buffers at function entry";
  let description = [{
    After bufferization and arena planning, what is still allocated at run
    time is a loop body's temporaries (FlashAttention's per-block scores,
    maxima and sums): a malloc and a free per iteration. Once parallel loops
    are outlined into fmc.parallel_task functions, every loop left in a
    function runs serially on one thread, so a buffer whose uses all lie in
    the loop body where it is allocated (and freed) can be reused by every
    iteration. Each such `memref.alloc` of static shape becomes a
    `memref.alloca` at the function's entry and its `memref.dealloc`s go,
    as long as the function's hoisted buffers stay within `max-bytes` (they
    live on the stack of the calling thread). Runs on CPU targets, after
    fmc-outline-parallel-loops.
  }];
  let options = [
    Option<"maxBytes", "max-bytes", "int64_t", /*default=*/"262144",
           "Stack bytes a function's hoisted buffers may take">,
  ];
  let dependentDialects = ["::mlir::memref::MemRefDialect"];
}

def EmitEntryPointPass : Pass<"fmc-emit-entry-point", "::mlir::ModuleOp"> {
  let summary = "Add the runtime entry point `void fmc_entry(void **buffers)`";
  let description = [{
    Runs on the LLVM dialect after the model function was lowered with the
    bare-pointer memref calling convention (one `!llvm.ptr` per input, weight
    and output buffer). Adds `fmc_entry`, which loads buffer i from
    `buffers[i]` and calls the model function, and makes every other symbol
    internal so that the shared object exports only the entry point.
  }];
  let options = [
    Option<"function", "function", "std::string", "\"main\"",
           "Name of the lowered model function">,
    Option<"entry", "entry", "std::string", "\"fmc_entry\"",
           "Name of the exported entry point">,
  ];
  let dependentDialects = ["::mlir::LLVM::LLVMDialect"];
}

def DispatchParallelTasksPass
    : Pass<"fmc-dispatch-parallel-tasks", "::mlir::ModuleOp"> {
  let summary = "Call parallel loop bodies through the runtime's thread pool";
  let description = [{
    A call to a function marked `fmc.parallel_task` (an outlined loop body
    taking `begin, end` and then its captured values, lowered to the LLVM
    dialect) becomes a call through the exported pointer `fmc_parallel_for`:
    `fmc_parallel_for(task, context, begin, end)`, where `context` points to
    a stack struct holding the captured values and `task` is a generated
    trampoline that unpacks them and calls the body on a sub-range. The
    pointer starts at a serial implementation, so the code also runs where
    no runtime sets it; fmc's runtime points it at its thread pool
    (docs/ARTIFACT.md).
  }];
  let dependentDialects = ["::mlir::LLVM::LLVMDialect"];
}

def PlanArenaPass : Pass<"fmc-plan-arena", "::mlir::ModuleOp"> {
  let summary = "Place the model's intermediate buffers in one arena, "
                "reusing memory by liveness";
  let description = [{
    Runs on the model function right after bufferization (before
    deallocations are placed). Every statically shaped `memref.alloc` of
    its entry block becomes a `memref.view` into a new last argument, the
    arena (`memref<N x i8>` with the `fmc.arena` attribute), which the
    runtime allocates once per session: inference itself allocates nothing.

    A buffer is live from its allocation to the last top-level op that uses
    it or any view of it (a use inside a loop or a branch counts as the
    whole loop or branch); one that flows into a region result or a block
    argument is live to the end. An input of a contraction (a
    linalg.generic with a reduction) is live through the next op with
    memory effects other than allocating: the matmul kernels may fuse that
    op as their epilogue, writing its result while they still read the
    input (LLaMA's SwiGLU product). Buffers are placed largest first at the
    lowest `alignment`-aligned offset that no buffer with an overlapping
    lifetime occupies. The module gets `fmc.arena_bytes = N`, which the
    compiler writes into the artifact (N = 0 adds no argument).
  }];
  let options = [
    Option<"function", "function", "std::string", "\"main\"",
           "Name of the model function">,
    Option<"alignment", "alignment", "int64_t", "64",
           "Byte alignment of every buffer in the arena">,
  ];
  let dependentDialects = [
    "::mlir::memref::MemRefDialect", "::mlir::arith::ArithDialect"
  ];
}

#endif // FMC_PASSES_ABI
