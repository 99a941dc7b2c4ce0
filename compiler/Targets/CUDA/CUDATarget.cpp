//===- CUDATarget.cpp - NVIDIA GPU targets --------------------------------===//

#include "compiler/Targets/CUDA/CUDATarget.h"

#include "llvm/ADT/STLExtras.h"

using namespace llvm;

namespace {

/// The architectures fmc supports, from NVIDIA's CUDA C++ Programming Guide
/// (compute capabilities table) and the PTX ISA (mma shapes per target).
struct ChipInfo {
  StringLiteral name;
  unsigned major, minor;
  unsigned minSMs, maxSMs;
  unsigned maxSharedKiB;
  bool archSpecific; ///< sm_90a: wgmma and TMA
};

constexpr ChipInfo kChips[] = {
    // A100 (108 SMs), A30 (56).
    {"sm_80", 8, 0, 56, 108, 163, false},
    // RTX 30xx, A10, A40 (up to 84 SMs).
    {"sm_86", 8, 6, 10, 84, 99, false},
    // L4 (58), L40 (142), RTX 40xx.
    {"sm_89", 8, 9, 24, 142, 99, false},
    // H100 PCIe (114) and SXM (132), H200 (132), GH200.
    {"sm_90", 9, 0, 114, 132, 227, false},
    {"sm_90a", 9, 0, 114, 132, 227, true},
};

std::string supportedList() {
  std::string list;
  for (const ChipInfo &chip : kChips)
    list += (list.empty() ? "" : ", ") + chip.name.str();
  return list;
}

} // namespace

bool fmc::isCUDATargetName(StringRef name) { return name.starts_with("sm_"); }

bool fmc::resolveCUDATarget(StringRef name, CUDATarget &target,
                            std::string &error) {
  const ChipInfo *chip =
      find_if(kChips, [&](const ChipInfo &info) { return info.name == name; });
  if (chip == std::end(kChips)) {
    error = "unknown GPU target '" + name.str() +
            "' (supported: " + supportedList() + ")";
    return false;
  }
  target = CUDATarget();
  target.name = name.str();
  target.chip = name.str();
  target.computeMajor = chip->major;
  target.computeMinor = chip->minor;
  target.minSMs = chip->minSMs;
  target.maxSMs = chip->maxSMs;
  target.maxSharedBytesPerBlock = chip->maxSharedKiB * 1024;
  target.tma = target.wgmma = chip->archSpecific;
  // mma.sync shapes of sm_80 and later (PTX ISA, "Warp-level matrix multiply
  // accumulate"); sm_89 adds fp8 (e4m3/e5m2) inputs.
  target.tensorCores = {
      {"mma.sync", 16, 8, 16, "f16", "f32"},
      {"mma.sync", 16, 8, 16, "bf16", "f32"},
      {"mma.sync", 16, 8, 8, "tf32", "f32"},
      {"mma.sync", 16, 8, 32, "s8", "s32"},
  };
  if (chip->major > 8 || chip->minor >= 9)
    target.tensorCores.push_back({"mma.sync", 16, 8, 32, "e4m3", "f32"});
  if (target.wgmma) {
    target.tensorCores.push_back(
        {"wgmma.mma_async", 64, 256, 16, "f16", "f32"});
    target.tensorCores.push_back(
        {"wgmma.mma_async", 64, 256, 16, "bf16", "f32"});
    target.tensorCores.push_back(
        {"wgmma.mma_async", 64, 256, 8, "tf32", "f32"});
  }
  return true;
}

unsigned fmc::elementwiseBlockSize(const CUDATarget &target) {
  // 256 threads (8 warps): up to 8 blocks resident per SM at 32 registers a
  // thread, which hides global-memory latency on every supported chip.
  return 8 * target.warpSize;
}

fmc::GPUMatmulTiles fmc::matmulTiles(const CUDATarget &target) {
  // 256 threads with 16 accumulators each (97-125 registers a thread with
  // the double-buffered, software-pipelined slices, ptxas -v on GPT-2 for
  // sm_80): two blocks resident per SM; 17 KiB of shared memory, far below
  // every chip's 48 KiB. The same tiles on every chip until they are tuned
  // on one.
  (void)target;
  return GPUMatmulTiles();
}

void fmc::printCUDATarget(const CUDATarget &target, raw_ostream &os) {
  os << "target: " << target.name << "\n"
     << "kind: cuda\n"
     << "chip: " << target.chip << " (compute capability "
     << target.computeMajor << "." << target.computeMinor << ")\n"
     << "ptx: " << target.ptxFeatures << "\n"
     << "sms: " << target.minSMs << "-" << target.maxSMs << "\n"
     << "shared memory per block: " << target.sharedBytesPerBlock / 1024
     << " KiB (opt-in up to " << target.maxSharedBytesPerBlock / 1024
     << " KiB)\n"
     << "registers: " << target.registersPerSM << " per SM, "
     << target.maxRegistersPerThread << " per thread\n"
     << "threads per block: " << target.maxThreadsPerBlock << " (warp "
     << target.warpSize << ")\n"
     << "async copy (cp.async): " << (target.asyncCopy ? "yes" : "no") << "\n"
     << "tma: " << (target.tma ? "yes" : "no") << "\n"
     << "wgmma: " << (target.wgmma ? "yes" : "no") << "\n"
     << "tensor cores:";
  for (const TensorCoreShape &shape : target.tensorCores)
    os << " " << shape.instruction << ".m" << shape.m << "n" << shape.n << "k"
       << shape.k << "." << shape.inputType << "." << shape.accumulatorType;
  os << "\n"
     << "elementwise block: " << elementwiseBlockSize(target) << " threads\n";
  GPUMatmulTiles tiles = matmulTiles(target);
  os << "matmul tile: " << tiles.blockM << "x" << tiles.blockN << "x"
     << tiles.blockK << " per block, " << tiles.threadM << "x" << tiles.threadN
     << " per thread (" << tiles.threads() << " threads, "
     << tiles.sharedBytes() << " bytes of shared memory)\n";
}
