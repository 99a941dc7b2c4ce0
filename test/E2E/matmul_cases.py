#!/usr/bin/env python3
"""Matmul shapes that exercise every path of fmc's f32 microkernel.

    matmul_cases.py --fmc PATH --target TARGET [--work DIR]

Writes one ONNX model per case (weights from a fixed seed), then compiles,
runs and compares each with ONNX Runtime through compare_with_ort.py
(rtol 1e-4, atol 1e-5; inputs uniform in [-1, 1)). The cases cover packed
weights ([K, N] and Gemm's transposed [N, K]), run-time packed activations,
batch dims (matched and broadcast), m and n tails, several kc, mc and column
blocks, an elementwise epilogue fused into the last kc block,
a single row and a single column, a patch-embedding convolution, other
convolutions through their columns (im2col) with a batch norm and Relu, and
quantizing epilogues (QuantizeLinear after a matmul, QLinearMatMul; integer
outputs within one step of ONNX Runtime's on at most 1% of the elements).
Prints "PASS name" or "FAIL name" per case; exit status 1 if any failed.
"""

import argparse
import os
import subprocess
import sys
import tempfile

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

HERE = os.path.dirname(os.path.abspath(__file__))
rng = np.random.default_rng(7)


def weight(name, shape, scale=1.0):
    return numpy_helper.from_array(
        (rng.uniform(-1, 1, shape) * scale).astype(np.float32), name)


def fan_in(k):
    """The usual initialisation scale: outputs of order 1 for any depth K, so
    that atol 1e-5 stays meaningful where K is in the thousands."""
    return 1.0 / np.sqrt(k)


def value(name, shape):
    return helper.make_tensor_value_info(name, TensorProto.FLOAT, shape)


def matmul(a_shape, w_shape, w_is_input=False):
    inputs = [value("A", a_shape)]
    inits = []
    if w_is_input:
        inputs.append(value("W", w_shape))
    else:
        inits.append(weight("W", w_shape, fan_in(a_shape[-1])))
    return [helper.make_node("MatMul", ["A", "W"], ["Y"])], inputs, inits


def gemm_trans_b(m, k, n):
    nodes = [helper.make_node("Gemm", ["A", "W", "C"], ["Y"], transB=1,
                              alpha=0.5)]
    return nodes, [value("A", [m, k])], [weight("W", [n, k], fan_in(k)),
                                         weight("C", [n])]


def bias_relu_residual(m, k, n):
    """Relu(A W + b) + R: one elementwise op after the matmul, reading a
    bias along n and a residual input of the output's shape."""
    nodes = [helper.make_node("MatMul", ["A", "W"], ["P"]),
             helper.make_node("Add", ["P", "B"], ["S"]),
             helper.make_node("Relu", ["S"], ["T"]),
             helper.make_node("Add", ["T", "R"], ["Y"])]
    return nodes, [value("A", [m, k]), value("R", [m, n])], [
        weight("W", [k, n], fan_in(k)), weight("B", [n])]


def quantize_output(m, k, n):
    """QuantizeLinear(A W + b) to int8 with a zero point: the kernel's
    epilogue scales, rounds, clamps and stores int8."""
    nodes = [helper.make_node("MatMul", ["A", "W"], ["P"]),
             helper.make_node("Add", ["P", "B"], ["S"]),
             helper.make_node("QuantizeLinear", ["S", "scale", "zp"], ["Y"])]
    return nodes, [value("A", [m, k])], [
        weight("W", [k, n], fan_in(k)), weight("B", [n]),
        numpy_helper.from_array(np.array(0.01, np.float32), "scale"),
        numpy_helper.from_array(np.array(-7, np.int8), "zp")], {
            "out_type": TensorProto.INT8}


