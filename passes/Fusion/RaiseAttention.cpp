//===- RaiseAttention.cpp - decomposed attention -> fmc.attention ---------===//

#include "dialects/Graph/IR/GraphOps.h"
#include "passes/Fusion/Passes.h"

#include "mlir/IR/Matchers.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace mlir::fmc {
#define GEN_PASS_DEF_RAISEATTENTIONPASS
#include "passes/Fusion/Passes.h.inc"
} // namespace mlir::fmc

using namespace mlir;
using namespace mlir::fmc;

namespace {

/// The value of a constant 0-d or single-element float tensor.
std::optional<double> scalarConstant(Value v) {
  DenseFPElementsAttr attr;
  if (!matchPattern(v, m_Constant(&attr)) || !attr.isSplat())
    return std::nullopt;
  return attr.getSplatValue<APFloat>().convertToDouble();
}

/// `mask` broadcasts to `shape` (numpy rules, right-aligned).
bool broadcastsTo(RankedTensorType mask, ArrayRef<int64_t> shape) {
  if (mask.getRank() > int64_t(shape.size()))
    return false;
  for (int64_t i = 0; i < mask.getRank(); ++i) {
    int64_t dim = mask.getDimSize(mask.getRank() - 1 - i);
    if (dim != 1 && dim != shape[shape.size() - 1 - i])
      return false;
  }
  return true;
}

struct RaiseAttention : OpRewritePattern<MatMulOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(MatMulOp pv,
                                PatternRewriter &rewriter) const override {
    auto softmax = pv.getLhs().getDefiningOp<SoftmaxOp>();
    if (!softmax || !softmax->hasOneUse())
      return failure();
    auto probsType = softmax.getType();
    if (probsType.getRank() != 4 || softmax.getAxis() != 3)
      return failure();
    SmallVector<Location> fused = {pv.getLoc(), softmax.getLoc()};
    Value scores = softmax.getInput();
    Value mask;
    double scale = 1.0;
    // [+ mask]: the operand that does not lead back to the scores.
    if (auto add = scores.getDefiningOp<AddOp>(); add && add->hasOneUse()) {
      for (auto [path, other] : {std::pair(add.getLhs(), add.getRhs()),
                                 std::pair(add.getRhs(), add.getLhs())}) {
        Operation *def = path.getDefiningOp();
        if (def && isa<MatMulOp, MulOp, DivOp>(def) &&
            getElementTypeOrSelf(other.getType()) ==
                probsType.getElementType() &&
            broadcastsTo(cast<RankedTensorType>(other.getType()),
                         probsType.getShape())) {
          mask = other;
          scores = path;
          fused.push_back(add.getLoc());
          break;
        }
      }
    }
    // [* c | / c] by a scalar constant.
    if (auto mul = scores.getDefiningOp<MulOp>(); mul && mul->hasOneUse()) {
      std::optional<double> c = scalarConstant(mul.getRhs());
      Value other = mul.getLhs();
      if (!c) {
        c = scalarConstant(mul.getLhs());
        other = mul.getRhs();
      }
      if (c) {
        scale = *c;
        scores = other;
        fused.push_back(mul.getLoc());
      }
    } else if (auto div = scores.getDefiningOp<DivOp>();
               div && div->hasOneUse()) {
      if (std::optional<double> c = scalarConstant(div.getRhs());
          c && *c != 0) {
        scale = 1.0 / *c;
        scores = div.getLhs();
        fused.push_back(div.getLoc());
      }
    }
    auto qk = scores.getDefiningOp<MatMulOp>();
    if (!qk || !qk->hasOneUse() || scores.getType() != probsType)
      return failure();
    fused.push_back(qk.getLoc());
    Value query = qk.getLhs(), keyT = qk.getRhs(), value = pv.getRhs();
    auto qType = cast<RankedTensorType>(query.getType());
    auto kType = cast<RankedTensorType>(keyT.getType());
    auto vType = cast<RankedTensorType>(value.getType());
    if (qType.getRank() != 4 || kType.getRank() != 4 || vType.getRank() != 4)
      return failure();
    int64_t b = qType.getDimSize(0), h = qType.getDimSize(1);
    if (kType.getDimSize(0) != b || kType.getDimSize(1) != h ||
        vType.getDimSize(0) != b || vType.getDimSize(1) != h ||
        kType.getDimSize(2) != qType.getDimSize(3) ||
        vType.getDimSize(2) != kType.getDimSize(3) || !qType.hasStaticShape() ||
        !kType.hasStaticShape() || !vType.hasStaticShape())
      return failure();
    // key = K^T with its last two dims swapped: folded into a transpose
    // that produced K^T when there is one.
    SmallVector<int64_t> swap = {0, 1, 3, 2};
    Value keySource = keyT;
    SmallVector<int64_t> perm = swap;
    if (auto t = keyT.getDefiningOp<TransposeOp>(); t && t->hasOneUse()) {
      keySource = t.getInput();
      for (int64_t i = 0; i < 4; ++i)
        perm[i] = t.getPerm()[swap[i]];
      fused.push_back(t.getLoc());
    }
    Location loc = rewriter.getFusedLoc(fused);
    auto keyType =
        RankedTensorType::get({b, h, kType.getDimSize(3), kType.getDimSize(2)},
                              kType.getElementType());
    Value key = TransposeOp::create(rewriter, loc, keyType, keySource,
                                    rewriter.getDenseI64ArrayAttr(perm));
    SmallVector<Value> operands = {query, key, value};
    if (mask)
      operands.push_back(mask);
    auto attention = AttentionOp::create(
        rewriter, loc, pv.getType(), operands,
        {rewriter.getNamedAttr("scale", rewriter.getF64FloatAttr(scale)),
         rewriter.getNamedAttr("causal", rewriter.getBoolAttr(false))});
    rewriter.replaceOp(pv, attention.getResult());
    return success();
  }
};

struct RaiseAttentionPass
    : fmc::impl::RaiseAttentionPassBase<RaiseAttentionPass> {
  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    patterns.add<RaiseAttention>(&getContext());
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns))))
      return signalPassFailure();
  }
};

} // namespace
