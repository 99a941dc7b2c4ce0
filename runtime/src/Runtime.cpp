//===- Runtime.cpp - The fmc runtime C API --------------------------------===//

#include "fmc/runtime.h"

#include "runtime/src/artifact/ArtifactReader.h"
#include "runtime/src/base/Dtype.h"
#include "runtime/src/base/Status.h"
#include "runtime/src/cpu/CpuExecutable.h"
#include "runtime/src/cuda/CudaExecutable.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <new>
#include <vector>

using fmc::makeStatus;
using fmc::artifact::TensorDesc;

namespace {

constexpr size_t kBufferAlignment = 64;

/// A 64-byte aligned heap buffer.
struct AlignedBuffer {
  struct Free {
    void operator()(void *p) const { std::free(p); }
  };
  std::unique_ptr<void, Free> data;
  size_t nbytes = 0;
};

/// Runs `fn`, turning an escaping exception (only std::bad_alloc is expected)
/// into a status: no exception crosses the C API.
template <typename Fn> fmc_status_t *guarded(Fn &&fn) noexcept {
  try {
    return fn();
  } catch (const std::bad_alloc &) {
    return fmc::outOfMemoryStatus();
  } catch (const std::exception &e) {
    return makeStatus(FMC_STATUS_INTERNAL, e.what());
  } catch (...) {
    return makeStatus(FMC_STATUS_INTERNAL, "unknown exception");
  }
}

fmc_status_t *invalidArgument(const char *function, const char *what) {
  return makeStatus(FMC_STATUS_INVALID_ARGUMENT,
                    std::string(function) + ": " + what);
}

fmc_status_code_t statusCodeFor(fmc::artifact::ReadError::Kind kind) {
  switch (kind) {
  case fmc::artifact::ReadError::NotFound:
    return FMC_STATUS_NOT_FOUND;
  case fmc::artifact::ReadError::Io:
    return FMC_STATUS_IO_ERROR;
  case fmc::artifact::ReadError::Unsupported:
    return FMC_STATUS_UNSUPPORTED;
  case fmc::artifact::ReadError::Invalid:
    break;
  }
  return FMC_STATUS_INVALID_ARTIFACT;
}

/// Dense byte size of a tensor the reader has already validated.
size_t byteSize(const TensorDesc &desc) {
  uint64_t bytes = 0;
  std::string unused;
  fmc::tensorByteSize(desc.dtype, desc.shape, bytes, unused);
  return size_t(bytes);
}

fmc_tensor_info_t tensorInfo(const TensorDesc &desc) {
  fmc_tensor_info_t info;
  info.name = desc.name.c_str();
  info.dtype = fmc_dtype_t(desc.dtype);
  info.rank = desc.shape.size();
  info.shape = desc.shape.data();
  info.nbytes = byteSize(desc);
  return info;
}

/// Finds `name` in `list`, or returns a NOT_FOUND status listing the names.
fmc_status_t *findTensor(const std::vector<TensorDesc> &list, const char *what,
                         const char *name, size_t &outIndex) {
  for (size_t i = 0; i < list.size(); ++i) {
    if (list[i].name == name) {
      outIndex = i;
      return nullptr;
    }
  }
  std::string message = std::string("unknown ") + what + " '" + name + "'; ";
  if (list.empty()) {
    message += std::string("the model has no ") + what + "s";
  } else {
    message += std::string("the model's ") + what + "s are: ";
    for (size_t i = 0; i < list.size(); ++i)
      message += (i ? ", '" : "'") + list[i].name + "'";
  }
  return makeStatus(FMC_STATUS_NOT_FOUND, message);
}

fmc_status_t *allocate(size_t nbytes, const std::string &what,
                       AlignedBuffer &out) {
  // aligned_alloc wants a multiple of the alignment; sizes come from validated
  // metadata (< 2^63 bytes), so rounding up cannot overflow.
  size_t rounded =
      std::max(kBufferAlignment, (nbytes + kBufferAlignment - 1) /
                                     kBufferAlignment * kBufferAlignment);
  void *p = std::aligned_alloc(kBufferAlignment, rounded);
  if (!p)
    return makeStatus(FMC_STATUS_OUT_OF_MEMORY, "cannot allocate " +
                                                    std::to_string(nbytes) +
                                                    " bytes for " + what);
  out.data.reset(p);
  out.nbytes = nbytes;
  return nullptr;
}

} // namespace

