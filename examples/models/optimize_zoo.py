"""Write ONNX Runtime transformer-optimizer outputs of zoo models: graphs
with ONNX Runtime's fused com.microsoft ops (SkipLayerNormalization,
SkipSimplifiedLayerNormalization, Gelu, FastGelu, ...), which fmc must
compile like any other model.

Requires onnxruntime's transformers tools (they import torch and sympy; not
in CI, the outputs are committed). Run from the repository root after
make_zoo.py:

    python examples/models/optimize_zoo.py [--out examples/models]

Writes <name>_ortopt.onnx for gpt2 (model_type gpt2), llama (gpt2, which
fuses its RMS norms) and bert (bert). ONNX Runtime 1.32's attention fusion
does not match these exports (they keep their MatMul/Softmax attention);
fmc fuses those itself.
"""
import argparse
import collections
import os

from onnxruntime.transformers import optimizer

MODELS = [("gpt2", "gpt2"), ("llama", "gpt2"), ("bert", "bert")]


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default=here)
    args = parser.parse_args()
    for name, model_type in MODELS:
        model = optimizer.optimize_model(
            os.path.join(here, name + ".onnx"), model_type=model_type,
            num_heads=4, hidden_size=64, opt_level=1)
        path = os.path.join(args.out, name + "_ortopt.onnx")
        model.save_model_to_file(path)
        ops = collections.Counter(
            n.op_type for n in model.model.graph.node
            if n.domain == "com.microsoft")
        print("wrote", path, dict(ops))


if __name__ == "__main__":
    main()
