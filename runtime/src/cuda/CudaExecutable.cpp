//===- CudaExecutable.cpp - Loading and running GPU artifacts -------------===//

#include "runtime/src/cuda/CudaExecutable.h"

#include "runtime/src/base/Status.h"

#include <dlfcn.h>

namespace fmc::cuda {

namespace {

/// The host code resolves the fmc_cuda_* calls against this library. An
/// application that opened it with RTLD_LOCAL (Python's ctypes does) keeps
/// its symbols out of the global scope, so reopen it as RTLD_GLOBAL.
fmc_status_t *exportRuntimeSymbols() {
  Dl_info info;
  if (!::dladdr(reinterpret_cast<void *>(&exportRuntimeSymbols), &info) ||
      !info.dli_fname)
    return makeStatus(FMC_STATUS_INTERNAL,
                      "cannot find the fmc runtime library's own path");
  if (!::dlopen(info.dli_fname, RTLD_NOW | RTLD_NOLOAD | RTLD_GLOBAL))
    return makeStatus(FMC_STATUS_INTERNAL,
                      std::string("cannot make the fmc runtime's symbols "
                                  "global: ") +
                          info.dli_fname);
  return nullptr;
}

} // namespace

fmc_status_t *CudaExecutable::load(const uint8_t *code, uint64_t size,
                                   const std::string &entrySymbol,
                                   const std::string &chip,
                                   const std::vector<HostSpan> &weights,
                                   std::unique_ptr<CudaExecutable> &out) {
  FMC_RETURN_IF_ERROR(initialize(chip));
  FMC_RETURN_IF_ERROR(exportRuntimeSymbols());
  std::unique_ptr<CudaExecutable> result(new CudaExecutable());
  Stream stream = nullptr;
  FMC_RETURN_IF_ERROR(createStream(stream));
  fmc_status_t *status = nullptr;
  for (const HostSpan &weight : weights) {
    void *device = nullptr;
    if ((status = allocate(weight.nbytes, device)))
      break;
    result->weights.push_back(device);
    if ((status = copyToDevice(device, weight.data, weight.nbytes, stream)))
      break;
  }
  if (!status)
    status = synchronize(stream);
  destroyStream(stream);
  FMC_RETURN_IF_ERROR(status);
  // Loading runs the code's constructors, which load its kernels.
  (void)takeDeferredError();
  FMC_RETURN_IF_ERROR(
      cpu::CpuExecutable::load(code, size, entrySymbol, result->host));
  if (fmc_status_t *error = takeDeferredError()) {
    fmc_status_t *named = makeStatus(
        FMC_STATUS_DEVICE_ERROR, "cannot load the GPU kernels compiled for " +
                                     chip + ": " + error->message);
    fmc_status_free(error);
    return named;
  }
  out = std::move(result);
  return nullptr;
}

CudaExecutable::~CudaExecutable() {
  host.reset();
  for (void *weight : weights)
    release(weight);
}

fmc_status_t *CudaSession::create(const CudaExecutable &executable,
                                  const std::vector<uint64_t> &inputBytes,
                                  const std::vector<uint64_t> &outputBytes,
                                  uint64_t arenaBytes,
                                  std::unique_ptr<CudaSession> &out) {
  FMC_RETURN_IF_ERROR(makeCurrent());
  std::unique_ptr<CudaSession> session(new CudaSession(executable));
  FMC_RETURN_IF_ERROR(createStream(session->stream));
  FMC_RETURN_IF_ERROR(createEvent(session->computeStart));
  FMC_RETURN_IF_ERROR(createEvent(session->computeEnd));
  for (uint64_t bytes : inputBytes) {
    void *device = nullptr;
    FMC_RETURN_IF_ERROR(allocate(bytes, device));
    session->inputs.push_back(device);
  }
  for (uint64_t bytes : outputBytes) {
    void *device = nullptr;
    FMC_RETURN_IF_ERROR(allocate(bytes, device));
    session->outputs.push_back(device);
  }
  session->outputBytes = outputBytes;
  session->buffers = session->inputs;
  session->buffers.insert(session->buffers.end(),
                          executable.deviceWeights().begin(),
                          executable.deviceWeights().end());
  session->buffers.insert(session->buffers.end(), session->outputs.begin(),
                          session->outputs.end());
  if (arenaBytes != 0) {
    FMC_RETURN_IF_ERROR(allocate(arenaBytes, session->arena));
    session->buffers.push_back(session->arena);
  }
  out = std::move(session);
  return nullptr;
}

CudaSession::~CudaSession() {
  if (stream)
    (void)synchronize(stream);
  for (void *buffer : inputs)
    release(buffer);
  for (void *buffer : outputs)
    release(buffer);
  release(arena);
  destroyGraph(graph);
  destroyEvent(computeStart);
  destroyEvent(computeEnd);
  destroyStream(stream);
}

fmc_status_t *CudaSession::useGraph(bool enable) {
  if (enable && !graphsAvailable())
    return makeStatus(
        FMC_STATUS_UNSUPPORTED,
        "the CUDA driver has no graph API (cuStreamBeginCapture)");
  if (!enable) {
    destroyGraph(graph);
    graph = nullptr;
  }
  graphs = enable;
  return nullptr;
}

fmc_status_t *CudaSession::run(const std::vector<HostSpan> &hostInputs,
                               const std::vector<void *> &hostOutputs) {
  FMC_RETURN_IF_ERROR(makeCurrent());
  for (size_t i = 0; i < hostInputs.size(); ++i)
    FMC_RETURN_IF_ERROR(copyToDevice(inputs[i], hostInputs[i].data,
                                     hostInputs[i].nbytes, stream));
  (void)takeDeferredError();
  lastComputeMs = -1;
  FMC_RETURN_IF_ERROR(recordEvent(computeStart, stream));
  if (graphs && graph) {
    FMC_RETURN_IF_ERROR(launchGraph(graph, stream));
  } else {
    if (graphs)
      FMC_RETURN_IF_ERROR(beginCapture(stream));
    setCurrentStream(stream);
    executable.run(buffers.data());
    setCurrentStream(nullptr);
    if (graphs) {
      FMC_RETURN_IF_ERROR(endCapture(stream, graph));
      FMC_RETURN_IF_ERROR(launchGraph(graph, stream));
    }
  }
  FMC_RETURN_IF_ERROR(recordEvent(computeEnd, stream));
  for (size_t i = 0; i < hostOutputs.size(); ++i)
    FMC_RETURN_IF_ERROR(
        copyToHost(hostOutputs[i], outputs[i], outputBytes[i], stream));
  fmc_status_t *waited = synchronize(stream);
  if (fmc_status_t *deferred = takeDeferredError()) {
    fmc_status_free(waited);
    fmc_status_t *named =
        makeStatus(FMC_STATUS_DEVICE_ERROR,
                   std::string("the GPU run failed: ") + deferred->message);
    fmc_status_free(deferred);
    return named;
  }
  if (!waited)
    lastComputeMs = elapsedMs(computeStart, computeEnd);
  return waited;
}

} // namespace fmc::cuda
