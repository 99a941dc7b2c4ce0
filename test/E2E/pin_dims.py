#!/usr/bin/env python3
"""Writes a copy of an ONNX model with its symbolic dims pinned.

    pin_dims.py model.onnx out.onnx seq=1 past=8 total=9 [--default 1]

Every symbolic dim of the graph's inputs and outputs named on the command
line gets that size, any other one --default: e.g. a decoder's decode step
(one token, eight cached) as a static model, so that tools that make inputs
from the model's own shapes (compare_with_ort.py, gpu_check.py) can run it.
"""

import argparse

import onnx


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("model")
    parser.add_argument("out")
    parser.add_argument("sizes", nargs="*", help="NAME=SIZE")
    parser.add_argument("--default", type=int, default=1)
    args = parser.parse_args()
    sizes = {}
    for spec in args.sizes:
        name, size = spec.split("=", 1)
        sizes[name] = int(size)
    model = onnx.load(args.model)
    for value in list(model.graph.input) + list(model.graph.output):
        for dim in value.type.tensor_type.shape.dim:
            if dim.dim_param:
                dim.dim_value = sizes.get(dim.dim_param, args.default)
    onnx.save(model, args.out)


if __name__ == "__main__":
    main()
