#!/usr/bin/env python3
"""Compiles an ONNX model with fmc, runs it, and compares with ONNX Runtime.

    compare_with_ort.py model.onnx|model.onnxtxt [--fmc PATH] [--int-range name=LO:HI ...]
                        [--rtol 1e-4] [--atol 1e-5] [--runs N]
                        [--int-atol 0] [--int-mismatch-fraction 0]

Inputs are random with a fixed seed: floats uniform in [-1, 1), integers
uniform in [LO, HI) (default [0, 2)), booleans uniform. Both fmc and ONNX Runtime
(all graph optimizations on) get the same inputs. Every output element must
satisfy |fmc - ort| <= atol + rtol * |ort| (numpy.allclose); integer
outputs must be equal, or differ by at most --int-atol on at most
--int-mismatch-fraction of the elements (quantized outputs). The maximum
absolute and relative errors are printed. Exit status 0 when all outputs
match, 1 otherwise.
"""

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time

import numpy as np
import onnx
import onnx.parser
import onnxruntime as ort

ONNX_TO_NUMPY = {
    onnx.TensorProto.FLOAT: np.float32,
    onnx.TensorProto.DOUBLE: np.float64,
    onnx.TensorProto.FLOAT16: np.float16,
    onnx.TensorProto.INT64: np.int64,
    onnx.TensorProto.INT32: np.int32,
    onnx.TensorProto.INT8: np.int8,
    onnx.TensorProto.UINT8: np.uint8,
    onnx.TensorProto.BOOL: np.bool_,
}


def make_inputs(model, int_ranges, seed):
    rng = np.random.default_rng(seed)
    initializers = {init.name for init in model.graph.initializer}
    inputs = {}
    for value in model.graph.input:
        if value.name in initializers:
            continue
        tensor_type = value.type.tensor_type
        shape = [d.dim_value for d in tensor_type.shape.dim]
        dtype = ONNX_TO_NUMPY[tensor_type.elem_type]
        if dtype == np.bool_:
            data = rng.integers(0, 2, size=shape).astype(np.bool_)
        elif np.issubdtype(dtype, np.integer):
            lo, hi = int_ranges.get(value.name, (0, 2))
            data = rng.integers(lo, hi, size=shape).astype(dtype)
        else:
            data = rng.uniform(-1.0, 1.0, size=shape).astype(dtype)
        inputs[value.name] = data
    return inputs


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("model")
    parser.add_argument("--fmc", default=shutil.which("fmc") or "fmc")
    parser.add_argument("--int-range", action="append", default=[],
                        help="name=LO:HI range of an integer input")
    parser.add_argument("--rtol", type=float, default=1e-4)
    parser.add_argument("--atol", type=float, default=1e-5)
    parser.add_argument("--int-atol", type=int, default=0,
                        help="largest difference of an integer output "
                        "element (quantized outputs: one step)")
    parser.add_argument("--int-mismatch-fraction", type=float, default=0.0,
                        help="largest fraction of integer output elements "
                        "that may differ at all")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--runs", type=int, default=1,
                        help="timed runs for each engine")
    parser.add_argument("--target", default="host")
    parser.add_argument("--compile-flag", action="append", default=[],
                        help="extra flag for fmc compile (repeatable)")
    args = parser.parse_args()

    int_ranges = {}
    for spec in args.int_range:
        name, bounds = spec.split("=")
        lo, hi = bounds.split(":")
        int_ranges[name] = (int(lo), int(hi))

    with tempfile.TemporaryDirectory() as tmp:
        if args.model.endswith(".onnxtxt"):
            # ONNX's textual syntax, as fmc and the lit tests read it.
            with open(args.model) as f:
                text = "".join(line for line in f
                               if not line.lstrip().startswith("#"))
            binary = os.path.join(tmp, "model.onnx")
            onnx.save(onnx.parser.parse_model(text), binary)
            args.model = binary
        model = onnx.load(args.model)
        inputs = make_inputs(model, int_ranges, args.seed)
        artifact = os.path.join(tmp, "model.fmc")
        start = time.perf_counter()
        subprocess.run([args.fmc, "compile", args.model,
                        "--target=" + args.target, "-o", artifact]
                       + args.compile_flag,
                       check=True)
        compile_s = time.perf_counter() - start
        command = [args.fmc, "run", artifact, "--output-dir", tmp,
                   "--iterations", str(args.runs)]
        for name, data in inputs.items():
            path = os.path.join(tmp, "in_%d.npy" % len(command))
            np.save(path, data)
            command += ["--input", "%s=%s" % (name, path)]
        run = subprocess.run(command, check=True, capture_output=True,
                             text=True)
        fmc_ms = None
        for line in run.stdout.splitlines():
            if line.startswith("time:"):
                fmc_ms = float(line.split()[1])
        options = ort.SessionOptions()
        options.graph_optimization_level = \
            ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        session = ort.InferenceSession(args.model, options,
                                       providers=["CPUExecutionProvider"])
        expected = session.run(None, inputs)
        times = []
        for _ in range(args.runs):
            start = time.perf_counter()
            session.run(None, inputs)
            times.append((time.perf_counter() - start) * 1e3)
        ort_ms = sorted(times)[len(times) // 2]

        ok = True
        for value, want in zip(session.get_outputs(), expected):
            safe = "".join(c if c.isalnum() or c in "._-" else "_"
                           for c in value.name)
            got = np.load(os.path.join(tmp, safe + ".npy"))
            if got.shape != want.shape:
                print("%s: shape %s, expected %s" % (value.name, got.shape,
                                                     want.shape))
                ok = False
                continue
            diff = np.abs(got.astype(np.float64) - want.astype(np.float64))
            scale = np.abs(want.astype(np.float64))
            max_abs = float(diff.max()) if diff.size else 0.0
            significant = scale > 1e-3
            max_rel = float((diff[significant] / scale[significant]).max()) \
                if significant.any() else 0.0
            if np.issubdtype(want.dtype, np.integer):
                # Exact, or (quantized outputs) within int_atol on at most
                # a fraction of the elements.
                differ = float((diff > 0).mean()) if diff.size else 0.0
                close = (max_abs <= args.int_atol and
                         differ <= args.int_mismatch_fraction)
                print("%s: %s max_abs_err=%.3g differing=%.3g%% (int_atol=%d "
                      "at most %.3g%%)"
                      % (value.name, "match" if close else "MISMATCH",
                         max_abs, 100 * differ, args.int_atol,
                         100 * args.int_mismatch_fraction))
                ok = ok and close
                continue
            close = np.allclose(got, want, rtol=args.rtol, atol=args.atol)
            print("%s: %s max_abs_err=%.3g max_rel_err=%.3g (rtol=%g atol=%g)"
                  % (value.name, "match" if close else "MISMATCH", max_abs,
                     max_rel, args.rtol, args.atol))
            ok = ok and close
        print("compile: %.2f s" % compile_s)
        if fmc_ms is not None:
            print("time: fmc %.3f ms, onnxruntime %.3f ms per run "
                  "(fmc/onnxruntime = %.2f)" % (fmc_ms, ort_ms, fmc_ms / ort_ms))
        print("PASS" if ok else "FAIL")
        return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
