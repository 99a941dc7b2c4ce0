//===- CudaDriver.cpp - The CUDA driver, loaded at run time ---------------===//

#include "runtime/src/cuda/CudaDriver.h"

#include "runtime/src/base/Status.h"

#include <atomic>
#include <cstdlib>
#include <dlfcn.h>
#include <map>
#include <mutex>
#include <unordered_map>
#include <vector>

namespace fmc::cuda {

namespace {

// The driver API types fmc uses, declared here so that no CUDA header is
// needed to build the runtime (values from cuda.h; the ABI is stable).
using CUresult = int;
using CUdevice = int;
using CUdeviceptr = unsigned long long;
using CUcontext = void *;
using CUmodule = void *;
using CUfunction = void *;
using CUstream = void *;
using CUevent = void *;
using CUgraph = void *;
using CUgraphExec = void *;
constexpr CUresult CUDA_SUCCESS = 0;
constexpr int kAttrComputeMajor =
    75; // CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR
constexpr int kAttrComputeMinor = 76;
constexpr unsigned kStreamNonBlocking = 1;
/// CU_FUNC_ATTRIBUTE_MAX_DYNAMIC_SHARED_SIZE_BYTES: a kernel may use more
/// than kStaticSharedLimit bytes of dynamic shared memory only once it is
/// raised.
constexpr int kAttrMaxDynamicShared = 8;
constexpr int32_t kStaticSharedLimit = 48 * 1024;

struct DriverApi {
  CUresult (*cuInit)(unsigned);
  CUresult (*cuDriverGetVersion)(int *);
  CUresult (*cuDeviceGetCount)(int *);
  CUresult (*cuDeviceGet)(CUdevice *, int);
  CUresult (*cuDeviceGetAttribute)(int *, int, CUdevice);
  CUresult (*cuDeviceGetName)(char *, int, CUdevice);
  CUresult (*cuDevicePrimaryCtxRetain)(CUcontext *, CUdevice);
  CUresult (*cuCtxSetCurrent)(CUcontext);
  CUresult (*cuGetErrorString)(CUresult, const char **);
  CUresult (*cuModuleLoadData)(CUmodule *, const void *);
  CUresult (*cuModuleUnload)(CUmodule);
  CUresult (*cuModuleGetFunction)(CUfunction *, CUmodule, const char *);
  CUresult (*cuFuncSetAttribute)(CUfunction, int, int);
  CUresult (*cuLaunchKernel)(CUfunction, unsigned, unsigned, unsigned, unsigned,
                             unsigned, unsigned, unsigned, CUstream, void **,
                             void **);
  CUresult (*cuStreamCreate)(CUstream *, unsigned);
  CUresult (*cuStreamDestroy)(CUstream);
  CUresult (*cuStreamSynchronize)(CUstream);
  CUresult (*cuMemAlloc)(CUdeviceptr *, size_t);
  CUresult (*cuMemFree)(CUdeviceptr);
  CUresult (*cuMemAllocAsync)(CUdeviceptr *, size_t, CUstream);
  CUresult (*cuMemFreeAsync)(CUdeviceptr, CUstream);
  CUresult (*cuMemAllocManaged)(CUdeviceptr *, size_t, unsigned);
  CUresult (*cuMemcpyAsync)(CUdeviceptr, CUdeviceptr, size_t, CUstream);
  CUresult (*cuMemcpyHtoDAsync)(CUdeviceptr, const void *, size_t, CUstream);
  CUresult (*cuMemcpyDtoHAsync)(void *, CUdeviceptr, size_t, CUstream);
  CUresult (*cuMemsetD32Async)(CUdeviceptr, unsigned, size_t, CUstream);
  CUresult (*cuMemsetD16Async)(CUdeviceptr, unsigned short, size_t, CUstream);
  /// Events time the compute part of a run; optional (a driver without
  /// them runs models, but reports no compute time).
  CUresult (*cuEventCreate)(CUevent *, unsigned);
  CUresult (*cuEventDestroy)(CUevent);
  CUresult (*cuEventRecord)(CUevent, CUstream);
  CUresult (*cuEventElapsedTime)(float *, CUevent, CUevent);
  /// Graph capture (fmc_session_set_cuda_graph); optional too.
  CUresult (*cuStreamBeginCapture)(CUstream, int);
  CUresult (*cuStreamEndCapture)(CUstream, CUgraph *);
  CUresult (*cuGraphInstantiateWithFlags)(CUgraphExec *, CUgraph,
                                          unsigned long long);
  CUresult (*cuGraphLaunch)(CUgraphExec, CUstream);
  CUresult (*cuGraphDestroy)(CUgraph);
  CUresult (*cuGraphExecDestroy)(CUgraphExec);
  /// TMA tensor maps (CUDA 12); optional: a kernel that copies by TMA
  /// fails to launch without it, with a clear error.
  CUresult (*cuTensorMapEncodeTiled)(void *, int, unsigned, void *,
                                     const uint64_t *, const uint64_t *,
                                     const uint32_t *, const uint32_t *, int,
                                     int, int, int);
};

struct Driver {
  DriverApi api{};
  CUcontext context = nullptr;
  std::string deviceName;
  int major = 0, minor = 0;
  /// Why the driver is unusable; empty once initialized.
  std::string failure;
  bool initialized = false;
};

std::mutex &driverMutex() {
  static std::mutex mutex;
  return mutex;
}

Driver &driver() {
  static Driver instance;
  return instance;
}

std::string describe(CUresult result) {
  const char *text = nullptr;
  if (driver().api.cuGetErrorString)
    driver().api.cuGetErrorString(result, &text);
  return "CUDA error " + std::to_string(result) +
         (text ? std::string(" (") + text + ")" : std::string());
}

fmc_status_t *check(CUresult result, const std::string &what) {
  if (result == CUDA_SUCCESS)
    return nullptr;
  return makeStatus(result == 2 ? FMC_STATUS_OUT_OF_MEMORY
                                : FMC_STATUS_DEVICE_ERROR,
                    what + ": " + describe(result));
}

template <typename T> bool resolve(void *library, const char *name, T &out) {
  out = reinterpret_cast<T>(::dlsym(library, name));
  return out != nullptr;
}

/// Loads libcuda and resolves every function; fills `failure` on error.
void loadDriver(Driver &d) {
  ::dlerror();
  void *library = ::dlopen("libcuda.so.1", RTLD_NOW | RTLD_LOCAL);
  if (!library) {
    const char *reason = ::dlerror();
    d.failure = std::string("the CUDA driver is not installed (") +
                (reason ? reason : "libcuda.so.1 not found") + ")";
    return;
  }
  DriverApi &a = d.api;
  // Versioned names (_v2) are the current ABI of the calls that have them.
  bool ok = resolve(library, "cuInit", a.cuInit) &&
            resolve(library, "cuDriverGetVersion", a.cuDriverGetVersion) &&
            resolve(library, "cuDeviceGetCount", a.cuDeviceGetCount) &&
            resolve(library, "cuDeviceGet", a.cuDeviceGet) &&
            resolve(library, "cuDeviceGetAttribute", a.cuDeviceGetAttribute) &&
            resolve(library, "cuDeviceGetName", a.cuDeviceGetName) &&
            resolve(library, "cuDevicePrimaryCtxRetain",
                    a.cuDevicePrimaryCtxRetain) &&
            resolve(library, "cuCtxSetCurrent", a.cuCtxSetCurrent) &&
            resolve(library, "cuGetErrorString", a.cuGetErrorString) &&
            resolve(library, "cuModuleLoadData", a.cuModuleLoadData) &&
            resolve(library, "cuModuleUnload", a.cuModuleUnload) &&
            resolve(library, "cuModuleGetFunction", a.cuModuleGetFunction) &&
            resolve(library, "cuFuncSetAttribute", a.cuFuncSetAttribute) &&
            resolve(library, "cuLaunchKernel", a.cuLaunchKernel) &&
            resolve(library, "cuStreamCreate", a.cuStreamCreate) &&
            resolve(library, "cuStreamDestroy_v2", a.cuStreamDestroy) &&
            resolve(library, "cuStreamSynchronize", a.cuStreamSynchronize) &&
            resolve(library, "cuMemAlloc_v2", a.cuMemAlloc) &&
            resolve(library, "cuMemFree_v2", a.cuMemFree) &&
            resolve(library, "cuMemAllocAsync", a.cuMemAllocAsync) &&
            resolve(library, "cuMemFreeAsync", a.cuMemFreeAsync) &&
            resolve(library, "cuMemAllocManaged", a.cuMemAllocManaged) &&
            resolve(library, "cuMemcpyAsync", a.cuMemcpyAsync) &&
            resolve(library, "cuMemcpyHtoDAsync_v2", a.cuMemcpyHtoDAsync) &&
            resolve(library, "cuMemcpyDtoHAsync_v2", a.cuMemcpyDtoHAsync) &&
            resolve(library, "cuMemsetD32Async", a.cuMemsetD32Async) &&
            resolve(library, "cuMemsetD16Async", a.cuMemsetD16Async);
  if (!(resolve(library, "cuEventCreate", a.cuEventCreate) &&
        resolve(library, "cuEventDestroy_v2", a.cuEventDestroy) &&
        resolve(library, "cuEventRecord", a.cuEventRecord) &&
        resolve(library, "cuEventElapsedTime", a.cuEventElapsedTime)))
    a.cuEventCreate = nullptr;
  if (!(resolve(library, "cuStreamBeginCapture_v2", a.cuStreamBeginCapture) &&
        resolve(library, "cuStreamEndCapture", a.cuStreamEndCapture) &&
        resolve(library, "cuGraphInstantiateWithFlags",
                a.cuGraphInstantiateWithFlags) &&
        resolve(library, "cuGraphLaunch", a.cuGraphLaunch) &&
        resolve(library, "cuGraphDestroy", a.cuGraphDestroy) &&
        resolve(library, "cuGraphExecDestroy", a.cuGraphExecDestroy)))
    a.cuStreamBeginCapture = nullptr;
  if (!resolve(library, "cuTensorMapEncodeTiled", a.cuTensorMapEncodeTiled))
    a.cuTensorMapEncodeTiled = nullptr;
  if (!ok) {
    d.failure = "the CUDA driver (libcuda.so.1) is older than CUDA 11.2: it "
                "lacks stream-ordered allocation";
    return;
  }
  CUresult result = a.cuInit(0);
  if (result != CUDA_SUCCESS) {
    d.failure =
        "the CUDA driver found no usable GPU (cuInit: " + describe(result) +
        ")";
    return;
  }
  int count = 0, ordinal = 0;
  a.cuDeviceGetCount(&count);
  if (const char *env = std::getenv("FMC_CUDA_DEVICE"))
    ordinal = std::atoi(env);
  if (ordinal < 0 || ordinal >= count) {
    d.failure = "GPU " + std::to_string(ordinal) + " does not exist (" +
                std::to_string(count) + " visible; FMC_CUDA_DEVICE selects)";
    return;
  }
  CUdevice device;
  if ((result = a.cuDeviceGet(&device, ordinal)) != CUDA_SUCCESS ||
      (result = a.cuDevicePrimaryCtxRetain(&d.context, device)) !=
          CUDA_SUCCESS) {
    d.failure =
        "cannot open GPU " + std::to_string(ordinal) + ": " + describe(result);
    return;
  }
  char name[256] = {};
  a.cuDeviceGetName(name, sizeof(name) - 1, device);
  d.deviceName = name;
  a.cuDeviceGetAttribute(&d.major, kAttrComputeMajor, device);
  a.cuDeviceGetAttribute(&d.minor, kAttrComputeMinor, device);
  d.initialized = true;
}

// Errors of the fmc_cuda_* calls, kept until the executable reads them.
std::mutex &errorMutex() {
  static std::mutex mutex;
  return mutex;
}
std::string &deferredError() {
  static std::string error;
  return error;
}
/// Whether deferredError() is set: read on every launch without the lock.
std::atomic<bool> &errorPending() {
  static std::atomic<bool> pending{false};
  return pending;
}
thread_local CUstream currentStream = nullptr;
/// Whether this thread is capturing its stream into a graph (a stream
/// cannot be synchronized then; the session waits after the graph runs).
thread_local bool capturing = false;

bool hasDeferredError() { return errorPending().load(); }

void defer(CUresult result, const char *what) {
  if (result == CUDA_SUCCESS)
    return;
  std::lock_guard<std::mutex> lock(errorMutex());
  if (deferredError().empty()) {
    deferredError() = std::string(what) + ": " + describe(result);
    errorPending().store(true);
  }
}

/// The dynamic shared memory limits raised so far, per function; forgotten
/// when a module is unloaded (a later module's function may reuse a
/// handle).
std::mutex &sharedLimitsMutex() {
  static std::mutex mutex;
  return mutex;
}
std::unordered_map<CUfunction, int32_t> &sharedLimits() {
  static std::unordered_map<CUfunction, int32_t> limits;
  return limits;
}

/// Raises `function`'s dynamic shared memory limit to `bytes` (once per
/// function and size: the kernels of a model keep their sizes); false, with
/// the error deferred, when the GPU has less shared memory per block.
bool raiseSharedLimit(CUfunction function, int32_t bytes) {
  std::lock_guard<std::mutex> lock(sharedLimitsMutex());
  int32_t &limit = sharedLimits()[function];
  if (limit >= bytes)
    return true;
  CUresult result =
      driver().api.cuFuncSetAttribute(function, kAttrMaxDynamicShared, bytes);
  if (result != CUDA_SUCCESS) {
    std::string what = "a kernel needs " + std::to_string(bytes) +
                       " bytes of shared memory per block, more than this "
                       "GPU allows (cuFuncSetAttribute)";
    defer(result, what.c_str());
    return false;
  }
  limit = bytes;
  return true;
}

/// A TMA tensor map (CUtensorMap: 128 opaque bytes, 64-byte aligned).
struct alignas(64) TensorMap {
  uint64_t bytes[16];
};

/// The tensor maps encoded so far, in device memory, by everything they
/// were encoded from (a run's kernels ask for the same maps every run);
/// freed when a module is unloaded.
std::mutex &tensorMapsMutex() {
  static std::mutex mutex;
  return mutex;
}
std::map<std::vector<uint64_t>, CUdeviceptr> &tensorMaps() {
  static std::map<std::vector<uint64_t>, CUdeviceptr> maps;
  return maps;
}

/// Copies `map` into new device memory, on a stream of its own: no work of
/// the session's stream (which may be capturing a graph) waits for it.
CUdeviceptr copyTensorMap(const TensorMap &map) {
  DriverApi &a = driver().api;
  CUdeviceptr device = 0;
  CUstream stream = nullptr;
  CUresult result = a.cuMemAlloc(&device, sizeof(TensorMap));
  if (result == CUDA_SUCCESS)
    result = a.cuStreamCreate(&stream, kStreamNonBlocking);
  if (result == CUDA_SUCCESS)
    result = a.cuMemcpyHtoDAsync(device, &map, sizeof(TensorMap), stream);
  if (result == CUDA_SUCCESS)
    result = a.cuStreamSynchronize(stream);
  if (stream)
    a.cuStreamDestroy(stream);
  if (result != CUDA_SUCCESS) {
    if (device)
      a.cuMemFree(device);
    defer(result, "copying a TMA tensor map to the GPU");
    return 0;
  }
  return device;
}

} // namespace

fmc_status_t *initialize(const std::string &chip) {
  std::lock_guard<std::mutex> lock(driverMutex());
  Driver &d = driver();
  if (!d.initialized && d.failure.empty())
    loadDriver(d);
  if (!d.initialized)
    return makeStatus(FMC_STATUS_DEVICE_ERROR,
                      "the model was compiled for the GPU target " + chip +
                          ", but " + d.failure);
  // sm_XY runs on compute capability X.Y and later minors of X (SASS) or
  // any later GPU (the PTX kept beside it); sm_90a runs on 9.0 only.
  int major = 0, minor = 0;
  bool archSpecific = !chip.empty() && chip.back() == 'a';
  if (chip.size() >= 5 && chip.compare(0, 3, "sm_") == 0) {
    major = chip[3] - '0';
    minor = chip[4] - '0';
  }
  bool older = d.major < major || (d.major == major && d.minor < minor);
  if (older || (archSpecific && (d.major != major || d.minor != minor)))
    return makeStatus(FMC_STATUS_UNSUPPORTED,
                      "the model was compiled for " + chip + ", but GPU '" +
                          d.deviceName + "' has compute capability " +
                          std::to_string(d.major) + "." +
                          std::to_string(d.minor));
  return check(d.api.cuCtxSetCurrent(d.context), "cuCtxSetCurrent");
}

fmc_status_t *makeCurrent() {
  Driver &d = driver();
  return check(d.api.cuCtxSetCurrent(d.context), "cuCtxSetCurrent");
}

fmc_status_t *createStream(Stream &out) {
  return check(driver().api.cuStreamCreate(&out, kStreamNonBlocking),
               "cuStreamCreate");
}

void destroyStream(Stream stream) {
  if (stream)
    driver().api.cuStreamDestroy(stream);
}

fmc_status_t *synchronize(Stream stream) {
  return check(driver().api.cuStreamSynchronize(stream),
               "running the model on the GPU");
}

fmc_status_t *allocate(uint64_t bytes, void *&out) {
  CUdeviceptr pointer = 0;
  FMC_RETURN_IF_ERROR(check(
      driver().api.cuMemAlloc(&pointer, bytes ? bytes : 1),
      "cannot allocate " + std::to_string(bytes) + " bytes of GPU memory"));
  out = reinterpret_cast<void *>(pointer);
  return nullptr;
}

void release(void *pointer) {
  if (pointer)
    driver().api.cuMemFree(reinterpret_cast<CUdeviceptr>(pointer));
}

fmc_status_t *copyToDevice(void *device, const void *host, uint64_t bytes,
                           Stream stream) {
  if (bytes == 0)
    return nullptr;
  return check(driver().api.cuMemcpyHtoDAsync(
                   reinterpret_cast<CUdeviceptr>(device), host, bytes, stream),
               "copying to the GPU");
}

fmc_status_t *copyToHost(void *host, const void *device, uint64_t bytes,
                         Stream stream) {
  if (bytes == 0)
    return nullptr;
  return check(driver().api.cuMemcpyDtoHAsync(
                   host, reinterpret_cast<CUdeviceptr>(device), bytes, stream),
               "copying from the GPU");
}

fmc_status_t *createEvent(Event &out) {
  out = nullptr;
  if (!driver().api.cuEventCreate)
    return nullptr;
  CUevent event = nullptr;
  FMC_RETURN_IF_ERROR(
      check(driver().api.cuEventCreate(&event, 0), "creating a GPU event"));
  out = event;
  return nullptr;
}

void destroyEvent(Event event) {
  if (event)
    driver().api.cuEventDestroy(static_cast<CUevent>(event));
}

fmc_status_t *recordEvent(Event event, Stream stream) {
  if (!event)
    return nullptr;
  return check(driver().api.cuEventRecord(static_cast<CUevent>(event),
                                          static_cast<CUstream>(stream)),
               "recording a GPU event");
}

double elapsedMs(Event start, Event end) {
  float ms = 0;
  if (!start || !end ||
      driver().api.cuEventElapsedTime(&ms, static_cast<CUevent>(start),
                                      static_cast<CUevent>(end)) !=
          CUDA_SUCCESS)
    return -1;
  return ms;
}

bool graphsAvailable() { return driver().api.cuStreamBeginCapture; }

fmc_status_t *beginCapture(Stream stream) {
  // Relaxed: the compiled code looks kernels up while it launches them.
  FMC_RETURN_IF_ERROR(check(
      driver().api.cuStreamBeginCapture(static_cast<CUstream>(stream),
                                        /*CU_STREAM_CAPTURE_MODE_RELAXED=*/2),
      "starting a CUDA graph capture"));
  capturing = true;
  return nullptr;
}

fmc_status_t *endCapture(Stream stream, Graph &out) {
  capturing = false;
  CUgraph graph = nullptr;
  FMC_RETURN_IF_ERROR(check(
      driver().api.cuStreamEndCapture(static_cast<CUstream>(stream), &graph),
      "capturing the run into a CUDA graph"));
  CUgraphExec exec = nullptr;
  fmc_status_t *status =
      check(driver().api.cuGraphInstantiateWithFlags(&exec, graph, 0),
            "instantiating the CUDA graph");
  driver().api.cuGraphDestroy(graph);
  FMC_RETURN_IF_ERROR(status);
  out = exec;
  return nullptr;
}

fmc_status_t *launchGraph(Graph graph, Stream stream) {
  return check(driver().api.cuGraphLaunch(static_cast<CUgraphExec>(graph),
                                          static_cast<CUstream>(stream)),
               "launching the CUDA graph");
}

void destroyGraph(Graph graph) {
  if (graph)
    driver().api.cuGraphExecDestroy(static_cast<CUgraphExec>(graph));
}

void setCurrentStream(Stream stream) { currentStream = stream; }

fmc_status_t *takeDeferredError() {
  std::lock_guard<std::mutex> lock(errorMutex());
  if (deferredError().empty())
    return nullptr;
  fmc_status_t *status = makeStatus(FMC_STATUS_DEVICE_ERROR, deferredError());
  deferredError().clear();
  errorPending().store(false);
  return status;
}

} // namespace fmc::cuda

