"""Python bindings of fmc's C runtime API (runtime/include/fmc/runtime.h).

ctypes over libfmc_runtime.so; needs only numpy, no compiler, so it runs
compiled artifacts on machines without LLVM (a GPU host, an edge device):

    import fmc_runtime
    runtime = fmc_runtime.Runtime("build/lib/libfmc_runtime.so")
    model = runtime.open("model.fmc")
    outputs = model.session().run({"input_ids": ids})   # name -> ndarray

Every failing call raises fmc_runtime.Error with the runtime's status code
name and message.
"""

import ctypes
import os

import numpy as np

# fmc_dtype_t values are ONNX TensorProto.DataType numbers.
_DTYPES = {
    1: np.float32, 2: np.uint8, 3: np.int8, 4: np.uint16, 5: np.int16,
    6: np.int32, 7: np.int64, 9: np.bool_, 10: np.float16, 11: np.float64,
    12: np.uint32, 13: np.uint64,
}


class Error(RuntimeError):
    def __init__(self, code, message):
        super().__init__("%s: %s" % (code, message))
        self.code = code


class _TensorInfo(ctypes.Structure):
    _fields_ = [("name", ctypes.c_char_p), ("dtype", ctypes.c_int32),
                ("rank", ctypes.c_size_t),
                ("shape", ctypes.POINTER(ctypes.c_int64)),
                ("nbytes", ctypes.c_size_t)]


class _Description(ctypes.Structure):
    _fields_ = [("format_version", ctypes.c_uint32),
                ("entry_symbol", ctypes.c_char_p),
                ("target_triple", ctypes.c_char_p),
                ("target_cpu", ctypes.c_char_p),
                ("source_name", ctypes.c_char_p),
                ("weight_count", ctypes.c_size_t),
                ("weight_bytes", ctypes.c_uint64),
                ("device", ctypes.c_char_p)]


class Runtime:
    """The loaded runtime library."""

    def __init__(self, library):
        # RTLD_GLOBAL: GPU artifacts' host code calls the runtime's
        # fmc_cuda_* functions (the runtime also promotes itself if needed).
        self.lib = ctypes.CDLL(os.path.abspath(library), mode=ctypes.RTLD_GLOBAL)
        lib = self.lib
        p = ctypes.c_void_p
        for name, restype, argtypes in [
                ("fmc_status_code", ctypes.c_int, [p]),
                ("fmc_status_message", ctypes.c_char_p, [p]),
                ("fmc_status_free", None, [p]),
                ("fmc_status_code_name", ctypes.c_char_p, [ctypes.c_int]),
                ("fmc_model_open", p, [ctypes.c_char_p, ctypes.POINTER(p)]),
                ("fmc_model_release", None, [p]),
                ("fmc_model_describe", None, [p, ctypes.POINTER(_Description)]),
                ("fmc_model_input_count", ctypes.c_size_t, [p]),
                ("fmc_model_output_count", ctypes.c_size_t, [p]),
                ("fmc_model_input_info", p,
                 [p, ctypes.c_size_t, ctypes.POINTER(_TensorInfo)]),
                ("fmc_model_output_info", p,
                 [p, ctypes.c_size_t, ctypes.POINTER(_TensorInfo)]),
                ("fmc_session_create", p, [p, ctypes.POINTER(p)]),
                ("fmc_session_release", None, [p]),
                ("fmc_session_set_threads", p, [p, ctypes.c_uint32]),
                ("fmc_session_set_input", p,
                 [p, ctypes.c_char_p, ctypes.c_int32,
                  ctypes.POINTER(ctypes.c_int64), ctypes.c_size_t, p,
                  ctypes.c_size_t]),
                ("fmc_session_run", p, [p]),
                ("fmc_session_set_cuda_graph", p, [p, ctypes.c_int]),
                ("fmc_session_compute_ms", p,
                 [p, ctypes.POINTER(ctypes.c_double)]),
                ("fmc_session_get_output", p,
                 [p, ctypes.c_size_t, ctypes.POINTER(p),
                  ctypes.POINTER(ctypes.c_size_t)])]:
            function = getattr(lib, name)
            function.restype = restype
            function.argtypes = argtypes

    def check(self, status):
        if not status:
            return
        code = self.lib.fmc_status_code(status)
        message = self.lib.fmc_status_message(status).decode()
        self.lib.fmc_status_free(status)
        raise Error(self.lib.fmc_status_code_name(code).decode(), message)

    def open(self, path):
        return Model(self, path)


