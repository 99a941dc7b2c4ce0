#!/usr/bin/env python3
"""Checks fmc artifacts on a machine that cannot compile them (a GPU host).

The GPU machines have CUDA, numpy and onnxruntime but no LLVM, so fmc
compiles here and only the runtime travels. Two steps:

    # here: compile, make inputs, record ONNX Runtime's outputs (CPU)
    .venv/bin/python scripts/gpu_check.py prepare --target sm_90 --out gpucheck
    # on the GPU host (numpy only): run each artifact, compare, time
    python3 gpucheck/gpu_check.py check gpucheck [--rtol 1e-3 --atol 1e-4]

`prepare` copies libfmc_runtime.so, the ctypes bindings
(runtime/python/fmc_runtime.py) and this script into the folder. `check`
prints one line per model (match or MISMATCH with the largest errors, and
the median latency of --runs runs after one warm-up) and ends with
'N passed, N failed'. Default models: the zoo (examples/models) and the
kernels of test/Targets/CUDA; --models picks others (NAME=PATH[@LO:HI]),
--matmul-cases adds the float cases of test/E2E/matmul_cases.py, and
--gemm N an N x N x N matmul with a constant weight, whose line also gives
TFLOP/s (and torch.matmul's on the same GPU when PyTorch is there, in the
precision the artifact computes in). --attention adds the attention
benchmark of issue 6 (batch 4, 16 heads, D = 64 and 128, S in
--attention-seqs, causal and not; timing only) and one small attention
checked against ONNX Runtime; its lines give TFLOP/s (4 B H S^2 D, half
of it causal) and PyTorch's scaled_dot_product_attention on the same GPU
in f32 and f16. --decode-attention adds one decode step's attention (one
query per head, 32 heads over 8 key/value heads, D = 128, --decode-lengths
cached keys; timing only), its lines the bandwidth at which K and V are
read, and SDPA's (enable_gqa) in the same dtype. --conformance adds a sample of the ONNX node tests (the PyPI
suite, test/Conformance): per operator the first test, in name order,
that fmc compiles for the target and whose inputs and outputs are tensors
the runtime's bindings take; checked against the test's own expected
outputs with run_conformance.py's comparison and tolerances
(test/Conformance/conformance_compare.py, copied into the folder).
--compile-flag passes flags to fmc compile, e.g.
--compile-flag=--precision=fp16. --half-io makes the timing-only models
(the attention benchmark, a --gemm above 2048) take and return f16 tensors
(the gemm's weight f16 too, an input made on the GPU host like X, which
keeps the folder small), as their f16 PyTorch peers do, so that the
kernels read and write 16-bit data; the models checked against ONNX
Runtime stay f32.

Times are the median of --runs runs after one warm-up: the wall time of a
run (with its copies) and the compute time the runtime reports
(fmc_session_compute_ms: on a GPU the kernels' device time, without the
copies). TFLOP/s and the ratios to PyTorch use the compute time.
`check --cuda-graph` runs every model through a CUDA graph (the first run
captures it), to compare launch overheads.
"""

import argparse
import concurrent.futures
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))

# name, path relative to the source root, integer input range.
DEFAULT_MODELS = [
    ("bert", "examples/models/bert.onnx", (0, 256)),
    ("gpt2", "examples/models/gpt2.onnx", (0, 256)),
    ("llama", "examples/models/llama.onnx", (0, 256)),
    ("vit", "examples/models/vit.onnx", None),
    ("whisper_enc", "examples/models/whisper_enc.onnx", None),
    ("resnet_tiny", "examples/models/resnet_tiny.onnx", None),
    ("bert_dynamo", "examples/models/bert_dynamo.onnx", (0, 256)),
    ("gpt2_dynamo", "examples/models/gpt2_dynamo.onnx", (0, 256)),
    ("llama_dynamo", "examples/models/llama_dynamo.onnx", (0, 256)),
    ("bert_tiny", "examples/bert_tiny/model.onnx", (0, 512)),
    ("kernels", "test/Targets/CUDA/Inputs/kernels.onnxtxt", None),
    ("mlp", "test/E2E/models/mlp.onnx", None),
    ("matvec", "test/Targets/CUDA/Inputs/matvec.onnxtxt", None),
]


