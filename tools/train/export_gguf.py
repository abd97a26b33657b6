#!/usr/bin/env python3
# Writes trained weights as a complete GGUF in the engine's `sigma` (or `llama`) format: metadata,
# tokenizer and tensors in F32, F16 or Q8_0; joins the weight shards train.py writes.
# Not a general GGUF library: it writes only what inference/SIGMA_GGUF.md defines (import_gguf.py reads it back).
#
# Usage: export_gguf.py --weights DIR|SHARD... --tokenizer tokenizer.json --out model.gguf [--type q8_0]
#        export_gguf.py --vocab-only --tokenizer tokenizer.json --out vocab.gguf
import argparse
import glob
import json
import os
import sys

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
from gguf_format import ALIGNMENT, GGUF_MAGIC, T_ARRAY, T_BOOL, T_FLOAT32, T_INT32, T_STRING, T_UINT32, GgufError, write_gguf  # noqa: E402,F401

# ggml tensor types (stored on disk: never renumber).
GGML_F32, GGML_F16, GGML_Q8_0 = 0, 1, 8
TYPE_IDS = {"f32": GGML_F32, "f16": GGML_F16, "q8_0": GGML_Q8_0}
# general.file_type as llama.cpp numbers it: all F32, mostly F16, mostly Q8_0.
FILE_TYPES = {"f32": 0, "f16": 1, "q8_0": 7}
Q8_0_BLOCK = 32

# The project's chat template: a copy of sigma_chat_template_jinja() in inference/chat_template.cpp
# (tests/train compares the two byte for byte).
SIGMA_CHAT_TEMPLATE = (
    "{#- sigma-chat-v1: <|role|>\\n content <|end|>\\n per message -#}"
    "{%- for message in messages -%}"
    "{{- '<|' + message['role'] + '|>\\n' + message['content'] + '<|end|>\\n' -}}"
    "{%- endfor -%}"
    "{%- if add_generation_prompt -%}{{- '<|assistant|>\\n' -}}{%- endif -%}"
)


ExportError = GgufError  # one error type for the whole GGUF path


# ---- tensor encodings ----------------------------------------------------------------------------

def quantize_q8_0(x):
    """Rows of float32 (row length a multiple of 32) -> ggml block_q8_0 bytes: per 32 values an fp16
    scale d = max|x| / 127 and int8 q = round(x / d), half away from zero, as the engine does."""
    x = np.ascontiguousarray(x, dtype=np.float32)
    if x.shape[-1] % Q8_0_BLOCK:
        raise ExportError(f"q8_0 needs a row length that is a multiple of 32, got {x.shape[-1]}")
    blocks = x.reshape(-1, Q8_0_BLOCK)
    amax = np.abs(blocks).max(axis=1)
    d = (amax / np.float32(127.0)).astype(np.float32)
    with np.errstate(divide="ignore"):
        inv = np.where(d != 0, np.float32(1.0) / np.where(d != 0, d, 1), 0).astype(np.float32)
    v = blocks * inv[:, None]
    q = (np.sign(v) * np.floor(np.abs(v) + np.float32(0.5))).astype(np.int8)
    out = np.empty(len(blocks), dtype=[("d", "<f2"), ("qs", "i1", (Q8_0_BLOCK,))])
    out["d"] = d.astype(np.float16)
    out["qs"] = q
    return out.tobytes()


def dequantize_q8_0(data, n):
    blocks = np.frombuffer(data, dtype=[("d", "<f2"), ("qs", "i1", (Q8_0_BLOCK,))])
    return (blocks["d"].astype(np.float32)[:, None] * blocks["qs"].astype(np.float32)).reshape(-1)[:n]