class Model:
    def __init__(self, runtime, path):
        self.runtime = runtime
        self.handle = ctypes.c_void_p()
        runtime.check(runtime.lib.fmc_model_open(path.encode(),
                                                 ctypes.byref(self.handle)))
        lib = runtime.lib
        description = _Description()
        lib.fmc_model_describe(self.handle, ctypes.byref(description))
        self.device = (description.device or b"").decode()
        self.inputs = [self._info(lib.fmc_model_input_info, i)
                       for i in range(lib.fmc_model_input_count(self.handle))]
        self.outputs = [self._info(lib.fmc_model_output_info, i)
                        for i in range(lib.fmc_model_output_count(self.handle))]

    def _info(self, function, index):
        info = _TensorInfo()
        self.runtime.check(function(self.handle, index, ctypes.byref(info)))
        return (info.name.decode(), info.dtype,
                tuple(info.shape[d] for d in range(info.rank)))

    def session(self, threads=0):
        return Session(self, threads)

    def __del__(self):
        if getattr(self, "handle", None):
            self.runtime.lib.fmc_model_release(self.handle)


class Session:
    def __init__(self, model, threads):
        self.model = model
        self.handle = ctypes.c_void_p()
        lib = model.runtime.lib
        model.runtime.check(lib.fmc_session_create(model.handle,
                                                   ctypes.byref(self.handle)))
        model.runtime.check(lib.fmc_session_set_threads(self.handle, threads))

    def run(self, inputs):
        """Runs on `inputs` (name -> ndarray); returns name -> ndarray."""
        runtime = self.model.runtime
        lib = runtime.lib
        for name, dtype, shape in self.model.inputs:
            data = np.ascontiguousarray(inputs[name], dtype=_DTYPES[dtype])
            dims = (ctypes.c_int64 * len(shape))(*shape)
            runtime.check(lib.fmc_session_set_input(
                self.handle, name.encode(), dtype, dims, len(shape),
                data.ctypes.data_as(ctypes.c_void_p), data.nbytes))
        runtime.check(lib.fmc_session_run(self.handle))
        results = {}
        for index, (name, dtype, shape) in enumerate(self.model.outputs):
            pointer = ctypes.c_void_p()
            nbytes = ctypes.c_size_t()
            runtime.check(lib.fmc_session_get_output(
                self.handle, index, ctypes.byref(pointer),
                ctypes.byref(nbytes)))
            raw = ctypes.string_at(pointer, nbytes.value) if nbytes.value else b""
            results[name] = np.frombuffer(raw, dtype=_DTYPES[dtype]).reshape(shape)
        return results

    def set_cuda_graph(self, enable=True):
        """GPU artifacts: capture the next run into a CUDA graph and launch
        the graph in the runs after it."""
        self.model.runtime.check(self.model.runtime.lib.fmc_session_set_cuda_graph(
            self.handle, int(bool(enable))))

    def compute_ms(self):
        """Milliseconds the last run spent computing (GPU: its kernels'
        device time, without the copies; CPU: the compiled code's time)."""
        ms = ctypes.c_double()
        self.model.runtime.check(
            self.model.runtime.lib.fmc_session_compute_ms(
                self.handle, ctypes.byref(ms)))
        return ms.value

    def __del__(self):
        if getattr(self, "handle", None):
            self.model.runtime.lib.fmc_session_release(self.handle)