def qlinear_matmul(m, k, n):
    """QLinearMatMul of uint8 activations and int8 weights to uint8: the
    f32 product, then the requantization as the kernel's epilogue."""
    a_zp, b_zp, y_zp = 128, 3, 100
    # 7-bit weights: ONNX Runtime's AVX2 u8 x s8 kernel sums pairs of
    # products in saturating int16 (vpmaddubsw), exact only below 2^15.
    w = rng.integers(-63, 64, (k, n)).astype(np.int8)
    scales = {"a_scale": 0.02, "b_scale": 0.004, "y_scale": 0.05}
    inits = [numpy_helper.from_array(w, "W"),
             numpy_helper.from_array(np.array(a_zp, np.uint8), "a_zp"),
             numpy_helper.from_array(np.array(b_zp, np.int8), "b_zp"),
             numpy_helper.from_array(np.array(y_zp, np.uint8), "y_zp")]
    inits += [numpy_helper.from_array(np.array(v, np.float32), name)
              for name, v in scales.items()]
    nodes = [helper.make_node(
        "QLinearMatMul",
        ["A", "a_scale", "a_zp", "W", "b_scale", "b_zp", "y_scale", "y_zp"],
        ["Y"])]
    inputs = [helper.make_tensor_value_info("A", TensorProto.UINT8, [m, k])]
    return nodes, inputs, inits, {"out_type": TensorProto.UINT8,
                                  "args": ["--int-range", "A=0:256"]}


def patch_conv():
    nodes = [helper.make_node("Conv", ["A", "W", "B"], ["Y"],
                              kernel_shape=[8, 4], strides=[8, 4])]
    return nodes, [value("A", [2, 3, 32, 24])], [weight("W", [16, 3, 8, 4]),
                                                 weight("B", [16])]


def conv_bn_relu(x_shape, f, kernel, **attrs):
    """Relu(BatchNormalization(Conv(X, W))): a conv through its columns
    (im2col) as the product of the filter [F, C * R...] by the columns
    [C * R..., O...], the batch norm and Relu its epilogue."""
    c = x_shape[1] // attrs.get("group", 1)
    depth = c * int(np.prod(kernel))
    nodes = [helper.make_node("Conv", ["A", "W"], ["P"], kernel_shape=kernel,
                              **attrs),
             helper.make_node("BatchNormalization",
                              ["P", "g", "b", "mu", "var"], ["S"]),
             helper.make_node("Relu", ["S"], ["Y"])]
    inits = [weight("W", [f, c] + kernel, fan_in(depth))]
    inits += [numpy_helper.from_array(
        rng.uniform(lo, hi, f).astype(np.float32), name)
        for name, lo, hi in (("g", 0.5, 1.5), ("b", -0.2, 0.2),
                             ("mu", -0.2, 0.2), ("var", 0.5, 1.5))]
    return nodes, [value("A", x_shape)], inits


