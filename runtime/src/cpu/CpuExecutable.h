//===- CpuExecutable.h - Loading and calling CPU code -----------*- C++ -*-===//
//
// The CODE section of a CPU artifact is an ELF shared object. It is written to
// an anonymous memory file and loaded with dlopen, so nothing touches the
// file system.
//
//===----------------------------------------------------------------------===//

#ifndef FMC_RUNTIME_CPU_CPUEXECUTABLE_H
#define FMC_RUNTIME_CPU_CPUEXECUTABLE_H

#include "fmc/runtime.h"
#include "runtime/src/cpu/ThreadPool.h"

#include <cstdint>
#include <memory>
#include <string>

namespace fmc::cpu {

class CpuExecutable {
public:
  /// The entry ABI of docs/ARTIFACT.md.
  using EntryFunction = void (*)(void **buffers);
  /// The type of the code's exported `fmc_parallel_for` pointer.
  using ParallelForHook = void (*)(ParallelTask task, void *context,
                                   int64_t begin, int64_t end);

  /// Loads `size` bytes of ELF shared object and looks up `entrySymbol`.
  /// Errors do not name the artifact; the caller adds that.
  static fmc_status_t *load(const uint8_t *code, uint64_t size,
                            const std::string &entrySymbol,
                            std::unique_ptr<CpuExecutable> &out);
  ~CpuExecutable();
  CpuExecutable(const CpuExecutable &) = delete;
  CpuExecutable &operator=(const CpuExecutable &) = delete;

  void run(void **buffers) const { entry(buffers); }

private:
  CpuExecutable() = default;
  void *handle = nullptr;
  /// The memory file stays open while the object is loaded, so that its
  /// /proc/self/fd path cannot name another object in the meantime.
  int fd = -1;
  EntryFunction entry = nullptr;
};

} // namespace fmc::cpu

#endif // FMC_RUNTIME_CPU_CPUEXECUTABLE_H
