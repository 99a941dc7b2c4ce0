"""Writes f32 products for wgmma-tf32.test (--precision=tf32 on sm_90a):

    Y = X W + B   X [200, 136], W [136, 296] and B [296] weights: W is
                  stored [n][k] at compile time, the warpgroup kernel's
    Z = A C       A [130, 72], C [72, 264] both inputs: C stores n
                  contiguously, so the product stays on mma.sync
    Q = P U       P [150, 70], U [70, 256] a weight whose k (70) is not a
                  whole number of 16-byte vectors: kept [k][n], mma.sync

Usage: tf32_products.py OUT.onnx
"""

import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper


def main():
    rng = np.random.default_rng(11)

    def weight(name, *shape, scale=1.0):
        return numpy_helper.from_array(
            (rng.standard_normal(shape) * scale).astype(np.float32), name)

    weights = [
        weight("W", 136, 296, scale=1 / np.sqrt(136)),
        weight("B", 296),
        weight("U", 70, 256, scale=1 / np.sqrt(70)),
    ]
    nodes = [
        helper.make_node("MatMul", ["X", "W"], ["M"]),
        helper.make_node("Add", ["M", "B"], ["Y"]),
        helper.make_node("MatMul", ["A", "C"], ["Z"]),
        helper.make_node("MatMul", ["P", "U"], ["Q"]),
    ]
    f32 = TensorProto.FLOAT
    graph = helper.make_graph(
        nodes, "tf32_products",
        [helper.make_tensor_value_info("X", f32, [200, 136]),
         helper.make_tensor_value_info("A", f32, [130, 72]),
         helper.make_tensor_value_info("C", f32, [72, 264]),
         helper.make_tensor_value_info("P", f32, [150, 70])],
        [helper.make_tensor_value_info("Y", f32, [200, 296]),
         helper.make_tensor_value_info("Z", f32, [130, 264]),
         helper.make_tensor_value_info("Q", f32, [150, 256])],
        weights)
    onnx.save(helper.make_model(
        graph, opset_imports=[helper.make_opsetid("", 17)]), sys.argv[1])


if __name__ == "__main__":
    main()
