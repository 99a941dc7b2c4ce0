//===- CPUTarget.h - CPU targets: resolution, codegen, linking --*- C++ -*-===//

#ifndef FMC_COMPILER_TARGETS_CPU_CPUTARGET_H
#define FMC_COMPILER_TARGETS_CPU_CPUTARGET_H

#include "llvm/ADT/SmallVector.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Target/TargetMachine.h"

#include <memory>
#include <string>
#include <vector>

namespace llvm {
class Module;
} // namespace llvm

namespace fmc {

/// A CPU to compile for: what `--target` named, resolved.
struct CPUTarget {
  std::string name;     ///< As given: host, x86-64-v3, znver2, aarch64, ...
  std::string triple;   ///< e.g. x86_64-unknown-linux-gnu
  std::string cpu;      ///< LLVM CPU name, e.g. znver2, neoverse-n1
  std::string features; ///< LLVM feature string, e.g. +avx2,+fma
  /// Data cache sizes in bytes per core (L3: shared), which tiling reads:
  /// detected for `host`, typical values of the CPU family otherwise.
  uint64_t l1dBytes = 32 * 1024;
  uint64_t l2Bytes = 512 * 1024;
  uint64_t l3Bytes = 8 * 1024 * 1024;
  /// SIMD: vector register width in bits and architectural register count
  /// (AVX2 256 x 16, AVX-512 512 x 32, NEON 128 x 32, SSE 128 x 16).
  unsigned vectorBits = 128;
  unsigned vectorRegisters = 16;
  /// Fused multiply-add (x86 FMA3; always on AArch64).
  bool hasFMA = false;
  /// Cores to use: detected for `host`, 0 (decide at run time) otherwise.
  unsigned cores = 0;
};

/// The register and cache tiles of the f32 matmul microkernel, derived from
/// a target's vector registers and caches (see fmc-tile-matmul).
struct MatmulTiles {
  int64_t mr;    ///< rows of the register tile
  int64_t nr;    ///< columns of the register tile (three vectors with 32
                 ///< registers, else two)
  int64_t lanes; ///< f32 lanes per vector
  int64_t kc;    ///< reduction block: L2 bytes / 1024 (at most 1024)
  int64_t mc;    ///< row block: an mc x kc lhs block fills ~half of L2
  int64_t outBlockBytes; ///< a block of out that stays in L2 across kc blocks
};
MatmulTiles matmulTiles(const CPUTarget &target);

/// Resolves a `--target` value: `host` (this machine, features detected), an
/// LLVM CPU name of x86-64 or AArch64 (x86-64-v3, znver2, neoverse-n1,
/// cortex-a76, ...), or a triple (aarch64-linux-gnu, x86_64-linux-gnu).
/// `cpu` overrides the CPU. Returns false with a message in `error`.
bool resolveCPUTarget(llvm::StringRef name, llvm::StringRef cpu,
                      CPUTarget &target, std::string &error);

std::unique_ptr<llvm::TargetMachine>
createTargetMachine(const CPUTarget &target, std::string &error);

/// Runs LLVM's O3 pipeline for the target machine (when `quick`, for test
/// builds whose compile time matters more than their speed, scalar
/// cleanups only: SROA, early CSE, instcombine, simplifycfg).
void optimizeModule(llvm::Module &module, llvm::TargetMachine &machine,
                    bool quick = false);

/// Emits an ELF object for `module`.
bool emitObject(llvm::Module &module, llvm::TargetMachine &machine,
                llvm::SmallVectorImpl<char> &object, std::string &error);

/// Links an object for `triple` into a shared object with ld.lld, with
/// compiler-rt's builtins for its architecture when they are installed:
/// the functions LLVM calls for what the CPU has no instruction for (such
/// as `__truncsfbf2`, f32 -> bf16 without AVX512-BF16). Only the ones the
/// object calls are linked in.
bool linkSharedObject(llvm::ArrayRef<char> object, llvm::StringRef triple,
                      std::vector<char> &library, std::string &error);

} // namespace fmc

#endif // FMC_COMPILER_TARGETS_CPU_CPUTARGET_H
