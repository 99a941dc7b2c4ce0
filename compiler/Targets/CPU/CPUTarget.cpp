//===- CPUTarget.cpp - CPU targets: resolution, codegen, linking ----------===//

#include "compiler/Targets/CPU/CPUTarget.h"

#include "llvm/ADT/ScopeExit.h"
#include "llvm/IR/LegacyPassManager.h"
#include "llvm/IR/Module.h"
#include "llvm/MC/MCSubtargetInfo.h"
#include "llvm/MC/TargetRegistry.h"
#include "llvm/Passes/PassBuilder.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Program.h"
#include "llvm/Support/TargetSelect.h"
#include "llvm/Support/raw_ostream.h"
#include "llvm/TargetParser/Host.h"
#include "llvm/TargetParser/Triple.h"
#include "llvm/Transforms/IPO/AlwaysInliner.h"
#include "llvm/Transforms/InstCombine/InstCombine.h"
#include "llvm/Transforms/Scalar/EarlyCSE.h"
#include "llvm/Transforms/Scalar/SROA.h"
#include "llvm/Transforms/Scalar/SimplifyCFG.h"

#include <algorithm>
#include <unistd.h>

using namespace llvm;

namespace {

void initializeTargets() {
  static bool done = [] {
    InitializeAllTargetInfos();
    InitializeAllTargets();
    InitializeAllTargetMCs();
    InitializeAllAsmPrinters();
    return true;
  }();
  (void)done;
}

bool isValidCPU(StringRef triple, StringRef cpu) {
  std::string error;
  const Target *target = TargetRegistry::lookupTarget(Triple(triple), error);
  if (!target)
    return false;
  std::unique_ptr<MCSubtargetInfo> info(
      target->createMCSubtargetInfo(Triple(triple), cpu, ""));
  return info && info->isCPUStringValid(cpu);
}

/// Vector width, register count and FMA from the target's subtarget
/// features (named CPUs imply theirs).
void describeVectorUnit(fmc::CPUTarget &target) {
  Triple triple(target.triple);
  if (triple.getArch() == Triple::aarch64) {
    target.vectorBits = 128;
    target.vectorRegisters = 32;
    target.hasFMA = true;
    return;
  }
  std::string error;
  const Target *llvmTarget = TargetRegistry::lookupTarget(triple, error);
  if (!llvmTarget)
    return;
  std::unique_ptr<MCSubtargetInfo> info(
      llvmTarget->createMCSubtargetInfo(triple, target.cpu, target.features));
  if (!info)
    return;
  if (info->checkFeatures("+avx512f")) {
    target.vectorBits = 512;
    target.vectorRegisters = 32;
  } else if (info->checkFeatures("+avx2")) {
    target.vectorBits = 256;
  }
  target.hasFMA = info->checkFeatures("+fma");
}

constexpr StringLiteral kX86Triple = "x86_64-unknown-linux-gnu";
constexpr StringLiteral kAArch64Triple = "aarch64-unknown-linux-gnu";

} // namespace

