#!/usr/bin/env python3
# Reads a GGUF that export_gguf.py wrote (the engine's `sigma` or `llama` architecture, F32/F16/Q8_0
# tensors) back into train.py's terms: a SigmaConfig dict and a {state_dict key: float32 array} map,
# so a shipped model can be trained further (`train.py --init model.gguf`).
# Not a general GGUF reader: other tensor types and architectures are refused with their names.
import numpy as np

from export_gguf import GGML_F16, GGML_F32, GGML_Q8_0, Q8_0_BLOCK, ExportError, dequantize_q8_0
from gguf_format import read_gguf as _read_container  # export_gguf put tools/lib on the path


def _tensor_size(name, ttype, ne):
    n = 1
    for d in ne:
        n *= d
    if ttype == GGML_F32:
        return 4 * n
    if ttype == GGML_F16:
        return 2 * n
    if ttype == GGML_Q8_0:
        return n // Q8_0_BLOCK * (2 + Q8_0_BLOCK)
    raise ExportError(f"tensor {name} has ggml type {ttype}; only F32, F16 and Q8_0 are read")


def read_gguf(path):
    """-> (metadata dict, [(name, ggml type, ne, bytes)])."""
    return _read_container(path, _tensor_size)


def _decode(ttype, ne, raw):
    n = int(np.prod(ne))
    if ttype == GGML_F32:
        flat = np.frombuffer(raw, dtype="<f4").astype(np.float32)
    elif ttype == GGML_F16:
        flat = np.frombuffer(raw, dtype="<f2").astype(np.float32)
    else:
        flat = dequantize_q8_0(raw, n)
    return flat.reshape(list(reversed(ne)))  # ggml ne {in, out} is PyTorch's [out, in]


def load_gguf_weights(path):
    """A GGUF written by export_gguf.py -> (config dict for SigmaConfig, {state key: float32 array})."""
    meta, tensors = read_gguf(path)
    arch = meta.get("general.architecture")
    if arch not in ("sigma", "llama"):
        raise ExportError(f"{path}: architecture {arch!r}; only sigma and llama models are read")
    p = arch + "."

    def need(key):
        if p + key not in meta:
            raise ExportError(f"{path}: metadata lacks {p + key}")
        return meta[p + key]

    names = {t[0] for t in tensors}
    cfg = {
        "arch": arch,
        "n_layer": need("block_count"),
        "n_ctx": need("context_length"),
        "n_embd": need("embedding_length"),
        "n_ff": need("feed_forward_length"),
        "n_q": need("attention.head_count"),
        "d_k": need("attention.key_length"),
        "d_v": need("attention.value_length"),
        "rms_eps": float(need("attention.layer_norm_rms_epsilon")),
        "rope_theta": float(need("rope.freq_base")),
        "tied_output": "output.weight" not in names,
    }
    if arch == "sigma":
        cfg.update(n_k=need("attention.head_count_k"), n_v=need("attention.head_count_v"),
                   d_aug=need("attention.augq_length"))
    else:
        cfg.update(n_k=need("attention.head_count_kv"), n_v=need("attention.head_count_kv"), d_aug=0)
    state = {}
    for name, ttype, ne, raw in tensors:
        parts = name.split(".")
        if len(parts) == 4 and parts[0] == "blk" and parts[3] == "weight":
            key = f"layers.{parts[1]}.{parts[2]}.weight"
        elif name in ("token_embd.weight", "output_norm.weight", "output.weight"):
            key = name
        else:
            raise ExportError(f"{path}: tensor {name} is not one train.py's model has")
        state[key] = _decode(ttype, ne, raw)
    cfg["n_vocab"] = int(state["token_embd.weight"].shape[0]) if "token_embd.weight" in state else 0
    return cfg, state
