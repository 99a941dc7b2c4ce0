//===- PlanArena.cpp - intermediate buffers in one arena ------------------===//

#include "passes/ABI/Passes.h"

#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"
#include "mlir/Interfaces/ViewLikeInterface.h"

namespace mlir::fmc {
#define GEN_PASS_DEF_PLANARENAPASS
#include "passes/ABI/Passes.h.inc"
} // namespace mlir::fmc

using namespace mlir;
using namespace mlir::fmc;

namespace {

struct Buffer {
  memref::AllocOp alloc;
  int64_t bytes;
  size_t first, last; ///< live range, in positions of the entry block
  int64_t offset = 0;
};

/// Bytes of a statically shaped buffer of int/float/index elements with the
/// identity layout; nullopt for anything else.
std::optional<int64_t> plannableBytes(memref::AllocOp alloc) {
  MemRefType type = alloc.getType();
  if (!type.hasStaticShape() || !type.getLayout().isIdentity() ||
      type.getMemorySpace() || !alloc.getSymbolOperands().empty())
    return std::nullopt;
  Type element = type.getElementType();
  int64_t bits;
  if (element.isIndex())
    bits = 64;
  else if (element.isIntOrFloat())
    bits = element.getIntOrFloatBitWidth();
  else
    return std::nullopt;
  // LLVM stores each element in whole bytes (i1 and i4 take one each).
  return type.getNumElements() * std::max<int64_t>(1, (bits + 7) / 8);
}

struct PlanArenaPass : fmc::impl::PlanArenaPassBase<PlanArenaPass> {
  using Base::Base;

  void runOnOperation() override {
    ModuleOp module = getOperation();
    func::FuncOp model = lookupModelFunction(module, function);
    if (!model)
      return signalPassFailure();
    if (alignment <= 0 || (alignment & (alignment - 1)) != 0) {
      module.emitError("fmc-plan-arena: alignment must be a power of two");
      return signalPassFailure();
    }
    Block &entry = model.getBody().front();
    llvm::DenseMap<Operation *, size_t> position;
    for (Operation &op : entry)
      position[&op] = position.size();
    size_t end = entry.getOperations().size();

    SmallVector<Buffer> buffers;
    for (auto alloc : entry.getOps<memref::AllocOp>())
      if (std::optional<int64_t> bytes = plannableBytes(alloc))
        buffers.push_back({alloc, *bytes, position[alloc],
                           liveUntil(alloc, entry, position, end)});
    int64_t total = place(buffers);
    OpBuilder b(&getContext());
    module->setAttr(kArenaBytesAttr, b.getI64IntegerAttr(total));
    if (buffers.empty())
      return;

    auto arenaType = MemRefType::get({total}, b.getI8Type());
    unsigned index = model.getNumArguments();
    if (failed(model.insertArgument(
            index, arenaType,
            b.getDictionaryAttr(b.getNamedAttr(kArenaAttr, b.getUnitAttr())),
            model.getLoc()))) {
      model.emitError("cannot add the arena argument");
      return signalPassFailure();
    }
    Value arena = model.getArgument(index);
    for (Buffer &buffer : buffers) {
      b.setInsertionPoint(buffer.alloc);
      Location loc = buffer.alloc.getLoc();
      Value offset = arith::ConstantIndexOp::create(b, loc, buffer.offset);
      Value view = memref::ViewOp::create(b, loc, buffer.alloc.getType(), arena,
                                          offset, ValueRange());
      buffer.alloc.replaceAllUsesWith(view);
      buffer.alloc.erase();
    }
  }

  /// The op after `user` (an op of the entry block) that the matmul
  /// kernels (Epilogue.h) may fuse into it, where `user` is a contraction
  /// (a linalg.generic with a reduction) and `use` one of its inputs: the
  /// next op with memory effects other than allocating; null otherwise.
  static Operation *epilogueCandidate(Operation *user, OpOperand &use) {
    auto generic = dyn_cast<linalg::GenericOp>(user);
    if (!generic || !generic.isDpsInput(&use) ||
        generic.getNumReductionLoops() == 0)
      return nullptr;
    for (Operation *next = user->getNextNode(); next;
         next = next->getNextNode())
      if (!isMemoryEffectFree(next) && !isa<memref::AllocOp>(next))
        return next;
    return nullptr;
  }

  /// The position of the last op of the entry block that uses `alloc` or a
  /// view of it; `end` when a view escapes through control flow.
  static size_t liveUntil(memref::AllocOp alloc, Block &entry,
                          const llvm::DenseMap<Operation *, size_t> &position,
                          size_t end) {
    size_t last = position.lookup(alloc);
    SmallVector<Value> worklist = {alloc.getResult()};
    while (!worklist.empty()) {
      Value value = worklist.pop_back_val();
      for (OpOperand &use : value.getUses()) {
        Operation *user = use.getOwner();
        Operation *top = entry.findAncestorOpInBlock(*user);
        if (!top)
          return end;
        last = std::max(last, position.lookup(top));
        // A contraction's input stays live through the op the matmul
        // kernels may fuse into it as its epilogue: their kernel writes the
        // epilogue's result while it still reads the input.
        if (Operation *epilogue =
                user == top ? epilogueCandidate(user, use) : nullptr)
          last = std::max(last, position.lookup(epilogue));
        if (auto view = dyn_cast<ViewLikeOpInterface>(user);
            view && view.getViewSource() == value) {
          llvm::append_range(worklist, user->getResults());
          continue;
        }
        // A buffer yielded out of a region or into a block argument may be
        // used anywhere after; keep it for the whole function.
        if (user->hasTrait<OpTrait::IsTerminator>() ||
            llvm::any_of(user->getResultTypes(),
                         [](Type type) { return isa<BaseMemRefType>(type); }))
          return end;
      }
    }
    return last;
  }

  /// Offsets, largest buffer first, at the lowest aligned offset clear of
  /// every placed buffer whose lifetime overlaps; returns the arena size.
  int64_t place(SmallVector<Buffer> &buffers) {
    SmallVector<Buffer *> order;
    for (Buffer &buffer : buffers)
      order.push_back(&buffer);
    // Largest first; equal sizes in program order (allocation positions
    // are distinct), so the plan is deterministic.
    llvm::sort(order, [](Buffer *a, Buffer *b) {
      return a->bytes != b->bytes ? a->bytes > b->bytes : a->first < b->first;
    });
    SmallVector<Buffer *> placed;
    int64_t total = 0;
    for (Buffer *buffer : order) {
      SmallVector<std::pair<int64_t, int64_t>> taken;
      for (Buffer *other : placed)
        if (other->first <= buffer->last && buffer->first <= other->last)
          taken.push_back({other->offset, other->offset + other->bytes});
      llvm::sort(taken);
      int64_t offset = 0;
      for (auto [from, to] : taken) {
        if (offset + buffer->bytes <= from)
          break;
        offset = std::max<int64_t>(offset, llvm::alignTo(to, alignment));
      }
      buffer->offset = offset;
      total = std::max(total, offset + buffer->bytes);
      placed.push_back(buffer);
    }
    return int64_t(llvm::alignTo(total, alignment));
  }
};

} // namespace
