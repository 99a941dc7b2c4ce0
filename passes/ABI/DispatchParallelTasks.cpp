//===- DispatchParallelTasks.cpp - parallel loops through the runtime -----===//

#include "passes/ABI/Passes.h"

#include "mlir/Dialect/LLVMIR/LLVMDialect.h"

namespace mlir::fmc {
#define GEN_PASS_DEF_DISPATCHPARALLELTASKSPASS
#include "passes/ABI/Passes.h.inc"
} // namespace mlir::fmc

using namespace mlir;
using namespace mlir::fmc;

namespace {

struct DispatchParallelTasksPass
    : fmc::impl::DispatchParallelTasksPassBase<DispatchParallelTasksPass> {
  void runOnOperation() override {
    ModuleOp module = getOperation();
    MLIRContext *ctx = &getContext();
    SmallVector<LLVM::LLVMFuncOp> tasks;
    for (auto fn : module.getOps<LLVM::LLVMFuncOp>())
      if (fn->hasAttr(kParallelTaskAttr))
        tasks.push_back(fn);
    if (tasks.empty())
      return;
    if (module.lookupSymbol(kParallelForSymbol)) {
      module.emitError("symbol '") << kParallelForSymbol << "' already exists";
      return signalPassFailure();
    }
    auto ptr = LLVM::LLVMPointerType::get(ctx);
    auto i64 = IntegerType::get(ctx, 64);
    auto voidType = LLVM::LLVMVoidType::get(ctx);
    auto taskType = LLVM::LLVMFunctionType::get(voidType, {ptr, i64, i64});
    auto hookType = LLVM::LLVMFunctionType::get(voidType, {ptr, ptr, i64, i64});
    Location loc = module.getLoc();
    OpBuilder b = OpBuilder::atBlockEnd(module.getBody());

    // fmc_serial_for(task, context, begin, end): task(context, begin, end).
    auto serial = LLVM::LLVMFuncOp::create(b, loc, "fmc_serial_for", hookType,
                                           LLVM::Linkage::Internal);
    {
      OpBuilder::InsertionGuard guard(b);
      Block *body = serial.addEntryBlock(b);
      b.setInsertionPointToStart(body);
      LLVM::CallOp::create(
          b, loc, taskType,
          ValueRange{body->getArgument(0), body->getArgument(1),
                     body->getArgument(2), body->getArgument(3)});
      LLVM::ReturnOp::create(b, loc, ValueRange{});
    }
    // The exported pointer, initially fmc_serial_for.
    auto hook = LLVM::GlobalOp::create(b, loc, ptr, /*isConstant=*/false,
                                       LLVM::Linkage::External,
                                       kParallelForSymbol, Attribute());
    {
      OpBuilder::InsertionGuard guard(b);
      Block *init = b.createBlock(&hook.getInitializerRegion());
      b.setInsertionPointToStart(init);
      LLVM::ReturnOp::create(
          b, loc, LLVM::AddressOfOp::create(b, loc, serial).getRes());
    }

    // The call sites of every task, before the trampolines add theirs.
    llvm::StringMap<SmallVector<LLVM::CallOp>> callsOf;
    module.walk([&](LLVM::CallOp call) {
      if (std::optional<StringRef> callee = call.getCallee())
        callsOf[*callee].push_back(call);
    });

    for (LLVM::LLVMFuncOp fn : tasks) {
      SmallVector<LLVM::CallOp> calls = callsOf.lookup(fn.getName());
      LLVM::LLVMFunctionType type = fn.getFunctionType();
      if (type.getNumParams() < 2 || type.getParamType(0) != i64 ||
          type.getParamType(1) != i64 ||
          !isa<LLVM::LLVMVoidType>(type.getReturnType())) {
        fn.emitError("a parallel task must take (i64 begin, i64 end, ...) and "
                     "return nothing");
        return signalPassFailure();
      }
      auto captures =
          LLVM::LLVMStructType::getLiteral(ctx, type.getParams().drop_front(2));

      // fn.task(context, begin, end): unpack the captures, call fn.
      auto trampoline = LLVM::LLVMFuncOp::create(
          b, fn.getLoc(), (fn.getName() + ".task").str(), taskType,
          LLVM::Linkage::Internal);
      {
        OpBuilder::InsertionGuard guard(b);
        Block *body = trampoline.addEntryBlock(b);
        b.setInsertionPointToStart(body);
        SmallVector<Value> args = {body->getArgument(1), body->getArgument(2)};
        for (auto [i, capture] :
             llvm::enumerate(type.getParams().drop_front(2))) {
          Value slot =
              LLVM::GEPOp::create(b, loc, ptr, captures, body->getArgument(0),
                                  ArrayRef<LLVM::GEPArg>{0, int32_t(i)});
          args.push_back(LLVM::LoadOp::create(b, loc, capture, slot));
        }
        LLVM::CallOp::create(b, loc, fn, args);
        LLVM::ReturnOp::create(b, loc, ValueRange{});
      }

      for (LLVM::CallOp call : calls) {
        auto caller = call->getParentOfType<LLVM::LLVMFuncOp>();
        OpBuilder entry(&caller.getBody().front(),
                        caller.getBody().front().begin());
        Value one = LLVM::ConstantOp::create(entry, loc, i64,
                                             entry.getI64IntegerAttr(1));
        Value context = LLVM::AllocaOp::create(entry, loc, ptr, captures, one);
        OpBuilder site(call);
        for (auto [i, value] :
             llvm::enumerate(call.getArgOperands().drop_front(2))) {
          Value slot =
              LLVM::GEPOp::create(site, loc, ptr, captures, context,
                                  ArrayRef<LLVM::GEPArg>{0, int32_t(i)});
          LLVM::StoreOp::create(site, loc, value, slot);
        }
        Value target = LLVM::LoadOp::create(
            site, loc, ptr, LLVM::AddressOfOp::create(site, loc, hook));
        Value task = LLVM::AddressOfOp::create(site, loc, trampoline);
        LLVM::CallOp::create(site, loc, hookType,
                             ValueRange{target, task, context,
                                        call.getArgOperands()[0],
                                        call.getArgOperands()[1]});
        call.erase();
      }
      fn->removeAttr(kParallelTaskAttr);
    }
  }
};

} // namespace
