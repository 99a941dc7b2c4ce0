//===- WarpgroupMMA.cpp - wgmma.mma_async operands and products -----------===//

#include "passes/GPU/WarpgroupMMA.h"

#include "dialects/NV/IR/NVOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/LLVMIR/NVVMDialect.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"

using namespace mlir;

int64_t fmc::wgmma::coreWidth(Type element) {
  return kCoreRowBytes * 8 / element.getIntOrFloatBitWidth();
}

int64_t fmc::wgmma::depth(Type element) { return 2 * coreWidth(element); }

Value fmc::wgmma::sharedAddress(OpBuilder &b, Location loc, Value buffer) {
  return arith::IndexCastOp::create(
      b, loc, b.getI64Type(),
      memref::ExtractAlignedPointerAsIndexOp::create(b, loc, buffer));
}

Value fmc::wgmma::descriptor(OpBuilder &b, Location loc, Value address,
                             Value offset, int64_t leadBytes,
                             int64_t strideBytes) {
  Type i64 = b.getI64Type();
  auto constant = [&](int64_t v) -> Value {
    return arith::ConstantIntOp::create(b, loc, i64, v);
  };
  int64_t fields = (leadBytes >> 4) << 16 | (strideBytes >> 4) << 32;
  Value start = arith::AddIOp::create(
      b, loc, address, arith::IndexCastOp::create(b, loc, i64, offset));
  // Shared memory's window is 2^18 bytes.
  Value units = arith::ShRUIOp::create(
      b, loc, arith::AndIOp::create(b, loc, start, constant(0x3FFFF)),
      constant(4));
  return arith::OrIOp::create(b, loc, units, constant(fields));
}

Value fmc::wgmma::toAccumulators(OpBuilder &b, Location loc, Value acc) {
  auto type = cast<VectorType>(acc.getType());
  int64_t values = type.getNumElements();
  auto structType = LLVM::LLVMStructType::getLiteral(
      b.getContext(), SmallVector<Type>(values, type.getElementType()));
  Value s = LLVM::PoisonOp::create(b, loc, structType);
  for (int64_t i = 0; i < values; ++i)
    s = LLVM::InsertValueOp::create(
        b, loc, s, vector::ExtractOp::create(b, loc, acc, i), i);
  return s;
}

Value fmc::wgmma::fromAccumulators(OpBuilder &b, Location loc,
                                   Value accumulators) {
  auto structType = cast<LLVM::LLVMStructType>(accumulators.getType());
  int64_t values = structType.getBody().size();
  SmallVector<Value> elements;
  for (int64_t i = 0; i < values; ++i)
    elements.push_back(LLVM::ExtractValueOp::create(b, loc, accumulators, i));
  return vector::FromElementsOp::create(
      b, loc, VectorType::get({values}, structType.getBody().front()),
      elements);
}

Value fmc::wgmma::undefinedAccumulators(OpBuilder &b, Location loc, int64_t n) {
  return LLVM::PoisonOp::create(
      b, loc,
      LLVM::LLVMStructType::getLiteral(
          b.getContext(), SmallVector<Type>(n / 2, b.getF32Type())));
}

Value fmc::wgmma::multiply(OpBuilder &b, Location loc, Value acc, Value a,
                           Value bDesc, int64_t n, Type element, bool bKMajor,
                           bool accumulate) {
  MLIRContext *ctx = b.getContext();
  assert((!element.isF32() || bKMajor) && "tf32 operands are K-major");
  auto type = NVVM::WGMMATypesAttr::get(
      ctx, element.isF32()    ? NVVM::WGMMATypes::tf32
           : element.isBF16() ? NVVM::WGMMATypes::bf16
                              : NVVM::WGMMATypes::f16);
  auto one = NVVM::WGMMAScaleInAttr::get(ctx, NVVM::WGMMAScaleIn::one);
  // B's layout: col is K-major (stored [n][k]), row N-major.
  auto layoutB = NVVM::MMALayoutAttr::get(ctx, bKMajor ? NVVM::MMALayout::col
                                                       : NVVM::MMALayout::row);
  return NVVM::WgmmaMmaAsyncOp::create(
      b, loc, acc.getType(), acc, a, bDesc,
      NVVM::MMAShapeAttr::get(ctx, kM, n, depth(element)), type, type,
      NVVM::WGMMATypesAttr::get(ctx, NVVM::WGMMATypes::f32),
      NVVM::WGMMAScaleOutAttr::get(ctx, accumulate ? NVVM::WGMMAScaleOut::one
                                                   : NVVM::WGMMAScaleOut::zero),
      one, one, NVVM::MMALayoutAttr::get(ctx, NVVM::MMALayout::row), layoutB,
      /*satfinite=*/nullptr);
}

Value fmc::wgmma::multiplyRegisterA(OpBuilder &b, Location loc, Value acc,
                                    Value a, Value bDesc, int64_t n,
                                    bool bKMajor, bool accumulate) {
  return nv::WgmmaRegisterAOp::create(b, loc, acc.getType(), acc, a, bDesc, n,
                                      accumulate, bKMajor);
}