//===----------------------------------------------------------------------===//
// The calls compiled GPU host code makes (docs/ARTIFACT.md). Their
// signatures are those of the MLIR gpu-to-llvm lowering's runtime calls.
//===----------------------------------------------------------------------===//

using namespace fmc::cuda;

#define FMC_CUDA_EXPORT extern "C" __attribute__((visibility("default")))

FMC_CUDA_EXPORT void *fmc_cuda_module_load(void *data, size_t /*size*/) {
  CUmodule module = nullptr;
  defer(driver().api.cuModuleLoadData(&module, data),
        "loading the model's GPU kernels (cuModuleLoadData)");
  return module;
}

FMC_CUDA_EXPORT void fmc_cuda_module_unload(void *module) {
  if (!module)
    return;
  {
    std::lock_guard<std::mutex> lock(sharedLimitsMutex());
    sharedLimits().clear();
  }
  {
    std::lock_guard<std::mutex> lock(tensorMapsMutex());
    for (auto &entry : tensorMaps())
      driver().api.cuMemFree(entry.second);
    tensorMaps().clear();
  }
  driver().api.cuModuleUnload(module);
}

FMC_CUDA_EXPORT void *fmc_cuda_module_get_function(void *module,
                                                   const char *name) {
  CUfunction function = nullptr;
  if (module)
    defer(driver().api.cuModuleGetFunction(&function, module, name),
          "cuModuleGetFunction");
  return function;
}

