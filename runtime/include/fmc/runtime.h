/*===- fmc/runtime.h - The fmc runtime C API ------------------------------===*\
|*                                                                            *|
|* Loads a compiled model (an `.fmc` artifact, see docs/ARTIFACT.md) and runs *|
|* it.                                                                        *|
|*                                                                            *|
|* Conventions:                                                               *|
|*  - Functions that can fail return an `fmc_status_t *`; NULL means success. *|
|*    A non-NULL status is owned by the caller and freed with                 *|
|*    fmc_status_free.                                                        *|
|*  - Results are returned through `out_` parameters, which are written only  *|
|*    on success.                                                             *|
|*  - Handles are reference counted: `_retain` adds a reference, `_release`   *|
|*    drops one and frees the object with the last one. Releasing NULL is a   *|
|*    no-op.                                                                  *|
|*  - A model is immutable once opened and may be shared between threads.     *|
|*    A session must be used by one thread at a time.                         *|
|*                                                                            *|
\*===----------------------------------------------------------------------===*/

#ifndef FMC_RUNTIME_H
#define FMC_RUNTIME_H

#include <stddef.h>
#include <stdint.h>

#if defined(__GNUC__) || defined(__clang__)
#define FMC_API __attribute__((visibility("default")))
#else
#define FMC_API
#endif

