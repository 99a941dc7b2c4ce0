#!/usr/bin/env python3
"""Runs the ONNX backend node tests through fmc and classifies every test.

    run_conformance.py [--suite pypi|debian|NAME=DIR ...] [--fmc PATH]
                       [--target T] [--compile-flag FLAG ...]
                       [--compile-only] [--reference-target T]
                       [--jobs N] [--timeout S] [--filter REGEX]
                       [--subset FILE] [--markdown docs/CONFORMANCE.md]
                       [--json results.json] [--check]

Suites:
  pypi    the node tests of the onnx package installed from PyPI. That
          release ships the test cases as Python code, not data, so the data
          (model.onnx, test_data_set_*/{input,output}_*.pb) is generated once
          into build/conformance/onnx-<version>/node from
          onnx.backend.test.case.node.
  debian  Debian's libonnx-testdata (ONNX 1.12):
          /usr/share/libonnx-testdata/data/node.

Every test is compiled for the target (`fmc compile --target`), run on each
of its data sets (`fmc run`) and compared with the expected outputs:
|fmc - expected| <= atol + rtol * |expected| elementwise (rtol 1e-3, atol 1e-7
as ONNX's own runner; the overrides in TOLERANCES say why), same dtype and
shape, NaN where NaN is expected. Each test ends as one of

  pass         all outputs of all data sets match;
  fail         it compiled and ran but an output is wrong;
  unsupported  fmc rejected it at compile time with a diagnostic
               ('error: ...', naming the node and op);
  error        a crash, hang (--timeout), internal error or runtime failure.

--compile-flag passes a flag to every `fmc compile`: with
`--compile-flag=--gpu-mapping-on-host` the tests run through the GPU
mapping on the host (the CUDA path's passes, its kernels run as loops).
--compile-only stops after `fmc compile` (a test that compiles passes:
for a GPU target on a machine without a GPU, the NVVM/PTX lowering and
ptxas of every op). With --reference-target, a test rejected at compile
time that compiles for the reference target (e.g. host, without the
flags) is an error, not unsupported: the target lost an op the reference
supports.

Shape-determining operands that a test feeds as graph inputs are bound at
compile time (fmc compile --bind-input) when fmc's diagnostic asks for it and
all data sets agree on the value; the report lists those tests.

Tests run in parallel and the run never stops at a failure. --check exits 1
when any test is 'fail' or 'error'.
"""

import argparse
import concurrent.futures
import fcntl
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from collections import Counter, defaultdict

import numpy as np
import onnx
from onnx import numpy_helper

from conformance_compare import compare

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
DEBIAN_NODE_DIR = "/usr/share/libonnx-testdata/data/node"
DEFAULT_RTOL = 1e-3
DEFAULT_ATOL = 1e-7

# Per-test tolerance overrides: "suite:test" -> (rtol, atol, reason), suite
# being pypi or debian.
TOLERANCES = {
    "debian:test_cast_FLOAT_to_BFLOAT16": (
        1e-2, 0.0,
        "ONNX 1.12's data truncates float32 to bfloat16; the Cast spec (and "
        "fmc) round to nearest even, one bfloat16 ulp (2^-8 relative) apart"),
}
for _name in ("test_attention_4d_causal_fp16_expanded",
              "test_attention_4d_fp16_expanded",
              "test_attention_4d_gqa_causal_nonpad_decode_fp16_expanded",
              "test_attention_4d_gqa_with_past_and_present_fp16_expanded"):
    TOLERANCES["pypi:" + _name] = (
        4e-3, 1e-3,
        "the expanded graph rounds every intermediate (scores, softmax) to "
        "float16 and sums in another order than the reference Attention; "
        "outputs differ by a few float16 ulps (2^-11 relative each)")

for _name in ("test_attention_4d_attn_mask_causal_bf16_expanded",
              "test_attention_4d_causal_bf16_expanded",
              "test_attention_4d_causal_padded_kv_bf16_expanded",
              "test_attention_4d_padded_kv_bf16_expanded",
              "test_attention_3d_causal_bf16_expanded"):
    TOLERANCES["pypi:" + _name] = (
        2e-2, 1e-3,
        "the expanded graph rounds every intermediate (scores, softmax) to "
        "bfloat16; outputs differ from the reference Attention by a few "
        "bfloat16 ulps (2^-8 relative each)")