FMC_CUDA_EXPORT void
fmc_cuda_launch_kernel(void *function, intptr_t gridX, intptr_t gridY,
                       intptr_t gridZ, intptr_t blockX, intptr_t blockY,
                       intptr_t blockZ, int32_t sharedBytes, void *stream,
                       void **params, void **extra, size_t /*paramCount*/) {
  // After an error the outputs are garbage anyway; launching more kernels
  // on possibly freed memory would only bury the first error.
  if (!function || hasDeferredError())
    return;
  // A loop over an empty tensor has nothing to launch (CUDA rejects a
  // zero-sized grid).
  if (gridX <= 0 || gridY <= 0 || gridZ <= 0 || blockX <= 0 || blockY <= 0 ||
      blockZ <= 0)
    return;
  if (sharedBytes > kStaticSharedLimit &&
      !raiseSharedLimit(function, sharedBytes))
    return;
  defer(driver().api.cuLaunchKernel(function, gridX, gridY, gridZ, blockX,
                                    blockY, blockZ, sharedBytes, stream, params,
                                    extra),
        "cuLaunchKernel");
}

FMC_CUDA_EXPORT void *fmc_cuda_stream_create() {
  // All of a run's work goes to the session's stream, in program order.
  return currentStream;
}

FMC_CUDA_EXPORT void fmc_cuda_stream_destroy(void * /*stream*/) {}

