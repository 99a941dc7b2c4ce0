//===- ReportFusions.cpp - remarks on fused and unfused attention ---------===//

#include "passes/Fusion/Passes.h"

namespace mlir::fmc {
#define GEN_PASS_DEF_REPORTFUSIONSPASS
#include "passes/Fusion/Passes.h.inc"
} // namespace mlir::fmc

using namespace mlir;
using namespace mlir::fmc;

namespace {

/// The ONNX node names (NameLocs) inside `loc`, in order, without repeats.
void nodeNames(Location loc, SmallVectorImpl<std::string> &names) {
  if (auto name = dyn_cast<NameLoc>(loc)) {
    std::string n = name.getName().str();
    if (!llvm::is_contained(names, n))
      names.push_back(n);
  } else if (auto fused = dyn_cast<FusedLoc>(loc)) {
    for (Location inner : fused.getLocations())
      nodeNames(inner, names);
  }
}

struct ReportFusionsPass : fmc::impl::ReportFusionsPassBase<ReportFusionsPass> {
  void runOnOperation() override {
    int64_t fused = 0, unfused = 0;
    getOperation().walk([&](Operation *op) {
      if (auto attention = dyn_cast<AttentionOp>(op)) {
        SmallVector<std::string> names;
        nodeNames(attention.getLoc(), names);
        attention.emitRemark("fused attention (fmc.attention")
            << (attention.getCausal() ? ", causal" : "")
            << (attention.getMask() ? ", masked" : "") << ") from ONNX node"
            << (names.size() == 1 ? " " : "s ") << llvm::join(names, ", ");
        ++fused;
        return;
      }
      if (auto why = op->getAttrOfType<StringAttr>("fmc.unfused_attention")) {
        op->emitRemark("attention decomposed into separate ops, not fused: ")
            << why.getValue();
        ++unfused;
        return;
      }
      auto softmax = dyn_cast<SoftmaxOp>(op);
      if (!softmax)
        return;
      for (Operation *user : softmax->getUsers()) {
        auto pv = dyn_cast<MatMulOp>(user);
        if (!pv || pv.getLhs() != softmax.getResult())
          continue;
        std::string whyNot = "it matches, but fmc-raise-attention did not run";
        (void)matchAttention(pv, whyNot);
        softmax.emitRemark("attention-like subgraph (softmax -> matmul) not "
                           "fused: ")
            << whyNot;
        ++unfused;
        break;
      }
    });
    getOperation().emitRemark("fusions: ")
        << fused << " attention op" << (fused == 1 ? "" : "s") << " fused, "
        << unfused << " attention-like subgraph" << (unfused == 1 ? "" : "s")
        << " left unfused";
  }
};

} // namespace