bool fmc::resolveCPUTarget(StringRef name, StringRef cpu, CPUTarget &target,
                           std::string &error) {
  initializeTargets();
  target = CPUTarget();
  target.name = name.str();
  if (name == "host") {
    target.triple = sys::getProcessTriple();
    target.cpu = sys::getHostCPUName().str();
    std::string features;
    for (const auto &feature : sys::getHostCPUFeatures())
      features += (features.empty() ? "" : ",") +
                  std::string(feature.getValue() ? "+" : "-") +
                  feature.getKey().str();
    target.features = features;
  } else if (Triple normalized(Triple::normalize(name));
             name.contains('-') &&
             normalized.getArch() != Triple::UnknownArch &&
             normalized.getOS() != Triple::UnknownOS) {
    Triple triple = normalized;
    triple.setVendor(Triple::UnknownVendor);
    target.triple = triple.str();
    target.cpu = triple.getArch() == Triple::aarch64 ? "generic" : "x86-64";
  } else if (name == "aarch64" || name == "arm64") {
    target.triple = kAArch64Triple.str();
    target.cpu = "generic";
  } else if (isValidCPU(kX86Triple, name)) {
    target.triple = kX86Triple.str();
    target.cpu = name.str();
  } else if (isValidCPU(kAArch64Triple, name)) {
    target.triple = kAArch64Triple.str();
    target.cpu = name.str();
  } else {
    error = "unknown target '" + name.str() +
            "': use host, an x86-64 or AArch64 CPU name (x86-64-v3, znver2, "
            "neoverse-n1, cortex-a76, ...), or a triple (aarch64-linux-gnu)";
    return false;
  }
  Triple triple(target.triple);
  if (triple.getArch() != Triple::x86_64 &&
      triple.getArch() != Triple::aarch64) {
    error = "target '" + name.str() + "' (" + target.triple +
            "): only x86-64 and AArch64 CPUs are supported";
    return false;
  }
  if (!triple.isOSLinux()) {
    error = "target '" + name.str() + "' (" + target.triple +
            "): only Linux (ELF) targets are supported";
    return false;
  }
  // Cache sizes: measured on the host; for named CPUs, their family's.
  if (name == "host") {
    auto cache = [](int query, uint64_t fallback) {
      long bytes = sysconf(query);
      return bytes > 0 ? uint64_t(bytes) : fallback;
    };
    target.l1dBytes = cache(_SC_LEVEL1_DCACHE_SIZE, target.l1dBytes);
    target.l2Bytes = cache(_SC_LEVEL2_CACHE_SIZE, target.l2Bytes);
    target.l3Bytes = cache(_SC_LEVEL3_CACHE_SIZE, target.l3Bytes);
  } else if (StringRef(target.cpu).starts_with("neoverse") ||
             StringRef(target.cpu).starts_with("cortex-a7")) {
    target.l1dBytes = 64 * 1024;
    target.l2Bytes =
        StringRef(target.cpu).starts_with("cortex") ? 256 * 1024 : 1024 * 1024;
    target.l3Bytes = 4 * 1024 * 1024;
  } else if (StringRef(target.cpu).starts_with("znver")) {
    target.l2Bytes =
        StringRef(target.cpu) == "znver4" ? 1024 * 1024 : 512 * 1024;
    target.l3Bytes = 16 * 1024 * 1024;
  }
  if (!cpu.empty()) {
    if (!isValidCPU(target.triple, cpu)) {
      error = "unknown CPU '" + cpu.str() + "' for " + target.triple;
      return false;
    }
    target.cpu = cpu.str();
    if (name == "host")
      target.features.clear();
  }
  describeVectorUnit(target);
  if (name == "host")
    target.cores = unsigned(std::max(1L, sysconf(_SC_NPROCESSORS_ONLN)));
  return true;
}

fmc::MatmulTiles fmc::matmulTiles(const CPUTarget &target) {
  MatmulTiles t;
  t.lanes = target.vectorBits / 32;
  // mr x vectors accumulators, plus the panel's vectors and one broadcast.
  // Three vectors per row where registers allow: fewer loads per FMA than
  // two (11 per 24 FMAs against 16 per 28 with 14 rows); at most 8 rows, so
  // that the usual token counts (multiples of 8) leave no row tail.
  int64_t vectors = target.vectorRegisters >= 32 ? 3 : 2;
  t.nr = vectors * t.lanes;
  t.mr = std::clamp<int64_t>((target.vectorRegisters - vectors - 1) / vectors,
                             1, 8);
  // The kc x nr panel and the mr x kc lhs tile stream from L2 at a few bytes
  // per cycle, so kc is long: out's tile is read and written K / kc times.
  t.kc = std::clamp<int64_t>(target.l2Bytes / 1024, 64, 1024);
  // Rounded up to whole row tiles: rounding 128 rows down to 126 would make
  // a second row block that streams all the weights again for two rows.
  t.mc = llvm::alignTo(
      std::clamp<int64_t>(target.l2Bytes / 2 / (t.kc * 4), t.mr, 1024), t.mr);
  // The other half of L2 holds the lhs block; out's block gets a quarter.
  t.outBlockBytes = target.l2Bytes / 4;
  return t;
}

std::unique_ptr<TargetMachine> fmc::createTargetMachine(const CPUTarget &target,
                                                        std::string &error) {
  initializeTargets();
  Triple triple(target.triple);
  const Target *llvmTarget = TargetRegistry::lookupTarget(triple, error);
  if (!llvmTarget)
    return nullptr;
  TargetOptions options;
  // Constructors (GPU code loads its kernels in one) go to .init_array, which
  // the dynamic loader runs; .ctors needs crtbegin, which fmc does not link.
  options.UseInitArray = true;
  std::unique_ptr<TargetMachine> machine(llvmTarget->createTargetMachine(
      triple, target.cpu, target.features, options, Reloc::PIC_, std::nullopt,
      CodeGenOptLevel::Aggressive));
  if (!machine)
    error = "cannot create a target machine for " + target.triple;
  return machine;
}

