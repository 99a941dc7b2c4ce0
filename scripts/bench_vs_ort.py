#!/usr/bin/env python3
"""fmc and ONNX Runtime side by side in one run: latencies and their ratio.

    .venv/bin/python scripts/bench_vs_ort.py [--fmc build/bin/fmc]
        [--sgemm 256 512 1024 2048] [--models a.onnx b.onnx@seq=1,past=128 ...]
        [--threads 1 2] [--runs 10] [--warmup 2]

For each SGEMM size N it writes an ONNX MatMul of an [N, N] input by an
[N, N] weight (an initializer, as in a model), and for each --models file it
uses the model as is; `@dim=N,...` binds symbolic input dims (fmc compiles
with the matching --input-shape, ONNX Runtime gets inputs of those shapes),
e.g. a decode step with a 128-token KV cache. fmc compiles each for the host
(compile time is reported) and `fmc bench --threads T` measures it (median
of --runs after --warmup, random inputs); ONNX Runtime (all graph
optimizations, T intra-op threads) runs inputs of the same shapes the same
number of times. The machine's peak fp32 FMA throughput at T threads is
measured first with a register-only FMA loop in the widest vectors the host
has (built with clang -march=native), and SGEMM rates are given as a
fraction of it. Prints one row per case and thread count (fmc/ORT < 1: fmc
is faster) and the geometric mean of the model ratios per thread count.
This is a benchmark, not a test: nothing is asserted.
"""

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

import numpy as np
import onnx
import onnxruntime as ort
from onnx import TensorProto, helper, numpy_helper

PEAK_SOURCE = r"""
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

/* The widest vectors the host has (-march=native): AVX-512 or AVX2/NEON. */
#ifdef __AVX512F__
#define LANES 16
#else
#define LANES 8
#endif
typedef float vec __attribute__((vector_size(LANES * 4)));
#define CHAINS 12
static long iterations = 200000000 / CHAINS;

static void *loop(void *out) {
  vec acc[CHAINS];
  vec a, b;
  for (int l = 0; l < LANES; ++l)
    a[l] = 0.999999f, b[l] = 1e-7f;
  for (int c = 0; c < CHAINS; ++c)
    for (int l = 0; l < LANES; ++l)
      acc[c][l] = (float)c;
  for (long i = 0; i < iterations; ++i)
    for (int c = 0; c < CHAINS; ++c)
      acc[c] = acc[c] * a + b; /* contracted to one FMA */
  float sum = 0;
  for (int c = 0; c < CHAINS; ++c)
    for (int l = 0; l < LANES; ++l)
      sum += acc[c][l];
  *(float *)out = sum;
  return NULL;
}

int main(int argc, char **argv) {
  int threads = argc > 1 ? atoi(argv[1]) : 1;
  pthread_t ids[64];
  float sums[64];
  struct timespec t0, t1;
  clock_gettime(CLOCK_MONOTONIC, &t0);
  for (int t = 0; t < threads; ++t)
    pthread_create(&ids[t], NULL, loop, &sums[t]);
  for (int t = 0; t < threads; ++t)
    pthread_join(ids[t], NULL);
  clock_gettime(CLOCK_MONOTONIC, &t1);
  double s = (t1.tv_sec - t0.tv_sec) + 1e-9 * (t1.tv_nsec - t0.tv_nsec);
  double flops = 2.0 * LANES * CHAINS * (double)iterations * threads;
  printf("%.3f %g\n", flops / s / 1e9, (double)sums[0]);
  return 0;
}
"""


def peak_gflops(threads, tmp):
    clang = shutil.which("clang-22") or "/usr/lib/llvm-22/bin/clang"
    source = os.path.join(tmp, "peak.c")
    binary = os.path.join(tmp, "peak")
    with open(source, "w") as f:
        f.write(PEAK_SOURCE)
    subprocess.run([clang, "-O2", "-march=native", "-ffp-contract=fast",
                    "-pthread", source, "-o", binary], check=True)
    best = 0.0
    for _ in range(3):
        out = subprocess.run([binary, str(threads)], check=True,
                             capture_output=True, text=True).stdout
        best = max(best, float(out.split()[0]))
    return best


def sgemm_model(n, path):
    rng = np.random.default_rng(n)
    weight = numpy_helper.from_array(
        rng.uniform(-1, 1, (n, n)).astype(np.float32), "W")
    graph = helper.make_graph(
        [helper.make_node("MatMul", ["A", "W"], ["Y"])], "sgemm",
        [helper.make_tensor_value_info("A", TensorProto.FLOAT, [n, n])],
        [helper.make_tensor_value_info("Y", TensorProto.FLOAT, [n, n])],
        [weight])
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    onnx.save(model, path)


