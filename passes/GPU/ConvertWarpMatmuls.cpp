//===- ConvertWarpMatmuls.cpp - warp-level products -> mma.sync -----------===//

#include "passes/GPU/Passes.h"

#include "mlir/Conversion/VectorToGPU/VectorToGPU.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/LLVMIR/NVVMDialect.h"
#include "mlir/Dialect/NVGPU/IR/NVGPUDialect.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"
#include "llvm/ADT/MapVector.h"

namespace mlir::fmc {
#define GEN_PASS_DEF_CONVERTWARPMATMULSPASS
#include "passes/GPU/Passes.h.inc"
} // namespace mlir::fmc

using namespace mlir;
using namespace mlir::fmc;

namespace {

bool containsContraction(Operation *op) {
  return op->walk([](vector::ContractionOp) { return WalkResult::interrupt(); })
      .wasInterrupted();
}

/// Replaces `mma` (m16n8k16 into f32 accumulators, vector<2x2>: registers
/// c0 c1 / c2 c3) by nvvm.mma.sync with bf16 multiplicands held in the
/// 32-bit registers `a` and `b`.
LogicalResult replaceWithBF16Mma(RewriterBase &rewriter, nvgpu::MmaSyncOp mma,
                                 ValueRange a, ValueRange b) {
  auto accType = cast<VectorType>(mma.getMatrixC().getType());
  if (mma.getMmaShapeAsArray() != std::array<int64_t, 3>{16, 8, 16} ||
      accType != VectorType::get({2, 2}, rewriter.getF32Type()))
    return mma.emitError("bf16 products are m16n8k16 into f32");
  rewriter.setInsertionPoint(mma);
  Location loc = mma.getLoc();
  Type f32 = rewriter.getF32Type();
  SmallVector<Value> c;
  for (int64_t i = 0; i < 4; ++i)
    c.push_back(vector::ExtractOp::create(rewriter, loc, mma.getMatrixC(),
                                          ArrayRef<int64_t>{i / 2, i % 2}));
  auto product = NVVM::MmaOp::create(
      rewriter, loc,
      LLVM::LLVMStructType::getLiteral(rewriter.getContext(),
                                       SmallVector<Type>(4, f32)),
      a, b, c, ArrayRef<int64_t>{16, 8, 16}, std::nullopt, std::nullopt,
      std::array<NVVM::MMATypes, 2>{NVVM::MMATypes::bf16, NVVM::MMATypes::bf16},
      std::array<NVVM::MMALayout, 2>{NVVM::MMALayout::row,
                                     NVVM::MMALayout::col});
  Value sum = arith::ConstantOp::create(rewriter, loc, accType,
                                        DenseElementsAttr::get(accType, 0.0f));
  for (int64_t i = 0; i < 4; ++i)
    sum = vector::InsertOp::create(
        rewriter, loc, LLVM::ExtractValueOp::create(rewriter, loc, product, i),
        sum, ArrayRef<int64_t>{i / 2, i % 2});
  rewriter.replaceOp(mma, sum);
  return success();
}

/// The 32-bit registers of fragment `v` (vector<N x 2 x bf16>): one per
/// pair.
SmallVector<Value> pairRegisters(RewriterBase &rewriter, Location loc,
                                 Value v) {
  auto type = cast<VectorType>(v.getType());
  auto word = VectorType::get({1}, rewriter.getI32Type());
  SmallVector<Value> words;
  for (int64_t r = 0; r < type.getDimSize(0); ++r) {
    Value pair = vector::ExtractOp::create(rewriter, loc, v, r);
    Value bits = vector::BitCastOp::create(rewriter, loc, word, pair);
    words.push_back(vector::ExtractOp::create(rewriter, loc, bits, 0));
  }
  return words;
}

/// Rewrites a launch's nvgpu.mma.sync ops on f16 fragments that hold bf16
/// bits into nvvm.mma.sync ops with bf16 multiplicands.
class BF16Products {
public:
  explicit BF16Products(IRRewriter &rewriter) : rewriter(rewriter) {}

  /// mma.sync.m16n8k16 of bf16 fragments into f32 accumulators
  /// (vector<2x2>: registers c0 c1 / c2 c3).
  LogicalResult rewrite(nvgpu::MmaSyncOp mma) {
    FailureOr<SmallVector<Value>> a = registers(mma, mma.getMatrixA());
    FailureOr<SmallVector<Value>> b = registers(mma, mma.getMatrixB());
    if (failed(a) || failed(b))
      return failure();
    return replaceWithBF16Mma(rewriter, mma, *a, *b);
  }

