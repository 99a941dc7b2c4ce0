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
    erased. Columns past n are masked, rows past m are skipped. Without
    `tensor-cores`, an f16 or bf16 rhs (fmc-narrow-matmul-weights) is
    extended to f32 as it is staged.

    With an f16 or bf16 rhs (and `tensor-cores`), the kernel uses the tensor cores
    instead: 256 threads (2 x 4 warps) per 64 x 128 tile (tf32: 128
    threads, 2 x 2 warps, per 64 x 64 tile), 32-deep slices of
    lhs (rounded to f16 as it is staged, [m][k]) and rhs ([k][n]), rows
    padded by eight halves; each warp multiplies 16 x 16 by 16 x 8 tiles
    read from shared memory with `vector.contract` into 2 x 4 f32
    accumulator tiles, which `convert-vector-to-gpu{use-nvgpu}` turns into
    `nvgpu.ldmatrix` and `nvgpu.mma.sync` (m16n8k16). The accumulators are
    written to shared memory (the slices' bytes) and stored through the same
    per-thread epilogue (four columns per thread). A bf16 rhs (lhs rounded
    to bf16) is staged through bf16 views of the slices' buffers and read
    as f16 tiles, the conversion taking f16 only; its products carry
    `fmc.bf16_operands`, so that `fmc-gpu-convert-warp-matmuls` multiplies
    them as bf16. With `tf32`, f32
    contractions take the same kernel on f32 slices (16 x 8 by 8 x 8
    tiles, mma.sync m16n8k8 reading them as tf32). The slices' buffers and
    the accumulators' tile are views of one workgroup buffer.

    Slices are double-buffered: slice i + 1 is copied into one buffer while
    slice i is multiplied from the other, one barrier per slice: each
    iteration waits for its slice's copies, passes the barrier, starts
    slice i + 1, multiplies slice i and stores what slice i + 1 loaded into
    registers; the last slice is multiplied after the loop. With
    `async-copies`, a slice the kernel does not convert is copied with
    `nvgpu.device_async_copy` (cp.async: 16-byte vectors where the
    operand's contiguous dim is the buffer's and alignment allows, else
    4-byte elements; elements past the edges zero-filled by the copy
    itself; operands' base addresses are assumed 16-byte aligned, as fmc's
    buffers and weights are), one group per slice. Other slices are
    loaded into registers (unrolled) before the products and stored after
    them. When the tensor-core kernel copies both slices that way (16-bit
    lhs and rhs: activations stored narrow) and three or more buffers of
    each fit in 48 KB, each slice gets as many as fit, up to four (the
    64 x 128 tiles: three): with s buffers, slices 0 .. s - 2 start first,
    iteration i waits until s - 2 groups are left in flight, passes the
    barrier, starts slice i + s - 1 and multiplies slice i, so that s - 1
    slices are in flight while one is multiplied. An lhs already in the products'
    16-bit type is staged as it is, and the epilogue may read and write
    f16 and bf16 buffers (fmc-narrow-activations).

    With `sms` (the target's SMs), a product whose `block-m` x `block-n`
    tiles give the GPU fewer blocks than that gets the SIMT kernel with
    block-m, then block-n, halved (the thread tiles kept, 64 threads or
    more), and the tensor-core kernel takes the largest tiles that give at
    least that many blocks. Large products
    (16-bit slices both copied by cp.async, m and n at least 128, and at
    least `sms` blocks of 128 x 128) take a larger tile when it fits in
    `shared-bytes`: 128 threads (2 x 2 warps) per 128 x 128 tile, each
    warp 64 x 64 (4 x 8 mma.sync tiles: twice the products per fragment
    loaded), with up to four buffers per slice (`stages - 1` slices in
    flight while one is multiplied; 75776 bytes with four, above 48 KB:
    fmc-gpu-dynamic-shared-memory moves them to dynamic shared memory).
    Products too small to fill the GPU with the default tiles take 64 x 64
    (16-bit: four warps of 32 x 32) or 32 x 64 (two warps) tiles, the
    smallest where none fills it; these get up to four buffers per slice
    within 48 KB.

    With `wgmma` (sm_90a), a 16-bit product whose slices are both copied
    by cp.async and that gives at least `sms` blocks of 128 x 256 (if
    `shared-bytes` holds its four buffers, 192 KB), else of 128 x 128,
    else of 64 x 128, takes the warpgroup kernel instead. 128 x 256: two
    warpgroups (256 threads), each 64 rows of one m64n256k16 per step, the
    copies two slices ahead and each slice's products left running
    (`wgmma.wait_group 1`) through the next slice's wait and barrier, the
    copies refilling only buffers whose products were waited for; the last
    slice's waited for (0) before its accumulators are read. 128 x 128 and
    64 x 128: one warpgroup (128 threads) per tile, 64-deep slices in
    three buffers (dynamic shared memory), every slice's products waited
    for. Each slice is stored as 8 x 16-byte core matrices (rows of the
    operand's contiguous dim: K-major lhs, rhs K-major when stored [n][k],
    else N-major), consecutive threads of a quarter warp copying eight rows
    of one core matrix (no bank conflicts; each row's chunks adjacent in
    global memory). Per 16-deep step, each 64-row half of the tile is one
    `nvvm.wgmma.mma_async` m64nNk16 (shared-memory descriptors without
    swizzling), between `wgmma.fence` and a commit and wait per slice; the
    accumulators stay in registers (vector<N/2 x f32> per half, an LLVM
    struct around each instruction). Writes by the copies reach the
    tensor cores' async proxy through `fence.proxy.async.shared::cta`
    before each slice's barrier. The accumulators go through shared memory
    to the same epilogue.

    With `tma` too, where both operands allow it (static strides, start
    and strides multiples of 16 bytes, rows and k whole core matrices so
    that no box reads past the operand, one batch dim at most), the slices
    are copied by the tensor memory accelerator instead. Before the
    launch, each operand gets a strided view whose boxes, stored by TMA
    innermost dim first, are exactly its slices' core matrices
    ([batch][rows / 8][k / w][8][w], or [rows / 8][k / 8][8 k][8 rows] for
    an MN-major one), and a tensor map over it
    (`nvgpu.tma.create.descriptor`: no swizzling, zero fill past the view,
    which covers the edges in m, n and k), passed to the kernel as an i64
    address and cast back inside. In the kernel, one mbarrier per buffer;
    thread 0 expects a slice's bytes on its buffer's mbarrier and starts
    both boxes (`nvgpu.tma.async.load`, predicated); every thread waits
    for the phase of the slice's round through the buffers
    (`nvgpu.mbarrier.try_wait.parity`), then the barrier (which still
    keeps a buffer from being refilled while wgmma reads it). TMA writes
    in the async proxy, so no proxy fence.

    A product of fewer than `min-size` rows (k at least `min-size`: a
    decode step's projections), which reads each rhs element once and is
    bound by those reads, takes the matrix-vector kernel: 256 threads per
    block of columns of every row. Each thread reads rhs 16 bytes at a time
    along its contiguous dim: along n, lanes side by side cover a row of
    the block's columns (as many as a warp, fewer while that gives fewer
    blocks than `sms`, down to a 32-byte sector), the block's other rows of
    lanes take every so many k; along k, the lanes of a column take
    consecutive chunks of it. It multiplies by lhs and sums in f32 (four
    loads in flight per loop step; loads past k clamped, their products
    dropped). Row by row, the groups' partial sums are halved in shared
    memory between barriers, and the row's columns go through the same
    epilogue.
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
           "Smallest m, n and k that get the tiled kernel (fewer rows: "
           "the matrix-vector kernel)">,
    Option<"tensorCores", "tensor-cores", "bool", "true",
           "Multiply f16 and bf16 weights on tensor cores (the MMA kernel)">,
    Option<"tf32", "tf32", "bool", "false",
           "Multiply f32 operands on tensor cores as tf32 (10-bit "
           "mantissas, f32 sums)">,
    Option<"asyncCopies", "async-copies", "bool", "false",
           "Copy slices with cp.async (sm_80 and later), overlapped with "
           "the products of the previous slice">,
    Option<"sharedBytes", "shared-bytes", "int64_t", "49152",
           "Shared memory a block may use (the chip's opt-in limit)">,
    Option<"sms", "sms", "int64_t", "0",
           "Streaming multiprocessors of the target: products that give "
           "fewer blocks get smaller tiles (0: the given and default "
           "tiles)">,
    Option<"wgmma", "wgmma", "bool", "false",
           "Multiply large 16-bit products with warpgroup MMA "
           "(wgmma.mma_async: sm_90a)">,
    Option<"tma", "tma", "bool", "false",
           "With wgmma: copy the warpgroup kernel's slices with the tensor "
           "memory accelerator (cp.async.bulk.tensor, one thread, mbarriers) "
           "where both operands allow it">,
    Option<"moduleName", "module-name", "std::string", "\"fmc_kernels\"",
           "Name of the GPU module that outlining creates">,
  ];
  let dependentDialects = [
    "::mlir::gpu::GPUDialect", "::mlir::arith::ArithDialect",
    "::mlir::scf::SCFDialect", "::mlir::vector::VectorDialect",
    "::mlir::affine::AffineDialect", "::mlir::memref::MemRefDialect",
    "::mlir::nvgpu::NVGPUDialect", "::mlir::NVVM::NVVMDialect",
    "::mlir::LLVM::LLVMDialect", "::mlir::fmc::nv::NVDialect"
  ];
}

