//===- CudaExecutable.h - Loading and running GPU artifacts -----*- C++ -*-===//
//
// A GPU artifact's CODE section is host code (an ELF shared object, loaded
// like CPU code) that allocates device buffers and launches the kernels it
// embeds. Its entry takes device pointers: the executable uploads the
// weights once, and each session owns device buffers for the inputs and
// outputs, copied on the session's stream around each run.
//
//===----------------------------------------------------------------------===//

#ifndef FMC_RUNTIME_CUDA_CUDAEXECUTABLE_H
#define FMC_RUNTIME_CUDA_CUDAEXECUTABLE_H

#include "runtime/src/cpu/CpuExecutable.h"
#include "runtime/src/cuda/CudaDriver.h"

#include <memory>
#include <string>
#include <vector>

namespace fmc::cuda {

/// Host bytes to place on the device.
struct HostSpan {
  const void *data;
  uint64_t nbytes;
};

class CudaExecutable {
public:
  /// Initializes the driver for `chip`, uploads `weights` and loads the host
  /// code (which loads its kernels).
  static fmc_status_t *load(const uint8_t *code, uint64_t size,
                            const std::string &entrySymbol,
                            const std::string &chip,
                            const std::vector<HostSpan> &weights,
                            std::unique_ptr<CudaExecutable> &out);
  ~CudaExecutable();
  CudaExecutable(const CudaExecutable &) = delete;
  CudaExecutable &operator=(const CudaExecutable &) = delete;

  const std::vector<void *> &deviceWeights() const { return weights; }
  void run(void **buffers) const { host->run(buffers); }

private:
  CudaExecutable() = default;
  std::unique_ptr<cpu::CpuExecutable> host;
  std::vector<void *> weights;
};

/// A session's device buffers and stream.
class CudaSession {
public:
  static fmc_status_t *create(const CudaExecutable &executable,
                              const std::vector<uint64_t> &inputBytes,
                              const std::vector<uint64_t> &outputBytes,
                              uint64_t arenaBytes,
                              std::unique_ptr<CudaSession> &out);
  ~CudaSession();
  CudaSession(const CudaSession &) = delete;
  CudaSession &operator=(const CudaSession &) = delete;

  /// Copies the inputs in, runs the model, copies the outputs back and waits.
  fmc_status_t *run(const std::vector<HostSpan> &inputs,
                    const std::vector<void *> &outputs);

  /// Runs the compiled code through a CUDA graph: the first run captures
  /// its kernels (and the copies and allocations between them), later runs
  /// launch the graph. The device buffers are the session's, so the graph
  /// stays valid.
  fmc_status_t *useGraph(bool enable);

  /// GPU milliseconds of the last run's kernels (from after the input
  /// copies to before the output copies); -1 if the driver cannot time.
  double computeMs() const { return lastComputeMs; }

private:
  CudaSession(const CudaExecutable &executable) : executable(executable) {}
  const CudaExecutable &executable;
  Stream stream = nullptr;
  Event computeStart = nullptr, computeEnd = nullptr;
  double lastComputeMs = -1;
  bool graphs = false;
  Graph graph = nullptr;
  std::vector<void *> inputs, outputs;
  void *arena = nullptr;
  std::vector<uint64_t> outputBytes;
  /// The entry's argument: inputs, weights, outputs, arena (device
  /// pointers).
  std::vector<void *> buffers;
};

} // namespace fmc::cuda

#endif // FMC_RUNTIME_CUDA_CUDAEXECUTABLE_H
