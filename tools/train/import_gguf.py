#!/usr/bin/env python3
# Reads a GGUF that export_gguf.py wrote (the engine's `sigma` or `llama` architecture, F32/F16/Q8_0
# tensors) back into train.py's terms: a SigmaConfig dict and a {state_dict key: float32 array} map,
# so a shipped model can be trained further (`train.py --init model.gguf`).
# Not a general GGUF reader: other tensor types and architectures are refused with their names.
import struct

import numpy as np

from export_gguf import (ALIGNMENT, GGML_F16, GGML_F32, GGML_Q8_0, GGUF_MAGIC, Q8_0_BLOCK, ExportError,
                         dequantize_q8_0)

# GGUF value types -> struct formats for the scalar ones (8 string and 9 array are read apart).
_SCALARS = {0: "<B", 1: "<b", 2: "<H", 3: "<h", 4: "<I", 5: "<i", 6: "<f", 7: "<?", 10: "<Q", 11: "<q", 12: "<d"}


class _Reader:
    def __init__(self, data):
        self.data, self.pos = data, 0

    def take(self, n):
        if self.pos + n > len(self.data):
            raise ExportError(f"GGUF ends early at byte {self.pos} (needs {n} more)")
        out = self.data[self.pos:self.pos + n]
        self.pos += n
        return out

    def scalar(self, fmt):
        return struct.unpack(fmt, self.take(struct.calcsize(fmt)))[0]

    def string(self):
        return self.take(self.scalar("<Q")).decode("utf-8")

    def value(self, vtype):
        if vtype in _SCALARS:
            return self.scalar(_SCALARS[vtype])
        if vtype == 8:
            return self.string()
        if vtype == 9:
            etype, n = self.scalar("<I"), self.scalar("<Q")
            return [self.value(etype) for _ in range(n)]
        raise ExportError(f"unknown GGUF value type {vtype} at byte {self.pos}")


def read_gguf(path):
    """-> (metadata dict, [(name, ggml type, ne, bytes)])."""
    try:
        return _read_gguf(path)
    except (ExportError, UnicodeDecodeError, struct.error) as e:
        message = str(e)
        raise ExportError(message if message.startswith(str(path)) else f"{path}: {message}") from None


def _read_gguf(path):
    with open(path, "rb") as f:
        data = f.read()
    r = _Reader(data)
    if r.take(4) != GGUF_MAGIC:
        raise ExportError(f"{path}: not a GGUF file")
    version = r.scalar("<I")
    if version not in (2, 3):
        raise ExportError(f"{path}: GGUF version {version} (2 or 3 read here)")
    n_tensors, n_kv = r.scalar("<Q"), r.scalar("<Q")
    meta = {}
    for _ in range(n_kv):
        key = r.string()
        meta[key] = r.value(r.scalar("<I"))
    infos = []
    for _ in range(n_tensors):
        name = r.string()
        ne = [r.scalar("<Q") for _ in range(r.scalar("<I"))]
        infos.append((name, ne, r.scalar("<I"), r.scalar("<Q")))
    align = meta.get("general.alignment", ALIGNMENT)
    base = (r.pos + align - 1) // align * align
    tensors = []
    for name, ne, ttype, offset in infos:
        n = int(np.prod(ne))
        if ttype == GGML_F32:
            size = 4 * n
        elif ttype == GGML_F16:
            size = 2 * n
        elif ttype == GGML_Q8_0:
            size = n // Q8_0_BLOCK * (2 + Q8_0_BLOCK)
        else:
            raise ExportError(f"{path}: tensor {name} has ggml type {ttype}; only F32, F16 and Q8_0 are read")
        start = base + offset
        if start + size > len(data):
            raise ExportError(f"{path}: tensor {name} runs past the end of the file")
        tensors.append((name, ttype, ne, data[start:start + size]))
    return meta, tensors


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
        "n_head": need("attention.head_count"),
        "d_k": need("attention.key_length"),
        "d_v": need("attention.value_length"),
        "rms_eps": float(need("attention.layer_norm_rms_epsilon")),
        "rope_theta": float(need("rope.freq_base")),
        "tied_output": "output.weight" not in names,
    }
    if arch == "sigma":
        cfg.update(n_head_k=need("attention.head_count_k"), n_head_v=need("attention.head_count_v"),
                   d_aug=need("attention.augq_length"))
    else:
        cfg.update(n_head_k=need("attention.head_count_kv"), n_head_v=need("attention.head_count_kv"), d_aug=0)
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
