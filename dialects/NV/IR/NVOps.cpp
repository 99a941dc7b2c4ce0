//===- NVOps.cpp - fmc's NVIDIA GPU ops -----------------------------------===//

#include "dialects/NV/IR/NVOps.h"

#include "llvm/Support/raw_ostream.h"

using namespace mlir;
using namespace mlir::fmc::nv;

#define GET_OP_CLASSES
#include "dialects/NV/IR/NVOps.cpp.inc"

//===----------------------------------------------------------------------===//
// WgmmaRegisterAOp
//===----------------------------------------------------------------------===//

LogicalResult WgmmaRegisterAOp::verify() {
  int64_t n = getN();
  if (n % 8 != 0)
    return emitOpError("n must be a multiple of 8, got ") << n;
  auto type = cast<LLVM::LLVMStructType>(getAccumulators().getType());
  if (type.getBody().size() != size_t(n / 2) ||
      !llvm::all_of(type.getBody(), [](Type t) { return t.isF32(); }))
    return emitOpError("accumulators must be a struct of n / 2 = ")
           << n / 2 << " f32, got " << type;
  return success();
}

// Inline PTX operands, in the order getAsmValues gives them: the n / 2
// results, the n / 2 accumulators (tied to the results), A's four 32-bit
// registers, B's descriptor, then the immediates scale-d, scale-a,
// scale-b and trans-b.
std::string WgmmaRegisterAOp::getPtx() {
  int64_t values = getN() / 2, aAt = 2 * values;
  StringRef element =
      cast<VectorType>(getA().getType()).getElementType().isBF16() ? "bf16"
                                                                   : "f16";
  std::string ptx;
  llvm::raw_string_ostream os(ptx);
  auto list = [&](int64_t first, int64_t count) {
    os << "{";
    for (int64_t i = 0; i < count; ++i)
      os << (i ? ", $" : "$") << first + i;
    os << "}";
  };
  os << "{\n.reg .pred p;\nsetp.ne.b32 p, $" << aAt + 5 << ", 0;\n"
     << "wgmma.mma_async.sync.aligned.m64n" << getN() << "k16.f32." << element
     << "." << element << " ";
  list(0, values);
  os << ", ";
  list(aAt, 4);
  os << ", $" << aAt + 4 << ", p, $" << aAt + 6 << ", $" << aAt + 7 << ", $"
     << aAt + 8 << ";\n}\n";
  return ptx;
}

bool WgmmaRegisterAOp::getAsmValues(
    RewriterBase &rewriter,
    SmallVectorImpl<std::pair<Value, NVVM::PTXRegisterMod>> &asmValues) {
  Location loc = getLoc();
  asmValues.push_back({getResult(), NVVM::PTXRegisterMod::Write});
  asmValues.push_back({getAccumulators(), NVVM::PTXRegisterMod::ReadWrite});
  // A's pairs of 16-bit values as 32-bit registers.
  Type i32 = rewriter.getI32Type();
  Value packed =
      LLVM::BitcastOp::create(rewriter, loc, VectorType::get({4}, i32), getA());
  for (int64_t i = 0; i < 4; ++i)
    asmValues.push_back({LLVM::ExtractElementOp::create(
                             rewriter, loc, packed,
                             LLVM::ConstantOp::create(rewriter, loc, i32, i)),
                         NVVM::PTXRegisterMod::Read});
  asmValues.push_back({getDescriptorB(), NVVM::PTXRegisterMod::Read});
  // trans-b: 0 for K-major B, 1 for N-major.
  for (int64_t imm : {int64_t(getAccumulate()), int64_t(1), int64_t(1),
                      int64_t(!getBKMajor())})
    asmValues.push_back(
        {makeConstantI32(rewriter, imm), NVVM::PTXRegisterMod::Read});
  return true;
}

//===----------------------------------------------------------------------===//
// WgmmaWaitOp
//===----------------------------------------------------------------------===//

LogicalResult WgmmaWaitOp::verify() {
  auto type = cast<LLVM::LLVMStructType>(getAccumulators().getType());
  if (type.getBody().empty() ||
      !llvm::all_of(type.getBody(), [](Type t) { return t.isF32(); }))
    return emitOpError("accumulators must be a struct of f32, got ") << type;
  return success();
}

std::string WgmmaWaitOp::getPtx() {
  return "wgmma.wait_group.sync.aligned " + std::to_string(getPending()) + ";";
}

// The accumulators, read and written in place: operands tied to results.
bool WgmmaWaitOp::getAsmValues(
    RewriterBase &rewriter,
    SmallVectorImpl<std::pair<Value, NVVM::PTXRegisterMod>> &asmValues) {
  asmValues.push_back({getResult(), NVVM::PTXRegisterMod::Write});
  asmValues.push_back({getAccumulators(), NVVM::PTXRegisterMod::ReadWrite});
  return true;
}
