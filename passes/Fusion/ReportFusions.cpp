//===- ReportFusions.cpp - remarks on fused ops and unfused attention
//------===//

#include "passes/Fusion/Passes.h"

#include "llvm/ADT/StringMap.h"
#include "llvm/ADT/TypeSwitch.h"

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

/// The kind of a fused transformer op and what distinguishes its variant,
/// or an empty kind for other ops.
std::pair<StringRef, std::string> fusedKind(Operation *op) {
  return llvm::TypeSwitch<Operation *, std::pair<StringRef, std::string>>(op)
      .Case([](LayerNormOp) { return std::pair("layer_norm", ""); })
      .Case([](RMSNormOp) { return std::pair("rms_norm", ""); })
      .Case([](SkipNormOp n) {
        return std::pair("skip_norm", n.getRms() ? "residual add + RMS norm"
                                                 : "residual add + layer norm");
      })
      .Case([](GeluOp g) {
        return std::pair("gelu", g.getApproximate() == "tanh" ? "tanh" : "erf");
      })
      .Case([](SiluOp) { return std::pair("silu", ""); })
      .Case([](RotaryOp r) {
        return std::pair("rotary",
                         r.getInterleaved() ? "interleaved" : "half-split");
      })
      .Default([](Operation *) { return std::pair("", ""); });
}

struct ReportFusionsPass : fmc::impl::ReportFusionsPassBase<ReportFusionsPass> {
  void runOnOperation() override {
    int64_t fused = 0, unfused = 0;
    llvm::StringMap<int64_t> others;
    SmallVector<StringRef> order = {"skip_norm", "layer_norm", "rms_norm",
                                    "gelu",      "silu",       "rotary"};
    getOperation().walk([&](Operation *op) {
      if (auto attention = dyn_cast<AttentionOp>(op)) {
        SmallVector<std::string> names;
        nodeNames(attention.getLoc(), names);
        attention.emitRemark("fused attention (fmc.attention")
            << (attention.getCausal() ? ", causal" : "")
            << (attention.getMask() ? ", masked" : "")
            << (attention.getPastKey() ? ", KV cache" : "")
            << ") from ONNX node" << (names.size() == 1 ? " " : "s ")
            << llvm::join(names, ", ");
        ++fused;
        return;
      }
      if (auto [kind, variant] = fusedKind(op); !kind.empty()) {
        SmallVector<std::string> names;
        nodeNames(op->getLoc(), names);
        op->emitRemark("fmc.")
            << kind << (variant.empty() ? "" : " (" + variant + ")")
            << " from ONNX node" << (names.size() == 1 ? " " : "s ")
            << llvm::join(names, ", ");
        ++others[kind];
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
    SmallVector<std::string> counts;
    for (StringRef kind : order)
      if (int64_t count = others.lookup(kind))
        counts.push_back(std::to_string(count) + " " + kind.str());
    getOperation().emitRemark("fusions: ")
        << fused << " attention op" << (fused == 1 ? "" : "s") << " fused, "
        << unfused << " attention-like subgraph" << (unfused == 1 ? "" : "s")
        << " left unfused; other ops: "
        << (counts.empty() ? "none" : llvm::join(counts, ", "));
  }
};

} // namespace