def ReportKernelsPass : Pass<"fmc-gpu-report-kernels", "func::FuncOp"> {
  let summary = "Report each GPU kernel as a remark";
  let description = [{
    For `fmc compile --report=kernels`, after the GPU mapping: a remark on
    every `gpu.launch` (at the ONNX node it came from) with what the
    kernel computes and how, from the `fmc.kernel` description the mapping
    passes attach (matmul kernel and tiles, attention kernel, row kernel,
    parallel loop), its grid and block sizes ('?' where only known at run
    time) and its shared memory in bytes; then a remark on the function
    with the number of kernels of each kind. Changes nothing.
  }];
}

def LaunchRowLoopsPass : Pass<"fmc-gpu-launch-row-loops", "func::FuncOp"> {
  let summary = "Run each fused row loop (norms, softmax) as one kernel with "
                "a block per row";
  let description = [{
    `fmc-fuse-row-reductions` leaves a norm's or softmax's chain as one
    `scf.forall` over rows whose body computes a row with linalg ops on
    buffers. After bufferization, each such loop at the top level of the
    function becomes one `gpu.launch` of `block-size` threads per row: the
    body's static allocations (the row's temporaries) become workgroup
    buffers; an op without reductions is shared by the threads (each takes
    every block-size-th iteration); a reduction `out = combine(out, f(x))`
    (combine: addf, mulf, maximumf, minimumf, maxnumf, minnumf) is folded by
    each thread over a stride of the reduced elements from the combiner's
    identity, the partials meet in a tree in shared memory, and thread 0
    combines the total into out; a barrier follows every op. Sums are
    therefore reassociated. A loop with other ops (regions, side effects,
    dynamic shapes) or whose temporaries do not fit 48 KiB is left alone.
  }];
  let options = [
    Option<"blockSize", "block-size", "int64_t", "256",
           "Threads per block (a power of two)">,
    Option<"moduleName", "module-name", "std::string", "\"fmc_kernels\"",
           "Name of the GPU module that outlining creates">,
  ];
  let dependentDialects = [
    "::mlir::gpu::GPUDialect", "::mlir::arith::ArithDialect",
    "::mlir::scf::SCFDialect", "::mlir::affine::AffineDialect",
    "::mlir::memref::MemRefDialect"
  ];
}

