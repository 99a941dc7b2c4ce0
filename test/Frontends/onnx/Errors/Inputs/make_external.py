"""Writes a small model whose initializer lives in an external data file.

    make_external.py OUT_DIR LOCATION [OFFSET [LENGTH]]

OUT_DIR/model.onnx computes Y = X + W, W = [1, 2, 3, 4] (float32) stored in
OUT_DIR/weights.bin at offset 16; the tensor's external_data names LOCATION,
OFFSET and LENGTH as given, so tests can point it anywhere.
"""
import os
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper

out_dir, location = sys.argv[1], sys.argv[2]
offset = sys.argv[3] if len(sys.argv) > 3 else "16"
length = sys.argv[4] if len(sys.argv) > 4 else "16"
os.makedirs(out_dir, exist_ok=True)
with open(os.path.join(out_dir, "weights.bin"), "wb") as f:
    f.write(b"\0" * 16 + np.array([1, 2, 3, 4], np.float32).tobytes())
w = TensorProto()
w.name = "W"
w.data_type = TensorProto.FLOAT
w.dims.append(4)
w.data_location = TensorProto.EXTERNAL
for key, value in (("location", location), ("offset", offset),
                   ("length", length)):
    entry = w.external_data.add()
    entry.key, entry.value = key, value
graph = helper.make_graph(
    [helper.make_node("Add", ["X", "W"], ["Y"], name="add_w")], "ext",
    [helper.make_tensor_value_info("X", TensorProto.FLOAT, [4])],
    [helper.make_tensor_value_info("Y", TensorProto.FLOAT, [4])], [w])
model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
with open(os.path.join(out_dir, "model.onnx"), "wb") as f:
    f.write(model.SerializeToString())