# Element types (ONNX numbers) that runtime/python/fmc_runtime.py takes.
RUNTIME_TYPES = {1, 2, 3, 4, 5, 6, 7, 9, 10, 11, 12, 13}


def prepare_conformance(args):
    """Compiles the conformance sample (see --conformance) into args.out,
    with each test's inputs and expected outputs (test_data_set_0); returns
    {name: (rtol, atol)}."""
    import numpy as np
    import onnx
    sys.path.insert(0, os.path.join(args.source, "test", "Conformance"))
    import run_conformance

    (_, _, suite), = run_conformance.resolve_suites(
        ["pypi"], os.path.join(args.source, "build"))
    by_operator = {}
    for test in sorted(os.listdir(suite)):
        path = os.path.join(suite, test, "model.onnx")
        if not os.path.isfile(path):
            continue
        model = onnx.load(path, load_external_data=False)
        values = list(model.graph.input) + list(model.graph.output)
        if any(v.type.WhichOneof("value") != "tensor_type" or
               v.type.tensor_type.elem_type not in RUNTIME_TYPES
               for v in values):
            continue
        by_operator.setdefault(run_conformance.operator_of(test, model),
                               []).append((test, model))

    def first_compiling(operator):
        for test, model in by_operator[operator]:
            test_dir = os.path.join(suite, test)
            files = ["input_%d.pb" % i for i in range(len(model.graph.input))]
            if not all(os.path.exists(os.path.join(test_dir, "test_data_set_0",
                                                   f)) for f in files):
                continue
            # Shape operands given as inputs bound to the test's values
            # where fmc asks for them, as run_conformance.py does.
            work = tempfile.mkdtemp(prefix="fmc-conf-")
            try:
                status, _ = run_conformance.compile_test(
                    args.fmc, args.target, args.compile_flag, model, test_dir,
                    ["test_data_set_0"],
                    os.path.join(args.out, "conf_%s.fmc" % test), work, {},
                    600)
            finally:
                shutil.rmtree(work, ignore_errors=True)
            if status == "compiled":
                return test, model
        return None

    with concurrent.futures.ThreadPoolExecutor(os.cpu_count()) as pool:
        chosen = [c for c in pool.map(first_compiling, sorted(by_operator))
                  if c]
    tolerances = {}
    for test, model in chosen:
        data = os.path.join(suite, test, "test_data_set_0")
        name = "conf_" + test
        for kind, values in (("inputs", model.graph.input),
                             ("expected", model.graph.output)):
            prefix = "input" if kind == "inputs" else "output"
            np.savez(os.path.join(args.out, "%s.%s.npz" % (name, kind)), **{
                v.name: run_conformance.load_tensor(
                    os.path.join(data, "%s_%d.pb" % (prefix, i)), v)
                for i, v in enumerate(values)})
        rtol, atol, _ = run_conformance.TOLERANCES.get(
            "pypi:" + test, (run_conformance.DEFAULT_RTOL,
                             run_conformance.DEFAULT_ATOL, ""))
        tolerances[name] = (rtol, atol)
    shutil.copy(os.path.join(args.source, "test", "Conformance",
                             "conformance_compare.py"), args.out)
    print("conformance: %d operators, %d prepared" % (len(by_operator),
                                                      len(tolerances)))
    return tolerances


