"""Build fmc's model zoo: small transformer architectures from transformers
configurations with seeded random weights (nothing is downloaded), exported
to ONNX with torch.onnx's TorchScript exporter at fixed shapes.

Requires torch and transformers (not installed in CI; the small models are
committed). Run from the repository root:

    python examples/models/make_zoo.py [--out examples/models] [--only gpt2 ...]

Writes <name>.onnx for:
  gpt2         GPT-2, 2 layers, hidden 64, 4 heads, vocab 256; input_ids
               int64 [1, 16] -> logits
  llama        LLaMA-style decoder (RMSNorm, RoPE, SwiGLU, grouped-query
               attention 4 query / 2 key-value heads), 2 layers, hidden 64;
               input_ids [1, 16] -> logits
  bert         BERT encoder, 2 layers, hidden 64, 4 heads; input_ids and
               attention_mask [1, 16] -> last_hidden_state
  vit          ViT, 2 layers, hidden 64, 32x32 images in 8x8 patches;
               pixel_values [1, 3, 32, 32] -> last_hidden_state
  whisper_enc  Whisper-style encoder, 2 layers, d_model 64, 16 mel bins,
               input_features [1, 16, 64] -> last_hidden_state

Not yet here: the decoders with KV-cache inputs/outputs (decode steps), the
dynamo-based exporter, an ONNX Runtime transformer-optimizer output
(com.microsoft contrib ops), and the larger benchmark configurations.
"""
import argparse
import os

import torch
from torch import nn

torch.manual_seed(0)


class Wrapper(nn.Module):
    """Plain tensor outputs (not ModelOutput) so output names are stable."""

    def __init__(self, model, field):
        super().__init__()
        self.model = model
        self.field = field

    def forward(self, *args):
        out = self.model(*args)
        return getattr(out, self.field)


def gpt2():
    from transformers import GPT2Config, GPT2LMHeadModel
    config = GPT2Config(n_layer=2, n_embd=64, n_head=4, vocab_size=256,
                        n_positions=64, attn_implementation="eager")
    model = GPT2LMHeadModel(config).eval()
    ids = torch.randint(0, 256, (1, 16))
    return Wrapper(model, "logits"), (ids,), ["input_ids"], ["logits"]


def llama():
    from transformers import LlamaConfig, LlamaForCausalLM
    config = LlamaConfig(num_hidden_layers=2, hidden_size=64,
                         intermediate_size=128, num_attention_heads=4,
                         num_key_value_heads=2, vocab_size=256,
                         max_position_embeddings=64,
                         attn_implementation="eager")
    model = LlamaForCausalLM(config).eval()
    ids = torch.randint(0, 256, (1, 16))
    return Wrapper(model, "logits"), (ids,), ["input_ids"], ["logits"]


def bert():
    from transformers import BertConfig, BertModel
    config = BertConfig(num_hidden_layers=2, hidden_size=64,
                        num_attention_heads=4, intermediate_size=128,
                        vocab_size=256, max_position_embeddings=64,
                        attn_implementation="eager")
    model = BertModel(config).eval()
    ids = torch.randint(0, 256, (1, 16))
    mask = torch.ones(1, 16, dtype=torch.int64)
    return (Wrapper(model, "last_hidden_state"), (ids, mask),
            ["input_ids", "attention_mask"], ["last_hidden_state"])


def vit():
    from transformers import ViTConfig, ViTModel
    config = ViTConfig(num_hidden_layers=2, hidden_size=64,
                       num_attention_heads=4, intermediate_size=128,
                       image_size=32, patch_size=8,
                       attn_implementation="eager")
    model = ViTModel(config, add_pooling_layer=False).eval()
    pixels = torch.randn(1, 3, 32, 32)
    return (Wrapper(model, "last_hidden_state"), (pixels,), ["pixel_values"],
            ["last_hidden_state"])


def whisper_enc():
    from transformers import WhisperConfig
    from transformers.models.whisper.modeling_whisper import WhisperEncoder
    config = WhisperConfig(encoder_layers=2, d_model=64,
                           encoder_attention_heads=4, encoder_ffn_dim=128,
                           num_mel_bins=16, max_source_positions=32,
                           attn_implementation="eager")
    model = WhisperEncoder(config).eval()
    features = torch.randn(1, 16, 64)
    return (Wrapper(model, "last_hidden_state"), (features,),
            ["input_features"], ["last_hidden_state"])


MODELS = {"gpt2": gpt2, "llama": llama, "bert": bert, "vit": vit,
          "whisper_enc": whisper_enc}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default=os.path.dirname(
        os.path.abspath(__file__)))
    parser.add_argument("--only", nargs="*", default=list(MODELS))
    args = parser.parse_args()
    for name in args.only:
        module, inputs, input_names, output_names = MODELS[name]()
        path = os.path.join(args.out, name + ".onnx")
        with torch.no_grad():
            torch.onnx.export(module, inputs, path, input_names=input_names,
                              output_names=output_names, opset_version=17,
                              dynamo=False)
        print("wrote", path, os.path.getsize(path), "bytes")


if __name__ == "__main__":
    main()