#ifdef __cplusplus
extern "C" {
#endif

/*===----------------------------------------------------------------------===*
 * Status
 *===----------------------------------------------------------------------===*/

typedef enum fmc_status_code_e {
  FMC_STATUS_OK = 0,
  FMC_STATUS_INVALID_ARGUMENT = 1,
  FMC_STATUS_NOT_FOUND = 2,
  FMC_STATUS_IO_ERROR = 3,
  FMC_STATUS_INVALID_ARTIFACT = 4,
  FMC_STATUS_UNSUPPORTED = 5,
  FMC_STATUS_OUT_OF_MEMORY = 6,
  FMC_STATUS_FAILED_PRECONDITION = 7,
  FMC_STATUS_INTERNAL = 8,
  /* The GPU or its driver is missing or reported an error. */
  FMC_STATUS_DEVICE_ERROR = 9,
  /* Not a code: makes every 32-bit value valid for the type. */
  FMC_STATUS_CODE_MAX_ENUM = 0x7FFFFFFF,
} fmc_status_code_t;

typedef struct fmc_status fmc_status_t;

/* The status code; FMC_STATUS_OK for NULL. */
FMC_API fmc_status_code_t fmc_status_code(const fmc_status_t *status);
/* The message, valid until the status is freed; "" for NULL. */
FMC_API const char *fmc_status_message(const fmc_status_t *status);
/* Frees a status; NULL is a no-op. */
FMC_API void fmc_status_free(fmc_status_t *status);
/* "OK", "INVALID_ARGUMENT", ...; "UNKNOWN" for values outside the enum. */
FMC_API const char *fmc_status_code_name(fmc_status_code_t code);

/*===----------------------------------------------------------------------===*
 * Element types, numbered like ONNX's TensorProto.DataType
 *===----------------------------------------------------------------------===*/

typedef enum fmc_dtype_e {
  FMC_DTYPE_FLOAT32 = 1,
  FMC_DTYPE_UINT8 = 2,
  FMC_DTYPE_INT8 = 3,
  FMC_DTYPE_UINT16 = 4,
  FMC_DTYPE_INT16 = 5,
  FMC_DTYPE_INT32 = 6,
  FMC_DTYPE_INT64 = 7,
  FMC_DTYPE_BOOL = 9, /* one byte, 0 or 1 */
  FMC_DTYPE_FLOAT16 = 10,
  FMC_DTYPE_FLOAT64 = 11,
  FMC_DTYPE_UINT32 = 12,
  FMC_DTYPE_UINT64 = 13,
  FMC_DTYPE_BFLOAT16 = 16,
  /* 8-bit floats (OCP FP8 and the FNUZ variants), one byte each. */
  FMC_DTYPE_FLOAT8E4M3FN = 17,
  FMC_DTYPE_FLOAT8E4M3FNUZ = 18,
  FMC_DTYPE_FLOAT8E5M2 = 19,
  FMC_DTYPE_FLOAT8E5M2FNUZ = 20,
  /* 4- and 2-bit types take one byte per element (as NumPy's ml_dtypes holds
   * them), the value in the low bits. Inputs: only those bits are read.
   * Outputs: signed types are sign-extended to the byte (a valid int8),
   * the others zero-extended. */
  FMC_DTYPE_UINT4 = 21,
  FMC_DTYPE_INT4 = 22,
  FMC_DTYPE_FLOAT4E2M1 = 23,
  FMC_DTYPE_UINT2 = 25,
  FMC_DTYPE_INT2 = 26,
  /* Not a dtype: makes every 32-bit value (e.g. an unknown dtype number read
   * from a file) valid for the type. */
  FMC_DTYPE_MAX_ENUM = 0x7FFFFFFF,
} fmc_dtype_t;

/* Bytes per element; 0 for an unknown dtype. */
FMC_API size_t fmc_dtype_size(fmc_dtype_t dtype);
/* "float32", "int64", ...; "unknown" for an unknown dtype. */
FMC_API const char *fmc_dtype_name(fmc_dtype_t dtype);

/*===----------------------------------------------------------------------===*
 * Version
 *===----------------------------------------------------------------------===*/

/* The runtime library's version, e.g. "0.1.0". */
FMC_API const char *fmc_runtime_version(void);
/* The artifact format version this runtime reads. */
FMC_API uint32_t fmc_runtime_artifact_version(void);

/*===----------------------------------------------------------------------===*
 * Model: an opened artifact with its code loaded
 *===----------------------------------------------------------------------===*/

typedef struct fmc_model fmc_model_t;

typedef struct fmc_tensor_info {
  const char *name; /* owned by the model */
  fmc_dtype_t dtype;
  size_t rank;
  const int64_t *shape; /* `rank` dims, owned by the model */
  size_t nbytes;        /* dense size in bytes */
} fmc_tensor_info_t;

typedef struct fmc_model_description {
  uint32_t format_version;
  const char *entry_symbol;  /* owned by the model */
  const char *target_triple; /* e.g. "x86_64-unknown-linux-gnu" */
  const char *target_cpu;    /* e.g. "znver2" */
  const char *source_name;   /* the model file it was compiled from */
  size_t weight_count;
  uint64_t weight_bytes; /* sum of the weights' sizes */
  const char *device;    /* the GPU the kernels run on ("sm_80"), or "" (CPU) */
} fmc_model_description_t;

/* Maps the artifact at `path`, validates it and loads its code. Errors name
 * the file. The new model has one reference. */
FMC_API fmc_status_t *fmc_model_open(const char *path, fmc_model_t **out_model);
FMC_API void fmc_model_retain(fmc_model_t *model);
FMC_API void fmc_model_release(fmc_model_t *model);

FMC_API void fmc_model_describe(const fmc_model_t *model,
                                fmc_model_description_t *out_description);

FMC_API size_t fmc_model_input_count(const fmc_model_t *model);
FMC_API size_t fmc_model_output_count(const fmc_model_t *model);
/* Fails with INVALID_ARGUMENT for an index out of range. */
FMC_API fmc_status_t *fmc_model_input_info(const fmc_model_t *model,
                                           size_t index,
                                           fmc_tensor_info_t *out_info);
FMC_API fmc_status_t *fmc_model_output_info(const fmc_model_t *model,
                                            size_t index,
                                            fmc_tensor_info_t *out_info);
/* Fails with NOT_FOUND, listing the valid names, for an unknown name. */
FMC_API fmc_status_t *fmc_model_find_input(const fmc_model_t *model,
                                           const char *name, size_t *out_index);
FMC_API fmc_status_t *fmc_model_find_output(const fmc_model_t *model,
                                            const char *name,
                                            size_t *out_index);

/*===----------------------------------------------------------------------===*
 * Session: input and output buffers for running a model
 *===----------------------------------------------------------------------===*/

typedef struct fmc_session fmc_session_t;

/* Creates a session holding a reference to `model`, with 64-byte aligned
 * buffers for all its inputs and outputs. */
FMC_API fmc_status_t *fmc_session_create(fmc_model_t *model,
                                         fmc_session_t **out_session);
FMC_API void fmc_session_retain(fmc_session_t *session);
FMC_API void fmc_session_release(fmc_session_t *session);

/* Copies `nbytes` of dense row-major data into the session's buffer for the
 * input `name`. `dtype`, `shape` and `nbytes` must match the model exactly;
 * errors name the input and give the expected and actual values. */
FMC_API fmc_status_t *fmc_session_set_input(fmc_session_t *session,
                                            const char *name, fmc_dtype_t dtype,
                                            const int64_t *shape, size_t rank,
                                            const void *data, size_t nbytes);

/* The number of threads the session's runs use (compiled parallel loops are
 * split into that many contiguous chunks); 0 means one per online CPU, the
 * default. Results are bit-identical for every thread count. The worker
 * threads are created here and live until the session is released. */
FMC_API fmc_status_t *fmc_session_set_threads(fmc_session_t *session,
                                              uint32_t threads);
/* The thread count runs use. */
FMC_API uint32_t fmc_session_threads(const fmc_session_t *session);

/* GPU artifacts: run through a CUDA graph (nonzero) or not (0, the
 * default). The next run captures the compiled code's kernels, copies and
 * allocations on the session's stream into a graph; later runs launch the
 * graph, which saves the per-kernel launch cost (decoding, small batches).
 * UNSUPPORTED for CPU artifacts and drivers without graphs. */
FMC_API fmc_status_t *fmc_session_set_cuda_graph(fmc_session_t *session,
                                                 int enable);

/* Runs the model on the inputs set so far; every input must have been set. */
FMC_API fmc_status_t *fmc_session_run(fmc_session_t *session);

/* Milliseconds the last successful run spent computing: for a GPU artifact
 * the device time of its kernels (CUDA events on the session's stream, from
 * after the input copies to before the output copies), for a CPU artifact
 * the wall time of the compiled code. Fails with FAILED_PRECONDITION before
 * the first successful run, UNSUPPORTED where the CUDA driver cannot time. */
FMC_API fmc_status_t *fmc_session_compute_ms(const fmc_session_t *session,
                                             double *out_ms);

/* The output at `index` (model order) of the last successful run. The data
 * belongs to the session and is overwritten by the next run. Fails with
 * FAILED_PRECONDITION before the first successful run. */
FMC_API fmc_status_t *fmc_session_get_output(const fmc_session_t *session,
                                             size_t index,
                                             const void **out_data,
                                             size_t *out_nbytes);

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* FMC_RUNTIME_H */