struct fmc_model {
  std::atomic<uint32_t> refs{1};
  std::unique_ptr<fmc::artifact::ArtifactFile> file;
  std::unique_ptr<fmc::cpu::CpuExecutable> executable;
  /// GPU artifacts (META names a device) run through this instead.
  std::unique_ptr<fmc::cuda::CudaExecutable> cudaExecutable;
  /// Pointers into the mapped WEIGHTS section, in META order.
  std::vector<void *> weightPointers;
  uint64_t weightBytes = 0;

  const fmc::artifact::Metadata &meta() const { return file->artifact().meta; }
};

struct fmc_session {
  std::atomic<uint32_t> refs{1};
  fmc_model_t *model = nullptr;
  std::vector<AlignedBuffer> inputs;
  std::vector<bool> inputSet;
  std::vector<AlignedBuffer> outputs;
  /// The intermediate buffers' arena (META arena size), allocated once.
  AlignedBuffer arena;
  /// The entry's argument: inputs, weights, outputs, then the arena.
  std::vector<void *> buffers;
  bool hasRun = false;
  /// fmc_session_compute_ms of the last run.
  double computeMs = -1;
  /// The device buffers and stream of a GPU artifact's session.
  std::unique_ptr<fmc::cuda::CudaSession> cuda;
  /// Null until the first run with more than one thread.
  std::unique_ptr<fmc::cpu::ThreadPool> pool;
  uint32_t threads = fmc::cpu::hardwareThreads();

  ~fmc_session() {
    cuda.reset(); // before the model (and its device weights) goes
    fmc_model_release(model);
  }
};

namespace {
fmc_status_t *tensorInfoAt(const fmc_model_t *model, bool input, size_t index,
                           fmc_tensor_info_t *out_info) {
  const char *function =
      input ? "fmc_model_input_info" : "fmc_model_output_info";
  if (!model || !out_info)
    return invalidArgument(function, "model and out_info are required");
  const std::vector<TensorDesc> &list =
      input ? model->meta().inputs : model->meta().outputs;
  if (index >= list.size())
    return makeStatus(FMC_STATUS_INVALID_ARGUMENT,
                      std::string(input ? "input" : "output") + " index " +
                          std::to_string(index) +
                          " is out of range (the model has " +
                          std::to_string(list.size()) + ")");
  *out_info = tensorInfo(list[index]);
  return nullptr;
}

} // namespace

