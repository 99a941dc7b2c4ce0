//===- EmitEntryPoint.cpp - the fmc_entry(void **buffers) wrapper ---------===//

#include "passes/ABI/Passes.h"

#include "mlir/Dialect/LLVMIR/LLVMDialect.h"

namespace mlir::fmc {
#define GEN_PASS_DEF_EMITENTRYPOINTPASS
#include "passes/ABI/Passes.h.inc"
} // namespace mlir::fmc

using namespace mlir;
using namespace mlir::fmc;

namespace {

struct EmitEntryPointPass
    : fmc::impl::EmitEntryPointPassBase<EmitEntryPointPass> {
  using Base::Base;
  void runOnOperation() override {
    ModuleOp module = getOperation();
    auto model = module.lookupSymbol<LLVM::LLVMFuncOp>(function);
    if (!model || model.isExternal()) {
      module.emitError("no lowered model function named '") << function << "'";
      return signalPassFailure();
    }
    if (module.lookupSymbol(entry)) {
      module.emitError("symbol '") << entry << "' already exists";
      return signalPassFailure();
    }
    MLIRContext *ctx = &getContext();
    auto ptrType = LLVM::LLVMPointerType::get(ctx);
    LLVM::LLVMFunctionType modelType = model.getFunctionType();
    if (!isa<LLVM::LLVMVoidType>(modelType.getReturnType())) {
      model.emitError("model function still returns ")
          << modelType.getReturnType()
          << "; results must be out-parameters (buffer-results-to-out-params)";
      return signalPassFailure();
    }
    for (Type param : modelType.getParams()) {
      if (param != ptrType) {
        model.emitError("model function parameter of type ")
            << param
            << " is not a bare pointer; lower memrefs with "
               "use-bare-ptr-memref-call-conv and static shapes";
        return signalPassFailure();
      }
    }

    // fmc.input/fmc.weight/fmc.output/fmc.arena/fmc.element_type have
    // served; LLVM has no use for them (and warns about each).
    for (unsigned i = 0, e = model.getNumArguments(); i < e; ++i)
      for (StringRef name :
           {kInputAttr, kWeightAttr, kOutputAttr, kArenaAttr, kElementTypeAttr})
        model.removeArgAttr(i, StringAttr::get(ctx, name));
    model.removeResAttrsAttr();

    // Only the entry point is visible outside the shared object.
    for (Operation &op : module.getBody()->getOperations()) {
      if (auto fn = dyn_cast<LLVM::LLVMFuncOp>(op); fn && !fn.isExternal())
        fn.setLinkage(LLVM::Linkage::Internal);
    }

    OpBuilder b = OpBuilder::atBlockEnd(module.getBody());
    Location loc = model.getLoc();
    auto entryType =
        LLVM::LLVMFunctionType::get(LLVM::LLVMVoidType::get(ctx), {ptrType});
    auto entryFn = LLVM::LLVMFuncOp::create(b, loc, entry, entryType);
    Block *body = entryFn.addEntryBlock(b);
    b.setInsertionPointToStart(body);
    Value buffers = body->getArgument(0);
    SmallVector<Value> args;
    for (unsigned i = 0, e = modelType.getNumParams(); i < e; ++i) {
      Value slot = LLVM::GEPOp::create(b, loc, ptrType, ptrType, buffers,
                                       ArrayRef<LLVM::GEPArg>{int32_t(i)});
      args.push_back(LLVM::LoadOp::create(b, loc, ptrType, slot));
    }
    LLVM::CallOp::create(b, loc, model, args);
    LLVM::ReturnOp::create(b, loc, ValueRange{});
  }
};

} // namespace
