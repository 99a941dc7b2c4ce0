"""Build fmc's model zoo: small transformer architectures from transformers
configurations with seeded random weights (nothing is downloaded), exported
to ONNX with both of torch.onnx's exporters.

Requires torch and transformers (not installed in CI; the small models are
committed). Run from the repository root:

    python examples/models/make_zoo.py [--out examples/models] [--only gpt2 ...]
                                       [--exporter torchscript dynamo]

Writes <name>.onnx (TorchScript exporter, opset 17, fixed shapes) and
<name>_dynamo.onnx (dynamo exporter, opset 18) for:
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

and, TorchScript exporter only, the decoders with their KV cache as inputs
and outputs, sequence and cache lengths symbolic (fmc compiles each decode
step with --input-shape; see test/E2E/greedy_decode.py):
  gpt2_kv      GPT-2 as above; input_ids [1, S], past_key_<i>/past_value_<i>
               [1, 4, P, 16] -> logits [1, S, 256], present_key_<i>/
               present_value_<i> [1, 4, P + S, 16]
  llama_kv     the LLaMA-style decoder, caches [1, 2, P, 16]
The cached decoders use initializer_range 0.3, so that greedy decoding picks
varied tokens.

With --large, the benchmark configurations instead (not committed; about
0.4-0.5 GB each):
  bert_base    BERT-base: 12 layers, hidden 768, 12 heads, batch 1, seq 128
  gpt2_small   GPT-2 small: 12 layers, hidden 768, 12 heads, 128 tokens
  llama_100m   LLaMA-style, 12 layers, hidden 768, 12 heads over 4 KV heads,
               intermediate 2048, vocab 32000 (about 110M parameters),
               128 tokens
  vit_b16      ViT-B/16: 224 x 224 image, 12 layers, hidden 768
  gpt2_small_kv, llama_100m_kv
               the two decoders with their KV caches as inputs and outputs
               (symbolic lengths as gpt2_kv; compile per phase with
               --input-shape, see scripts/bench_vs_ort.py)
(optimize_zoo.py writes the ONNX Runtime transformer-optimizer outputs.)
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


class WithCache(nn.Module):
    """A decoder taking its KV cache as flat tensors past_key_0,
    past_value_0, ... and returning logits and the presents the same way."""

    def __init__(self, model, layers):
        super().__init__()
        self.model = model
        self.layers = layers

    def forward(self, input_ids, *past):
        from transformers import DynamicCache
        cache = DynamicCache()
        for i in range(self.layers):
            cache.update(past[2 * i], past[2 * i + 1], i)
        out = self.model(input_ids=input_ids, past_key_values=cache,
                         use_cache=True)
        flat = []
        for layer in out.past_key_values.layers[:self.layers]:
            flat += [layer.keys, layer.values]
        return (out.logits, *flat)


def with_cache(model, layers, kv_heads, head_dim):
    ids = torch.randint(0, 256, (1, 3))
    past = [torch.randn(1, kv_heads, 5, head_dim) for _ in range(2 * layers)]
    cache_names = ["%s_%s_%d" % (kind, part, i) for kind in ("past",)
                   for i in range(layers) for part in ("key", "value")]
    present = [n.replace("past_", "present_") for n in cache_names]
    axes = {"input_ids": {1: "seq"}, "logits": {1: "seq"}}
    axes.update({n: {2: "past"} for n in cache_names})
    axes.update({n: {2: "total"} for n in present})
    return (WithCache(model, layers), (ids, *past),
            ["input_ids"] + cache_names, ["logits"] + present, axes)


def gpt2_kv():
    from transformers import GPT2Config, GPT2LMHeadModel
    config = GPT2Config(n_layer=2, n_embd=64, n_head=4, vocab_size=256,
                        n_positions=64, initializer_range=0.3,
                        attn_implementation="eager")
    return with_cache(GPT2LMHeadModel(config).eval(), 2, 4, 16)


def llama_kv():
    from transformers import LlamaConfig, LlamaForCausalLM
    config = LlamaConfig(num_hidden_layers=2, hidden_size=64,
                         intermediate_size=128, num_attention_heads=4,
                         num_key_value_heads=2, vocab_size=256,
                         max_position_embeddings=64, initializer_range=0.3,
                         attn_implementation="eager")
    return with_cache(LlamaForCausalLM(config).eval(), 2, 2, 16)


def bert_base():
    from transformers import BertConfig, BertModel
    model = BertModel(BertConfig(attn_implementation="eager")).eval()
    ids = torch.randint(0, 30522, (1, 128))
    mask = torch.ones(1, 128, dtype=torch.int64)
    return (Wrapper(model, "last_hidden_state"), (ids, mask),
            ["input_ids", "attention_mask"], ["last_hidden_state"])


def gpt2_small():
    from transformers import GPT2Config, GPT2LMHeadModel
    model = GPT2LMHeadModel(GPT2Config(attn_implementation="eager")).eval()
    ids = torch.randint(0, 50257, (1, 128))
    return Wrapper(model, "logits"), (ids,), ["input_ids"], ["logits"]


def llama_100m_model():
    from transformers import LlamaConfig, LlamaForCausalLM
    config = LlamaConfig(num_hidden_layers=12, hidden_size=768,
                         intermediate_size=2048, num_attention_heads=12,
                         num_key_value_heads=4, vocab_size=32000,
                         max_position_embeddings=512,
                         attn_implementation="eager")
    return LlamaForCausalLM(config).eval()


def llama_100m():
    model = llama_100m_model()
    ids = torch.randint(0, 32000, (1, 128))
    return Wrapper(model, "logits"), (ids,), ["input_ids"], ["logits"]


def vit_b16():
    from transformers import ViTConfig, ViTModel
    model = ViTModel(ViTConfig(attn_implementation="eager"),
                     add_pooling_layer=False).eval()
    pixels = torch.randn(1, 3, 224, 224)
    return (Wrapper(model, "last_hidden_state"), (pixels,), ["pixel_values"],
            ["last_hidden_state"])


def gpt2_small_kv():
    from transformers import GPT2Config, GPT2LMHeadModel
    model = GPT2LMHeadModel(GPT2Config(attn_implementation="eager")).eval()
    return with_cache(model, 12, 12, 64)


def llama_100m_kv():
    return with_cache(llama_100m_model(), 12, 4, 64)


LARGE = {"bert_base": bert_base, "gpt2_small": gpt2_small,
         "llama_100m": llama_100m, "vit_b16": vit_b16,
         "gpt2_small_kv": gpt2_small_kv, "llama_100m_kv": llama_100m_kv}

MODELS = {"gpt2": gpt2, "llama": llama, "bert": bert, "vit": vit,
          "whisper_enc": whisper_enc, "gpt2_kv": gpt2_kv,
          "llama_kv": llama_kv}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default=os.path.dirname(
        os.path.abspath(__file__)))
    parser.add_argument("--only", nargs="*")
    parser.add_argument("--exporter", nargs="*",
                        default=["torchscript", "dynamo"])
    parser.add_argument("--large", action="store_true",
                        help="the benchmark configurations (TorchScript)")
    args = parser.parse_args()
    models = LARGE if args.large else MODELS
    if args.large and "dynamo" in args.exporter and len(args.exporter) > 1:
        args.exporter = ["torchscript"]
    for name in args.only or list(models):
        torch.manual_seed(0)
        module, inputs, input_names, output_names, *axes = models[name]()
        for exporter in args.exporter:
            # The TorchScript exporter restores the wrapper's training flag
            # on the whole tree afterwards.
            module.eval()
            if exporter == "dynamo" and axes:
                continue  # the cached decoders: TorchScript only
            suffix = "" if exporter == "torchscript" else "_dynamo"
            path = os.path.join(args.out, name + suffix + ".onnx")
            with torch.no_grad():
                if exporter == "torchscript":
                    torch.onnx.export(
                        module, inputs, path, input_names=input_names,
                        output_names=output_names, opset_version=17,
                        dynamo=False,
                        dynamic_axes=axes[0] if axes else None)
                else:
                    torch.onnx.export(
                        module, inputs, path, input_names=input_names,
                        output_names=output_names, opset_version=18,
                        dynamo=True, external_data=False)
            print("wrote", path, os.path.getsize(path), "bytes")


if __name__ == "__main__":
    main()
