#!/usr/bin/env python3
# Parity of tools/train/model.py with the engine: tiny random models exported by export_gguf.py
# give the same logits in PyTorch and in the engine (F32 tight, F16 and Q8_0 within their rounding).
# Not a training test: weights are random; test_smoke.py trains.
import os
import struct

import train_testlib as lib

torch = lib.require("torch")
np = lib.require("numpy")

import bpe  # noqa: E402
import export_gguf  # noqa: E402
from model import SigmaConfig, SigmaModel  # noqa: E402

TOKENS = [5, 262, 17, 42, 99, 256, 1, 77, 120, 3, 250, 260, 7, 8, 199, 64, 33]


def export_random(cfg, name, wtype, seed=1, std=0.3):
    torch.manual_seed(seed)
    model = SigmaModel(cfg)
    model.reset_parameters(std=std, seed=seed)  # large weights: logits far from zero, differences show
    with torch.no_grad():
        for layer in model.layers:  # norms away from 1, so a misplaced norm weight shows
            layer.attn_norm.weight.uniform_(0.5, 1.5)
            layer.ffn_norm.weight.uniform_(0.5, 1.5)
        model.output_norm.weight.uniform_(0.5, 1.5)
    tok = bpe.byte_level_tokenizer(["Ġ t", "h e"])
    assert len(tok.tokens) == cfg.n_vocab, len(tok.tokens)
    state = {k: v.numpy() for k, v in model.state_dict().items()}
    path = lib.work_path(f"{name}-{wtype}.gguf")
    export_gguf.export_model(vars(cfg), state, tok.to_json(), path, wtype)
    if wtype == "q8_0":
        # PyTorch gets the weights the file holds, so what differs is the engine's own rounding of
        # activations to Q8_0 blocks in its matmul (as ggml does), not the weight quantisation.
        with torch.no_grad():
            for p in model.parameters():
                if p.dim() == 2 and p.shape[1] % 32 == 0:
                    q = export_gguf.quantize_q8_0(p.numpy())
                    p.copy_(torch.from_numpy(export_gguf.dequantize_q8_0(q, p.numel()).reshape(p.shape)))
    return model, path


def engine_logits(path, tokens, n_vocab):
    out = lib.work_path("logits.bin")
    lib.probe("logits", path, out, *tokens)
    with open(out, "rb") as f:
        data = f.read()
    return np.frombuffer(data, dtype="<f4").reshape(len(tokens), n_vocab)


def relative_diff(model, path, tokens):
    with torch.no_grad():
        ref = model(torch.tensor([tokens]))[0].numpy()
    got = engine_logits(path, tokens, model.config.n_vocab)
    return float(np.abs(ref - got).max() / np.abs(ref).max()), float(np.abs(ref).max())


N_VOCAB = 256 + 2 + 5


class Parity(lib.unittest.TestCase):
    def check(self, cfg, name, wtype, tol, std=0.3):
        model, path = export_random(cfg, name, wtype, std=std)
        rel, scale = relative_diff(model, path, TOKENS)
        print(f"  {name} {wtype}: max |diff| / max |logit| = {rel:.2e} (max |logit| {scale:.2f})")
        self.assertGreater(scale, 0.5)
        self.assertLess(rel, tol, f"{name} {wtype}")
        return rel

    def test_sigma_augq_diffqkv(self):
        cfg = SigmaConfig(n_vocab=N_VOCAB, n_layer=2, n_embd=64, n_ff=128, n_q=4, n_k=1, n_v=2,
                          d_k=16, d_v=16, d_aug=96, n_ctx=64, rope_theta=500.0)
        self.check(cfg, "sigma", "f32", 1e-4)
        self.check(cfg, "sigma", "f16", 2e-2)
        # Q8_0 activations: a chaotic std-0.3 model amplifies their rounding, so milder weights here.
        self.check(cfg, "sigma", "q8_0", 5e-2, std=0.1)

    def test_sigma_uneven_heads_untied(self):
        # 6 q / 3 k / 2 v heads, d_k != d_v, untied output, no AugQ
        cfg = SigmaConfig(n_vocab=N_VOCAB, n_layer=3, n_embd=64, n_ff=96, n_q=6, n_k=3, n_v=2,
                          d_k=8, d_v=16, d_aug=0, n_ctx=32, rms_eps=1e-6, tied_output=False)
        self.check(cfg, "uneven", "f32", 1e-4)

    def test_llama(self):
        cfg = SigmaConfig(n_vocab=N_VOCAB, n_layer=2, n_embd=64, n_ff=128, n_q=4, n_k=2, n_v=2,
                          d_k=16, d_v=16, n_ctx=32, arch="llama")
        self.check(cfg, "llama", "f32", 1e-4)

    def test_wrong_model_is_caught(self):
        # The comparison can fail: a model whose RoPE runs on (i, i+d/2) pairs differs from the engine.
        cfg = SigmaConfig(n_vocab=N_VOCAB, n_layer=1, n_embd=64, n_ff=64, n_q=4, n_k=2, n_v=4,
                          d_k=16, d_v=16, n_ctx=32)
        model, path = export_random(cfg, "wrong", "f32")
        import model as model_module
        original = model_module.apply_rope

        def neox(x, cos, sin):
            h = x.shape[-1] // 2
            a, b = x[..., :h], x[..., h:]
            c, s = cos[None, :, None, :], sin[None, :, None, :]
            return torch.cat((a * c - b * s, a * s + b * c), dim=-1)

        model_module.apply_rope = neox
        try:
            rel, _ = relative_diff(model, path, TOKENS)
        finally:
            model_module.apply_rope = original
        self.assertGreater(rel, 1e-2)

    def test_q8_0_bytes_match_engine(self):
        rng = np.random.default_rng(3)
        x = rng.standard_normal(32 * 40).astype(np.float32)
        x[:32] = 0.0                                      # an all-zero block: d = 0
        x[32:64] = np.arange(32, dtype=np.float32) - 15.5  # halves: round away from zero
        x[64:96] *= 1e-6                                   # subnormal fp16 scale
        x[96:128] = np.float32(127.0) * np.float32(0.5)   # exact ties everywhere
        src = lib.work_path("q.f32")
        x.astype("<f4").tofile(src)
        lib.probe("q8_0", src, lib.work_path("q.bin"))
        with open(lib.work_path("q.bin"), "rb") as f:
            engine = f.read()
        mine = export_gguf.quantize_q8_0(x.reshape(40, 32))
        self.assertEqual(len(mine), 40 * 34)
        self.assertEqual(mine, engine)
        back = export_gguf.dequantize_q8_0(mine, x.size)
        self.assertLess(float(np.abs(back - x).max()), 0.02 * float(np.abs(x).max()))

    def test_chat_template_matches_engine(self):
        self.assertEqual(export_gguf.SIGMA_CHAT_TEMPLATE, lib.probe("template"))

    def test_gguf_layout(self):
        # Tensor data is aligned and shapes are in ggml order {in, out}.
        cfg = SigmaConfig(n_vocab=N_VOCAB, n_layer=1, n_embd=32, n_ff=64, n_q=2, n_k=1, n_v=1,
                          d_k=16, d_v=16, d_aug=48, n_ctx=16)
        _, path = export_random(cfg, "layout", "q8_0")
        with open(path, "rb") as f:
            head = f.read(24)
        magic, version, n_tensors, n_kv = struct.unpack("<4sIQQ", head)
        self.assertEqual((magic, version), (b"GGUF", 3))
        self.assertEqual(n_tensors, 2 + 12)
        self.assertEqual(os.path.getsize(path) % 32, 0)


if __name__ == "__main__":
    lib.main()