  /// Erases the f16 fragments and views the products no longer use.
  void eraseUnused() {
    for (auto &entry : fragments)
      if (entry.first->use_empty())
        rewriter.eraseOp(entry.first);
    for (auto &entry : views)
      if (entry.first->use_empty())
        rewriter.eraseOp(entry.first);
  }

private:
  /// The 32-bit registers (two bf16 each) of the fragment `operand` (an
  /// ldmatrix of a shared-memory view), loaded again from a bf16 view of
  /// the same bytes; once per fragment.
  FailureOr<SmallVector<Value>> registers(nvgpu::MmaSyncOp mma, Value operand) {
    auto load = operand.getDefiningOp<nvgpu::LdMatrixOp>();
    auto view = load ? load.getSrcMemref().getDefiningOp<memref::ViewOp>()
                     : memref::ViewOp();
    if (!view)
      return mma.emitError("a bf16 product's operand is not an ldmatrix "
                           "fragment of a shared-memory view");
    SmallVector<Value> &words = fragments[load];
    if (!words.empty())
      return words;
    Type bf16 = rewriter.getBF16Type();
    Value &retyped = views[view];
    if (!retyped) {
      rewriter.setInsertionPointAfter(view);
      retyped = memref::ViewOp::create(
          rewriter, view.getLoc(),
          MemRefType(MemRefType::Builder(view.getType()).setElementType(bf16)),
          view.getSource(), view.getByteShift(), view.getSizes());
    }
    auto type = cast<VectorType>(load.getType()).clone(bf16);
    rewriter.setInsertionPoint(load);
    Location loc = load.getLoc();
    auto fragment = nvgpu::LdMatrixOp::create(
        rewriter, loc, type, retyped, load.getIndices(), load.getTranspose(),
        load.getNumTiles());
    words = pairRegisters(rewriter, loc, fragment);
    return words;
  }

  IRRewriter &rewriter;
  llvm::MapVector<Operation *, SmallVector<Value>> fragments;
  llvm::MapVector<Operation *, Value> views;
};

struct ConvertWarpMatmulsPass
    : fmc::impl::ConvertWarpMatmulsPassBase<ConvertWarpMatmulsPass> {
  using Base::Base;

  void runOnOperation() override {
    SmallVector<gpu::LaunchOp> launches;
    getOperation().walk([&](gpu::LaunchOp launch) {
      if (containsContraction(launch))
        launches.push_back(launch);
    });
    IRRewriter rewriter(&getContext());
    for (gpu::LaunchOp launch : launches) {
      bool bf16 = launch
                      ->walk([](vector::ContractionOp op) {
                        return op->hasAttr(kBF16OperandsAttr)
                                   ? WalkResult::interrupt()
                                   : WalkResult::advance();
                      })
                      .wasInterrupted();
      bool tf32 = launch
                      ->walk([](vector::ContractionOp op) {
                        return getElementTypeOrSelf(op.getLhsType()).isF32()
                                   ? WalkResult::interrupt()
                                   : WalkResult::advance();
                      })
                      .wasInterrupted();
      if (hostEmulation && (bf16 || tf32))
        continue;
      RewritePatternSet patterns(&getContext());
      populatePrepareVectorToMMAPatterns(patterns, /*useNvGpu=*/true);
      if (failed(applyPatternsGreedily(launch, std::move(patterns))) ||
          failed(convertVectorToNVVMCompatibleMMASync(rewriter, launch)))
        return signalPassFailure();
      // The conversion leaves the original products in place, feeding only
      // loop-carried values nothing reads; canonicalization drops them.
      RewritePatternSet cleanup(&getContext());
      for (RegisteredOperationName name :
           getContext().getRegisteredOperations())
        name.getCanonicalizationPatterns(cleanup, &getContext());
      if (failed(applyPatternsGreedily(launch, std::move(cleanup))))
        return signalPassFailure();
      // f32 operands go through the tensor cores as tf32 (the kernel was
      // built for it: --precision=tf32).
      launch.walk([&](nvgpu::MmaSyncOp mma) {
        if (cast<VectorType>(mma.getMatrixA().getType())
                .getElementType()
                .isF32())
          mma.setTf32Enabled(true);
      });
      // bf16 products were carried as f16 tiles: their fragments are
      // loaded by ldmatrix (which moves 16-bit elements of any type) from
      // a bf16 view of the same shared bytes, and multiplied by
      // nvvm.mma.sync directly (MLIR 22's nvgpu lowering has no bf16).
      if (bf16) {
        SmallVector<nvgpu::MmaSyncOp> products;
        launch.walk([&](nvgpu::MmaSyncOp mma) { products.push_back(mma); });
        BF16Products bf16Products(rewriter);
        for (nvgpu::MmaSyncOp mma : products)
          if (failed(bf16Products.rewrite(mma)))
            return signalPassFailure();
        bf16Products.eraseUnused();
      }
      WalkResult left = launch.walk([](vector::ContractionOp op) {
        op.emitError("this matrix product has no mma.sync form (tensor-core "
                     "kernels take f16 tiles of 16 x 16 by 16 x 8, or f32 "
                     "ones of 16 x 8 by 8 x 8)");
        return WalkResult::interrupt();
      });
      if (left.wasInterrupted())
        return signalPassFailure();
    }
    if (hostEmulation)
      return;
    // Products of bf16 fragments built per lane (the tensor-core attention
    // kernel's).
    SmallVector<nvgpu::MmaSyncOp> bf16Products;
    getOperation().walk([&](nvgpu::MmaSyncOp mma) {
      if (cast<VectorType>(mma.getMatrixA().getType())
              .getElementType()
              .isBF16())
        bf16Products.push_back(mma);
    });
    for (nvgpu::MmaSyncOp mma : bf16Products) {
      rewriter.setInsertionPoint(mma);
      SmallVector<Value> a =
          pairRegisters(rewriter, mma.getLoc(), mma.getMatrixA());
      SmallVector<Value> b =
          pairRegisters(rewriter, mma.getLoc(), mma.getMatrixB());
      if (failed(replaceWithBF16Mma(rewriter, mma, a, b)))
        return signalPassFailure();
    }
  }
};

} // namespace