for _name in ("test_attention_3d_causal_bf16", "test_attention_4d_causal_bf16",
              "test_attention_4d_causal_padded_kv_bf16",
              "test_attention_4d_padded_kv_bf16"):
    TOLERANCES["pypi:" + _name] = (
        2e-2, 1e-3,
        "the reference computes in bfloat16 op by op (ml_dtypes); fmc "
        "accumulates the matmuls and the softmax sum in f32; outputs differ "
        "by up to 3 bfloat16 ulps (2^-8 relative each)")

for _name in ("test_dft_inverse", "test_dft_inverse_opset19"):
    TOLERANCES["pypi:" + _name] = (
        1e-3, 1e-6,
        "outputs whose exact value is 0 hold the reference FFT's float32 "
        "rounding noise (up to 2e-7, above atol 1e-7); fmc's sums give 3e-15")


def generate_pypi_suite(out_dir):
    """Writes onnx's node test cases as model + data files, as
    backend-test-tools generate-data did before it stopped emitting them."""
    stamp = os.path.join(out_dir, ".complete")
    if os.path.exists(stamp):
        return
    # Runs in parallel (the lit tests of several targets) wait for the one
    # that writes the suite.
    os.makedirs(os.path.dirname(out_dir), exist_ok=True)
    with open(out_dir + ".lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not os.path.exists(stamp):
            write_pypi_suite(out_dir, stamp)


def write_pypi_suite(out_dir, stamp):
    import onnx.backend.test.case.node as node_cases

    if os.path.exists(out_dir):
        shutil.rmtree(out_dir)
    os.makedirs(out_dir)

    def write(proto_type, value, name, path):
        if proto_type.HasField("sequence_type"):
            proto = numpy_helper.from_list(value, name)
        elif proto_type.HasField("optional_type"):
            proto = numpy_helper.from_optional(value, name)
        elif proto_type.HasField("map_type"):
            proto = numpy_helper.from_dict(value, name)
        elif isinstance(value, onnx.TensorProto):
            proto = value
        else:
            proto = numpy_helper.from_array(value, name)
        with open(path, "wb") as f:
            f.write(proto.SerializeToString())

    for case in node_cases.collect_testcases():
        case_dir = os.path.join(out_dir, case.name)
        os.makedirs(case_dir, exist_ok=True)
        with open(os.path.join(case_dir, "model.onnx"), "wb") as f:
            f.write(case.model.SerializeToString())
        graph = case.model.graph
        for i, (inputs, outputs) in enumerate(case.data_sets):
            data_dir = os.path.join(case_dir, f"test_data_set_{i}")
            os.makedirs(data_dir, exist_ok=True)
            for j, value in enumerate(inputs):
                write(graph.input[j].type, value, graph.input[j].name,
                      os.path.join(data_dir, f"input_{j}.pb"))
            for j, value in enumerate(outputs):
                write(graph.output[j].type, value, graph.output[j].name,
                      os.path.join(data_dir, f"output_{j}.pb"))
    open(stamp, "w").close()


def resolve_suites(specs, build_dir):
    suites = []
    for spec in specs:
        if spec == "pypi":
            path = os.path.join(build_dir, "conformance",
                                f"onnx-{onnx.__version__}", "node")
            generate_pypi_suite(path)
            suites.append(("pypi", f"onnx {onnx.__version__} (PyPI)", path))
        elif spec == "debian":
            suites.append(("debian", "onnx 1.12 (Debian libonnx-testdata)",
                           DEBIAN_NODE_DIR))
        else:
            name, _, path = spec.partition("=")
            suites.append((name, name, path))
    return suites


def load_tensor(path, value_info):
    """The numpy value of an input/output .pb, or None when it is not a
    tensor (sequence, optional, map)."""
    kind = value_info.type.WhichOneof("value")
    if kind != "tensor_type":
        return None
    proto = onnx.TensorProto()
    with open(path, "rb") as f:
        proto.ParseFromString(f.read())
    array = numpy_helper.to_array(proto)
    declared = value_info.type.tensor_type.elem_type
    if declared == onnx.TensorProto.BFLOAT16 and array.dtype.name != "bfloat16":
        # Older test data stores bfloat16 bit patterns as UINT16 tensors.
        import ml_dtypes
        array = array.astype(np.uint16).view(ml_dtypes.bfloat16)
    return array


_SCHEMA_NAMES = None


def operator_of(test_name, model):
    """The ONNX operator a node test is about: the longest operator name that
    prefixes the test name (ignoring case and underscores), else the model's
    first non-Constant node."""
    global _SCHEMA_NAMES
    if _SCHEMA_NAMES is None:
        _SCHEMA_NAMES = {s.name for s in onnx.defs.get_all_schemas_with_history()
                         if s.domain in ("", "ai.onnx")}
    key = test_name[len("test_"):].replace("_", "").lower()
    names = _SCHEMA_NAMES | {n.op_type for n in model.graph.node}
    best = ""
    for name in names:
        if key.startswith(name.lower()) and len(name) > len(best):
            best = name
    if best:
        return best
    for node in model.graph.node:
        if node.op_type != "Constant":
            return node.op_type
    return model.graph.node[0].op_type if model.graph.node else "?"


def first_error_line(text):
    for line in text.splitlines():
        if "error:" in line:
            return line.strip()
    lines = [l for l in text.splitlines() if l.strip()]
    return lines[-1].strip() if lines else "(no output)"


def short(path_message):
    """Drops the model path from a diagnostic so reports are stable."""
    return re.sub(r"^\S*model\.onnx:(\d+:\d+:)? ", "", path_message)


def compiles_for(fmc, target, model_path, work, bound, timeout):
    """Whether fmc compiles the model for `target` (no other flags)."""
    try:
        proc = subprocess.run(
            [fmc, "compile", model_path, f"--target={target}", "-o",
             os.path.join(work, "reference.fmc")]
            + [f"--bind-input={k}={v}" for k, v in bound.items()],
            capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        return False
    return proc.returncode == 0


def compile_test(fmc, target, flags, model, test_dir, data_sets, artifact,
                 work, bound, timeout):
    """Compiles a node test's model.onnx into `artifact`. Inputs fmc asks to
    know at compile time (axes, shapes, pads given as graph inputs) are
    bound to the test's values with --bind-input (saved in `work`, recorded
    in `bound`) when every data set gives the same value. Returns (status,
    reason): "compiled"; "rejected" (a diagnostic, its line); "unsupported"
    (an input fmc asks for that the data cannot give); "error" (a crash or
    timeout)."""
    model_path = os.path.join(test_dir, "model.onnx")
    while True:
        try:
            proc = subprocess.run(
                [fmc, "compile", model_path, f"--target={target}", "-o",
                 artifact] + flags
                + [f"--bind-input={k}={v}" for k, v in bound.items()],
                capture_output=True, text=True, timeout=timeout)
        except subprocess.TimeoutExpired:
            return "error", f"compile timed out after {timeout} s"
        if proc.returncode == 0:
            return "compiled", ""
        line = short(first_error_line(proc.stderr))
        crashed = (proc.returncode < 0 or "LLVM ERROR" in proc.stderr
                   or "internal error" in proc.stderr
                   or "error:" not in proc.stderr)
        if crashed:
            return "error", f"compile crashed (exit {proc.returncode}): {line}"
        wanted = re.search(r"--bind-input (\S+)=FILE\.npy", line)
        if not wanted or wanted.group(1) in bound:
            return "rejected", line
        input_name = wanted.group(1)
        position = next((j for j, v in enumerate(model.graph.input)
                         if v.name == input_name), None)
        values = []
        for data_set in data_sets:
            path = os.path.join(test_dir, data_set, f"input_{position}.pb")
            if position is None or not os.path.exists(path):
                return "unsupported", line
            values.append(load_tensor(path, model.graph.input[position]))
        if any(v is None or not np.array_equal(v, values[0]) for v in values):
            return "unsupported", line + " (values differ between data sets)"
        npy = os.path.join(work, f"bound_{position}.npy")
        np.save(npy, values[0])
        bound[input_name] = npy


def run_test(args, suite_key, test_dir, bound):
    """Returns (status, reason, operator); fills `bound` with the inputs bound
    at compile time (name -> .npy path). With args.reference_target, a test
    rejected here that compiles for the reference is an error; with
    args.compile_only, one that compiles passes."""
    fmc, target, flags = args.fmc, args.target, args.compile_flag
    reference, timeout = args.reference_target, args.timeout
    name = os.path.basename(test_dir)
    model_path = os.path.join(test_dir, "model.onnx")
    try:
        model = onnx.load(model_path, load_external_data=False)
    except Exception as e:  # noqa: BLE001 - reported, not raised
        return "error", f"the test model does not load: {e}", "?"
    op = operator_of(name, model)
    rtol, atol, _ = TOLERANCES.get(f"{suite_key}:{name}",
                                   (DEFAULT_RTOL, DEFAULT_ATOL, ""))
    work = tempfile.mkdtemp(prefix="fmc-conf-")
    try:
        artifact = os.path.join(work, "model.fmc")
        data_sets = sorted(d for d in os.listdir(test_dir)
                           if d.startswith("test_data_set_"))
        if not data_sets:
            return "error", "the test has no data sets", op
        status, reason = compile_test(fmc, target, flags, model, test_dir,
                                      data_sets, artifact, work, bound,
                                      timeout)
        if status == "rejected":
            if reference and compiles_for(fmc, reference, model_path, work,
                                          bound, timeout):
                return ("error", f"rejected for {target} "
                        f"({' '.join(flags) or 'no flags'}) but compiles "
                        f"for {reference}: {reason}", op)
            status = "unsupported"
        if status != "compiled":
            return status, reason, op

        if args.compile_only:
            return "pass", "", op
        for data_set in data_sets:
            data_dir = os.path.join(test_dir, data_set)
            args = [fmc, "run", artifact, "--output-dir", os.path.join(work, "out")]
            inputs = sorted((int(f[6:-3]), f) for f in os.listdir(data_dir)
                            if f.startswith("input_"))
            for j, file in inputs:
                info = model.graph.input[j]
                if info.name in bound:
                    continue
                value = load_tensor(os.path.join(data_dir, file), info)
                if value is None:
                    return "error", f"compiled although input '{info.name}' is not a tensor", op
                declared = [d.dim_value if d.HasField("dim_value") else None
                            for d in info.type.tensor_type.shape.dim]
                if len(declared) != value.ndim or any(
                        d is not None and d != v for d, v in zip(declared, value.shape)):
                    return ("unsupported",
                            f"the test data contradicts the model: input "
                            f"'{info.name}' is declared {declared}, the data "
                            f"has shape {list(value.shape)} (fmc compiles "
                            f"for the declared shape)", op)
                npy = os.path.join(work, f"input_{j}.npy")
                np.save(npy, value)
                args.append(f"--input={info.name}={npy}")
            shutil.rmtree(os.path.join(work, "out"), ignore_errors=True)
            try:
                proc = subprocess.run(args, capture_output=True, text=True,
                                      timeout=timeout)
            except subprocess.TimeoutExpired:
                return "error", f"run timed out after {timeout} s", op
            if proc.returncode != 0:
                return ("error",
                        f"run failed (exit {proc.returncode}): "
                        f"{first_error_line(proc.stderr)}", op)
            outputs = sorted((int(f[7:-3]), f) for f in os.listdir(data_dir)
                             if f.startswith("output_"))
            for j, file in outputs:
                info = model.graph.output[j]
                expected = load_tensor(os.path.join(data_dir, file), info)
                if expected is None:
                    return "error", f"compiled although output '{info.name}' is not a tensor", op
                path = os.path.join(work, "out", info.name + ".npy")
                if not os.path.exists(path):
                    return "error", f"output '{info.name}' was not written", op
                problem = compare(info.name, np.load(path), expected, rtol, atol)
                if problem:
                    return "fail", f"{data_set}: {problem}", op
        return "pass", "", op
    finally:
        shutil.rmtree(work, ignore_errors=True)


def write_markdown(path, results, target, elapsed):
    by_suite = defaultdict(list)
    for r in results:
        by_suite[r["suite"]].append(r)
    lines = [
        "# ONNX conformance",
        "",
        "Generated by `test/Conformance/run_conformance.py`; do not edit by hand.",
        "Regenerate with:",
        "",
        "    scripts/conformance.sh",
        "",
        "Each ONNX backend node test is compiled by fmc for the target, run on",
        "every data set and compared with the expected outputs (rtol 1e-3,",
        "atol 1e-7 unless listed under tolerance overrides; bfloat16 outputs",
        "use rtol 2^-7, two bfloat16 ulps, since 1e-3 is below that type's",
        "resolution). **pass**: all outputs match; **fail**: wrong numbers;",
        "**unsupported**: rejected at compile time with a diagnostic;",
        "**error**: crash, hang or runtime failure.",
        "",
        "f16 and bf16 ops are computed in f32 and rounded once per op (the",
        "host CPU has no half-precision arithmetic).",
        "",
        "## Totals",
        "",
        "| suite | target | tests | pass | of which with bound inputs | fail | unsupported | error | pass rate |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for suite, rs in by_suite.items():
        c = Counter(r["status"] for r in rs)
        with_bound = sum(1 for r in rs if r["status"] == "pass" and r["bound"])
        lines.append(
            f"| {suite} | {target} | {len(rs)} | {c['pass']} | {with_bound} | "
            f"{c['fail']} | {c['unsupported']} | {c['error']} | "
            f"{100.0 * c['pass'] / max(1, len(rs)):.1f}% |")
    lines += [
        "",
        "*Bound inputs*: where a test feeds a shape-determining operand (axes,",
        "shape, pads, repeats, k...) as a graph input, fmc's diagnostic names",
        "it and the runner compiles again with `--bind-input name=value.npy`",
        "(the test's value; all data sets must agree), as a user deploying",
        "such a model would. Those tests are listed at the end.",
    ]
    lines += ["", f"Wall time of the run: {elapsed:.0f} s.", ""]
    if TOLERANCES:
        lines += ["## Tolerance overrides", "", "| test | rtol | atol | reason |",
                  "|---|---|---|---|"]
        for name, (rtol, atol, why) in sorted(TOLERANCES.items()):
            lines.append(f"| {name} | {rtol} | {atol} | {why} |")
        lines.append("")
    for suite, rs in by_suite.items():
        lines += [f"## {suite}: per operator", "",
                  "| operator | passed / total |", "|---|---|"]
        per_op = defaultdict(Counter)
        for r in rs:
            per_op[r["operator"]][r["status"]] += 1
        for op in sorted(per_op):
            c = per_op[op]
            lines.append(f"| {op} | {c['pass']} / {sum(c.values())} |")
        lines += ["", f"## {suite}: tests that do not pass", "",
                  "| test | result | reason |", "|---|---|---|"]
        for r in sorted(rs, key=lambda r: r["test"]):
            if r["status"] != "pass":
                reason = r["reason"].replace("|", "\\|")
                lines.append(f"| {r['test']} | {r['status']} | {reason} |")
        lines.append("")
    lines += ["## Passing tests with bound inputs", "",
              "| suite | test | bound inputs |", "|---|---|---|"]
    for r in sorted(results, key=lambda r: (r["suite"], r["test"])):
        if r["status"] == "pass" and r["bound"]:
            lines.append(f"| {r['suite']} | {r['test']} | "
                         f"{', '.join(r['bound'])} |")
    lines.append("")
    with open(path, "w") as f:
        f.write("\n".join(lines))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--suite", action="append",
                        help="pypi, debian or NAME=DIR (repeatable; default: pypi and debian)")
    parser.add_argument("--fmc", default=os.path.join(ROOT, "build", "bin", "fmc"))
    parser.add_argument("--build-dir", default=os.path.join(ROOT, "build"))
    parser.add_argument("--target", default="host")
    parser.add_argument("--compile-flag", action="append", default=[],
                        help="a flag for fmc compile (repeatable), e.g. "
                        "--compile-flag=--gpu-mapping-on-host")
    parser.add_argument("--reference-target",
                        help="a test this run rejects at compile time but "
                        "that compiles for this target (without "
                        "--compile-flag) is an error, not unsupported: the "
                        "run's target or flags lost an op the reference "
                        "supports (e.g. --reference-target host for a GPU "
                        "target)")
    parser.add_argument("--compile-only", action="store_true",
                        help="only compile: a test passes when it compiles "
                        "(for a GPU target without a GPU: NVVM, PTX and "
                        "ptxas for every op)")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--timeout", type=int, default=120,
                        help="seconds per compile and per run")
    parser.add_argument("--filter", help="only tests whose name matches REGEX")
    parser.add_argument("--subset", help="only the tests named in FILE (one per line)")
    parser.add_argument("--markdown", help="write the report (docs/CONFORMANCE.md)")
    parser.add_argument("--json", help="write every result as JSON")
    parser.add_argument("--check", action="store_true",
                        help="exit 1 when any test fails or errors")
    parser.add_argument("-v", "--verbose", action="store_true",
                        help="print every test, not only fail/error")
    args = parser.parse_args()
    args.fmc = shutil.which(args.fmc) or args.fmc

    suites = resolve_suites(args.suite or ["pypi", "debian"], args.build_dir)
    wanted = None
    if args.subset:
        with open(args.subset) as f:
            wanted = {l.split("#")[0].strip() for l in f} - {""}
    pattern = re.compile(args.filter) if args.filter else None

    jobs = []
    for key, suite, path in suites:
        if not os.path.isdir(path):
            print(f"error: suite '{suite}': no such directory {path}", file=sys.stderr)
            return 2
        for name in sorted(os.listdir(path)):
            test_dir = os.path.join(path, name)
            if not os.path.isfile(os.path.join(test_dir, "model.onnx")):
                continue
            if wanted is not None and name not in wanted:
                continue
            if pattern and not pattern.search(name):
                continue
            jobs.append((key, suite, name, test_dir))

    start = time.time()
    results = []
    with concurrent.futures.ThreadPoolExecutor(max_workers=args.jobs) as pool:
        futures = {}
        for k, s, n, d in jobs:
            bound = {}
            futures[pool.submit(run_test, args, k, d, bound)] = (s, n, bound)
        for future in concurrent.futures.as_completed(futures):
            suite, name, bound = futures[future]
            try:
                status, reason, op = future.result()
            except Exception as e:  # noqa: BLE001 - a runner bug is an error
                status, reason, op = "error", f"runner: {e!r}", "?"
            results.append({"suite": suite, "test": name, "status": status,
                            "reason": reason, "operator": op,
                            "bound": sorted(bound)})
            if args.verbose or status in ("fail", "error"):
                print(f"{status.upper()}: [{suite}] {name}: {reason}", flush=True)
    elapsed = time.time() - start

    results.sort(key=lambda r: (r["suite"], r["test"]))
    if args.markdown:
        write_markdown(args.markdown, results, args.target, elapsed)
    if args.json:
        with open(args.json, "w") as f:
            json.dump(results, f, indent=1)
    bad = 0
    for _, suite, _ in suites:
        c = Counter(r["status"] for r in results if r["suite"] == suite)
        total = sum(c.values())
        bad += c["fail"] + c["error"]
        passed = "compiled" if args.compile_only else "pass"
        print(f"{suite}: {total} tests: {c['pass']} {passed}, {c['fail']} fail, "
              f"{c['unsupported']} unsupported, {c['error']} error "
              f"({100.0 * c['pass'] / max(1, total):.1f}% pass)")
    print(f"({elapsed:.0f} s)")
    return 1 if args.check and bad else 0


if __name__ == "__main__":
    sys.exit(main())