def input_shapes(model, dims):
    """Each graph input's shape, symbolic dims bound by `dims` (a dict)."""
    shapes = {}
    graph = onnx.load(model, load_external_data=False).graph
    initializers = {i.name for i in graph.initializer}
    for value in graph.input:
        if value.name in initializers:
            continue
        shape = []
        for d in value.type.tensor_type.shape.dim:
            if d.HasField("dim_value"):
                shape.append(d.dim_value)
            elif d.dim_param in dims:
                shape.append(dims[d.dim_param])
            else:
                sys.exit("%s: input %s has symbolic dim '%s': bind it with "
                         "%s@%s=N" % (model, value.name, d.dim_param, model,
                                      d.dim_param))
        shapes[value.name] = shape
    return shapes


def fmc_compile(fmc, model, shapes, tmp):
    artifact = os.path.join(tmp, "bench.fmc")
    command = [fmc, "compile", model, "-o", artifact]
    for name, shape in shapes.items():
        command += ["--input-shape",
                    "%s=%s" % (name, "x".join(str(d) for d in shape))]
    start = time.perf_counter()
    subprocess.run(command, check=True)
    return artifact, time.perf_counter() - start


def fmc_median_ms(fmc, artifact, threads, runs, warmup):
    out = subprocess.run([fmc, "bench", artifact, "--runs", str(runs),
                          "--warmup", str(warmup), "--threads", str(threads)],
                         check=True, capture_output=True, text=True).stdout
    match = re.search(r"median\s*[:=]?\s*([0-9.]+)\s*ms", out)
    if not match:
        sys.exit("cannot read the median from fmc bench:\n" + out)
    return float(match.group(1))


def ort_median_ms(model, shapes, threads, runs, warmup):
    options = ort.SessionOptions()
    options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
    options.intra_op_num_threads = threads
    options.inter_op_num_threads = 1
    session = ort.InferenceSession(model, options,
                                   providers=["CPUExecutionProvider"])
    rng = np.random.default_rng(0)
    feeds = {}
    for value in session.get_inputs():
        shape = shapes[value.name]
        if value.type == "tensor(float)":
            feeds[value.name] = rng.uniform(-1, 1, shape).astype(np.float32)
        elif value.type == "tensor(int64)":
            feeds[value.name] = rng.integers(0, 2, shape).astype(np.int64)
        elif value.type == "tensor(int32)":
            feeds[value.name] = rng.integers(0, 2, shape).astype(np.int32)
        else:
            sys.exit("unsupported input type %s" % value.type)
    for _ in range(warmup):
        session.run(None, feeds)
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        session.run(None, feeds)
        times.append((time.perf_counter() - start) * 1e3)
    return sorted(times)[len(times) // 2]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--fmc", default="build/bin/fmc")
    parser.add_argument("--sgemm", type=int, nargs="*",
                        default=[256, 512, 1024, 2048])
    parser.add_argument("--models", nargs="*", default=[],
                        help="model.onnx, or model.onnx@dim=N,dim=N to bind "
                             "symbolic dims (e.g. a decode step: "
                             "gpt2_small_kv.onnx@seq=1,past=128)")
    parser.add_argument("--threads", type=int, nargs="*", default=[1, 2])
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--warmup", type=int, default=2)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        peaks = {t: peak_gflops(t, tmp) for t in args.threads}
        for t, p in peaks.items():
            print("peak fp32 FMA, %d thread(s): %.1f GFLOP/s" % (t, p))
        cases = []
        for n in args.sgemm:
            path = os.path.join(tmp, "sgemm%d.onnx" % n)
            sgemm_model(n, path)
            cases.append(("SGEMM %d" % n, path, 2.0 * n ** 3, {}))
        for spec in args.models:
            model, _, binding = spec.partition("@")
            dims = {}
            for item in filter(None, binding.split(",")):
                name, _, value = item.partition("=")
                dims[name] = int(value)
            cases.append((os.path.basename(spec), model, None, dims))
        print("%-34s %7s %9s %9s %8s %8s %10s" % (
            "case", "threads", "fmc ms", "ORT ms", "fmc/ORT", "compile",
            "fmc %peak"), flush=True)
        model_ratios = {t: [] for t in args.threads}
        for name, path, flops, dims in cases:
            shapes = input_shapes(path, dims)
            artifact, compile_s = fmc_compile(args.fmc, path, shapes, tmp)
            for t in args.threads:
                fmc_ms = fmc_median_ms(args.fmc, artifact, t, args.runs,
                                       args.warmup)
                ort_ms = ort_median_ms(path, shapes, t, args.runs, args.warmup)
                share = ("%9.1f%%" % (100 * flops / (fmc_ms * 1e6) / peaks[t])
                         if flops else "%10s" % "-")
                if not flops:
                    model_ratios[t].append(fmc_ms / ort_ms)
                print("%-34s %7d %9.2f %9.2f %8.2f %7.1fs %s" % (
                    name, t, fmc_ms, ort_ms, fmc_ms / ort_ms, compile_s,
                    share), flush=True)
        for t, ratios in model_ratios.items():
            if ratios:
                print("geomean fmc/ORT over %d models, %d thread(s): %.2f" % (
                    len(ratios), t, float(np.exp(np.mean(np.log(ratios))))))
    return 0


if __name__ == "__main__":
    sys.exit(main())
