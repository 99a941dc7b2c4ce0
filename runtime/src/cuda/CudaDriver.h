//===- CudaDriver.h - The CUDA driver, loaded at run time -------*- C++ -*-===//
//
// fmc's runtime needs no CUDA to build or to load: the driver library
// (libcuda.so.1) is opened with dlopen the first time a GPU artifact is
// opened, and a machine without it gets a status that says so.
//
// The host code of a GPU artifact calls the fmc_cuda_* functions (see
// docs/ARTIFACT.md); they run on the calling thread's current stream, which
// the executable sets around each call of the entry point, and record the
// first CUDA error instead of returning it (the compiled code has nowhere to
// send it). The executable reads and clears that error after each run.
//
//===----------------------------------------------------------------------===//

#ifndef FMC_RUNTIME_CUDA_CUDADRIVER_H
#define FMC_RUNTIME_CUDA_CUDADRIVER_H

#include "fmc/runtime.h"

#include <cstdint>
#include <string>

namespace fmc::cuda {

/// Opaque driver handles (CUstream, CUdeviceptr as a pointer).
using Stream = void *;

/// Opens and initializes the driver once per process, selects device
/// $FMC_CUDA_DEVICE (default 0), makes its primary context current on the
/// calling thread, and checks that its compute capability can run code
/// compiled for `chip` (sm_80 ...).
fmc_status_t *initialize(const std::string &chip);

/// Makes the device's context current on the calling thread (after
/// initialize succeeded once).
fmc_status_t *makeCurrent();

fmc_status_t *createStream(Stream &out);
void destroyStream(Stream stream);
fmc_status_t *synchronize(Stream stream);

fmc_status_t *allocate(uint64_t bytes, void *&out);
void release(void *pointer);
fmc_status_t *copyToDevice(void *device, const void *host, uint64_t bytes,
                           Stream stream);
fmc_status_t *copyToHost(void *host, const void *device, uint64_t bytes,
                         Stream stream);

/// Timing events (CUevent); null where the driver has no event API.
using Event = void *;
fmc_status_t *createEvent(Event &out);
void destroyEvent(Event event);
fmc_status_t *recordEvent(Event event, Stream stream);
/// Milliseconds between two recorded, completed events; -1 if unknown.
double elapsedMs(Event start, Event end);

/// CUDA graphs (CUgraphExec); available where the driver has them.
using Graph = void *;
bool graphsAvailable();
/// Captures what this thread queues on `stream` until endCapture, which
/// instantiates it.
fmc_status_t *beginCapture(Stream stream);
fmc_status_t *endCapture(Stream stream, Graph &out);
fmc_status_t *launchGraph(Graph graph, Stream stream);
void destroyGraph(Graph graph);

/// The stream the fmc_cuda_* calls of this thread use.
void setCurrentStream(Stream stream);

/// Returns and clears the first error the fmc_cuda_* calls recorded.
fmc_status_t *takeDeferredError();

} // namespace fmc::cuda

#endif // FMC_RUNTIME_CUDA_CUDADRIVER_H
