"""Generate the committed ONNX test models for fmc's end-to-end tests.

Requires torch, transformers, onnx and onnxruntime (NOT installed in CI: the
generated .onnx files are committed). Run from the repository root:

    python test/E2E/models/make_models.py

Writes, deterministically (seeded random weights, no model-hub download):
  test/E2E/models/bert_tiny.onnx   2-layer BERT encoder (hidden 128, 4 heads,
                                   vocab 512 to stay < 2 MB), inputs input_ids
                                   and attention_mask (int64 [1,16])
  test/E2E/models/mlp.onnx         small MLP, input x (float32 [4,64])
  examples/bert_tiny/model.onnx    copy of bert_tiny.onnx (README demo)
"""
import os
import shutil

import numpy as np
import onnx
import onnxruntime as ort
import torch
from torch import nn
from transformers import BertConfig, BertModel

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__)))))
OUT = os.path.join(ROOT, "test", "E2E", "models")

SUPPORTED_OPS = {
    "MatMul", "Gemm", "Add", "Sub", "Mul", "Div", "Pow", "Sqrt", "Erf", "Tanh",
    "Relu", "Sigmoid", "Softmax", "ReduceMean", "Reshape", "Transpose",
    "Squeeze", "Unsqueeze", "Concat", "Slice", "Gather", "Cast", "Constant",
    "Shape", "Where", "Expand", "LayerNormalization",
}


class BertWrapper(nn.Module):
    """Return plain tensors (not a ModelOutput) so output names are stable."""

    def __init__(self, bert):
        super().__init__()
        self.bert = bert

    def forward(self, input_ids, attention_mask):
        # Classic BERT additive mask [B,1,1,S]; transformers passes a 4D mask
        # through unchanged, avoiding its boolean mask-building ops.
        mask = attention_mask[:, None, None, :].to(torch.float32)
        mask = (1.0 - mask) * torch.finfo(torch.float32).min
        out = self.bert(input_ids=input_ids, attention_mask=mask,
                        token_type_ids=torch.zeros_like(input_ids))
        return out.last_hidden_state, out.pooler_output


def make_bert():
    config = BertConfig(hidden_size=128, num_hidden_layers=2,
                        num_attention_heads=4, intermediate_size=512,
                        vocab_size=512, max_position_embeddings=64,
                        attn_implementation="eager")
    bert = BertModel(config).eval()
    # HF init leaves biases at 0 and LayerNorm weights at 1: perturb them so
    # every parameter matters (and the exporter does not dedupe them).
    with torch.no_grad():
        for name, p in bert.named_parameters():
            if name.endswith("bias") or "LayerNorm" in name:
                p.add_(0.1 * torch.randn_like(p))
    model = BertWrapper(bert).eval()
    input_ids = torch.randint(0, config.vocab_size, (1, 16), dtype=torch.int64)
    attention_mask = torch.ones(1, 16, dtype=torch.int64)
    attention_mask[0, 12:] = 0
    return (model, (input_ids, attention_mask),
            ["input_ids", "attention_mask"],
            ["last_hidden_state", "pooler_output"])


def make_mlp():
    model = nn.Sequential(
        nn.Linear(64, 128), nn.GELU(approximate="none"),
        nn.Linear(128, 128), nn.ReLU(),
        nn.Linear(128, 10), nn.Softmax(dim=-1),
    ).eval()
    return model, (torch.randn(4, 64),), ["x"], ["y"]


def export(name, model, args, input_names, output_names):
    path = os.path.join(OUT, name)
    with torch.no_grad():
        torch.onnx.export(model, args, path, dynamo=False, opset_version=17,
                          do_constant_folding=True, input_names=input_names,
                          output_names=output_names)
        expected = model(*args)
    expected = expected if isinstance(expected, tuple) else (expected,)

    proto = onnx.load(path)
    onnx.checker.check_model(proto, full_check=True)
    ops = sorted({n.op_type for n in proto.graph.node})
    extra = sorted(set(ops) - SUPPORTED_OPS)

    sess = ort.InferenceSession(path, providers=["CPUExecutionProvider"])
    feeds = {i.name: a.numpy() for i, a in zip(sess.get_inputs(), args)}
    got = sess.run(None, feeds)
    err = max(float(np.abs(g - e.numpy()).max()) for g, e in zip(got, expected))

    print(f"{name}: {os.path.getsize(path)} bytes, max |ort - torch| = {err:.2e}")
    for v in sess.get_inputs():
        print(f"  input  {v.name}: {v.type} {v.shape}")
    for v in sess.get_outputs():
        print(f"  output {v.name}: {v.type} {v.shape}")
    print(f"  ops: {', '.join(ops)}")
    if extra:
        print(f"  UNSUPPORTED ops: {', '.join(extra)}")
    return path


def main():
    torch.manual_seed(0)
    bert = export("bert_tiny.onnx", *make_bert())
    torch.manual_seed(0)
    export("mlp.onnx", *make_mlp())
    demo = os.path.join(ROOT, "examples", "bert_tiny", "model.onnx")
    os.makedirs(os.path.dirname(demo), exist_ok=True)
    shutil.copyfile(bert, demo)
    print(f"copied to {os.path.relpath(demo, ROOT)}")


if __name__ == "__main__":
    main()
