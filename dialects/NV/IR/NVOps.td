//===- NVOps.td - fmc's NVIDIA GPU ops ---------------------*- tablegen -*-===//

#ifndef FMC_NV_OPS
#define FMC_NV_OPS

include "dialects/NV/IR/NVBase.td"
include "mlir/Dialect/LLVMIR/BasicPtxBuilderInterface.td"
include "mlir/Dialect/LLVMIR/LLVMOpBase.td"
include "mlir/Interfaces/SideEffectInterfaces.td"

def NV_WgmmaRegisterAOp : NV_Op<"wgmma_register_a", [
    DeclareOpInterfaceMethods<BasicPtxBuilderOpInterface, ["getAsmValues"]>,
    AllTypesMatch<["accumulators", "result"]>]> {
  let summary = "wgmma.mma_async with the A operand in registers";
  let description = [{
    One warpgroup-wide `wgmma.mma_async.sync.aligned.m64nNk16.f32` product
    (sm_90a) whose A operand (64 x 16, f16 or bf16) comes from the
    threads' registers rather than from shared memory: `result = a * B +
    accumulators`, or `a * B` where `accumulate` is false (scale-d 0: the
    accumulators' values are not read). NVVM's `wgmma.mma_async` takes A
    only through a shared-memory descriptor.

    `a` is the thread's fragment of A: warp w of the warpgroup holds rows
    16 w .. 16 w + 15, its lanes' 8 values laid out as mma.sync
    m16n8k16's A (value v of lane l: row l / 4 + 8 (v / 2 mod 2), column
    2 (l mod 4) + v mod 2 + 8 (v / 4)). B (16 x N) is read through
    `descriptorB` from shared memory, K-major (stored [n][k]) where
    `bKMajor`, else N-major. The accumulators are a struct of N / 2 f32,
    as NVVM's op has them.

    ```mlir
    %d = fmc_nv.wgmma_register_a %acc, %a, %descB {n = 64 : i64,
         accumulate = true, bKMajor = false}
         : !llvm.struct<(f32, ...)>, vector<8xf16>
    ```

    Like every wgmma, it must follow a `wgmma.fence` once its registers are
    written, and its results are ready after `wgmma.commit_group` and
    `wgmma.wait_group`; `a` must not change until then.
  }];
  let arguments = (ins LLVM_AnyStruct:$accumulators,
      VectorOfLengthAndType<[8], [F16, BF16]>:$a, I64:$descriptorB,
      ConfinedAttr<I64Attr, [IntMinValue<8>, IntMaxValue<256>]>:$n,
      BoolAttr:$accumulate, BoolAttr:$bKMajor);
  let results = (outs LLVM_AnyStruct:$result);
  let assemblyFormat = [{
    $accumulators `,` $a `,` $descriptorB attr-dict `:` type($accumulators)
    `,` type($a)
  }];
  let hasVerifier = 1;
}

def NV_WgmmaWaitOp : NV_Op<"wgmma_wait", [
    DeclareOpInterfaceMethods<BasicPtxBuilderOpInterface, ["getAsmValues"]>,
    AllTypesMatch<["accumulators", "result"]>]> {
  let summary = "wgmma.wait_group, through the accumulators it waits for";
  let description = [{
    `wgmma.wait_group.sync.aligned pending`: waits until at most `pending`
    committed groups of the warpgroup's wgmma products are still running.
    The accumulators of a product that the wait completes pass through it:
    their uses then depend on the wait, so no code that reads them moves
    above it (NVVM's `wgmma.wait.group.sync.aligned` has no operands, and
    code that reads an accumulator before its product completes reads an
    undefined value).

    ```mlir
    %s = fmc_nv.wgmma_wait %acc {pending = 1 : i64} : !llvm.struct<(f32, ...)>
    ```
  }];
  let arguments = (ins LLVM_AnyStruct:$accumulators,
      ConfinedAttr<I64Attr, [IntMinValue<0>, IntMaxValue<7>]>:$pending);
  let results = (outs LLVM_AnyStruct:$result);
  let assemblyFormat = [{
    $accumulators attr-dict `:` type($accumulators)
  }];
  let hasVerifier = 1;
}

#endif // FMC_NV_OPS