extern "C" {

//===----------------------------------------------------------------------===//
// Dtypes and version
//===----------------------------------------------------------------------===//

size_t fmc_dtype_size(fmc_dtype_t dtype) { return fmc::dtypeSize(dtype); }

const char *fmc_dtype_name(fmc_dtype_t dtype) {
  const char *name = fmc::dtypeName(dtype);
  return name ? name : "unknown";
}

const char *fmc_runtime_version(void) { return "0.1.0"; }

uint32_t fmc_runtime_artifact_version(void) {
  return fmc::artifact::kFormatVersion;
}

//===----------------------------------------------------------------------===//
// Model
//===----------------------------------------------------------------------===//

fmc_status_t *fmc_model_open(const char *path, fmc_model_t **out_model) {
  if (!path || !out_model)
    return invalidArgument("fmc_model_open", "path and out_model are required");
  return guarded([&]() -> fmc_status_t * {
    auto model = std::make_unique<fmc_model_t>();
    fmc::artifact::ReadError error;
    model->file = fmc::artifact::ArtifactFile::open(path, error);
    if (!model->file)
      return makeStatus(statusCodeFor(error.kind), error.message);
    const fmc::artifact::Artifact &artifact = model->file->artifact();
    fmc_status_t *status = nullptr;
    if (!artifact.meta.device.empty()) {
      std::vector<fmc::cuda::HostSpan> weights;
      for (const fmc::artifact::WeightEntry &weight : artifact.meta.weights)
        weights.push_back({artifact.weights + weight.offset, weight.nbytes});
      status = fmc::cuda::CudaExecutable::load(
          artifact.code, artifact.codeSize, artifact.meta.entrySymbol,
          artifact.meta.device, weights, model->cudaExecutable);
    } else {
      status = fmc::cpu::CpuExecutable::load(artifact.code, artifact.codeSize,
                                             artifact.meta.entrySymbol,
                                             model->executable);
    }
    if (status) {
      fmc_status_t *named =
          makeStatus(status->code, std::string(path) + ": " + status->message);
      fmc_status_free(status);
      return named;
    }
    for (const fmc::artifact::WeightEntry &weight : artifact.meta.weights) {
      // The runtime never writes weights; the entry ABI takes void *.
      model->weightPointers.push_back(
          const_cast<uint8_t *>(artifact.weights + weight.offset));
      model->weightBytes += weight.nbytes;
    }
    *out_model = model.release();
    return nullptr;
  });
}

void fmc_model_retain(fmc_model_t *model) {
  if (model)
    model->refs.fetch_add(1, std::memory_order_relaxed);
}

void fmc_model_release(fmc_model_t *model) {
  if (model && model->refs.fetch_sub(1, std::memory_order_acq_rel) == 1)
    delete model;
}

void fmc_model_describe(const fmc_model_t *model,
                        fmc_model_description_t *out_description) {
  if (!model || !out_description)
    return;
  const fmc::artifact::Metadata &meta = model->meta();
  out_description->format_version = model->file->artifact().header.version;
  out_description->entry_symbol = meta.entrySymbol.c_str();
  out_description->target_triple = meta.targetTriple.c_str();
  out_description->target_cpu = meta.targetCpu.c_str();
  out_description->source_name = meta.sourceName.c_str();
  out_description->weight_count = meta.weights.size();
  out_description->weight_bytes = model->weightBytes;
  out_description->device = meta.device.c_str();
}

size_t fmc_model_input_count(const fmc_model_t *model) {
  return model ? model->meta().inputs.size() : 0;
}

size_t fmc_model_output_count(const fmc_model_t *model) {
  return model ? model->meta().outputs.size() : 0;
}

fmc_status_t *fmc_model_input_info(const fmc_model_t *model, size_t index,
                                   fmc_tensor_info_t *out_info) {
  return guarded([&] { return tensorInfoAt(model, true, index, out_info); });
}

fmc_status_t *fmc_model_output_info(const fmc_model_t *model, size_t index,
                                    fmc_tensor_info_t *out_info) {
  return guarded([&] { return tensorInfoAt(model, false, index, out_info); });
}

fmc_status_t *fmc_model_find_input(const fmc_model_t *model, const char *name,
                                   size_t *out_index) {
  if (!model || !name || !out_index)
    return invalidArgument("fmc_model_find_input",
                           "model, name and out_index are required");
  return guarded([&] {
    return findTensor(model->meta().inputs, "input", name, *out_index);
  });
}

fmc_status_t *fmc_model_find_output(const fmc_model_t *model, const char *name,
                                    size_t *out_index) {
  if (!model || !name || !out_index)
    return invalidArgument("fmc_model_find_output",
                           "model, name and out_index are required");
  return guarded([&] {
    return findTensor(model->meta().outputs, "output", name, *out_index);
  });
}

//===----------------------------------------------------------------------===//
// Session
//===----------------------------------------------------------------------===//

fmc_status_t *fmc_session_create(fmc_model_t *model,
                                 fmc_session_t **out_session) {
  if (!model || !out_session)
    return invalidArgument("fmc_session_create",
                           "model and out_session are required");
  return guarded([&]() -> fmc_status_t * {
    auto session = std::make_unique<fmc_session_t>();
    fmc_model_retain(model);
    session->model = model;
    const fmc::artifact::Metadata &meta = model->meta();
    session->inputs.resize(meta.inputs.size());
    session->inputSet.assign(meta.inputs.size(), false);
    session->outputs.resize(meta.outputs.size());
    for (size_t i = 0; i < meta.inputs.size(); ++i)
      FMC_RETURN_IF_ERROR(allocate(byteSize(meta.inputs[i]),
                                   "input '" + meta.inputs[i].name + "'",
                                   session->inputs[i]));
    for (size_t i = 0; i < meta.outputs.size(); ++i)
      FMC_RETURN_IF_ERROR(allocate(byteSize(meta.outputs[i]),
                                   "output '" + meta.outputs[i].name + "'",
                                   session->outputs[i]));
    if (model->cudaExecutable) {
      std::vector<uint64_t> inputBytes, outputBytes;
      for (const AlignedBuffer &buffer : session->inputs)
        inputBytes.push_back(buffer.nbytes);
      for (const AlignedBuffer &buffer : session->outputs)
        outputBytes.push_back(buffer.nbytes);
      FMC_RETURN_IF_ERROR(fmc::cuda::CudaSession::create(
          *model->cudaExecutable, inputBytes, outputBytes, meta.arenaBytes,
          session->cuda));
    } else if (meta.arenaBytes != 0) {
      FMC_RETURN_IF_ERROR(allocate(
          meta.arenaBytes, "the intermediate buffers' arena", session->arena));
    }
    for (const AlignedBuffer &buffer : session->inputs)
      session->buffers.push_back(buffer.data.get());
    session->buffers.insert(session->buffers.end(),
                            model->weightPointers.begin(),
                            model->weightPointers.end());
    for (const AlignedBuffer &buffer : session->outputs)
      session->buffers.push_back(buffer.data.get());
    if (session->arena.data)
      session->buffers.push_back(session->arena.data.get());
    *out_session = session.release();
    return nullptr;
  });
}

void fmc_session_retain(fmc_session_t *session) {
  if (session)
    session->refs.fetch_add(1, std::memory_order_relaxed);
}

void fmc_session_release(fmc_session_t *session) {
  if (session && session->refs.fetch_sub(1, std::memory_order_acq_rel) == 1)
    delete session;
}

fmc_status_t *fmc_session_set_input(fmc_session_t *session, const char *name,
                                    fmc_dtype_t dtype, const int64_t *shape,
                                    size_t rank, const void *data,
                                    size_t nbytes) {
  if (!session || !name)
    return invalidArgument("fmc_session_set_input",
                           "session and name are required");
  if (!shape && rank != 0)
    return invalidArgument("fmc_session_set_input",
                           "shape is NULL but rank is not 0");
  if (!data && nbytes != 0)
    return invalidArgument("fmc_session_set_input",
                           "data is NULL but nbytes is not 0");
  return guarded([&]() -> fmc_status_t * {
    const std::vector<TensorDesc> &inputs = session->model->meta().inputs;
    size_t index;
    FMC_RETURN_IF_ERROR(findTensor(inputs, "input", name, index));
    const TensorDesc &desc = inputs[index];
    std::string label = "input '" + desc.name + "': ";
    if (uint32_t(dtype) != desc.dtype)
      return makeStatus(FMC_STATUS_INVALID_ARGUMENT,
                        label + "expected dtype " +
                            fmc::dtypeToString(desc.dtype) + ", got " +
                            fmc::dtypeToString(dtype));
    if (rank != desc.shape.size() ||
        !std::equal(desc.shape.begin(), desc.shape.end(), shape))
      return makeStatus(FMC_STATUS_INVALID_ARGUMENT,
                        label + "expected shape " +
                            fmc::formatShape(desc.shape) + ", got " +
                            fmc::formatShape(shape, rank));
    AlignedBuffer &buffer = session->inputs[index];
    if (nbytes != buffer.nbytes)
      return makeStatus(FMC_STATUS_INVALID_ARGUMENT,
                        label + "expected " + std::to_string(buffer.nbytes) +
                            " bytes of " + fmc::dtypeToString(desc.dtype) +
                            " " + fmc::formatShape(desc.shape) + ", got " +
                            std::to_string(nbytes));
    if (nbytes != 0)
      std::memcpy(buffer.data.get(), data, nbytes);
    session->inputSet[index] = true;
    return nullptr;
  });
}

fmc_status_t *fmc_session_set_threads(fmc_session_t *session,
                                      uint32_t threads) {
  if (!session)
    return invalidArgument("fmc_session_set_threads", "session is required");
  return guarded([&]() -> fmc_status_t * {
    session->threads = threads ? threads : fmc::cpu::hardwareThreads();
    if (session->pool && session->pool->size() != session->threads)
      session->pool.reset();
    return nullptr;
  });
}

fmc_status_t *fmc_session_set_cuda_graph(fmc_session_t *session, int enable) {
  if (!session)
    return invalidArgument("fmc_session_set_cuda_graph", "session is required");
  return guarded([&]() -> fmc_status_t * {
    if (!session->cuda)
      return makeStatus(FMC_STATUS_UNSUPPORTED,
                        "CUDA graphs need a GPU artifact (this one runs on "
                        "the CPU)");
    return session->cuda->useGraph(enable != 0);
  });
}

uint32_t fmc_session_threads(const fmc_session_t *session) {
  return session ? session->threads : 0;
}

fmc_status_t *fmc_session_run(fmc_session_t *session) {
  if (!session)
    return invalidArgument("fmc_session_run", "session is required");
  return guarded([&]() -> fmc_status_t * {
    const std::vector<TensorDesc> &inputs = session->model->meta().inputs;
    for (size_t i = 0; i < inputs.size(); ++i)
      if (!session->inputSet[i])
        return makeStatus(FMC_STATUS_FAILED_PRECONDITION,
                          "input '" + inputs[i].name +
                              "' was not set (call fmc_session_set_input "
                              "before fmc_session_run)");
    if (session->cuda) {
      std::vector<fmc::cuda::HostSpan> hostInputs;
      for (const AlignedBuffer &buffer : session->inputs)
        hostInputs.push_back({buffer.data.get(), buffer.nbytes});
      std::vector<void *> hostOutputs;
      for (const AlignedBuffer &buffer : session->outputs)
        hostOutputs.push_back(buffer.data.get());
      FMC_RETURN_IF_ERROR(session->cuda->run(hostInputs, hostOutputs));
      session->computeMs = session->cuda->computeMs();
    } else {
      if (session->threads > 1 &&
          (!session->pool || session->pool->size() != session->threads))
        session->pool.reset(new fmc::cpu::ThreadPool(session->threads));
      fmc::cpu::ScopedPool scoped(session->threads > 1 ? session->pool.get()
                                                       : nullptr);
      auto start = std::chrono::steady_clock::now();
      session->model->executable->run(session->buffers.data());
      session->computeMs = std::chrono::duration<double, std::milli>(
                               std::chrono::steady_clock::now() - start)
                               .count();
    }
    // Compiled code leaves the spare bits of sub-byte outputs unspecified.
    const std::vector<TensorDesc> &outputs = session->model->meta().outputs;
    for (size_t i = 0; i < outputs.size(); ++i)
      fmc::normalizeSubByte(
          outputs[i].dtype,
          static_cast<uint8_t *>(session->outputs[i].data.get()),
          session->outputs[i].nbytes);
    session->hasRun = true;
    return nullptr;
  });
}

fmc_status_t *fmc_session_compute_ms(const fmc_session_t *session,
                                     double *out_ms) {
  if (!session || !out_ms)
    return invalidArgument("fmc_session_compute_ms",
                           "session and out_ms are required");
  if (!session->hasRun)
    return makeStatus(FMC_STATUS_FAILED_PRECONDITION,
                      "no compute time yet: fmc_session_run has not "
                      "succeeded on this session");
  if (session->computeMs < 0)
    return makeStatus(FMC_STATUS_UNSUPPORTED,
                      "the CUDA driver cannot time the run (no event API)");
  *out_ms = session->computeMs;
  return nullptr;
}

fmc_status_t *fmc_session_get_output(const fmc_session_t *session, size_t index,
                                     const void **out_data,
                                     size_t *out_nbytes) {
  if (!session || !out_data || !out_nbytes)
    return invalidArgument("fmc_session_get_output",
                           "session, out_data and out_nbytes are required");
  return guarded([&]() -> fmc_status_t * {
    if (index >= session->outputs.size())
      return makeStatus(FMC_STATUS_INVALID_ARGUMENT,
                        "output index " + std::to_string(index) +
                            " is out of range (the model has " +
                            std::to_string(session->outputs.size()) + ")");
    if (!session->hasRun)
      return makeStatus(FMC_STATUS_FAILED_PRECONDITION,
                        "no outputs yet: fmc_session_run has not succeeded "
                        "on this session");
    *out_data = session->outputs[index].data.get();
    *out_nbytes = session->outputs[index].nbytes;
    return nullptr;
  });
}

} // extern "C"
