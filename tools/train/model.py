# The `sigma` architecture in PyTorch, computing exactly what inference/forward.cpp computes: DiffQKV
# attention (separate n_q/n_k/n_v heads), optional AugQ, RoPE on (2i, 2i+1) pairs, SwiGLU, RMSNorm.
# Not the engine's half-K ablation, not a KV-cached decoder: it scores whole sequences for training.
import json
import math
from dataclasses import asdict, dataclass

import torch
import torch.nn as nn
import torch.nn.functional as F


@dataclass
class SigmaConfig:
    n_vocab: int
    n_layer: int = 2
    n_embd: int = 64
    n_ff: int = 128
    n_q: int = 4             # query heads
    n_k: int = 1             # key heads
    n_v: int = 2             # value heads
    d_k: int = 16            # query/key head width (scores)
    d_v: int = 16            # value head width
    d_aug: int = 0           # AugQ inner width; 0 = no AugQ
    n_ctx: int = 256         # longest trained context (sigma.context_length)
    rms_eps: float = 1e-5
    rope_theta: float = 10000.0
    tied_output: bool = True
    arch: str = "sigma"      # "sigma", or "llama" (n_k == n_v, no AugQ, d_k == d_v == H / n_q)

    def check(self):
        """Raises ValueError naming the first dimension the engine would reject."""
        for name in ("n_vocab", "n_layer", "n_embd", "n_ff", "n_q", "n_k", "n_v", "d_k", "d_v", "n_ctx"):
            if getattr(self, name) <= 0:
                raise ValueError(f"config: {name} must be positive, got {getattr(self, name)}")
        if self.d_aug < 0:
            raise ValueError("config: d_aug must be >= 0")
        if self.d_k % 2:
            raise ValueError(f"config: d_k {self.d_k} must be even (RoPE rotates pairs)")
        if self.n_k > self.n_q or self.n_v > self.n_q:
            raise ValueError("config: key and value heads must not outnumber query heads")
        if self.arch == "llama":
            if self.n_k != self.n_v or self.d_aug or self.n_q % self.n_k:
                raise ValueError("config: llama needs n_k == n_v dividing n_q and no AugQ")
            if self.d_k != self.d_v or self.d_k * self.n_q != self.n_embd:
                raise ValueError("config: llama needs d_k == d_v == n_embd / n_q")
        elif self.arch != "sigma":
            raise ValueError(f"config: arch {self.arch!r} is not sigma or llama")
        return self

    def to_json(self):
        return json.dumps(asdict(self), indent=1, sort_keys=True)

    @staticmethod
    def from_dict(d):
        return SigmaConfig(**normalize_config(d)).check()


# The head-count keys' old spellings, still read from --config files and weight shards.
OLD_HEAD_KEYS = {"n_head": "n_q", "n_head_k": "n_k", "n_head_v": "n_v"}


def normalize_config(d):
    """A copy of config dict d with the old head-count keys (n_head, n_head_k, n_head_v) renamed to
    n_q, n_k, n_v. Raises ValueError where d spells one count both ways."""
    out = dict(d)
    for old, new in OLD_HEAD_KEYS.items():
        if old in out:
            if new in out:
                raise ValueError(f"config: both {old} and {new} given; {old} is the old name of {new}")
            out[new] = out.pop(old)
    return out


class RMSNorm(nn.Module):
    # x / sqrt(mean(x^2) + eps) * w, as ops_rmsnorm.cpp (which sums in double; fp32 is close enough).
    def __init__(self, dim, eps):
        super().__init__()
        self.eps = eps
        self.weight = nn.Parameter(torch.ones(dim))

    def forward(self, x):
        xf = x.float()
        y = xf * torch.rsqrt(xf.pow(2).mean(-1, keepdim=True) + self.eps)
        return (y * self.weight.float()).to(x.dtype)


