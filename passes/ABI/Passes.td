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

#endif // FMC_PASSES_ABI
