//===- NVDialect.h - fmc's NVIDIA GPU dialect -------------------*- C++ -*-===//

#ifndef FMC_DIALECTS_NV_IR_NVDIALECT_H
#define FMC_DIALECTS_NV_IR_NVDIALECT_H

#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/IR/Dialect.h"

#include "dialects/NV/IR/NVDialect.h.inc"

#endif // FMC_DIALECTS_NV_IR_NVDIALECT_H
