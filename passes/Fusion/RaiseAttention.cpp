//===- RaiseAttention.cpp - decomposed attention -> fmc.attention ---------===//

#include "dialects/Graph/IR/GraphOps.h"
#include "passes/Fusion/Matchers.h"
#include "passes/Fusion/Passes.h"

#include "mlir/IR/PatternMatch.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace mlir::fmc {
#define GEN_PASS_DEF_RAISEATTENTIONPASS
#include "passes/Fusion/Passes.h.inc"
} // namespace mlir::fmc

using namespace mlir;
using namespace mlir::fmc;

namespace {

/// Whether `mask` is a constant causal mask for `s` queries over `t` keys:
/// 0 where j <= i + t - s and -inf (or below -1e30, as exporters write
/// -FLT_MAX) elsewhere, with any leading dims of size 1.
bool isCausalMask(Value mask, int64_t s, int64_t t) {
  DenseFPElementsAttr attr;
  if (!mask || !matchPattern(mask, m_Constant(&attr)))
    return false;
  auto type = cast<RankedTensorType>(attr.getType());
  int64_t rank = type.getRank();
  if (rank < 2 || type.getDimSize(rank - 2) != s ||
      type.getDimSize(rank - 1) != t)
    return false;
  for (int64_t d = 0; d + 2 < rank; ++d)
    if (type.getDimSize(d) != 1)
      return false;
  int64_t index = 0;
  for (const APFloat &v : attr.getValues<APFloat>()) {
    int64_t i = index / t, j = index % t;
    ++index;
    double value = v.convertToDouble();
    bool visible = j <= i + t - s;
    if (visible ? value != 0.0 : value > -1e30)
      return false;
  }
  return true;
}

/// Peels a multiplication or division of `v` by a scalar constant (with no
/// other use) into `scale`: an exporter's scale folded into Q or K.
void peelScale(Value &v, double &scale, SmallVectorImpl<Location> &locs) {
  Operation *def = v.getDefiningOp();
  if (!def || !def->hasOneUse())
    return;
  if (auto mul = dyn_cast<MulOp>(def)) {
    for (Value operand : {mul.getLhs(), mul.getRhs()}) {
      Value other = otherOperand(mul, operand);
      std::optional<double> c = scalarConstant(operand);
      if (c && other.getType() == mul.getType()) {
        scale *= *c;
        v = other;
        locs.push_back(mul.getLoc());
        return;
      }
    }
  } else if (auto div = dyn_cast<DivOp>(def)) {
    std::optional<double> c = scalarConstant(div.getRhs());
    if (c && *c != 0 && div.getLhs().getType() == div.getType()) {
      scale /= *c;
      v = div.getLhs();
      locs.push_back(div.getLoc());
    }
  }
}

/// The f32 value a half-precision cast with no other use widened or
/// narrowed, or `v` itself: fp16/bf16 models cast the scores to f32 around
/// the softmax, which fmc.attention does anyway (it computes in f32).
Value peelCast(Value v, SmallVectorImpl<Location> &locs) {
  auto cast = v.getDefiningOp<CastOp>();
  if (!cast || !cast->hasOneUse())
    return v;
  Type from = getElementTypeOrSelf(cast.getInput().getType());
  Type to = getElementTypeOrSelf(cast.getType());
  bool half = isa<Float16Type, BFloat16Type>(from) ||
              isa<Float16Type, BFloat16Type>(to);
  if (!half || !isa<FloatType>(from) || !isa<FloatType>(to))
    return v;
  locs.push_back(cast.getLoc());
  return cast.getInput();
}

/// The [B, Hkv, T, D] keys or values that `v` [B, Hkv * n, T, D] repeats
/// n times per head (transformers' repeat_kv for grouped-query attention:
/// reshape to [B, Hkv, 1, T, D], broadcast to [B, Hkv, n, T, D], reshape),
/// with n; or null.
std::pair<Value, int64_t> ungroup(Value v, SmallVectorImpl<Location> &locs) {
  auto merge = v.getDefiningOp<ReshapeOp>();
  auto repeat =
      merge ? merge.getInput().getDefiningOp<BroadcastOp>() : BroadcastOp();
  auto split =
      repeat ? repeat.getInput().getDefiningOp<ReshapeOp>() : ReshapeOp();
  if (!split || !merge->hasOneUse() || !repeat->hasOneUse() ||
      !split->hasOneUse())
    return {};
  auto src = cast<RankedTensorType>(split.getInput().getType());
  auto one = cast<RankedTensorType>(split.getType());
  auto many = cast<RankedTensorType>(repeat.getType());
  if (src.getRank() != 4 || one.getRank() != 5 || many.getRank() != 5)
    return {};
  int64_t b = src.getDimSize(0), hkv = src.getDimSize(1), t = src.getDimSize(2),
          d = src.getDimSize(3), n = many.getDimSize(2);
  if (one.getShape() != ArrayRef<int64_t>({b, hkv, 1, t, d}) ||
      many.getShape() != ArrayRef<int64_t>({b, hkv, n, t, d}))
    return {};
  locs.append({merge.getLoc(), repeat.getLoc(), split.getLoc()});
  return {split.getInput(), n};
}

} // namespace