def encode_tensor(arr, wtype):
    """A numpy array (PyTorch layout: [out, in] for a linear weight, which is ggml's ne {in, out}
    row-major) -> (ggml type, ne, bytes). 1-D tensors (norms) are always F32, as the engine requires."""
    arr = np.asarray(arr, dtype=np.float32)
    ne = list(reversed(arr.shape))
    if arr.ndim == 1 or wtype == "f32":
        return GGML_F32, ne, arr.astype("<f4").tobytes()
    if wtype == "f16":
        return GGML_F16, ne, arr.astype("<f2").tobytes()
    if wtype == "q8_0":
        if arr.shape[-1] % Q8_0_BLOCK:
            return GGML_F16, ne, arr.astype("<f2").tobytes()  # rows too short for blocks: keep f16
        return GGML_Q8_0, ne, quantize_q8_0(arr)
    raise ExportError(f"unknown weight type {wtype!r} (f32, f16, q8_0)")


# ---- metadata ------------------------------------------------------------------------------------

def tokenizer_kvs(tok, chat_template=SIGMA_CHAT_TEMPLATE):
    """tokenizer.ggml.* keys from a tokenizer.json written by tokenizer_train.py."""
    kvs = [
        ("tokenizer.ggml.model", T_STRING, "gpt2"),
        ("tokenizer.ggml.pre", T_STRING, tok["pre"]),
        ("tokenizer.ggml.tokens", T_ARRAY, tok["tokens"], T_STRING),
        ("tokenizer.ggml.token_type", T_ARRAY, tok["types"], T_INT32),
        ("tokenizer.ggml.merges", T_ARRAY, tok["merges"], T_STRING),
        ("tokenizer.ggml.bos_token_id", T_UINT32, tok["bos"]),
        ("tokenizer.ggml.eos_token_id", T_UINT32, tok["eos"]),
        ("tokenizer.ggml.add_bos_token", T_BOOL, bool(tok["add_bos"])),
        ("tokenizer.ggml.add_eos_token", T_BOOL, False),
    ]
    if tok.get("eot") is not None:
        kvs.append(("tokenizer.ggml.eot_token_id", T_UINT32, tok["eot"]))
    if chat_template:
        kvs.append(("tokenizer.chat_template", T_STRING, chat_template))
    return kvs


def model_kvs(cfg, name, wtype):
    """Architecture keys from a SigmaConfig dict (model.py)."""
    arch = cfg["arch"]
    p = arch + "."
    kvs = [
        ("general.architecture", T_STRING, arch),
        ("general.type", T_STRING, "model"),
        ("general.name", T_STRING, name),
        ("general.file_type", T_UINT32, FILE_TYPES[wtype]),
        (p + "block_count", T_UINT32, cfg["n_layer"]),
        (p + "context_length", T_UINT32, cfg["n_ctx"]),
        (p + "embedding_length", T_UINT32, cfg["n_embd"]),
        (p + "feed_forward_length", T_UINT32, cfg["n_ff"]),
        (p + "attention.head_count", T_UINT32, cfg["n_q"]),
        (p + "attention.key_length", T_UINT32, cfg["d_k"]),
        (p + "attention.value_length", T_UINT32, cfg["d_v"]),
        (p + "attention.layer_norm_rms_epsilon", T_FLOAT32, cfg["rms_eps"]),
        (p + "rope.freq_base", T_FLOAT32, cfg["rope_theta"]),
        (p + "rope.dimension_count", T_UINT32, cfg["d_k"]),
        (p + "vocab_size", T_UINT32, cfg["n_vocab"]),
    ]
    if arch == "sigma":
        kvs += [
            (p + "attention.head_count_k", T_UINT32, cfg["n_k"]),
            (p + "attention.head_count_v", T_UINT32, cfg["n_v"]),
            (p + "attention.augq_length", T_UINT32, cfg["d_aug"]),
        ]
    else:
        kvs.append((p + "attention.head_count_kv", T_UINT32, cfg["n_k"]))
    return kvs


# ---- weights -------------------------------------------------------------------------------------

