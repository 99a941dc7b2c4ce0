/* A stand-in for libcuda.so.1 that runs no kernels: host memory for device
 * memory, launches counted and checked. It lets the CUDA runtime path
 * (driver loading, weight upload, the fmc_cuda_* calls of the compiled host
 * code, copies, error reporting) run on a machine without a GPU. At exit it
 * prints what it saw to stderr. FAKE_CUDA_FAIL_LAUNCH=N makes the N-th
 * launch fail with CUDA_ERROR_LAUNCH_FAILED (719). As the driver does, a
 * launch with more than 48 KB of dynamic shared memory fails unless the
 * function's limit was raised first (cuFuncSetAttribute), which succeeds
 * up to FAKE_CUDA_MAX_SHARED bytes (default 227 KB, an H100's). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef int CUresult;
static int inits, moduleLoads, fatbins, launches, badLaunches, allocs, frees;
static int functions, syncs, streams;
/* Graphs: launches recorded while capturing, graphs made and launched, and
 * calls a capturing stream rejects (a synchronize). */
static int capturing, captured, graphs, graphLaunches, badCaptureCalls;
static unsigned long long toDevice, toHost;
static int failAt = -1;
/* Dynamic shared memory: launches above 48 KB, limits raised, and the
 * most a function may be raised to. */
static int largeSharedLaunches, sharedRaises;
static int maxShared = 227 * 1024;
/* A function handle: its dynamic shared memory limit. */
typedef struct {
  int sharedLimit;
} Function;

__attribute__((destructor)) static void report(void) {
  fprintf(stderr,
          "fake-cuda: init %d, module loads %d (fatbin %d), functions %d, "
          "launches %d (bad %d), allocs %d, frees %d, streams %d, syncs %d, "
          "to device %llu bytes, to host %llu bytes\n",
          inits, moduleLoads, fatbins, functions, launches, badLaunches, allocs,
          frees, streams, syncs, toDevice, toHost);
  if (largeSharedLaunches || sharedRaises)
    fprintf(stderr,
            "fake-cuda shared memory: %d launches above 48 KB, %d limits "
            "raised\n",
            largeSharedLaunches, sharedRaises);
  if (graphs)
    fprintf(stderr,
            "fake-cuda graphs: %d made, %d launches captured, %d graph "
            "launches, %d calls a capture rejects\n",
            graphs, captured, graphLaunches, badCaptureCalls);
}

