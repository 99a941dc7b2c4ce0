"""Writes the binary ONNX model of a model in ONNX's textual syntax, with the
onnx Python package's parser (which knows newer type names than fmc's).

    text_to_onnx.py model.txt model.onnx
"""
import sys

import onnx
import onnx.parser

with open(sys.argv[1]) as f:
    onnx.save(onnx.parser.parse_model(f.read()), sys.argv[2])