def LaunchAttentionPass : Pass<"fmc-gpu-launch-attention", "func::FuncOp"> {
  let summary = "Run each attention as one fused FlashAttention GPU kernel";
  let description = [{
    Each `fmc.attention_kernel` on buffers (fmc.attention as GPU targets
    lower it, after bufferization) becomes one `gpu.launch` with
    FlashAttention-2's schedule: block (x, y, z) computes a block of
    queries of head y of batch z and loops over blocks of keys with the
    online softmax, never holding more than one block of scores. Its 256
    threads (16 x 16) stage the query block once and each key and value
    block in shared memory; thread (ty, tx) computes the scores of rows
    ty + 16 i and keys tx + 16 c in registers, row maxima and sums meet in
    shared memory, the probabilities go through shared memory into the
    output accumulators (rows ty + 16 i, columns tx + 16 o, in registers),
    and the rows are divided by their sums once at the end. The
    conventions are the CPU lowering's: additive or boolean masks that
    broadcast to [B, H, S, T], causal frontiers at j <= i + T - S (key
    blocks past a query block's frontier are not visited), grouped key and
    value heads, a zero row for a query that sees no key.

    Blocks are the largest of 64 x 64, 64 x 32, 32 x 32, 32 x 16 and
    16 x 16 (queries x keys, no more than S and T need) whose shared
    buffers fit `shared-bytes`; a head too large for the smallest is an
    error.

    With `mma-type` f16 or bf16 (--precision=fp16/bf16), an attention with
    16 or more queries, D a multiple of 16 and Dv of 8, contiguous rows,
    and buffers within `shared-bytes` gets the tensor-core kernel instead
    (FlashAttention-2 as written per lane): blocks of 8 warps take 128
    queries (4 warps and 64 where a grid of 128-query blocks would have
    fewer than `split-blocks` / 2 blocks, i.e. not fill the SMs), each
    warp 16; every 64 keys, K and V are staged rounded to that type
    (already in it: with `async-copies`, by cp.async as two groups, the
    scores waiting for K's, so that V's copy overlaps them; where a second
    K buffer fits in `max-shared-bytes`, each step also starts the next K
    block, which then overlaps P V: at D = 128, 52224 bytes, in dynamic
    shared memory, fmc-gpu-dynamic-shared-memory),
    S = Q K^T is one mma.sync m16n8k16 per 16 x 8 tile over the Q
    fragments (loaded once; all fragments by ldmatrix, V's transposed),
    its accumulator fragments are the scores (scale, mask, frontier
    applied in registers; key blocks below T and the block's first
    frontier in a loop of their own without those checks), row maxima
    meet by two butterfly shuffles of the four lanes of a row, and
    exp(S - m) rounded to 16 bits is already the A fragment of P V. The
    sums meet once at the end.

    With `wgmma` too (sm_90a), an attention whose Q, K and V are already
    in the products' type (contiguous, 16-byte-aligned rows), with 64 or
    more queries and D and Dv multiples of 16 up to 256, gets the
    warpgroup kernel: blocks of two warpgroups (128 queries; one where the
    grid would not fill the SMs or two do not fit `max-shared-bytes`),
    Q, K and V copied by cp.async into 8 x 8 core matrices (eight
    consecutive threads fill one, so the copies' writes do not conflict in
    shared memory banks; K and V in three buffers each where they fit in
    `max-shared-bytes`, copied two blocks ahead, else two), S = Q K^T and
    O += P V each a run of wgmma.mma_async
    m64nNk16 (S reading both operands from shared memory through
    descriptors), the scores in the accumulator registers (row maxima by
    shuffles of the row's four lanes), and P, rounded to 16 bits, the A
    operand of P V straight from those registers
    (fmc_nv.wgmma_register_a: the accumulator layout of 16 keys is the
    register layout of A). FlashAttention-3's schedule within a
    warpgroup: block 0's S and softmax come first; each step then issues
    its block's S and the block before's P V together, waits for S only
    (fmc_nv.wgmma_wait, one group left running), runs its softmax while
    P V does, and then waits for P V; the last block's P V follows the
    loops. Each step's one barrier hands over the buffers: it waits for
    its K and the block before's V, and starts the copies of K and V
    further ahead (K into the buffer of the block before, whose S is done;
    V into that of the block before last, whose P V the step before
    finished).

    When the grid has fewer than `split-blocks` blocks, the keys are split
    too (as Flash-Decoding does): grid z also runs over splits of whole key
    blocks (at least two per split, up to `split-blocks` blocks in all),
    each block writes its rows' running max, sum and unnormalized output to
    scratch buffers, and an `scf.parallel` over the outputs (one thread per
    element once fmc-gpu-launch-parallel-loops maps it) combines the
    splits: out = sum_s exp(m_s - M) O_s / sum_s exp(m_s - M) l_s,
    M = max_s m_s.

    Decoding (fewer than 16 queries per head and at most 16 per key/value
    head: a decode step's one query times the heads that share a key/value
    head) takes a kernel of its own: a block of 256 threads per key/value
    head and batch takes the queries of all its query heads (Q's rows
    staged once, [D][rows] so that a thread reads one element of each row
    as a vector), so that K and V are read once, and each thread one key
    per step of 256: its K row read 16 bytes at a time, eight loads issued
    before their products (decoding is bound by the bytes of K and V in
    flight), the scores in registers, the step's row maxima by butterfly
    shuffles and then the warps' through shared memory, P through shared
    memory, and P V with each thread on 16 bytes of value columns (fewer
    where rows x columns would pass 32 accumulators) and the keys of its
    key group, again eight vector loads at a time. The threads' sums and
    the key groups' outputs meet once at the end. Keys are split among
    blocks (grid x) in the same way while batch x key/value heads blocks
    are fewer than `split-blocks`, at least one step each.
  }];
  let options = [
    Option<"sharedBytes", "shared-bytes", "int64_t", "49152",
           "Shared memory a block may use (the target's)">,
    Option<"maxSharedBytes", "max-shared-bytes", "int64_t", "0",
           "Shared memory a block may opt into (dynamic shared memory): "
           "the tensor-core kernel's K prefetch may use up to this much "
           "(below shared-bytes: shared-bytes)">,
    Option<"splitBlocks", "split-blocks", "int64_t", "0",
           "Split the keys among blocks when the grid has fewer blocks than "
           "this (0: never); the pipeline passes twice the target's SMs">,
    Option<"mmaType", "mma-type", "std::string", "\"\"",
           "f16 or bf16: the tensor-core kernel, its products in that type "
           "(empty: the f32 kernel only)">,
    Option<"asyncCopies", "async-copies", "bool", "false",
           "The tensor-core kernel copies keys and values already in the "
           "products' type by cp.async (sm_80+), the values while the "
           "scores are computed">,
    Option<"wgmma", "wgmma", "bool", "false",
           "With mma-type: the warpgroup kernel (wgmma.mma_async, sm_90a) "
           "for the attentions it takes, its buffers within "
           "max-shared-bytes">,
    Option<"moduleName", "module-name", "std::string", "\"fmc_kernels\"",
           "Name of the GPU module that outlining creates">,
  ];
  let dependentDialects = [
    "::mlir::gpu::GPUDialect", "::mlir::arith::ArithDialect",
    "::mlir::scf::SCFDialect", "::mlir::math::MathDialect",
    "::mlir::memref::MemRefDialect", "::mlir::nvgpu::NVGPUDialect",
    "::mlir::vector::VectorDialect", "::mlir::NVVM::NVVMDialect",
    "::mlir::LLVM::LLVMDialect", "::mlir::fmc::nv::NVDialect"
  ];
}

def VectorizeCopiesPass : Pass<"fmc-gpu-vectorize-copies", "func::FuncOp"> {
  let summary = "Copy loops move a 16-byte vector per iteration";
  let description = [{
    Before fmc-gpu-launch-parallel-loops, which gives each iteration of a
    parallel loop a thread. An `scf.parallel` outside GPU launches whose
    body is a copy, `%v = memref.load %a[..., %i]` then
    `memref.store %v, %b[..., %i]` with %i its last induction variable
    (used by no other index), from 0 to a multiple of the elements of a
    16-byte vector in steps of 1, both memrefs contiguous along that dim
    and such vectors aligned (static offsets and outer strides multiples
    of the vector), steps by the vector instead and moves it with
    `vector.load` and `vector.store` (a decode step's past KV cache
    copied into the present one: 8 f16 per thread instead of one).
  }];
  let dependentDialects = ["::mlir::vector::VectorDialect",
                           "::mlir::arith::ArithDialect"];
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

def TransposeWeightsPass
    : Pass<"fmc-gpu-transpose-weights", "::mlir::ModuleOp"> {
  let summary = "Store 2-D weights in the layout their GPU matmul kernels "
                "read best, folding their transposes";
  let description = [{
    On linalg on tensors, before fmc-narrow-matmul-weights. A 2-D weight
    argument of the model function whose every reader is the rhs of a
    product (a contraction linalg.generic), directly or through a 2-D
    linalg.transpose (ONNX Gemm's transB, a Transpose node) that only such
    products read, is stored with the rows its products read best, and the
    transposes go: no kernel transposes it at run time. A product reads
    its rhs best:
    - K-major ([n][k], k a multiple of `width`), if it has fewer than
      `min-rows` rows (fmc-gpu-tile-matmul's matrix-vector kernel) and n is
      not a multiple of `width`: the kernel reads its rhs 16 bytes at a
      time along the contiguous dim, and a row of n elements that is not a
      whole number of 16-byte vectors (GPT-2's lm_head, 768 x 50257) would
      be read an element at a time;
    - K-major, with `tf32-warpgroup`, if it is an f32 product whose lhs
      stores k contiguously and which a tile of the warpgroup kernel fits
      (`sms`, `shared-bytes`: fmc-gpu-tile-matmul's, which gives it that
      kernel): wgmma.mma_async takes tf32 operands K-major only;
    - in either layout for the other matrix-vector products;
    - N-major ([k][n]) for the other tiled kernels, which copy 16-byte
      vectors along n into their [k][n] slices.
    The weight's rows are n where every reader reads K-major best or does
    not mind, k where one reads N-major best; where none minds, as every
    reader reads them (folding the transposes), else k. Readers that read
    the other layout read a new weight holding the transpose (`name.t`),
    their maps swapping k and n; the old weight goes where nothing reads
    it any more. `width`: the elements of a 16-byte vector of the weight
    as the kernels read it (8 for 16-bit weights, 4 for f32).
  }];
  let options = [
    Option<"function", "function", "std::string", "\"main\"",
           "The model function">,
    Option<"minRows", "min-rows", "int64_t", "8",
           "Products of fewer rows than this (the matrix-vector kernel's)">,
    Option<"width", "width", "int64_t", "8",
           "Elements of the weight in a 16-byte vector as the kernels read "
           "it">,
    Option<"tf32Warpgroup", "tf32-warpgroup", "bool", "false",
           "Also the f32 products that fmc-gpu-tile-matmul gives the "
           "warpgroup kernel with tf32 (sm_90a)">,
    Option<"sms", "sms", "int64_t", "0",
           "fmc-gpu-tile-matmul's sms (0: any grid)">,
    Option<"sharedBytes", "shared-bytes", "int64_t", "232448",
           "fmc-gpu-tile-matmul's shared-bytes">,
  ];
  let dependentDialects = ["::mlir::linalg::LinalgDialect"];
}

def FoldAttentionTransposesPass
    : Pass<"fmc-gpu-fold-attention-transposes", "func::FuncOp"> {
  let summary = "Let the attention kernel read and write through transposed "
                "views instead of transposed copies";
  let description = [{
    On buffers, after bufferization and before fmc-plan-arena (so that the
    planner sees the new lifetimes). A query, key or value of
    fmc.attention_kernel that is an allocation written by a
    linalg.transpose just before it (the [B, S, H, D] projection transposed
    to [B, H, S, D]) is replaced by a memref.transpose view of the
    transpose's input, when nothing between the two writes that input's
    buffer; the transpose goes, and the allocation once unused. The
    allocation may serve several layers (bufferization gives a decode
    step's every query one buffer) when its users are only transposes into
    it and kernels reading it, each value read by one kernel. Likewise its
    output, when the first use of its buffer after it is a
    linalg.transpose that is the only reader of that value (the buffer may
    serve several layers' outputs, and values before the kernel, as
    bufferization gives fp32 GPT-2 and LLaMA): the kernel writes the
    transpose's destination (an allocation, moved before the kernel, or an
    argument) through the inverse view, when nothing in between reads or
    writes it and the kernel does not read it. Only transposes that keep the last
    dim last are folded: the views keep unit-stride rows, which the
    tensor-core kernel reads as vectors.
  }];
  let dependentDialects = ["::mlir::memref::MemRefDialect"];
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

def ConvertWarpMatmulsPass
    : Pass<"fmc-gpu-convert-warp-matmuls", "func::FuncOp"> {
  let summary = "Turn the tensor-core kernels' warp-level products into "
                "ldmatrix and mma.sync";
  let description = [{
    In every `gpu.launch` that contains a `vector.contract` (the
    tensor-core kernels of `fmc-gpu-tile-matmul`), MLIR's vector-to-nvgpu
    conversion distributes the warp-level tiles over the warp's lanes:
    reads of f16 tiles from shared memory become `nvgpu.ldmatrix`, the
    products `nvgpu.mma.sync` (m16n8k16, f32 accumulators), and the
    accumulators' writes per-lane stores. Other kernels are left alone: the
    upstream pass, run on a whole function, takes every scalar `arith.addi`
    or `arith.mulf` for an element-wise op on matrix fragments and fails. A
    product the conversion cannot take is an error. Products marked
    `fmc.bf16_operands` (bf16 tiles carried as f16) load their fragments
    from bf16 views of the same shared bytes and become `nvvm.mma.sync`
    with bf16 multiplicands directly: MLIR 22's nvgpu lowering has no
    bf16 form. So do, in any kernel, `nvgpu.mma.sync` ops of bf16 vectors
    (the tensor-core attention kernel's), each register pair of a
    fragment bitcast to one 32-bit register.

    With `host-emulation` (--gpu-mapping-on-host) only the kernels whose
    products are all f16 are converted: fmc-gpu-launches-to-host-loops
    then runs MLIR's ldmatrix and mma.sync distribution itself. bf16 and
    tf32 products stay warp-level vector.contract ops for
    fmc-gpu-lower-warp-matmuls.
  }];
  let options = [
    Option<"hostEmulation", "host-emulation", "bool", "false",
           "Convert only the kernels of f16 products (the host emulator "
           "runs nvgpu.mma.sync of 16-bit operands, not nvvm.mma.sync or "
           "tf32)">,
  ];
  let dependentDialects = [
    "::mlir::nvgpu::NVGPUDialect", "::mlir::gpu::GPUDialect",
    "::mlir::vector::VectorDialect", "::mlir::affine::AffineDialect",
    "::mlir::memref::MemRefDialect", "::mlir::NVVM::NVVMDialect",
    "::mlir::LLVM::LLVMDialect"
  ];
}

def LowerWarpMatmulsPass
    : Pass<"fmc-gpu-lower-warp-matmuls", "func::FuncOp"> {
  let summary = "Lower warp-level matrix products to per-thread vector ops "
                "(runs the tensor-core kernels on the host)";
  let description = [{
    The tensor-core kernel of `fmc-gpu-tile-matmul` multiplies 16 x 16 by
    16 x 8 tiles with `vector.contract` on 2-D vectors read from shared
    memory; on a GPU `convert-vector-to-gpu{use-nvgpu}` distributes them
    over the warp's lanes (ldmatrix, mma.sync). With
    `--gpu-mapping-on-host` they run as they are, each thread computing its
    warp's whole tile: this pass extends narrow operands to the
    accumulator's type (an f16 x f16 product is exact in f32, as in the
    tensor core), lowers the contractions to outer products and fused
    multiply-adds, and the transposed transfer reads to plain ones, so that
    `convert-vector-to-scf` and the LLVM lowering take the rest. A
    contraction left over is an error.
  }];
  let dependentDialects = [
    "::mlir::vector::VectorDialect", "::mlir::arith::ArithDialect"
  ];
}

def LowerAsyncCopiesPass
    : Pass<"fmc-gpu-lower-async-copies", "func::FuncOp"> {
  let summary = "Lower asynchronous global-to-shared copies to plain loads "
                "and stores (runs the cp.async kernels on the host)";
  let description = [{
    With `--gpu-mapping-on-host`, the kernels' `nvgpu.device_async_copy`
    ops (cp.async on a GPU) become synchronous copies: a vector load of the
    copied elements (masked to the `srcElements` read, zeros in the rest,
    as cp.async fills them) stored into the shared buffer. Their groups and
    waits are dropped: a copy is complete when it is issued, which
    satisfies every wait.
  }];
  let dependentDialects = [
    "::mlir::vector::VectorDialect", "::mlir::arith::ArithDialect"
  ];
}

def AlignSharedMemoryPass
    : Pass<"fmc-gpu-align-shared-memory", "gpu::GPUModuleOp"> {
  let summary = "Align the shared-memory buffers of outlined kernels";
  let description = [{
    Shared-memory buffers (workgroup attributions) become globals aligned to
    their element only, but fmc's kernels read them with vector loads
    (`ld.shared.v4`), which need the vector's alignment. After
    `gpu-kernel-outlining`, every workgroup attribution of every `gpu.func`
    gets `llvm.align` = `alignment` (a larger one is kept), which the NVVM
    lowering puts on the global.
  }];
  let options = [
    Option<"alignment", "alignment", "int64_t", "16",
           "Byte alignment of every shared buffer">,
  ];
}

def DynamicSharedMemoryPass
    : Pass<"fmc-gpu-dynamic-shared-memory", "func::FuncOp"> {
  let summary = "Move kernels' shared buffers above the static limit into "
                "dynamic shared memory";
  let description = [{
    A kernel may declare at most 48 KB of shared memory statically; beyond
    that, up to the chip's opt-in maximum (163 KB on sm_80, 99 KB on
    sm_86/sm_89, 227 KB on sm_90), it must take it as dynamic shared memory
    sized at launch (the runtime raises the function's limit before such a
    launch). On the GPU path, before kernel outlining: a `gpu.launch` whose
    workgroup attributions take more than `static-bytes` in all gets them as
    `memref.view`s of one `gpu.dynamic_shared_memory` buffer instead, each
    at an offset aligned to 16 bytes, and the launch's
    `dynamic_shared_memory_size` is their total. A launch that needs more
    than `max-bytes` is an error naming the kernel's size and the limit.
    The host emulation (`--gpu-mapping-on-host`) does not run it: there the
    buffers stay attributions of any size.
  }];
  let options = [
    Option<"staticBytes", "static-bytes", "int64_t", "49152",
           "Shared memory a kernel may declare statically">,
    Option<"maxBytes", "max-bytes", "int64_t", "49152",
           "Shared memory a block may use at most (the chip's opt-in limit)">,
  ];
  let dependentDialects = ["::mlir::memref::MemRefDialect",
                           "::mlir::arith::ArithDialect"];
}

def ExternDynamicSharedMemoryPass
    : Pass<"fmc-gpu-extern-dynamic-shared-memory", "gpu::GPUModuleOp"> {
  let summary = "Declare the kernels' dynamic shared memory external";
  let description = [{
    After `convert-gpu-to-nvvm`, which turns `gpu.dynamic_shared_memory`
    into an internal zero-sized array in address space 3: the NVPTX
    backend demotes such a global into the kernel as a one-byte static
    shared variable, and the dynamic buffer then starts after it, so the
    kernel's last bytes would fall past what the launch gives. Every
    zero-sized, uninitialized shared array gets external linkage instead,
    which PTX spells `.extern .shared .align 16 .b8 name[]`: the dynamic
    shared memory itself.
  }];
  let dependentDialects = ["::mlir::LLVM::LLVMDialect"];
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
    `gpu.alloc`/`gpu.dealloc` become `memref.alloc`/`memref.dealloc`.

    A kernel with barriers or shared memory (`fmc-gpu-tile-matmul`'s) runs
    its threads in lockstep: each workgroup buffer becomes one host buffer
    reused by every block; the code between two barriers becomes one loop
    over the block's threads (every thread finishes it before any starts
    the next); a value that one such segment computes and another uses is
    kept per thread in a slot buffer; ops that depend on no thread run once
    per block. A loop that contains barriers must have the same bounds in
    every thread (as on a GPU): it runs once per block, its body split the
    same way, its iteration values in slots. Barriers anywhere else (in an
    `scf.if`, in a loop whose bounds depend on the thread), private
    memory, clusters and asynchronous launches are an error.

    Warp-collective ops run inside segments, each lane reading the
    operands it needs from the slots of the other lanes of its warp
    (threads t - t mod 32 ... + 31), so a collective that exchanges a
    value its own segment computes starts a new segment. `gpu.shuffle`
    (32 lanes, every mode) gives the source lane's value; `nvgpu.ldmatrix`
    (8 x 8 tiles of 16-bit elements, transposed or not) reads the rows
    whose addresses lanes 8 j .. 8 j + 7 give; `nvgpu.mma.sync`
    (m16n8k16, 16-bit multiplicands, f32 accumulators) gathers the warp's
    A and B by MLIR's fragment layouts (nvgpu's
    getLaneIdAndValueIdToOperandCoord, PTX's tables; not the kernels'
    own) and computes the lane's four accumulators; `gpu.lane_id` is
    t mod 32. `nvvm.wgmma.mma_async` (m64nNk16, f16 or bf16 into f32,
    operands in the kernel's one shared buffer) reads A and B through its
    shared-memory descriptors as PTX defines them (start address modulo
    2^18 relative to the buffer, leading and stride byte offsets between
    core matrices of 8 x 16 bytes, K-major or, for B, N-major; no
    swizzling) and computes the thread's accumulators at the positions of
    the mma.sync accumulator table, 16 rows per warp; its fences, commits
    and waits, and `fence.proxy.async`, do nothing on the host.
    `fmc compile --target=host --gpu-mapping-on-host` runs the whole GPU
    mapping through it and then the CPU code generator, so the end-to-end
    tests check the GPU path's buffers, loops and launches against ONNX
    Runtime.
  }];
  let dependentDialects = [
    "::mlir::scf::SCFDialect", "::mlir::memref::MemRefDialect",
    "::mlir::vector::VectorDialect", "::mlir::math::MathDialect",
    "::mlir::affine::AffineDialect", "::mlir::LLVM::LLVMDialect"
  ];
}

#endif // FMC_PASSES_GPU
