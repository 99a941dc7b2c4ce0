//===- Passes.td - GPU code generation passes --------------*- tablegen -*-===//

#ifndef FMC_PASSES_GPU
#define FMC_PASSES_GPU

include "mlir/Pass/PassBase.td"

def OuterParallelIteratorsPass
    : Pass<"fmc-outer-parallel-iterators", "func::FuncOp"> {
  let summary = "Order every linalg op's loops parallel first, reductions "
                "last";
  let description = [{
    A GPU kernel maps the parallel loops of an op onto threads and runs its
    reductions inside each thread, so the parallel loops must enclose the
    reduction loops. Named linalg ops with a reduction are generalized, and
    every `linalg.generic` whose iterators are not already all parallel
    followed by all reduction is interchanged into that order (its indexing
    maps are permuted to match; the computation is unchanged). After
    `convert-linalg-to-parallel-loops` each op is then one `scf.parallel`
    around its sequential reduction loops.
  }];
  let dependentDialects = ["::mlir::linalg::LinalgDialect"];
}

def GPUTileMatmulPass : Pass<"fmc-gpu-tile-matmul", "func::FuncOp"> {
  let summary = "Turn contractions into shared-memory tiled GPU kernels";
  let description = [{
    Every f32 contraction on buffers at the top level of the function (a
    `linalg.generic` computing out[..., m, n] += lhs[..., m, k] *
    rhs[..., k, n] with any operand layout, m, n and k at least `min-size`)
    becomes one `gpu.launch`. Block (x, y, z) computes the `block-m` x
    `block-n` tile of out at block y, x of batch z. Its threads stage
    `block-k` slices of lhs and rhs in two workgroup buffers (k-major, rows
    padded by four elements against bank conflicts; consecutive threads copy
    consecutive elements of the operand's contiguous dim; elements past the
    edges are zeros), synchronize, and each accumulates a `thread-m` x
    `thread-n` tile in registers (one vector per row, fused multiply-adds of
    a broadcast lhs element and an rhs vector read from shared memory).

    A zero fill of out just before the contraction is dropped (the tile is
    stored, not added), and an elementwise consumer just after it (bias,
    activation, residual add, quantization; see Codegen/Epilogue.h) is
    applied to the registers and stored into its output instead; both are
    erased. Columns past n are masked, rows past m are skipped.
  }];
  let options = [
    Option<"blockM", "block-m", "int64_t", "64", "Rows of out per block">,
    Option<"blockN", "block-n", "int64_t", "64", "Columns of out per block">,
    Option<"blockK", "block-k", "int64_t", "16",
           "Depth of the slices staged in shared memory">,
    Option<"threadM", "thread-m", "int64_t", "4", "Rows of out per thread">,
    Option<"threadN", "thread-n", "int64_t", "4",
           "Columns of out per thread (the vector width)">,
    Option<"minSize", "min-size", "int64_t", "8",
           "Smallest m, n and k that get the tiled kernel">,
    Option<"moduleName", "module-name", "std::string", "\"fmc_kernels\"",
           "Name of the GPU module that outlining creates">,
  ];
  let dependentDialects = [
    "::mlir::gpu::GPUDialect", "::mlir::arith::ArithDialect",
    "::mlir::scf::SCFDialect", "::mlir::vector::VectorDialect",
    "::mlir::affine::AffineDialect", "::mlir::memref::MemRefDialect"
  ];
}

def LaunchParallelLoopsPass
    : Pass<"fmc-gpu-launch-parallel-loops", "func::FuncOp"> {
  let summary = "Turn host-level scf.parallel loops into GPU launches";
  let description = [{
    Every outermost `scf.parallel` outside a `gpu.launch` becomes a
    one-dimensional `gpu.launch` of `block-size` threads per block and as
    many blocks as the iteration space needs: each thread takes one linear
    index, guards it against the trip count and delinearizes it into the
    loop's induction variables, innermost dimension fastest, so that
    consecutive threads touch consecutive elements. Nested parallel loops
    and the reduction loops stay sequential inside the thread.

    Memory accesses left outside any loop or kernel (a reduction with no
    parallel dimension, a scalar store) run in a launch of one thread: host
    code never touches device memory. `memref.get_global` results used by a
    kernel are recreated inside it, so kernel outlining copies the global
    into the GPU module. All launches name the GPU module `module-name`, so
    outlining puts every kernel into that one module (one PTX, one cubin).
    An operation the pass cannot place (a loop with results used on the
    host) is an error.
  }];
  let options = [
    Option<"blockSize", "block-size", "int64_t", "256",
           "Threads per block">,
    Option<"moduleName", "module-name", "std::string", "\"fmc_kernels\"",
           "Name of the GPU module that outlining creates">,
  ];
  let dependentDialects = [
    "::mlir::gpu::GPUDialect", "::mlir::arith::ArithDialect",
    "::mlir::scf::SCFDialect"
  ];
}

def DeviceBuffersPass : Pass<"fmc-gpu-device-buffers", "func::FuncOp"> {
  let summary = "Allocate the host code's buffers in device memory";
  let description = [{
    After `fmc-gpu-launch-parallel-loops` the host code only allocates,
    frees, views and passes buffers to kernels. Every `memref.alloc` and
    `memref.alloca` outside a kernel becomes `gpu.alloc` and every
    `memref.dealloc` becomes `gpu.dealloc`; an alloca is freed before its
    block ends. The runtime passes device pointers for the model's inputs,
    outputs and weights, so after this pass no host code or kernel refers to
    host memory.
  }];
  let dependentDialects = ["::mlir::gpu::GPUDialect"];
}

def LaunchesToHostLoopsPass
    : Pass<"fmc-gpu-launches-to-host-loops", "func::FuncOp"> {
  let summary = "Run GPU launches as host loops (checks the GPU mapping on a "
                "CPU)";
  let description = [{
    The inverse of the GPU mapping, for testing it where there is no GPU:
    every `gpu.launch` becomes sequential `scf.for` loops over its blocks
    and threads (z, y, x outermost to innermost), with the block and thread
    ids, grid and block sizes bound to the loop variables and bounds, and
    `gpu.alloc`/`gpu.dealloc` become `memref.alloc`/`memref.dealloc`. Only
    kernels without barriers or shared memory can run this way, which is
    what `fmc-gpu-launch-parallel-loops` produces; others are an error.
    `fmc compile --target=host --gpu-mapping-on-host` runs the whole GPU
    mapping through it and then the CPU code generator, so the end-to-end
    tests check the GPU path's buffers, loops and launches against ONNX
    Runtime.
  }];
  let dependentDialects = [
    "::mlir::scf::SCFDialect", "::mlir::memref::MemRefDialect"
  ];
}

#endif // FMC_PASSES_GPU