FMC_CUDA_EXPORT void fmc_cuda_stream_synchronize(void *stream) {
  if (capturing)
    return;
  defer(driver().api.cuStreamSynchronize(stream), "running a GPU kernel");
}

FMC_CUDA_EXPORT void *fmc_cuda_mem_alloc(uint64_t bytes, void *stream,
                                         bool hostShared) {
  CUdeviceptr pointer = 0;
  if (hostShared)
    defer(driver().api.cuMemAllocManaged(&pointer, bytes ? bytes : 1,
                                         /*CU_MEM_ATTACH_GLOBAL=*/1),
          "cuMemAllocManaged");
  else
    defer(driver().api.cuMemAllocAsync(&pointer, bytes ? bytes : 1, stream),
          "allocating GPU memory (cuMemAllocAsync)");
  return reinterpret_cast<void *>(pointer);
}

FMC_CUDA_EXPORT void fmc_cuda_mem_free(void *pointer, void *stream) {
  if (pointer)
    defer(driver().api.cuMemFreeAsync(reinterpret_cast<CUdeviceptr>(pointer),
                                      stream),
          "cuMemFreeAsync");
}

FMC_CUDA_EXPORT void fmc_cuda_memcpy(void *dst, void *src, size_t bytes,
                                     void *stream) {
  defer(driver().api.cuMemcpyAsync(reinterpret_cast<CUdeviceptr>(dst),
                                   reinterpret_cast<CUdeviceptr>(src), bytes,
                                   stream),
        "cuMemcpyAsync");
}