CUresult cuInit(unsigned flags) {
  (void)flags;
  const char *fail = getenv("FAKE_CUDA_FAIL_LAUNCH");
  failAt = fail ? atoi(fail) : -1;
  const char *shared = getenv("FAKE_CUDA_MAX_SHARED");
  if (shared)
    maxShared = atoi(shared);
  ++inits;
  return 0;
}
CUresult cuDriverGetVersion(int *v) {
  *v = 13000;
  return 0;
}
CUresult cuDeviceGetCount(int *n) {
  *n = 1;
  return 0;
}
CUresult cuDeviceGet(int *d, int ordinal) {
  *d = ordinal;
  return 0;
}
CUresult cuDeviceGetAttribute(int *value, int attribute, int device) {
  (void)device;
  *value = attribute == 75 ? 9 : 0; /* compute capability 9.0 */
  return 0;
}
CUresult cuDeviceGetName(char *name, int length, int device) {
  (void)device;
  snprintf(name, (size_t)length, "fake GPU");
  return 0;
}
CUresult cuDevicePrimaryCtxRetain(void **ctx, int device) {
  (void)device;
  *ctx = (void *)0x1;
  return 0;
}
CUresult cuCtxSetCurrent(void *ctx) {
  (void)ctx;
  return 0;
}
CUresult cuGetErrorString(CUresult error, const char **text) {
  *text = error == 719 ? "unspecified launch failure"
          : error == 1 ? "invalid argument"
                       : "fake error";
  return 0;
}
CUresult cuModuleLoadData(void **module, const void *image) {
  ++moduleLoads;
  /* A fatbin starts with 0xBA55ED50 (little-endian). */
  uint32_t magic;
  memcpy(&magic, image, sizeof(magic));
  if (magic == 0xBA55ED50u)
    ++fatbins;
  *module = (void *)0x2;
  return 0;
}
CUresult cuModuleUnload(void *module) {
  (void)module;
  return 0;
}
CUresult cuModuleGetFunction(void **function, void *module, const char *name) {
  if (!module || !name || !*name)
    return 500; /* CUDA_ERROR_NOT_FOUND */
  ++functions;
  /* One handle per (module, name), as the driver gives. */
  static struct {
    void *module;
    char name[256];
    Function function;
  } table[256];
  static int entries;
  for (int i = 0; i < entries; ++i)
    if (table[i].module == module && !strcmp(table[i].name, name)) {
      *function = &table[i].function;
      return 0;
    }
  if (entries == 256 || strlen(name) >= sizeof(table[0].name))
    return 2; /* CUDA_ERROR_OUT_OF_MEMORY */
  table[entries].module = module;
  strcpy(table[entries].name, name);
  table[entries].function.sharedLimit = 48 * 1024;
  *function = &table[entries++].function;
  return 0;
}
CUresult cuFuncSetAttribute(void *function, int attribute, int value) {
  /* CU_FUNC_ATTRIBUTE_MAX_DYNAMIC_SHARED_SIZE_BYTES */
  if (attribute != 8)
    return 0;
  if (!function || value > maxShared)
    return 1; /* CUDA_ERROR_INVALID_VALUE */
  ++sharedRaises;
  ((Function *)function)->sharedLimit = value;
  return 0;
}
CUresult cuLaunchKernel(void *f, unsigned gx, unsigned gy, unsigned gz,
                        unsigned bx, unsigned by, unsigned bz, unsigned smem,
                        void *stream, void **params, void **extra) {
  (void)stream;
  (void)extra;
  if (smem > 48 * 1024)
    ++largeSharedLaunches;
  /* The driver rejects more dynamic shared memory than the function's
   * limit. */
  if (f && (int)smem > ((Function *)f)->sharedLimit) {
    ++badLaunches;
    return 1;
  }
  if (capturing) {
    ++captured;
    return 0;
  }
  ++launches;
  if (!f || !params || !gx || !gy || !gz || !bx || !by || !bz ||
      bx * by * bz > 1024)
    ++badLaunches;
  return launches == failAt ? 719 : 0;
}
CUresult cuStreamCreate(void **stream, unsigned flags) {
  (void)flags;
  ++streams;
  *stream = (void *)0x4;
  return 0;
}
CUresult cuStreamDestroy_v2(void *stream) {
  (void)stream;
  return 0;
}
CUresult cuStreamSynchronize(void *stream) {
  (void)stream;
  if (capturing) {
    ++badCaptureCalls;
    return 900; /* CUDA_ERROR_STREAM_CAPTURE_UNSUPPORTED */
  }
  ++syncs;
  return 0;
}
CUresult cuMemAlloc_v2(unsigned long long *p, size_t n) {
  ++allocs;
  *p = (unsigned long long)(uintptr_t)calloc(1, n);
  return *p ? 0 : 2;
}
CUresult cuMemFree_v2(unsigned long long p) {
  ++frees;
  free((void *)(uintptr_t)p);
  return 0;
}
CUresult cuMemAllocAsync(unsigned long long *p, size_t n, void *s) {
  (void)s;
  return cuMemAlloc_v2(p, n);
}
CUresult cuMemFreeAsync(unsigned long long p, void *s) {
  (void)s;
  return cuMemFree_v2(p);
}
CUresult cuMemAllocManaged(unsigned long long *p, size_t n, unsigned f) {
  (void)f;
  return cuMemAlloc_v2(p, n);
}
CUresult cuMemcpyAsync(unsigned long long d, unsigned long long s, size_t n,
                       void *stream) {
  (void)stream;
  memmove((void *)(uintptr_t)d, (void *)(uintptr_t)s, n);
  return 0;
}
CUresult cuMemcpyHtoDAsync_v2(unsigned long long d, const void *s, size_t n,
                              void *stream) {
  (void)stream;
  memcpy((void *)(uintptr_t)d, s, n);
  toDevice += n;
  return 0;
}
CUresult cuMemcpyDtoHAsync_v2(void *d, unsigned long long s, size_t n,
                              void *stream) {
  (void)stream;
  memcpy(d, (void *)(uintptr_t)s, n);
  toHost += n;
  return 0;
}
CUresult cuMemsetD32Async(unsigned long long d, unsigned v, size_t n, void *s) {
  (void)s;
  for (size_t i = 0; i < n; ++i)
    ((unsigned *)(uintptr_t)d)[i] = v;
  return 0;
}
CUresult cuMemsetD16Async(unsigned long long d, unsigned short v, size_t n,
                          void *s) {
  (void)s;
  for (size_t i = 0; i < n; ++i)
    ((unsigned short *)(uintptr_t)d)[i] = v;
  return 0;
}
/* Events remember the launch count when recorded; the time between two is
 * one millisecond per launch between them, so a caller's timing window can
 * be checked against the kernels it should enclose. */
CUresult cuEventCreate(void **event, unsigned flags) {
  (void)flags;
  *event = calloc(1, sizeof(int));
  return *event ? 0 : 2;
}
CUresult cuEventDestroy_v2(void *event) {
  free(event);
  return 0;
}
CUresult cuEventRecord(void *event, void *stream) {
  (void)stream;
  *(int *)event = launches;
  return 0;
}
CUresult cuEventElapsedTime(float *ms, void *start, void *end) {
  *ms = (float)(*(int *)end - *(int *)start);
  return 0;
}
/* Graphs hold the number of launches captured; launching one counts them
 * as launches. */
CUresult cuStreamBeginCapture_v2(void *stream, int mode) {
  (void)stream;
  (void)mode;
  capturing = 1;
  captured = 0;
  return 0;
}
CUresult cuStreamEndCapture(void *stream, void **graph) {
  (void)stream;
  capturing = 0;
  int *count = malloc(sizeof(int));
  *count = captured;
  *graph = count;
  return 0;
}
CUresult cuGraphInstantiateWithFlags(void **exec, void *graph,
                                     unsigned long long flags) {
  (void)flags;
  int *count = malloc(sizeof(int));
  *count = *(int *)graph;
  *exec = count;
  ++graphs;
  return 0;
}
CUresult cuGraphDestroy(void *graph) {
  free(graph);
  return 0;
}
CUresult cuGraphExecDestroy(void *exec) {
  free(exec);
  return 0;
}
CUresult cuGraphLaunch(void *exec, void *stream) {
  (void)stream;
  ++graphLaunches;
  launches += *(int *)exec;
  return 0;
}
