#!/usr/bin/env python3
"""A ResNet-style CNN as ONNX, built node by node (onnx and numpy only).

    python examples/models/make_cnn.py --out examples/models/resnet_tiny.onnx
    python examples/models/make_cnn.py --resnet18 --out /tmp/resnet18.onnx

The network is what exporters write for torchvision's ResNets: a 7 x 7
stride-2 stem (Conv, BatchNormalization, Relu), a 3 x 3 stride-2 MaxPool,
four stages of basic blocks (two 3 x 3 convs with BatchNormalization; the
first block of stages 2-4 halves the resolution with a stride-2 conv and a
1 x 1 stride-2 projection of its shortcut), GlobalAveragePool, Flatten and
a Gemm classifier. Weights are seeded random numbers (He initialisation;
batch norms with random statistics), so outputs are of order 1.

The default is the committed test model (examples/models/resnet_tiny.onnx:
widths 8-64, one block per stage, 1 x 3 x 32 x 32 input, 10 classes, about
0.4 MB); --resnet18 gives ResNet-18's shapes (widths 64-512, two blocks per
stage, 1 x 3 x 224 x 224, 1000 classes, 47 MB) for benchmarks.
"""

import argparse

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper


class Builder:
    def __init__(self, seed):
        self.rng = np.random.default_rng(seed)
        self.nodes, self.inits = [], []
        self.count = 0

    def name(self, kind):
        self.count += 1
        return f"{kind}_{self.count}"

    def weight(self, name, array):
        self.inits.append(numpy_helper.from_array(
            array.astype(np.float32), name))
        return name

    def node(self, op, inputs, **attrs):
        name = self.name(op.lower())
        self.nodes.append(helper.make_node(op, inputs, [name], name=name,
                                           **attrs))
        return name

    def conv_bn(self, x, cin, cout, kernel, stride, relu=True):
        prefix = self.name("layer")
        fan_in = cin * kernel * kernel
        w = self.weight(prefix + ".weight", self.rng.normal(
            0, np.sqrt(2.0 / fan_in), (cout, cin, kernel, kernel)))
        y = self.node("Conv", [x, w], kernel_shape=[kernel, kernel],
                      strides=[stride, stride], pads=[kernel // 2] * 4)
        bn = [self.weight(prefix + "." + n, v) for n, v in (
            ("gamma", self.rng.uniform(0.5, 1.5, cout)),
            ("beta", self.rng.uniform(-0.2, 0.2, cout)),
            ("mean", self.rng.uniform(-0.2, 0.2, cout)),
            ("var", self.rng.uniform(0.5, 1.5, cout)))]
        y = self.node("BatchNormalization", [y] + bn, epsilon=1e-5)
        return self.node("Relu", [y]) if relu else y

    def basic_block(self, x, cin, cout, stride):
        y = self.conv_bn(x, cin, cout, 3, stride)
        y = self.conv_bn(y, cout, cout, 3, 1, relu=False)
        shortcut = x
        if stride != 1 or cin != cout:
            shortcut = self.conv_bn(x, cin, cout, 1, stride, relu=False)
        return self.node("Relu", [self.node("Add", [y, shortcut])])


def build(widths, blocks, size, classes, seed):
    b = Builder(seed)
    x = b.conv_bn("input", 3, widths[0], 7, 2)
    x = b.node("MaxPool", [x], kernel_shape=[3, 3], strides=[2, 2],
               pads=[1, 1, 1, 1])
    cin = widths[0]
    for stage, width in enumerate(widths):
        for block in range(blocks):
            stride = 2 if stage > 0 and block == 0 else 1
            x = b.basic_block(x, cin, width, stride)
            cin = width
    x = b.node("Flatten", [b.node("GlobalAveragePool", [x])], axis=1)
    fc_w = b.weight("fc.weight", b.rng.normal(0, np.sqrt(1.0 / cin),
                                              (classes, cin)))
    fc_b = b.weight("fc.bias", b.rng.uniform(-0.1, 0.1, classes))
    logits = b.node("Gemm", [x, fc_w, fc_b], transB=1)
    b.nodes[-1].output[0] = "logits"
    graph = helper.make_graph(
        b.nodes, "resnet",
        [helper.make_tensor_value_info("input", TensorProto.FLOAT,
                                       [1, 3, size, size])],
        [helper.make_tensor_value_info("logits", TensorProto.FLOAT,
                                       [1, classes])], b.inits)
    del logits
    model = helper.make_model(graph,
                              opset_imports=[helper.make_opsetid("", 17)])
    model.producer_name = "fmc make_cnn.py"
    model = onnx.shape_inference.infer_shapes(model)
    onnx.checker.check_model(model)
    return model


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--out", required=True)
    parser.add_argument("--resnet18", action="store_true",
                        help="ResNet-18's shapes (default: the test model)")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    if args.resnet18:
        model = build([64, 128, 256, 512], 2, 224, 1000, args.seed)
    else:
        model = build([8, 16, 32, 64], 1, 32, 10, args.seed)
    onnx.save(model, args.out)
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