FMC_CUDA_EXPORT void fmc_cuda_memset32(void *dst, unsigned value, size_t count,
                                       void *stream) {
  defer(driver().api.cuMemsetD32Async(reinterpret_cast<CUdeviceptr>(dst), value,
                                      count, stream),
        "cuMemsetD32Async");
}

/// The device address of a TMA tensor map over the memref `descriptor`
/// points to (rank `rank`: allocated and aligned pointers, offset, sizes,
/// strides, in elements; the last stride 1), with boxes of `box` elements
/// (outermost dim first, as the memref's), elements of CUtensorMapDataType
/// `dataType`, and the given interleave, swizzle, L2 promotion and
/// out-of-bounds fill (CUDA's enum values). This is the call MLIR's
/// nvgpu.tma.create.descriptor lowers to, except that the memref's offset
/// counts. Encoded once per set of arguments and kept in device memory
/// until the module is unloaded; 0, with the error deferred, on failure.
FMC_CUDA_EXPORT void *
fmc_cuda_tensor_map_encode(int64_t rank, void *descriptor, int64_t dataType,
                           int64_t interleave, int64_t swizzle,
                           int64_t l2Promotion, int64_t oobFill, int64_t *box) {
  // Bytes per element of each CUtensorMapDataType.
  static constexpr uint64_t kElementBytes[] = {1, 2, 4, 4, 8, 8, 2,
                                               4, 8, 2, 4, 4, 4};
  if (hasDeferredError())
    return nullptr;
  if (!driver().api.cuTensorMapEncodeTiled) {
    std::lock_guard<std::mutex> lock(errorMutex());
    if (deferredError().empty()) {
      deferredError() = "a kernel copies by TMA, but the CUDA driver has no "
                        "cuTensorMapEncodeTiled (CUDA 12 or later)";
      errorPending().store(true);
    }
    return nullptr;
  }
  if (rank < 1 || rank > 5 || dataType < 0 || dataType > 12) {
    defer(/*CUDA_ERROR_INVALID_VALUE=*/1, "encoding a TMA tensor map");
    return nullptr;
  }
  // The memref descriptor: two pointers, then offset, sizes and strides.
  auto *fields = static_cast<int64_t *>(descriptor);
  auto *aligned = reinterpret_cast<char *>(fields[1]);
  int64_t offset = fields[2];
  const int64_t *sizes = fields + 3, *strides = fields + 3 + rank;
  uint64_t elementBytes = kElementBytes[dataType];
  // CUDA's dims run from the innermost out; strides in bytes, but for the
  // innermost (contiguous) dim.
  uint64_t dims[5] = {1, 1, 1, 1, 1}, byteStrides[5] = {};
  uint32_t boxDims[5] = {1, 1, 1, 1, 1}, elementStrides[5] = {1, 1, 1, 1, 1};
  for (int64_t i = 0; i < rank; ++i) {
    dims[i] = uint64_t(sizes[rank - 1 - i]);
    boxDims[i] = uint32_t(box[rank - 1 - i]);
    if (i > 0)
      byteStrides[i - 1] = uint64_t(strides[rank - 1 - i]) * elementBytes;
  }
  void *address = aligned + offset * int64_t(elementBytes);
  std::vector<uint64_t> key = {uint64_t(reinterpret_cast<uintptr_t>(address)),
                               uint64_t(rank),
                               uint64_t(dataType),
                               uint64_t(interleave),
                               uint64_t(swizzle),
                               uint64_t(l2Promotion),
                               uint64_t(oobFill)};
  for (int64_t i = 0; i < rank; ++i)
    key.insert(key.end(), {dims[i], byteStrides[i], boxDims[i]});
  std::lock_guard<std::mutex> lock(tensorMapsMutex());
  auto it = tensorMaps().find(key);
  if (it != tensorMaps().end())
    return reinterpret_cast<void *>(it->second);
  TensorMap map{};
  CUresult result = driver().api.cuTensorMapEncodeTiled(
      &map, int(dataType), unsigned(rank), address, dims, byteStrides, boxDims,
      elementStrides, int(interleave), int(swizzle), int(l2Promotion),
      int(oobFill));
  if (result != CUDA_SUCCESS) {
    defer(result, "encoding a TMA tensor map (cuTensorMapEncodeTiled)");
    return nullptr;
  }
  CUdeviceptr device = copyTensorMap(map);
  if (!device)
    return nullptr;
  tensorMaps().emplace(std::move(key), device);
  return reinterpret_cast<void *>(device);
}

FMC_CUDA_EXPORT void fmc_cuda_memset16(void *dst, unsigned short value,
                                       size_t count, void *stream) {
  defer(driver().api.cuMemsetD16Async(reinterpret_cast<CUdeviceptr>(dst), value,
                                      count, stream),
        "cuMemsetD16Async");
}
