//===- NarrowActivations.cpp - f16/bf16 tensors between kernels -----------===//
//
// Each value that one kernel of the model function writes and others read
// (an elementwise generic's result, a row loop's, the attention kernel's) is
// stored in f16 or bf16 when every reader can extend it where it reads it:
// the producer rounds its f32 result once as it stores it, the readers
// (generics, the attention kernel, through reshapes, slices and
// transposes) extend each element to f32. A concatenation (insert_slices
// of such results into an empty tensor: a key/value cache with the new
// keys appended) is stored narrow when its pieces can be. The arithmetic is
// unchanged; the bytes between kernels are halved. Values the function
// returns, and values read any other way, stay f32.
//
//===----------------------------------------------------------------------===//

#include "passes/Precision/Narrowing.h"
#include "passes/Precision/Passes.h"

#include "dialects/Graph/IR/GraphOps.h"

#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"

namespace mlir::fmc {
#define GEN_PASS_DEF_NARROWACTIVATIONSPASS
#include "passes/Precision/Passes.h.inc"
} // namespace mlir::fmc

using namespace mlir;
using namespace mlir::fmc;

namespace {

bool isF32Tensor(Type type) {
  auto tensor = dyn_cast<RankedTensorType>(type);
  return tensor && tensor.getElementType().isF32();
}

/// Whether `generic` is elementwise-parallel on tensors with one f32 result
/// whose output block argument its body does not read: it can yield the
/// result rounded to a narrow type into a narrow destination instead.
bool canStoreNarrow(linalg::GenericOp generic) {
  return generic.hasPureTensorSemantics() && generic->getNumResults() == 1 &&
         generic.getNumDpsInits() == 1 &&
         generic.getNumParallelLoops() == generic.getNumLoops() &&
         isF32Tensor(generic->getResult(0).getType()) &&
         generic.getRegion().front().getArguments().back().use_empty();
}

/// Ops that move elements without computing: a narrow source gives a
/// narrow result.
bool isDataMovement(Operation *op) {
  return isa<tensor::ExpandShapeOp, tensor::CollapseShapeOp,
             tensor::ExtractSliceOp, linalg::TransposeOp>(op);
}

/// Whether every reader of `value`, through data movement, extends the
/// elements where it reads them: a generic's input, or the query, key or
/// value of the attention kernel.
bool readersExtend(Value value) {
  for (OpOperand &use : value.getUses()) {
    Operation *user = use.getOwner();
    if (auto generic = dyn_cast<linalg::GenericOp>(user)) {
      if (!generic.hasPureTensorSemantics() || !generic.isDpsInput(&use))
        return false;
      continue;
    }
    if (auto attention = dyn_cast<AttentionKernelOp>(user)) {
      if (use.get() == attention.getMask() ||
          &use == &attention.getInitMutable())
        return false;
      continue;
    }
    if (!isDataMovement(user) || use.getOperandNumber() != 0 ||
        !readersExtend(user->getResult(0)))
      return false;
  }
  return true;
}

/// A tensor.empty like `like` (its shape) with the element type `element`.
Value emptyLike(OpBuilder &b, Location loc, Value like, Type element) {
  return tensor::EmptyOp::create(b, loc, tensor::getMixedSizes(b, loc, like),
                                 element);
}

/// Gives the tensor `v` the element type `element`.
void retype(Value v, Type element) {
  v.setType(cast<RankedTensorType>(v.getType()).clone(element));
}

/// Makes `generic` write its (only) result in `narrow`: a narrow
/// destination (`init`, or an empty tensor of its shape), the yielded value
/// rounded.
void storeNarrow(linalg::GenericOp generic, Type narrow, Value init = {}) {
  OpBuilder b(generic);
  OpOperand &dest = generic.getDpsInitsMutable()[0];
  dest.set(init ? init : emptyLike(b, generic.getLoc(), dest.get(), narrow));
  generic.getRegion().front().getArguments().back().setType(narrow);
  auto yield =
      cast<linalg::YieldOp>(generic.getRegion().front().getTerminator());
  b.setInsertionPoint(yield);
  yield->setOperand(0, arith::TruncFOp::create(b, yield.getLoc(), narrow,
                                               yield->getOperand(0)));
  retype(generic->getResult(0), narrow);
}

/// `value` now holds narrow elements: data movement reading it gets a
/// narrow result (a transpose a narrow destination), and generics extend
/// the element at the top of their bodies. (readersExtend holds.)
void extendInReaders(Value value, Type narrow) {
  for (OpOperand *use :
       llvm::to_vector(llvm::make_pointer_range(value.getUses()))) {
    Operation *user = use->getOwner();
    if (isa<linalg::GenericOp>(user)) {
      extendInBody(*use);
      continue;
    }
    if (isa<AttentionKernelOp>(user))
      continue;
    if (auto transpose = dyn_cast<linalg::TransposeOp>(user)) {
      OpBuilder b(transpose);
      transpose.getInitMutable().set(
          emptyLike(b, transpose.getLoc(), transpose.getInit(), narrow));
      for (BlockArgument arg : transpose.getRegion().front().getArguments())
        arg.setType(narrow);
    }
    retype(user->getResult(0), narrow);
    extendInReaders(user->getResult(0), narrow);
  }
}

/// The generic that computes slice `arg` of a row loop's shared output: the
/// loop's body takes one slice of `arg` as the destination of a generic
/// that can store narrow, and inserts that generic's result (only) back
/// into `arg`. Null if the body uses `arg` any other way.
linalg::GenericOp rowResultGeneric(BlockArgument arg) {
  linalg::GenericOp found;
  for (Operation *user : arg.getUsers()) {
    if (auto insert = dyn_cast<tensor::ParallelInsertSliceOp>(user)) {
      if (insert.getDest() != arg)
        return {};
      continue;
    }
    auto slice = dyn_cast<tensor::ExtractSliceOp>(user);
    if (!slice || found || !slice->hasOneUse())
      return {};
    OpOperand &use = *slice->getUses().begin();
    auto generic = dyn_cast<linalg::GenericOp>(use.getOwner());
    if (!generic || !generic.isDpsInit(&use) || !canStoreNarrow(generic) ||
        !generic->hasOneUse())
      return {};
    auto insert =
        dyn_cast<tensor::ParallelInsertSliceOp>(*generic->getUsers().begin());
    if (!insert || insert.getDest() != arg)
      return {};
    found = generic;
  }
  return found;
}

/// The insert_slices, first to `last`, of a concatenation into an empty
/// tensor whose pieces are results of generics that can store narrow and
/// that nothing else reads; empty where `last` does not end one.
SmallVector<tensor::InsertSliceOp> concatenation(tensor::InsertSliceOp last) {
  SmallVector<tensor::InsertSliceOp> chain;
  for (tensor::InsertSliceOp insert = last;;) {
    auto piece = insert.getSource().getDefiningOp<linalg::GenericOp>();
    if (!piece || !canStoreNarrow(piece) || !piece->hasOneUse())
      return {};
    chain.push_back(insert);
    if (insert.getDest().getDefiningOp<tensor::EmptyOp>())
      break;
    insert = insert.getDest().getDefiningOp<tensor::InsertSliceOp>();
    if (!insert || !insert->hasOneUse())
      return {};
  }
  std::reverse(chain.begin(), chain.end());
  return chain;
}

struct NarrowActivationsPass
    : fmc::impl::NarrowActivationsPassBase<NarrowActivationsPass> {
  using Base::Base;

  void runOnOperation() override {
    func::FuncOp func = getOperation();
    Type narrow = parseNarrowType(func, "fmc-narrow-activations", type);
    if (!narrow)
      return signalPassFailure();
    if (func.isExternal())
      return;
    for (Operation &op :
         llvm::make_early_inc_range(func.getBody().front().getOperations())) {
      if (auto generic = dyn_cast<linalg::GenericOp>(op)) {
        if (!canStoreNarrow(generic) || !readersExtend(generic->getResult(0)))
          continue;
        storeNarrow(generic, narrow);
        extendInReaders(generic->getResult(0), narrow);
        continue;
      }
      if (auto attention = dyn_cast<AttentionKernelOp>(op)) {
        if (attention->getNumResults() != 1 ||
            !isF32Tensor(attention->getResult(0).getType()) ||
            !readersExtend(attention->getResult(0)))
          continue;
        OpBuilder b(attention);
        attention.getInitMutable().set(
            emptyLike(b, attention.getLoc(), attention.getInit(), narrow));
        retype(attention->getResult(0), narrow);
        extendInReaders(attention->getResult(0), narrow);
        continue;
      }
      if (auto last = dyn_cast<tensor::InsertSliceOp>(op)) {
        SmallVector<tensor::InsertSliceOp> chain;
        if (!isF32Tensor(last.getType()) || !readersExtend(last) ||
            (chain = concatenation(last)).empty())
          continue;
        // A narrow empty tensor of its own (the f32 one may be shared).
        OpBuilder b(chain.front());
        OpOperand &empty = chain.front().getDestMutable();
        empty.set(emptyLike(b, chain.front().getLoc(), empty.get(), narrow));
        for (tensor::InsertSliceOp insert : chain) {
          storeNarrow(insert.getSource().getDefiningOp<linalg::GenericOp>(),
                      narrow);
          retype(insert.getResult(), narrow);
        }
        extendInReaders(last.getResult(), narrow);
        continue;
      }
      auto forall = dyn_cast<scf::ForallOp>(op);
      if (!forall)
        continue;
      for (OpResult result : forall->getResults()) {
        BlockArgument arg = forall.getTiedBlockArgument(result);
        linalg::GenericOp generic;
        if (!isF32Tensor(result.getType()) ||
            !(generic = rowResultGeneric(arg)) || !readersExtend(result))
          continue;
        OpBuilder b(forall);
        OpOperand &init = *forall.getTiedOpOperand(result);
        init.set(emptyLike(b, forall.getLoc(), init.get(), narrow));
        retype(arg, narrow);
        auto slice =
            generic.getDpsInits()[0].getDefiningOp<tensor::ExtractSliceOp>();
        retype(slice.getResult(), narrow);
        storeNarrow(generic, narrow, slice.getResult());
        retype(result, narrow);
        extendInReaders(result, narrow);
      }
    }
  }
};

} // namespace