void fmc::optimizeModule(Module &module, TargetMachine &machine, bool quick) {
  LoopAnalysisManager lam;
  FunctionAnalysisManager fam;
  CGSCCAnalysisManager cgam;
  ModuleAnalysisManager mam;
  PipelineTuningOptions tuning;
  tuning.LoopVectorization = true;
  tuning.SLPVectorization = true;
  PassBuilder builder(&machine, tuning);
  builder.registerModuleAnalyses(mam);
  builder.registerCGSCCAnalyses(cgam);
  builder.registerFunctionAnalyses(fam);
  builder.registerLoopAnalyses(lam);
  builder.crossRegisterProxies(lam, fam, cgam, mam);
  if (quick) {
    // The emulated GPU kernels: thousands of small loops in one function,
    // where LLVM's loop passes (induction variables, rotation, unrolling)
    // took minutes. Scalar cleanups only.
    FunctionPassManager fpm;
    fpm.addPass(SROAPass(SROAOptions::ModifyCFG));
    fpm.addPass(EarlyCSEPass(/*UseMemorySSA=*/false));
    fpm.addPass(InstCombinePass());
    fpm.addPass(SimplifyCFGPass());
    ModulePassManager mpm;
    mpm.addPass(AlwaysInlinerPass());
    mpm.addPass(createModuleToFunctionPassAdaptor(std::move(fpm)));
    mpm.run(module, mam);
    return;
  }
  ModulePassManager mpm =
      builder.buildPerModuleDefaultPipeline(OptimizationLevel::O3);
  mpm.run(module, mam);
}

bool fmc::emitObject(Module &module, TargetMachine &machine,
                     SmallVectorImpl<char> &object, std::string &error) {
  raw_svector_ostream stream(object);
  legacy::PassManager pm;
  if (machine.addPassesToEmitFile(pm, stream, nullptr,
                                  CodeGenFileType::ObjectFile)) {
    error = "the target cannot emit object files";
    return false;
  }
  pm.run(module);
  return true;
}

bool fmc::linkSharedObject(ArrayRef<char> object, StringRef triple,
                           std::vector<char> &library, std::string &error) {
  SmallString<128> objPath, soPath;
  if (auto ec = sys::fs::createTemporaryFile("fmc-model", "o", objPath)) {
    error = "cannot create a temporary file: " + ec.message();
    return false;
  }
  if (auto ec = sys::fs::createTemporaryFile("fmc-model", "so", soPath)) {
    sys::fs::remove(objPath);
    error = "cannot create a temporary file: " + ec.message();
    return false;
  }
  auto cleanup = make_scope_exit([&] {
    sys::fs::remove(objPath);
    sys::fs::remove(soPath);
  });
  {
    std::error_code ec;
    raw_fd_ostream out(objPath, ec);
    if (ec) {
      error = "cannot write " + objPath.str().str() + ": " + ec.message();
      return false;
    }
    out.write(object.data(), object.size());
  }
  std::string lld = FMC_LLD_PATH;
  SmallVector<StringRef> args = {lld,    "-shared",     "--gc-sections",
                                 "-z",   "noexecstack", "-o",
                                 soPath, objPath};
  std::string builtins = (Twine(FMC_CLANG_RT_DIR) + "/libclang_rt.builtins-" +
                          Triple(triple).getArchName() + ".a")
                             .str();
  if (sys::fs::exists(builtins))
    args.push_back(builtins);
  std::string message;
  int rc = sys::ExecuteAndWait(lld, args, std::nullopt, {}, 0, 0, &message);
  if (rc != 0) {
    error = "linking with " + lld + " failed" +
            (message.empty() ? "" : ": " + message);
    return false;
  }
  auto buffer = MemoryBuffer::getFile(soPath);
  if (!buffer) {
    error = "cannot read the linked library: " + buffer.getError().message();
    return false;
  }
  library.assign((*buffer)->getBufferStart(), (*buffer)->getBufferEnd());
  return true;
}