def load_weights(paths):
    """Joins train.py's shards (files or a directory of weights-*.pt) -> (config dict, {key: array})."""
    import torch  # only the weight path needs torch; the vocabulary export does not

    from model import normalize_config  # shards of earlier runs may use the old head-count keys

    files = []
    for p in paths:
        files += sorted(glob.glob(os.path.join(p, "weights-*.pt"))) if os.path.isdir(p) else [p]
    if not files:
        raise ExportError(f"no weight shards (weights-*.pt) in {' '.join(paths)}")
    config, state = None, {}
    for f in files:
        shard = torch.load(f, map_location="cpu")
        if not isinstance(shard, dict) or "config" not in shard or "tensors" not in shard:
            raise ExportError(f"{f}: not a weight shard written by train.py")
        if config is None:
            config = normalize_config(json.loads(shard["config"]))
        elif normalize_config(json.loads(shard["config"])) != config:
            raise ExportError(f"{f}: its config differs from the other shards'")
        for k, v in shard["tensors"].items():
            if k in state:
                raise ExportError(f"{f}: tensor {k} appears in two shards")
            state[k] = v.float().numpy()
    return config, state


def gguf_tensors(cfg, state, wtype):
    from model import gguf_tensor_name  # kept lazy: model.py imports torch

    named = {}
    for key, arr in state.items():
        name = gguf_tensor_name(key)
        if name is None:
            raise ExportError(f"state tensor {key} has no GGUF name")
        named[name] = arr
    expected = ["token_embd.weight", "output_norm.weight"] + ([] if cfg["tied_output"] else ["output.weight"])
    per_layer = ["attn_norm", "attn_q", "attn_k", "attn_v", "attn_output", "ffn_norm", "ffn_gate", "ffn_up", "ffn_down"]
    if cfg["d_aug"] > 0:
        per_layer += ["attn_q_gate", "attn_q_up", "attn_q_down"]
    for layer in range(cfg["n_layer"]):
        expected += [f"blk.{layer}.{n}.weight" for n in per_layer]
    missing = [n for n in expected if n not in named]
    if missing:
        raise ExportError(f"weights lack {len(missing)} tensors, first {missing[0]}")
    return [(n,) + encode_tensor(named[n], wtype) for n in expected]


def export_model(cfg, state, tok, out, wtype="q8_0", name="sigma-ops"):
    if cfg["n_vocab"] != len(tok["tokens"]):
        raise ExportError(f"model vocabulary {cfg['n_vocab']} differs from the tokenizer's {len(tok['tokens'])}")
    tensors = gguf_tensors(cfg, state, wtype)
    write_gguf(out, model_kvs(cfg, name, wtype) + tokenizer_kvs(tok), tensors)
    return sum(len(t[3]) for t in tensors)


def export_vocab(tok, out, name="sigma-ops-vocab"):
    kvs = [("general.architecture", T_STRING, "sigma"), ("general.name", T_STRING, name)] + tokenizer_kvs(tok)
    write_gguf(out, kvs)


def main(argv):
    ap = argparse.ArgumentParser(description="trained Sigma weights + tokenizer -> GGUF")
    ap.add_argument("--weights", nargs="*", default=[], help="weight shards, or a directory holding weights-*.pt")
    ap.add_argument("--tokenizer", required=True, help="tokenizer.json from tokenizer_train.py")
    ap.add_argument("--out", required=True)
    ap.add_argument("--type", default="q8_0", choices=sorted(TYPE_IDS), help="linear weight type (norms stay f32)")
    ap.add_argument("--name", default="sigma-ops", help="general.name")
    ap.add_argument("--vocab-only", action="store_true", help="write the tokenizer alone (no tensors)")
    args = ap.parse_args(argv)
    try:
        with open(args.tokenizer, encoding="utf-8") as f:
            tok = json.load(f)
        if args.vocab_only:
            export_vocab(tok, args.out)
            print(f"wrote {args.out}: vocabulary of {len(tok['tokens'])} tokens")
            return 0
        cfg, state = load_weights(args.weights)
        nbytes = export_model(cfg, state, tok, args.out, args.type, args.name)
    except (OSError, ValueError, KeyError, ExportError) as e:
        print(f"export_gguf: {e}", file=sys.stderr)
        return 1
    print(f"wrote {args.out}: {args.type}, {nbytes / 2**20:.1f} MiB of tensors, {os.path.getsize(args.out) / 2**20:.1f} MiB file")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