std::optional<AttentionMatch> mlir::fmc::matchAttention(MatMulOp pv,
                                                        std::string &whyNot) {
  auto fail = [&](const char *why) -> std::optional<AttentionMatch> {
    whyNot = why;
    return std::nullopt;
  };
  AttentionMatch m;
  m.locs = {pv.getLoc()};
  auto softmax = peelCast(pv.getLhs(), m.locs).getDefiningOp<SoftmaxOp>();
  if (!softmax)
    return fail("the second matmul's left operand is not a softmax");
  if (!softmax->hasOneUse())
    return fail("the attention probabilities have other uses");
  if (softmax.getType().getRank() != 4 || softmax.getAxis() != 3)
    return fail("the softmax is not over the last dim of a 4-D tensor");
  m.locs.push_back(softmax.getLoc());
  Value scores = peelCast(softmax.getInput(), m.locs);
  // The scores' type: the probabilities' shape in the matmuls' precision.
  auto probsType = cast<RankedTensorType>(scores.getType());
  if (probsType.getShape() != softmax.getType().getShape() ||
      probsType.getElementType() != getElementTypeOrSelf(pv.getLhs().getType()))
    return fail("the casts around the softmax change more than the "
                "precision");
  // [+ mask]: the operand that does not lead back to the scores.
  if (auto add = scores.getDefiningOp<AddOp>(); add && add->hasOneUse()) {
    for (auto [path, other] : {std::pair(add.getLhs(), add.getRhs()),
                               std::pair(add.getRhs(), add.getLhs())}) {
      Operation *def = path.getDefiningOp();
      if (def && isa<MatMulOp, MulOp, DivOp>(def) &&
          getElementTypeOrSelf(other.getType()) == probsType.getElementType() &&
          broadcastsTo(cast<RankedTensorType>(other.getType()),
                       probsType.getShape())) {
        m.mask = other;
        scores = path;
        m.locs.push_back(add.getLoc());
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
      m.scale = *c;
      scores = other;
      m.locs.push_back(mul.getLoc());
    }
  } else if (auto div = scores.getDefiningOp<DivOp>();
             div && div->hasOneUse()) {
    if (std::optional<double> c = scalarConstant(div.getRhs()); c && *c != 0) {
      m.scale = 1.0 / *c;
      scores = div.getLhs();
      m.locs.push_back(div.getLoc());
    }
  }
  auto qk = scores.getDefiningOp<MatMulOp>();
  if (!qk)
    return fail("the scores are not Q @ K^T, optionally scaled by a constant "
                "and plus a broadcastable mask");
  if (!qk->hasOneUse() || scores.getType() != probsType)
    return fail("the scores have other uses");
  m.locs.push_back(qk.getLoc());
  m.query = qk.getLhs();
  m.value = pv.getRhs();
  Value keyT = qk.getRhs();
  // A scale folded into Q, K^T or K (SDPA-style exports scale both by
  // sqrt(scale)).
  peelScale(m.query, m.scale, m.locs);
  peelScale(keyT, m.scale, m.locs);
  auto qType = cast<RankedTensorType>(m.query.getType());
  auto kType = cast<RankedTensorType>(keyT.getType());
  auto vType = cast<RankedTensorType>(m.value.getType());
  if (qType.getRank() != 4 || kType.getRank() != 4 || vType.getRank() != 4)
    return fail("Q, K^T and V are not 4-D");
  int64_t b = qType.getDimSize(0), h = qType.getDimSize(1);
  if (kType.getDimSize(0) != b || kType.getDimSize(1) != h ||
      vType.getDimSize(0) != b || vType.getDimSize(1) != h ||
      kType.getDimSize(2) != qType.getDimSize(3) ||
      vType.getDimSize(2) != kType.getDimSize(3) || !qType.hasStaticShape() ||
      !kType.hasStaticShape() || !vType.hasStaticShape())
    return fail("Q, K^T and V do not have the shapes [B, H, S, D], "
                "[B, H, D, T], [B, H, T, Dv]");
  // key = K^T with its last two dims swapped: folded into a transpose that
  // produced K^T when there is one.
  SmallVector<int64_t> swap = {0, 1, 3, 2};
  m.keySource = keyT;
  m.keyPerm = swap;
  if (auto t = keyT.getDefiningOp<TransposeOp>(); t && t->hasOneUse()) {
    m.keySource = t.getInput();
    for (int64_t i = 0; i < 4; ++i)
      m.keyPerm[i] = t.getPerm()[swap[i]];
    m.locs.push_back(t.getLoc());
    peelScale(m.keySource, m.scale, m.locs);
  }
  m.keyType = RankedTensorType::get(
      {b, h, kType.getDimSize(3), kType.getDimSize(2)}, kType.getElementType());
  // Grouped-query attention: keys and values repeated per query head are
  // read from their Hkv heads directly.
  if (ArrayRef<int64_t>(m.keyPerm) == ArrayRef<int64_t>({0, 1, 2, 3})) {
    SmallVector<Location> groupLocs;
    auto [keys, n] = ungroup(m.keySource, groupLocs);
    auto [values, nv] = ungroup(m.value, groupLocs);
    if (keys && values && n == nv) {
      m.keySource = keys;
      m.value = values;
      m.keyType = cast<RankedTensorType>(keys.getType());
      m.locs.append(groupLocs);
    }
  }
  // A constant causal mask becomes the causal flag: no S x T mask, and the
  // lowering skips the key tiles past the frontier.
  if (isCausalMask(m.mask, qType.getDimSize(2), kType.getDimSize(3))) {
    m.causal = true;
    m.mask = Value();
  }
  return m;
}

namespace {

struct RaiseAttention : OpRewritePattern<MatMulOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(MatMulOp pv,
                                PatternRewriter &rewriter) const override {
    std::string whyNot;
    std::optional<AttentionMatch> m = matchAttention(pv, whyNot);
    if (!m)
      return rewriter.notifyMatchFailure(pv, whyNot);
    Location loc = rewriter.getFusedLoc(m->locs);
    Value key = m->keySource, value = m->value, pastKey, pastValue;
    ConcatOp keyCat, valueCat;
    if (ArrayRef<int64_t>(m->keyPerm) == ArrayRef<int64_t>({0, 1, 2, 3}) &&
        isCache(keyCat = key.getDefiningOp<ConcatOp>(), pv) &&
        isCache(valueCat = value.getDefiningOp<ConcatOp>(), pv) &&
        sequenceLength(keyCat.getInputs()[0]) ==
            sequenceLength(valueCat.getInputs()[0])) {
      pastKey = keyCat.getInputs()[0];
      key = keyCat.getInputs()[1];
      pastValue = valueCat.getInputs()[0];
      value = valueCat.getInputs()[1];
    } else {
      key = TransposeOp::create(rewriter, loc, m->keyType, m->keySource,
                                rewriter.getDenseI64ArrayAttr(m->keyPerm));
    }
    auto attention =
        AttentionOp::create(rewriter, loc, m->query, key, value, m->mask,
                            pastKey, pastValue, m->scale, m->causal);
    rewriter.replaceOp(pv, attention.getResult());
    if (pastKey) {
      // The presents replace the concatenations where they are used later
      // (the present outputs); the pattern's own uses die with it.
      auto later = [&](OpOperand &use) {
        return attention->isBeforeInBlock(use.getOwner());
      };
      rewriter.replaceUsesWithIf(keyCat.getResult(), attention.getPresent()[0],
                                 later);
      rewriter.replaceUsesWithIf(valueCat.getResult(),
                                 attention.getPresent()[1], later);
    }
    return success();
  }

private:
  static int64_t sequenceLength(Value v) {
    return cast<RankedTensorType>(v.getType()).getDimSize(2);
  }

  /// `cat` appends new keys or values to a cache along the sequence, and
  /// besides the one op of the attention pattern that reads it, only ops
  /// after `pv` use it (so the presents can replace it there).
  static bool isCache(ConcatOp cat, Operation *pv) {
    if (!cat || cat.getAxis() != 2 || cat.getInputs().size() != 2)
      return false;
    int64_t before = 0;
    for (Operation *user : cat->getUsers()) {
      if (user->getBlock() != pv->getBlock())
        return false;
      if (!pv->isBeforeInBlock(user))
        ++before;
    }
    return before == 1;
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