def prepare(args):
    import numpy as np
    import onnx
    import onnx.parser
    import onnxruntime as ort
    sys.path.insert(0, os.path.join(args.source, "test", "E2E"))
    from compare_with_ort import make_inputs

    os.makedirs(args.out, exist_ok=True)
    models = list(DEFAULT_MODELS)
    if args.models is not None:
        models = []
        for spec in args.models:
            name, rest = spec.split("=", 1)
            path, _, bounds = rest.partition("@")
            lo_hi = tuple(int(b) for b in bounds.split(":")) if bounds else None
            models.append((name, path, lo_hi))
    if args.matmul_cases:
        from matmul_cases import float_cases, write_model
        for case in float_cases():
            models.append((case, os.path.relpath(
                write_model(case, args.out), args.source), None))
    gemms = {}
    if args.gemm:
        from onnx import TensorProto, helper, numpy_helper
        n = args.gemm
        rng = np.random.default_rng(args.seed)
        half = args.half_io and n > 2048
        io = TensorProto.FLOAT16 if half else TensorProto.FLOAT
        inputs = [helper.make_tensor_value_info("X", io, [n, n])]
        initializers = []
        if half:
            # Timing only, f16: the weight is an input too (random on the
            # GPU host, like X), which keeps 2 n^2 bytes out of the folder
            # (32 MiB at 4096); the kernel is the same (a 16-bit rhs).
            inputs.append(helper.make_tensor_value_info("W", io, [n, n]))
        else:
            weight = (rng.standard_normal((n, n)) / np.sqrt(n)).astype(
                np.float32)
            initializers.append(numpy_helper.from_array(weight, "W"))
        graph = helper.make_graph(
            [helper.make_node("MatMul", ["X", "W"], ["Y"])], "gemm", inputs,
            [helper.make_tensor_value_info("Y", io, [n, n])], initializers)
        name = "gemm%d" % n
        path = os.path.join(args.out, name + ".onnx")
        onnx.save(helper.make_model(
            graph, opset_imports=[helper.make_opsetid("", 17)]), path)
        models.append((name, os.path.relpath(path, args.source), None))
        gemms[name] = n
    timing = {}

    def attention_model(name, b, h, seq, d, causal, half=False,
                        kv_heads=None, keys=None):
        """One ONNX Attention of Q [b, h, seq, d] over K and V [b,
        kv_heads (h), keys (seq), d], saved in the folder; its path."""
        from onnx import TensorProto, helper
        io = TensorProto.FLOAT16 if half else TensorProto.FLOAT
        kv = [b, kv_heads or h, keys or seq, d]
        graph = helper.make_graph(
            [helper.make_node("Attention", ["Q", "K", "V"], ["Y"],
                              is_causal=int(causal))], name,
            [helper.make_tensor_value_info("Q", io, [b, h, seq, d]),
             helper.make_tensor_value_info("K", io, kv),
             helper.make_tensor_value_info("V", io, kv)],
            [helper.make_tensor_value_info("Y", io, [b, h, seq, d])])
        path = os.path.join(args.out, name + ".onnx")
        onnx.save(helper.make_model(
            graph, opset_imports=[helper.make_opsetid("", 23)]), path)
        return os.path.relpath(path, args.source)

    if args.attention:
        # Checked against ONNX Runtime: several key blocks, a partial one.
        models.append(("attn_check", attention_model(
            "attn_check", 1, 4, 200, 128, True), None))
        if args.half_io:
            # f16 Q, K, V as the timed models have them (on sm_90a, the
            # warpgroup kernel's operands): grouped queries, two batches.
            models.append(("attn_check_f16", attention_model(
                "attn_check_f16", 2, 4, 200, 64, True, half=True,
                kv_heads=2), None))
        for d in (64, 128):
            for seq in args.attention_seqs:
                for causal in (False, True):
                    name = "attn_d%d_s%d%s" % (d, seq,
                                               "_causal" if causal else "")
                    models.append((name, attention_model(
                        name, 4, 16, seq, d, causal, args.half_io), None))
                    flops = 4.0 * 4 * 16 * seq * seq * d
                    timing[name] = {"kind": "attention",
                                    "shape": [4, 16, seq, d],
                                    "causal": causal,
                                    "flops": flops / 2 if causal else flops}
    if args.decode_attention:
        # One decode step's attention: one query per head, 32 heads over 8
        # key/value heads (LLaMA-style grouped queries), D = 128, T cached
        # keys; f16 with --half-io. Memory-bound: its lines give the
        # bandwidth of reading K and V once.
        heads, kv_heads, d = 32, 8, 128
        for t in args.decode_lengths:
            name = "attn_decode_t%d" % t
            models.append((name, attention_model(
                name, 1, heads, 1, d, False, args.half_io, kv_heads=kv_heads,
                keys=t), None))
            timing[name] = {"kind": "decode_attention",
                            "q_shape": [1, heads, 1, d],
                            "kv_shape": [1, kv_heads, t, d],
                            "bytes": 2 * kv_heads * t * d *
                            (2 if args.half_io else 4)}
    conformance = prepare_conformance(args) if args.conformance else {}
    for name, n in gemms.items():
        if n > 2048:
            timing[name] = {"kind": "gemm", "n": n, "flops": 2.0 * n ** 3}
    manifest = sorted(conformance)
    for name, path, int_range in models:
        path = os.path.join(args.source, path)
        if path.endswith(".onnxtxt"):
            with open(path) as f:
                text = "".join(l for l in f if not l.lstrip().startswith("#"))
            model = onnx.parser.parse_model(text)
            path = os.path.join(args.out, name + ".onnx")
            onnx.save(model, path)
        artifact = os.path.join(args.out, name + ".fmc")
        if name in timing:
            # Timing only: its inputs and outputs would not fit the folder
            # a GPU machine takes; `check` makes random inputs.
            subprocess.run([args.fmc, "compile", path, "--target=" +
                            args.target, "-o", artifact] + args.compile_flag,
                           check=True)
            os.remove(path)
            manifest.append(name)
            print("%s: prepared (timing only)" % name)
            continue
        model = onnx.load(path)
        ranges = {}
        if int_range:
            ranges = {v.name: int_range for v in model.graph.input
                      if v.name != "attention_mask"}
        inputs = make_inputs(model, ranges, args.seed)
        artifact = os.path.join(args.out, name + ".fmc")
        subprocess.run([args.fmc, "compile", path, "--target=" + args.target,
                        "-o", artifact] + args.compile_flag, check=True)
        options = ort.SessionOptions()
        options.graph_optimization_level = \
            ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        session = ort.InferenceSession(path, options,
                                       providers=["CPUExecutionProvider"])
        names = [o.name for o in session.get_outputs()]
        expected = dict(zip(names, session.run(None, inputs)))
        np.savez(os.path.join(args.out, name + ".inputs.npz"), **inputs)
        np.savez(os.path.join(args.out, name + ".expected.npz"), **expected)
        manifest.append(name)
        print("%s: prepared" % name)
        if name in gemms:
            os.remove(path)  # the artifact has the weight; keep the folder small
    precision = "fp32"
    for flag in args.compile_flag:
        if flag.startswith("--precision="):
            precision = flag.split("=", 1)[1]
    with open(os.path.join(args.out, "manifest.json"), "w") as f:
        json.dump({"target": args.target, "models": manifest,
                   "flags": args.compile_flag, "precision": precision,
                   "gemms": gemms, "timing": timing,
                   "conformance": conformance,
                   "half_io": args.half_io}, f, indent=1)
    shutil.copy(args.runtime, os.path.join(args.out, "libfmc_runtime.so"))
    shutil.copy(os.path.join(args.source, "runtime", "python",
                             "fmc_runtime.py"), args.out)
    shutil.copy(os.path.abspath(__file__), args.out)


