//===- NVOps.h - fmc's NVIDIA GPU ops ---------------------------*- C++ -*-===//

#ifndef FMC_DIALECTS_NV_IR_NVOPS_H
#define FMC_DIALECTS_NV_IR_NVOPS_H

#include "dialects/NV/IR/NVDialect.h"
#include "mlir/Bytecode/BytecodeOpInterface.h"
#include "mlir/Dialect/LLVMIR/BasicPtxBuilderInterface.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/OpDefinition.h"

#define GET_OP_CLASSES
#include "dialects/NV/IR/NVOps.h.inc"

#endif // FMC_DIALECTS_NV_IR_NVOPS_H