def rope_tables(n_pos, head_dim, theta, device):
    """cos/sin [n_pos, head_dim/2]: freq_j = theta^(-2j/d), angle = pos * freq_j formed in double."""
    j = torch.arange(head_dim // 2, dtype=torch.float64, device=device)
    freq = torch.pow(torch.tensor(float(theta), dtype=torch.float64, device=device), -2.0 * j / head_dim)
    angle = torch.arange(n_pos, dtype=torch.float64, device=device)[:, None] * freq[None, :]
    return torch.cos(angle).float(), torch.sin(angle).float()


def apply_rope(x, cos, sin):
    """x [B, T, heads, d]; rotates pairs (2j, 2j+1): [a cos - b sin, a sin + b cos]."""
    a = x[..., 0::2].float()
    b = x[..., 1::2].float()
    c = cos[None, :, None, :]
    s = sin[None, :, None, :]
    out = torch.stack((a * c - b * s, a * s + b * c), dim=-1)
    return out.flatten(-2).to(x.dtype)


class Block(nn.Module):
    def __init__(self, c: SigmaConfig):
        super().__init__()
        self.c = c
        qd, kd, vd, od = c.n_q * c.d_k, c.n_k * c.d_k, c.n_v * c.d_v, c.n_q * c.d_v
        self.attn_norm = RMSNorm(c.n_embd, c.rms_eps)
        self.attn_q = nn.Linear(c.n_embd, qd, bias=False)
        if c.d_aug > 0:
            self.attn_q_gate = nn.Linear(qd, c.d_aug, bias=False)
            self.attn_q_up = nn.Linear(qd, c.d_aug, bias=False)
            self.attn_q_down = nn.Linear(c.d_aug, qd, bias=False)
        self.attn_k = nn.Linear(c.n_embd, kd, bias=False)
        self.attn_v = nn.Linear(c.n_embd, vd, bias=False)
        self.attn_output = nn.Linear(od, c.n_embd, bias=False)
        self.ffn_norm = RMSNorm(c.n_embd, c.rms_eps)
        self.ffn_gate = nn.Linear(c.n_embd, c.n_ff, bias=False)
        self.ffn_up = nn.Linear(c.n_embd, c.n_ff, bias=False)
        self.ffn_down = nn.Linear(c.n_ff, c.n_embd, bias=False)
        # DiffQKV head mapping, consecutive groups: query head i reads K head i*n_k//n_q, V head i*n_v//n_q.
        self.register_buffer("k_index", torch.tensor([i * c.n_k // c.n_q for i in range(c.n_q)]),
                             persistent=False)
        self.register_buffer("v_index", torch.tensor([i * c.n_v // c.n_q for i in range(c.n_q)]),
                             persistent=False)

    def attention(self, q, k, v):
        """q [B,T,n_q,d_k], k [B,T,n_q,d_k], v [B,T,n_q,d_v] (already mapped to query heads)."""
        c = self.c
        q, k, v = q.transpose(1, 2), k.transpose(1, 2), v.transpose(1, 2)
        sdpa = getattr(F, "scaled_dot_product_attention", None)
        if sdpa is not None and c.d_k == c.d_v:
            o = sdpa(q, k, v, is_causal=True)  # scale defaults to 1/sqrt(d_k)
        else:
            T = q.shape[2]
            scores = (q.float() @ k.float().transpose(-1, -2)) / math.sqrt(c.d_k)
            mask = torch.ones(T, T, dtype=torch.bool, device=q.device).triu(1)
            scores = scores.masked_fill(mask, float("-inf"))
            o = (torch.softmax(scores, dim=-1) @ v.float()).to(v.dtype)
        return o.transpose(1, 2)

    def forward(self, x, cos, sin):
        c = self.c
        B, T, _ = x.shape
        h = self.attn_norm(x)
        q = self.attn_q(h)
        if c.d_aug > 0:  # AugQ, no residual: q = W_qdown( silu(W_qgate q0) * (W_qup q0) )
            q = self.attn_q_down(F.silu(self.attn_q_gate(q)) * self.attn_q_up(q))
        k = self.attn_k(h).view(B, T, c.n_k, c.d_k)
        v = self.attn_v(h).view(B, T, c.n_v, c.d_v)
        q = apply_rope(q.view(B, T, c.n_q, c.d_k), cos, sin)
        k = apply_rope(k, cos, sin)
        # Training widens K and V to the query heads; the engine's cache never does.
        o = self.attention(q, k[:, :, self.k_index], v[:, :, self.v_index])
        x = x + self.attn_output(o.reshape(B, T, c.n_q * c.d_v))
        h = self.ffn_norm(x)
        return x + self.ffn_down(F.silu(self.ffn_gate(h)) * self.ffn_up(h))


class SigmaModel(nn.Module):
    def __init__(self, c: SigmaConfig):
        super().__init__()
        self.config = c.check()
        self.token_embd = nn.Embedding(c.n_vocab, c.n_embd)
        self.layers = nn.ModuleList([Block(c) for _ in range(c.n_layer)])
        self.output_norm = RMSNorm(c.n_embd, c.rms_eps)
        if not c.tied_output:
            self.output = nn.Linear(c.n_embd, c.n_vocab, bias=False)
        self.reset_parameters()

    def reset_parameters(self, std=0.02, seed=None):
        g = torch.Generator().manual_seed(seed) if seed is not None else None
        for name, p in self.named_parameters():
            if name.endswith("norm.weight"):
                nn.init.ones_(p)
                continue
            # Projections into the residual stream start smaller, so depth does not inflate it.
            s = std / math.sqrt(2 * self.config.n_layer) if name.endswith(("attn_output.weight", "ffn_down.weight")) else std
            with torch.no_grad():
                p.copy_(torch.randn(p.shape, generator=g) * s)

    def forward(self, ids):
        """ids [B, T] -> logits [B, T, n_vocab] (float32)."""
        T = ids.shape[1]
        if T > self.config.n_ctx:
            raise ValueError(f"sequence of {T} tokens is longer than n_ctx {self.config.n_ctx}")
        cos, sin = rope_tables(T, self.config.d_k, self.config.rope_theta, ids.device)
        x = self.token_embd(ids)
        for layer in self.layers:
            x = layer(x, cos, sin)
        h = self.output_norm(x)
        w = self.token_embd.weight if self.config.tied_output else self.output.weight
        return F.linear(h, w).float()

    def n_params(self):
        return sum(p.numel() for p in self.parameters())


def gguf_tensor_name(key):
    """state_dict key -> the engine's GGUF tensor name (inference/SIGMA_GGUF.md), or None."""
    if key in ("token_embd.weight", "output_norm.weight", "output.weight"):
        return key
    parts = key.split(".")
    if len(parts) == 4 and parts[0] == "layers" and parts[3] == "weight":
        return f"blk.{parts[1]}.{parts[2]}.weight"
    return None
