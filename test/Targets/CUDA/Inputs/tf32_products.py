"""Writes f32 products for wgmma-tf32.test (--precision=tf32 on sm_90a):

    Y = X W + B   X [200, 136], W [136, 296] and B [296] weights: W is
                  stored [n][k] at compile time, the warpgroup kernel's
    Z = A C       A [130, 72], C [72, 264] both inputs: C stores n
                  contiguously, so the product stays on mma.sync
    Q = P U       P [150, 70], U [70, 256] a weight whose k (70) is not a
                  whole number of 16-byte vectors: kept [k][n], mma.sync
    G = X V^T     Gemm with transB, V [264, 136] a weight: the warpgroup
                  kernel reads V as it is stored, [n][k] (no transpose)

Usage: tf32_products.py OUT.onnx [OUTPUT...]   (default: all four)
"""

import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper


def main():
    rng = np.random.default_rng(11)
    f32 = TensorProto.FLOAT

    def weight(name, *shape, scale=1.0):
        return numpy_helper.from_array(
            (rng.standard_normal(shape) * scale).astype(np.float32), name)

    def value(name, *shape):
        return helper.make_tensor_value_info(name, f32, list(shape))

    # Each output: its nodes, graph inputs and weights (made in this order
    # whichever are written, so that the values do not depend on the
    # selection).
    products = {
        "Y": ([helper.make_node("MatMul", ["X", "W"], ["M"]),
               helper.make_node("Add", ["M", "B"], ["Y"])],
              [value("X", 200, 136)],
              [weight("W", 136, 296, scale=1 / np.sqrt(136)),
               weight("B", 296)], value("Y", 200, 296)),
        "Z": ([helper.make_node("MatMul", ["A", "C"], ["Z"])],
              [value("A", 130, 72), value("C", 72, 264)], [],
              value("Z", 130, 264)),
        "Q": ([helper.make_node("MatMul", ["P", "U"], ["Q"])],
              [value("P", 150, 70)],
              [weight("U", 70, 256, scale=1 / np.sqrt(70))],
              value("Q", 150, 256)),
        "G": ([helper.make_node("Gemm", ["X", "V"], ["G"], transB=1)],
              [value("X", 200, 136)],
              [weight("V", 264, 136, scale=1 / np.sqrt(136))],
              value("G", 200, 264)),
    }
    nodes, inputs, weights, outputs = [], {}, [], []
    for name in sys.argv[2:] or products:
        n, i, w, o = products[name]
        nodes += n
        inputs.update((v.name, v) for v in i)
        weights += w
        outputs.append(o)
    graph = helper.make_graph(nodes, "tf32_products", list(inputs.values()),
                              outputs, weights)
    onnx.save(helper.make_model(
        graph, opset_imports=[helper.make_opsetid("", 17)]), sys.argv[1])


if __name__ == "__main__":
    main()
