#!/usr/bin/env python3
"""Greedy decoding with a KV cache, fmc against ONNX Runtime, step by step.

    greedy_decode.py model.onnx [--fmc PATH] [--prompt-len 6] [--steps 3]
                     [--rtol 1e-4] [--atol 1e-5]

The model is a decoder exported with its cache as graph inputs and outputs
(examples/models/make_zoo.py, *_kv): input_ids [1, S] and past_key_<i>,
past_value_<i> [1, Hkv, P, D] in; logits [1, S, V] and present_key_<i>,
present_value_<i> [1, Hkv, P + S, D] out, with S and P symbolic. fmc has no
run-time shapes, so every step is compiled for its own (S, P) with
--input-shape.

Step 0 runs the prompt (a seeded random token sequence) with an empty cache;
each later step feeds the token chosen by the previous one (argmax of the
last logits) and the cache that step returned. fmc and ONNX Runtime each
carry their own cache. Every step's logits and presents must satisfy
numpy.allclose(fmc, ort, rtol, atol) and both must choose the same token.
Finally the whole sequence is run once with an empty cache: its last logits
must match the last decode step's (the cache is used correctly). Exit status
0 when everything matches.
"""

import argparse
import os
import shutil
import subprocess
import sys
import tempfile

import numpy as np
import onnx
import onnxruntime as ort


def dims(value):
    return [d.dim_value if d.HasField("dim_value") else None
            for d in value.type.tensor_type.shape.dim]


class FmcSession:
    """Compiles the model per input shape and runs it with `fmc run`."""

    def __init__(self, fmc, model, tmp, flags=()):
        self.fmc, self.model, self.tmp = fmc, model, tmp
        self.flags = list(flags)
        self.artifacts = {}

    def run(self, feeds, output_names):
        key = tuple((n, a.shape) for n, a in feeds.items())
        tag = "s%d" % len(self.artifacts)
        if key not in self.artifacts:
            artifact = os.path.join(self.tmp, tag + ".fmc")
            command = [self.fmc, "compile", self.model, "-o", artifact]
            command += self.flags
            for name, array in feeds.items():
                command += ["--input-shape", "%s=%s" % (
                    name, "x".join(str(d) for d in array.shape))]
            subprocess.run(command, check=True)
            self.artifacts[key] = artifact
        out_dir = os.path.join(self.tmp, "out")
        os.makedirs(out_dir, exist_ok=True)
        command = [self.fmc, "run", self.artifacts[key], "--output-dir",
                   out_dir]
        for i, (name, array) in enumerate(feeds.items()):
            path = os.path.join(self.tmp, "in%d.npy" % i)
            np.save(path, array)
            command += ["--input", "%s=%s" % (name, path)]
        subprocess.run(command, check=True, capture_output=True)
        return [np.load(os.path.join(out_dir, name + ".npy"))
                for name in output_names]


def compare(label, got, want, rtol, atol):
    diff = np.abs(got.astype(np.float64) - want.astype(np.float64))
    scale = np.abs(want.astype(np.float64))
    significant = scale > 1e-3
    max_rel = float((diff[significant] / scale[significant]).max()) \
        if significant.any() else 0.0
    ok = got.shape == want.shape and np.allclose(got, want, rtol=rtol,
                                                 atol=atol)
    print("  %s: %s shape=%s max_rel_err=%.3g" % (
        label, "match" if ok else "MISMATCH", list(got.shape), max_rel))
    return ok


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("model")
    parser.add_argument("--fmc", default=shutil.which("fmc") or "fmc")
    parser.add_argument("--prompt-len", type=int, default=6)
    parser.add_argument("--steps", type=int, default=3)
    parser.add_argument("--rtol", type=float, default=1e-4)
    parser.add_argument("--atol", type=float, default=1e-5)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--compile-flag", action="append", default=[],
                        help="extra `fmc compile` flag (repeatable), e.g. "
                             "--compile-flag=--gpu-mapping-on-host")
    args = parser.parse_args()

    model = onnx.load(args.model)
    inputs = {v.name: v for v in model.graph.input}
    outputs = [v.name for v in model.graph.output]
    past_names = [n for n in inputs if n.startswith("past_")]
    vocab = dims(model.graph.output[0])[-1]
    rng = np.random.default_rng(args.seed)
    prompt = rng.integers(0, vocab, size=(1, args.prompt_len)).astype(np.int64)

    def empty_cache():
        cache = {}
        for name in past_names:
            _, heads, _, depth = dims(inputs[name])
            cache[name] = np.zeros((1, heads, 0, depth), np.float32)
        return cache

    def next_cache(results):
        by_name = dict(zip(outputs, results))
        return {name: by_name[name.replace("past_", "present_")]
                for name in past_names}

    options = ort.SessionOptions()
    options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
    session = ort.InferenceSession(args.model, options,
                                   providers=["CPUExecutionProvider"])
    ok = True
    with tempfile.TemporaryDirectory() as tmp:
        fmc = FmcSession(args.fmc, args.model, tmp, args.compile_flag)
        ids_fmc = ids_ort = prompt
        cache_fmc, cache_ort = empty_cache(), empty_cache()
        tokens_fmc, tokens_ort = [], []
        last_logits = None
        for step in range(args.steps + 1):
            feeds_fmc = {"input_ids": ids_fmc, **cache_fmc}
            feeds_ort = {"input_ids": ids_ort, **cache_ort}
            got = fmc.run(feeds_fmc, outputs)
            want = session.run(outputs, feeds_ort)
            print("step %d: %d token(s), cache length %d" % (
                step, ids_fmc.shape[1], cache_fmc[past_names[0]].shape[2]))
            for name, g, w in zip(outputs, got, want):
                ok &= compare(name, g, w, args.rtol, args.atol)
            token_fmc = int(got[0][0, -1].argmax())
            token_ort = int(want[0][0, -1].argmax())
            print("  next token: fmc %d, onnxruntime %d" % (token_fmc,
                                                            token_ort))
            ok &= token_fmc == token_ort
            tokens_fmc.append(token_fmc)
            tokens_ort.append(token_ort)
            last_logits = got[0][0, -1]
            ids_fmc = np.array([[token_fmc]], np.int64)
            ids_ort = np.array([[token_ort]], np.int64)
            cache_fmc, cache_ort = next_cache(got), next_cache(want)
        print("tokens: fmc %s, onnxruntime %s" % (tokens_fmc, tokens_ort))
        # The whole sequence at once, no cache.
        sequence = np.concatenate(
            [prompt, np.array([tokens_fmc[:-1]], np.int64)], axis=1)
        full = fmc.run({"input_ids": sequence, **empty_cache()}, outputs)
        print("full sequence of %d tokens without a cache:" %
              sequence.shape[1])
        ok &= compare("last logits vs decode", full[0][0, -1], last_logits,
                      args.rtol, args.atol)
    print("PASS" if ok else "FAIL")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
