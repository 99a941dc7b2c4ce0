"""Writes a one-row product whose constant weight has an odd number of
columns (as GPT-2's lm_head, 768 x 50257), for matvec-weights.test:

    Y = X W + B       X [1, 96], W [96, 37] (a weight), B [37]
    E = Gather(V, I)  and Z = X V: V [96, 37] is also an embedding table

Usage: odd_matvec.py OUT.onnx
"""

import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper


def main():
    rng = np.random.default_rng(7)
    k, n = 96, 37
    weights = [
        numpy_helper.from_array(
            (rng.standard_normal((k, n)) / np.sqrt(k)).astype(np.float32), "W"),
        numpy_helper.from_array(rng.standard_normal(n).astype(np.float32), "B"),
        numpy_helper.from_array(
            (rng.standard_normal((k, n)) / np.sqrt(k)).astype(np.float32), "V"),
    ]
    nodes = [
        helper.make_node("MatMul", ["X", "W"], ["M"]),
        helper.make_node("Add", ["M", "B"], ["Y"]),
        helper.make_node("Gather", ["V", "I"], ["E"]),
        helper.make_node("MatMul", ["X", "V"], ["Z"]),
    ]
    graph = helper.make_graph(
        nodes, "odd_matvec",
        [helper.make_tensor_value_info("X", TensorProto.FLOAT, [1, k]),
         helper.make_tensor_value_info("I", TensorProto.INT64, [2])],
        [helper.make_tensor_value_info("Y", TensorProto.FLOAT, [1, n]),
         helper.make_tensor_value_info("E", TensorProto.FLOAT, [2, n]),
         helper.make_tensor_value_info("Z", TensorProto.FLOAT, [1, n])],
        weights)
    onnx.save(helper.make_model(
        graph, opset_imports=[helper.make_opsetid("", 17)]), sys.argv[1])


if __name__ == "__main__":
    main()
