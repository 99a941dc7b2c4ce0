//===- CUDATarget.h - NVIDIA GPU targets ------------------------*- C++ -*-===//
//
// The description of an NVIDIA GPU architecture that fmc compiles for
// (`--target=sm_80` ...): what the GPU tiling and the NVVM/PTX lowering read.
//
//===----------------------------------------------------------------------===//

#ifndef FMC_COMPILER_TARGETS_CUDA_CUDATARGET_H
#define FMC_COMPILER_TARGETS_CUDA_CUDATARGET_H

#include "llvm/ADT/StringRef.h"
#include "llvm/Support/raw_ostream.h"

#include <string>
#include <vector>

namespace fmc {

/// One warp-level matrix-multiply-accumulate shape the tensor cores execute
/// (PTX `mma.sync` / `wgmma`), e.g. m16n8k16 with f16 inputs and f32
/// accumulation.
struct TensorCoreShape {
  std::string instruction; ///< mma.sync or wgmma.mma_async
  unsigned m, n, k;
  std::string inputType; ///< f16, bf16, tf32, s8
  std::string accumulatorType;
};

/// An NVIDIA GPU architecture, resolved from `--target`.
struct CUDATarget {
  std::string name; ///< As given: sm_80, sm_86, sm_89, sm_90, sm_90a
  std::string chip; ///< The PTX target (`.target`), same as name
  /// The PTX ISA version the kernels are written in (`+ptx80` = PTX 8.0, the
  /// oldest that covers every supported chip; a CUDA 12.0 driver JITs it).
  std::string ptxFeatures = "+ptx80";
  unsigned computeMajor = 8, computeMinor = 0;
  /// Streaming multiprocessors of the products built on the chip.
  unsigned minSMs = 0, maxSMs = 0;
  /// Shared memory per block: without opting in, and the opt-in maximum.
  unsigned sharedBytesPerBlock = 48 * 1024;
  unsigned maxSharedBytesPerBlock = 0;
  unsigned registersPerSM = 65536;
  unsigned maxRegistersPerThread = 255;
  unsigned maxThreadsPerBlock = 1024;
  unsigned warpSize = 32;
  /// cp.async (global -> shared without registers), sm_80 and later.
  bool asyncCopy = true;
  /// Tensor Memory Accelerator and warpgroup MMA (wgmma): sm_90a only.
  bool tma = false;
  bool wgmma = false;
  std::vector<TensorCoreShape> tensorCores;
};

/// The tiles of fmc's SIMT matmul kernel (fmc-gpu-tile-matmul): a block
/// computes blockM x blockN outputs from blockK-deep slices staged in shared
/// memory, each thread threadM x threadN of them in registers.
struct GPUMatmulTiles {
  unsigned blockM = 64, blockN = 64, blockK = 16, threadM = 4, threadN = 4;
  unsigned threads() const { return blockM / threadM * (blockN / threadN); }
  /// Both slices, rows padded by four elements, double-buffered.
  unsigned sharedBytes() const {
    return 2 * 4 * blockK * (blockM + 4 + blockN + 4);
  }
};

/// Whether `name` names a GPU target (sm_*), as opposed to a CPU.
bool isCUDATargetName(llvm::StringRef name);

/// Resolves sm_80, sm_86, sm_89, sm_90 or sm_90a. Returns false with a
/// message that lists the supported architectures.
bool resolveCUDATarget(llvm::StringRef name, CUDATarget &target,
                       std::string &error);

/// The `fmc compile --print-target` text of a GPU target.
void printCUDATarget(const CUDATarget &target, llvm::raw_ostream &os);

/// The threads per block of fmc's elementwise and reduction kernels: a
/// multiple of the warp size that leaves several blocks resident per SM.
unsigned elementwiseBlockSize(const CUDATarget &target);

/// The matmul tiles for `target`.
GPUMatmulTiles matmulTiles(const CUDATarget &target);

} // namespace fmc

#endif // FMC_COMPILER_TARGETS_CUDA_CUDATARGET_H
