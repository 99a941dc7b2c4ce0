//===- NVBase.td - fmc's NVIDIA GPU dialect definition -----*- tablegen -*-===//
//
// The NVIDIA dialect holds the PTX instructions fmc's GPU kernels need that
// the upstream NVVM dialect does not model. Its ops implement NVVM's
// BasicPtxBuilderOpInterface, so convert-nvvm-to-llvm lowers them to inline
// PTX with the NVVM dialect's own ops.
//
//===----------------------------------------------------------------------===//

#ifndef FMC_NV_BASE
#define FMC_NV_BASE

include "mlir/IR/OpBase.td"

def NV_Dialect : Dialect {
  let name = "fmc_nv";
  let cppNamespace = "::mlir::fmc::nv";
  let summary = "PTX instructions of fmc's GPU kernels beyond the NVVM dialect";
  let dependentDialects = ["::mlir::LLVM::LLVMDialect"];
}

class NV_Op<string mnemonic, list<Trait> traits = []>
    : Op<NV_Dialect, mnemonic, traits>;

#endif // FMC_NV_BASE
