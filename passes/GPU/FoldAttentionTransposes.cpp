//===- FoldAttentionTransposes.cpp - attention on transposed views --------===//
//
// Exported transformers give the attention kernel its heads by transposing
// [B, S, H, D] projections into [B, H, S, D] buffers, and transpose its
// output back before the output projection: four copy kernels per layer.
// The kernel indexes its operands through their layouts, so it can read
// the projections, and write the output, through transposed views
// (memref.transpose) instead. Runs on buffers before the arena is planned,
// so the planner sees how long the projections now live.
//
//===----------------------------------------------------------------------===//

#include "passes/GPU/Passes.h"

#include "dialects/Graph/IR/GraphOps.h"

#include "mlir/Interfaces/SideEffectInterfaces.h"
#include "mlir/Interfaces/ViewLikeInterface.h"

namespace mlir::fmc {
#define GEN_PASS_DEF_FOLDATTENTIONTRANSPOSESPASS
#include "passes/GPU/Passes.h.inc"
} // namespace mlir::fmc

using namespace mlir;
using namespace mlir::fmc;

namespace {

/// The buffer `v` views (through view-like ops): an allocation or an
/// argument. Before arena planning, buffers with different roots do not
/// alias (the runtime passes distinct inputs, outputs and weights).
Value rootOf(Value v) {
  while (Operation *def = v.getDefiningOp()) {
    auto view = dyn_cast<ViewLikeOpInterface>(def);
    if (!view)
      break;
    v = view.getViewSource();
  }
  return v;
}

/// Whether `op` may read (with `reads`) or write memory of `root`; true
/// when its effects are unknown.
bool touches(Operation *op, Value root, bool reads) {
  if (isMemoryEffectFree(op))
    return false;
  auto effects = dyn_cast<MemoryEffectOpInterface>(op);
  if (!effects)
    return true;
  SmallVector<MemoryEffects::EffectInstance> instances;
  effects.getEffects(instances);
  for (const MemoryEffects::EffectInstance &e : instances) {
    bool relevant = isa<MemoryEffects::Write>(e.getEffect()) ||
                    (reads && isa<MemoryEffects::Read>(e.getEffect()));
    if (!relevant)
      continue;
    if (!e.getValue() || rootOf(e.getValue()) == root)
      return true;
  }
  return false;
}

/// Whether an op strictly between `from` and `to` (one block) may touch
/// `root`.
bool touchedBetween(Operation *from, Operation *to, Value root, bool reads) {
  for (Operation *op = from->getNextNode(); op && op != to;
       op = op->getNextNode())
    if (touches(op, root, reads))
      return true;
  return false;
}

/// A transpose that keeps the last dim last (the tensor-core kernel reads
/// rows as vectors).
bool keepsRows(linalg::TransposeOp transpose) {
  ArrayRef<int64_t> perm = transpose.getPermutation();
  return !perm.empty() && perm.back() == int64_t(perm.size()) - 1;
}

/// The transpose that reads what `attention` writes to `alloc` (an
/// allocation of its block, which bufferization may also give to every
/// layer's attention output and to values before it): the first use of
/// `alloc` after `attention`, a transpose out of it that keeps rows and is
/// the only reader of that value (the use after it, if any, writes
/// `alloc` without reading it: another attention's output, or a transpose
/// into it). Uses before `attention` do not matter; a use nested in an op
/// counts as that op of the block; a view of `alloc` (whose uses could
/// come later) rules the fold out. Else null.
linalg::TransposeOp readerFor(memref::AllocOp alloc,
                              AttentionKernelOp attention) {
  Block *block = attention->getBlock();
  Value buffer = alloc.getResult();
  if (alloc->getBlock() != block ||
      llvm::count(attention->getOperands(), buffer) != 1)
    return {};
  SmallVector<Operation *> later;
  for (Operation *user : alloc->getUsers()) {
    Operation *top = block->findAncestorOpInBlock(*user);
    if (!top || isa<ViewLikeOpInterface>(user))
      return {};
    if (top != attention && attention->isBeforeInBlock(top) &&
        !llvm::is_contained(later, top))
      later.push_back(top);
  }
  llvm::sort(later,
             [](Operation *a, Operation *b) { return a->isBeforeInBlock(b); });
  if (later.empty())
    return {};
  auto reader = dyn_cast<linalg::TransposeOp>(later.front());
  if (!reader || !reader.hasPureBufferSemantics() ||
      reader.getInput() != buffer || reader.getInit() == buffer ||
      !keepsRows(reader))
    return {};
  if (later.size() > 1) {
    Operation *next = later[1];
    auto transpose = dyn_cast<linalg::TransposeOp>(next);
    auto writer = dyn_cast<AttentionKernelOp>(next);
    if (!(transpose && transpose.hasPureBufferSemantics() &&
          transpose.getInit() == buffer && transpose.getInput() != buffer) &&
        !(writer && writer.getInit() == buffer &&
          llvm::count(writer->getOperands(), buffer) == 1))
      return {};
  }
  return reader;
}

/// The transpose whose value `attention` reads from `alloc`, when every
/// user of `alloc` (all in one block) is a transpose into it or an
/// attention kernel reading it (a buffer that bufferization gave every
/// layer's query): the last user before `attention`, which must keep rows,
/// and the only reader of what it wrote is `attention` (the next user
/// after `attention` writes `alloc` again, or there is none); else null.
linalg::TransposeOp writerFor(memref::AllocOp alloc,
                              AttentionKernelOp attention) {
  Block *block = attention->getBlock();
  SmallVector<Operation *> users;
  for (Operation *user : alloc->getUsers()) {
    if (user->getBlock() != block)
      return {};
    auto transpose = dyn_cast<linalg::TransposeOp>(user);
    auto reader = dyn_cast<AttentionKernelOp>(user);
    if (!(transpose && transpose.hasPureBufferSemantics() &&
          transpose.getInit() == alloc.getResult() &&
          transpose.getInput() != alloc.getResult()) &&
        !(reader && reader.getInit() != alloc.getResult()))
      return {};
    if (!llvm::is_contained(users, user))
      users.push_back(user);
  }
  llvm::sort(users,
             [](Operation *a, Operation *b) { return a->isBeforeInBlock(b); });
  auto at = llvm::find(users, attention.getOperation());
  if (at == users.begin() || at == users.end())
    return {};
  auto writer = dyn_cast<linalg::TransposeOp>(*std::prev(at));
  if (!writer || !keepsRows(writer) ||
      (std::next(at) != users.end() && isa<AttentionKernelOp>(*std::next(at))))
    return {};
  return writer;
}

/// Makes `attention` use a `perm` transposed view of `source` wherever it
/// used `alloc`, and erases `transpose`, and `alloc` once nothing else
/// uses it.
void useView(AttentionKernelOp attention, memref::AllocOp alloc,
             linalg::TransposeOp transpose, Value source,
             ArrayRef<int64_t> perm) {
  OpBuilder b(attention);
  auto view = memref::TransposeOp::create(
      b, transpose.getLoc(), source,
      AffineMapAttr::get(AffineMap::getPermutationMap(perm, b.getContext())));
  for (OpOperand &use : attention->getOpOperands())
    if (use.get() == alloc.getResult())
      use.set(view);
  transpose->erase();
  if (alloc->use_empty())
    alloc->erase();
}

/// Query, key or value `operand` of `attention` is an allocation that a
/// transpose just before it writes (writerFor): the attention reads the
/// transpose's input through a transposed view, if nothing in between
/// writes that input.
bool foldInput(AttentionKernelOp attention, OpOperand &operand) {
  auto alloc = operand.get().getDefiningOp<memref::AllocOp>();
  linalg::TransposeOp transpose;
  if (!alloc || !(transpose = writerFor(alloc, attention)))
    return false;
  Value root = rootOf(transpose.getInput());
  if (touchedBetween(transpose, attention, root, /*reads=*/false) ||
      rootOf(attention.getInit()) == root)
    return false;
  useView(attention, alloc, transpose, transpose.getInput(),
          transpose.getPermutation());
  return true;
}

/// The output of `attention` is an allocation that only a transpose after
/// it reads (readerFor): the attention writes the transpose's destination
/// through the inverse transposed view, if nothing in between touches that
/// destination and the attention does not read it.
bool foldOutput(AttentionKernelOp attention) {
  auto alloc = attention.getInit().getDefiningOp<memref::AllocOp>();
  linalg::TransposeOp transpose;
  if (!alloc || !(transpose = readerFor(alloc, attention)))
    return false;
  Value dest = transpose.getInit();
  Value root = rootOf(dest);
  if (touchedBetween(attention, transpose, root, /*reads=*/true) ||
      llvm::any_of(attention->getOperands(),
                   [&](Value v) { return v != alloc && rootOf(v) == root; }))
    return false;
  // The destination must exist before the attention: an allocation (moved
  // up) or an argument.
  if (dest != root)
    return false;
  if (Operation *def = dest.getDefiningOp()) {
    auto destAlloc = dyn_cast<memref::AllocOp>(def);
    if (!destAlloc || destAlloc->getNumOperands() ||
        destAlloc->getBlock() != attention->getBlock())
      return false;
    if (attention->isBeforeInBlock(destAlloc))
      destAlloc->moveBefore(attention);
  }
  SmallVector<int64_t> inverse(transpose.getPermutation().size());
  for (auto [i, p] : llvm::enumerate(transpose.getPermutation()))
    inverse[p] = int64_t(i);
  useView(attention, alloc, transpose, dest, inverse);
  return true;
}

struct FoldAttentionTransposesPass
    : fmc::impl::FoldAttentionTransposesPassBase<FoldAttentionTransposesPass> {
  void runOnOperation() override {
    // Collected first: folding erases the ops around a kernel.
    SmallVector<AttentionKernelOp> attentions;
    getOperation().walk([&](AttentionKernelOp attention) {
      if (!attention->getNumResults()) // on buffers
        attentions.push_back(attention);
    });
    for (AttentionKernelOp attention : attentions) {
      foldInput(attention, attention.getQueryMutable());
      foldInput(attention, attention.getKeyMutable());
      foldInput(attention, attention.getValueMutable());
      foldOutput(attention);
    }
  }
};

} // namespace
