//===- NVDialect.cpp - fmc's NVIDIA GPU dialect ---------------------------===//

#include "dialects/NV/IR/NVDialect.h"
#include "dialects/NV/IR/NVOps.h"

using namespace mlir;
using namespace mlir::fmc::nv;

#include "dialects/NV/IR/NVDialect.cpp.inc"

void NVDialect::initialize() {
  addOperations<
#define GET_OP_LIST
#include "dialects/NV/IR/NVOps.cpp.inc"
      >();
}