def torch_matmul_ms(n, precision, runs):
    """Median ms of an n^3 torch.matmul on the GPU (cuBLAS) in the dtype of
    `precision`, or None without PyTorch or a GPU."""
    try:
        import torch
    except ImportError:
        return None
    if not torch.cuda.is_available():
        return None
    dtype = {"fp16": torch.float16, "bf16": torch.bfloat16}.get(
        precision, torch.float32)
    # tf32 artifacts compare with cuBLAS's tf32, f32 ones with strict f32.
    torch.backends.cuda.matmul.allow_tf32 = precision == "tf32"
    a = torch.randn(n, n, device="cuda", dtype=dtype)
    b = torch.randn(n, n, device="cuda", dtype=dtype)
    return median_cuda_ms(lambda: torch.matmul(a, b), runs)


def median_cuda_ms(function, runs):
    """Median device milliseconds of `function` (CUDA events)."""
    import torch
    function()
    torch.cuda.synchronize()
    times = []
    for _ in range(max(runs, 1)):
        start = torch.cuda.Event(enable_timing=True)
        end = torch.cuda.Event(enable_timing=True)
        start.record()
        function()
        end.record()
        end.synchronize()
        times.append(start.elapsed_time(end))
    return sorted(times)[len(times) // 2]


def torch_attention_ms(shape, causal, runs):
    """PyTorch scaled_dot_product_attention's median device ms on
    [B, H, S, D] in f32 and f16 ({dtype: ms}), or None."""
    try:
        import torch
        import torch.nn.functional as F
    except ImportError:
        return None
    if not torch.cuda.is_available():
        return None
    result = {}
    for label, dtype in (("f32", torch.float32), ("f16", torch.float16)):
        q, k, v = (torch.randn(*shape, device="cuda", dtype=dtype)
                   for _ in range(3))
        result[label] = median_cuda_ms(
            lambda: F.scaled_dot_product_attention(q, k, v, is_causal=causal),
            runs)
    return result


def torch_decode_attention_ms(q_shape, kv_shape, half, runs):
    """PyTorch scaled_dot_product_attention's median device ms on one
    decode step's grouped-query attention (enable_gqa; before PyTorch 2.5,
    on K and V repeated to every query head beforehand, outside the timing),
    in the artifact's dtype, or None."""
    try:
        import torch
        import torch.nn.functional as F
    except ImportError:
        return None
    if not torch.cuda.is_available():
        return None
    dtype = torch.float16 if half else torch.float32
    q = torch.randn(*q_shape, device="cuda", dtype=dtype)
    k, v = (torch.randn(*kv_shape, device="cuda", dtype=dtype)
            for _ in range(2))
    try:
        F.scaled_dot_product_attention(q, k, v, enable_gqa=True)
        return median_cuda_ms(
            lambda: F.scaled_dot_product_attention(q, k, v, enable_gqa=True),
            runs)
    except TypeError:
        group = q_shape[1] // kv_shape[1]
        k, v = (x.repeat_interleave(group, dim=1) for x in (k, v))
        return median_cuda_ms(
            lambda: F.scaled_dot_product_attention(q, k, v), runs)


def check(args):
    import numpy as np
    sys.path.insert(0, args.folder)
    sys.path.insert(0, os.path.join(HERE, "..", "runtime", "python"))
    import fmc_runtime

    with open(os.path.join(args.folder, "manifest.json")) as f:
        manifest = json.load(f)
    runtime = fmc_runtime.Runtime(
        args.runtime or os.path.join(args.folder, "libfmc_runtime.so"))
    passed = failed = 0
    for name in manifest["models"]:
        try:
            model = runtime.open(os.path.join(args.folder, name + ".fmc"))
            session = model.session()
            if args.cuda_graph:
                session.set_cuda_graph()
            timed = manifest.get("timing", {}).get(name)
            if timed:
                rng = np.random.default_rng(0)
                inputs = {input_name: rng.standard_normal(shape).astype(
                              np.float32)
                          for input_name, _, shape in model.inputs}
                expected = {}
            else:
                inputs = dict(np.load(os.path.join(args.folder,
                                                   name + ".inputs.npz")))
                expected = dict(np.load(os.path.join(args.folder,
                                                     name + ".expected.npz")))
            outputs = session.run(inputs)
            times, compute = [], []
            for _ in range(args.runs):
                start = time.perf_counter()
                session.run(inputs)
                times.append((time.perf_counter() - start) * 1e3)
                compute.append(session.compute_ms())
        except fmc_runtime.Error as error:
            print("%s: ERROR %s" % (name, error))
            failed += 1
            continue
        ok = True
        worst_abs = worst_rel = 0.0
        tolerance = manifest.get("conformance", {}).get(name)
        problems = []
        for key, want in expected.items():
            if tolerance:
                # A node test: its dtype, shape, NaNs and tolerance.
                from conformance_compare import compare
                problem = compare(key, outputs[key], want, *tolerance)
                if problem:
                    problems.append(problem)
                    ok = False
                if outputs[key].shape != want.shape:
                    continue
            got = outputs[key].astype(np.float64)
            want = want.astype(np.float64)
            with np.errstate(invalid="ignore"):
                diff = np.abs(got - want)
                worst_abs = max(worst_abs, float(np.nanmax(diff, initial=0.0)))
                worst_rel = max(worst_rel, float(np.nanmax(
                    diff / np.maximum(np.abs(want), 1e-30), initial=0.0)))
            if not tolerance:
                ok &= bool(np.allclose(got, want, rtol=args.rtol,
                                       atol=args.atol))
        def median_of(values):
            return sorted(values)[len(values) // 2] if values else float("nan")
        median, busy = median_of(times), median_of(compute)
        verdict = ("match" if ok else "MISMATCH") if expected else "timed"
        line = "%s: %s (%s; max abs %.2e, max rel %.2e) %.3f ms (compute " \
            "%.3f ms)" % (name, verdict, model.device or "cpu", worst_abs,
                          worst_rel, median, busy)
        n = manifest.get("gemms", {}).get(name)
        timed = manifest.get("timing", {}).get(name)
        flops = timed.get("flops", 0) if timed else (2.0 * n ** 3 if n else 0)
        if flops:
            line += "; %.1f TFLOP/s" % (flops / (busy * 1e-3) / 1e12)
        if n:
            peer = torch_matmul_ms(n, manifest.get("precision", "fp32"),
                                   args.runs)
            if peer:
                line += "; torch.matmul %.3f ms, %.1f TFLOP/s (fmc/torch %.2f)" % (
                    peer, flops / (peer * 1e-3) / 1e12, busy / peer)
        if timed and timed["kind"] == "attention":
            peers = torch_attention_ms(timed["shape"], timed["causal"],
                                       args.runs)
            for label, peer in (peers or {}).items():
                line += "; SDPA %s %.3f ms, %.1f TFLOP/s (fmc/SDPA %.2f)" % (
                    label, peer, flops / (peer * 1e-3) / 1e12, busy / peer)
        if timed and timed["kind"] == "decode_attention":
            line += "; K and V read at %.1f GB/s" % (
                timed["bytes"] / (busy * 1e-3) / 1e9)
            peer = torch_decode_attention_ms(
                timed["q_shape"], timed["kv_shape"],
                manifest.get("half_io", False), args.runs)
            if peer:
                line += "; SDPA %.3f ms, %.0f GB/s (fmc/SDPA %.2f)" % (
                    peer, timed["bytes"] / (peer * 1e-3) / 1e9, busy / peer)
        for problem in problems:
            line += "; " + problem
        print(line)
        passed += ok
        failed += not ok
    print("%d passed, %d failed" % (passed, failed))
    return 0 if failed == 0 else 1


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("prepare")
    p.add_argument("--target", required=True)
    p.add_argument("--out", required=True)
    p.add_argument("--source", default=os.path.join(HERE, ".."))
    p.add_argument("--fmc", default=os.path.join(HERE, "..", "build", "bin",
                                                 "fmc"))
    p.add_argument("--runtime", default=os.path.join(
        HERE, "..", "build", "lib", "libfmc_runtime.so"))
    p.add_argument("--models", nargs="*")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--compile-flag", action="append", default=[])
    p.add_argument("--matmul-cases", action="store_true")
    p.add_argument("--gemm", type=int, default=0)
    p.add_argument("--half-io", action="store_true")
    p.add_argument("--attention", action="store_true")
    p.add_argument("--attention-seqs", type=lambda text: [
        int(v) for v in text.split(",")], default=[512, 1024, 2048, 4096, 8192])
    p.add_argument("--conformance", action="store_true")
    p.add_argument("--decode-attention", action="store_true")
    p.add_argument("--decode-lengths", type=lambda text: [
        int(v) for v in text.split(",")], default=[1024, 4096, 16384])
    c = sub.add_parser("check")
    c.add_argument("folder")
    c.add_argument("--runtime")
    c.add_argument("--rtol", type=float, default=1e-3)
    c.add_argument("--atol", type=float, default=1e-4)
    c.add_argument("--runs", type=int, default=5)
    c.add_argument("--cuda-graph", action="store_true",
                   help="run every model through a CUDA graph "
                        "(fmc_session_set_cuda_graph)")
    args = parser.parse_args()
    if args.command == "prepare":
        prepare(args)
        return 0
    return check(args)


if __name__ == "__main__":
    sys.exit(main())
