#!/usr/bin/env python3
"""Peak memory and latency of one attention, fused (fmc.attention lowered as
FlashAttention) against the unfused lowering (--fuse-attention=false: the
S x S scores materialized), at growing sequence lengths.

    .venv/bin/python scripts/bench_attention.py [--fmc build/bin/fmc]
        [--seq 512 2048 8192] [--heads 1] [--dim 64] [--causal] [--runs 3]

Each point is one ONNX Attention (opset 23) with Q, K, V of [1, H, S, D],
compiled for the host and measured with `fmc bench` (median latency, the
process's peak RSS). The inputs and output alone take 4 * H * S * D * 4
bytes; the scores of the unfused lowering take H * S * S * 4 bytes each.
"""

import argparse
import os
import re
import subprocess
import sys
import tempfile

import onnx
from onnx import TensorProto, helper


def make_model(path, heads, seq, dim, causal):
    shape = [1, heads, seq, dim]
    node = helper.make_node("Attention", ["Q", "K", "V"], ["Y"],
                            is_causal=int(causal))
    graph = helper.make_graph(
        [node], "attention",
        [helper.make_tensor_value_info(n, TensorProto.FLOAT, shape)
         for n in "QKV"],
        [helper.make_tensor_value_info("Y", TensorProto.FLOAT, shape)])
    model = helper.make_model(graph,
                              opset_imports=[helper.make_opsetid("", 23)])
    model.ir_version = 10
    onnx.save(model, path)


def bench(fmc, model, artifact, fused, runs):
    subprocess.run([fmc, "compile", model, "-o", artifact,
                    "--fuse-attention=" + ("true" if fused else "false")],
                   check=True)
    out = subprocess.run([fmc, "bench", artifact, "--runs", str(runs),
                          "--warmup", "1"],
                         check=True, capture_output=True, text=True).stdout
    median = re.search(r"median ([0-9.e+-]+) ms", out)
    rss = re.search(r"peak RSS: ([0-9.]+) MiB", out)
    return float(median.group(1)), float(rss.group(1))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--fmc", default="build/bin/fmc")
    parser.add_argument("--seq", type=int, nargs="+",
                        default=[512, 2048, 8192])
    parser.add_argument("--heads", type=int, default=1)
    parser.add_argument("--dim", type=int, default=64)
    parser.add_argument("--causal", action="store_true")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()

    print("| S | inputs+output MiB | fused peak RSS MiB | unfused peak RSS "
          "MiB | fused ms | unfused ms | unfused/fused time |")
    print("|---|---|---|---|---|---|---|")
    with tempfile.TemporaryDirectory() as tmp:
        for seq in args.seq:
            model = os.path.join(tmp, "attention_%d.onnx" % seq)
            make_model(model, args.heads, seq, args.dim, args.causal)
            artifact = os.path.join(tmp, "attention.fmc")
            fused_ms, fused_rss = bench(args.fmc, model, artifact, True,
                                        args.runs)
            unfused_ms, unfused_rss = bench(args.fmc, model, artifact, False,
                                            args.runs)
            io_mib = 4 * args.heads * seq * args.dim * 4 / 2**20
            print("| %d | %.1f | %.1f | %.1f | %.2f | %.2f | %.2f |"
                  % (seq, io_mib, fused_rss, unfused_rss, fused_ms,
                     unfused_ms, unfused_ms / fused_ms))
            sys.stdout.flush()


if __name__ == "__main__":
    sys.exit(main())