CASES = {
    # m and n tails, K over three kc blocks or more on every target (kc is
    # at most 1024): the first, middle and last blocks store differently.
    "weight_tails": matmul([13, 2100], [2100, 37]),
    "weight_square": matmul([64, 256], [256, 96]),
    # The bias (and alpha) applied in the last kc block, after a first block
    # that stores into the zero-filled output without reading it.
    "gemm_trans_b": gemm_trans_b(29, 2100, 70),
    # Several column blocks of out (130 rows of 1000 columns exceed the
    # out block of every target), with a fused bias + Relu + residual.
    "bias_relu_residual": bias_relu_residual(130, 96, 1000),
    # Both operands computed at run time: the rhs panel is packed per block.
    "activations": matmul([29, 520], [520, 45], w_is_input=True),
    "batched": matmul([2, 3, 17, 40], [2, 3, 40, 24], w_is_input=True),
    "broadcast_rhs": matmul([3, 17, 40], [40, 50]),
    "broadcast_lhs": matmul([17, 40], [4, 40, 33], w_is_input=True),
    # n a multiple of 64 but not of 128: the GPU's 16-bit tensor-core
    # tiles are 128 wide, so their last block's right half is masked.
    "half_block": matmul([16, 256], [256, 192]),
    # Decode: a single row against a packed weight.
    "single_row": matmul([1, 768], [768, 200]),
    "single_column": matmul([9, 33], [33], w_is_input=True),
    # More rows than one mc block on every target.
    "many_rows": matmul([1100, 70], [70, 20]),
    # A ViT-style patch embedding: the conv becomes a matrix product.
    "patch_conv": patch_conv(),
    # Convolutions through their columns: 3 x 3 with padding (K = 288, an
    # n tail: 28 x 28 positions), strided and dilated with uneven pads, a
    # Whisper-style 1-D stride-2 conv, and a 1 x 1 conv read in place.
    "conv3x3": conv_bn_relu([1, 32, 28, 28], 40, [3, 3], pads=[1, 1, 1, 1]),
    "conv_strided_dilated": conv_bn_relu([2, 6, 17, 15], 24, [3, 2],
                                         strides=[2, 1], dilations=[2, 3],
                                         pads=[2, 0, 1, 2]),
    "conv1d": conv_bn_relu([1, 80, 300], 64, [3], strides=[2],
                           pads=[1, 1]),
    "conv_pointwise": conv_bn_relu([2, 48, 7, 9], 72, [1, 1]),
    # ResNeXt-style: 4 groups of 8 input and 16 output channels, the
    # product's group a batch dim.
    "conv_grouped": conv_bn_relu([1, 32, 14, 14], 64, [3, 3], group=4,
                                 strides=[2, 2], pads=[1, 1, 1, 1]),
    # Quantizing epilogues (int8 and uint8 outputs), K over several kc
    # blocks. A quantized value may differ from ONNX Runtime's by one step
    # where the f32 sum (summed in another order) lies within rounding error
    # of a rounding boundary: at most 1% of the elements, by at most 1.
    "quantize_output": quantize_output(45, 2100, 70),
    "qlinear_matmul": qlinear_matmul(29, 1500, 50),
}


def write_model(name, folder):
    """Saves case `name` as folder/name.onnx; returns the path."""
    nodes, inputs, inits = CASES[name][:3]
    options = CASES[name][3] if len(CASES[name]) > 3 else {}
    output = helper.make_tensor_value_info(
        "Y", options.get("out_type", TensorProto.FLOAT), None)
    graph = helper.make_graph(nodes, name, inputs, [output], inits)
    model = helper.make_model(graph,
                              opset_imports=[helper.make_opsetid("", 17)])
    model = onnx.shape_inference.infer_shapes(model)
    path = os.path.join(folder, name + ".onnx")
    onnx.save(model, path)
    return path


def float_cases():
    """The cases whose output is float (compared with a tolerance)."""
    return [name for name, case in CASES.items()
            if len(case) < 4 or "out_type" not in case[3]]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--fmc", required=True)
    parser.add_argument("--target", default="host")
    parser.add_argument("--work")
    parser.add_argument("--compile-flag", action="append", default=[],
                        help="passed on to fmc compile (repeatable)")
    parser.add_argument("--compare-flag", action="append", default=[],
                        help="passed on to compare_with_ort.py (repeatable), "
                        "e.g. --compare-flag=--rtol=1e-2")
    parser.add_argument("--cases", nargs="*",
                        help="run only these cases (default: all)")
    args = parser.parse_args()
    work = args.work or tempfile.mkdtemp(prefix="fmc-matmul-")
    os.makedirs(work, exist_ok=True)
    failed = 0
    for name, case in CASES.items():
        if args.cases and name not in args.cases:
            continue
        options = case[3] if len(case) > 3 else {}
        path = write_model(name, work)
        run = subprocess.run(
            [sys.executable, os.path.join(HERE, "compare_with_ort.py"), path,
             "--fmc", args.fmc, "--target", args.target, "--int-atol", "1",
             "--int-mismatch-fraction", "0.01"] + options.get("args", []) +
            ["--compile-flag=" + flag for flag in args.compile_flag] +
            args.compare_flag,
            capture_output=True, text=True)
        ok = run.returncode == 0
        failed += not ok
        print(("PASS " if ok else "FAIL ") + name)
        if not ok:
            print(run.stdout + run.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
