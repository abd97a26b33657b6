#!/usr/bin/env python3
# The whole training path on the CPU: tokenizer_train.py -> train.py (30 steps of the "smoke"
# preset, sharded output) -> export_gguf.py (F32 and Q8_0) -> the engine loads the model, gives
# PyTorch's logits and greedily generates what PyTorch generates; and run.sh end to end.
# Not a quality test: the model is tiny; it only has to learn enough to lower its held-out loss.
import csv
import json
import os
import subprocess
import sys

import train_testlib as lib

torch = lib.require("torch")
np = lib.require("numpy")

import bpe  # noqa: E402
import export_gguf  # noqa: E402
import smoke_corpus  # noqa: E402
from model import SigmaConfig, SigmaModel  # noqa: E402


def run_tool(script, *args):
    r = subprocess.run([sys.executable, os.path.join(lib.TRAIN_DIR, script)] + [str(a) for a in args],
                       capture_output=True, text=True)
    return r.returncode, r.stdout + r.stderr


class Smoke(lib.unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.corpus = smoke_corpus.write_corpus(lib.work_path("corpus.jsonl.gz"), 400)
        cls.tok_path = lib.work_path("tokenizer.json")
        cls.out = lib.work_path("out")
        rc, log = run_tool("tokenizer_train.py", cls.corpus, cls.tok_path, "--vocab-size", 600)
        assert rc == 0, log
        rc, cls.train_log = run_tool("train.py", "--corpus", cls.corpus, "--tokenizer", cls.tok_path, "--out", cls.out,
                                     "--preset", "smoke", "--steps", 30, "--batch", 4, "--seq", 64, "--lr", 5e-3,
                                     "--warmup", 5, "--eval-every", 15, "--eval-frac", 0.05, "--shard-mb", 0.2,
                                     "--max-files", 5, "--max-minutes", 5)
        print(cls.train_log)
        assert rc == 0, cls.train_log
        cls.f32 = lib.work_path("model-f32.gguf")
        cls.q8 = lib.work_path("model-q8_0.gguf")
        for path, wtype in ((cls.f32, "f32"), (cls.q8, "q8_0")):
            rc, log = run_tool("export_gguf.py", "--weights", cls.out, "--tokenizer",
                               os.path.join(cls.out, "tokenizer.json"), "--out", path, "--type", wtype)
            assert rc == 0, log
        cfg, state = export_gguf.load_weights([cls.out])
        cls.model = SigmaModel(SigmaConfig.from_dict(cfg))
        cls.model.load_state_dict({k: torch.from_numpy(v) for k, v in state.items()})
        cls.model.eval()
        cls.tok = bpe.Tokenizer.load(cls.tok_path)

    def test_outputs(self):
        names = sorted(os.listdir(self.out))
        shards = [n for n in names if n.startswith("weights-")]
        self.assertGreater(len(shards), 1)  # 0.2 MiB shards force a split, which the export joins
        for n in shards:
            self.assertLessEqual(os.path.getsize(os.path.join(self.out, n)), 0.2 * 2 ** 20)
        self.assertIn("loss.csv", names)
        self.assertIn("tokenizer.json", names)

    def test_held_out_loss_falls(self):
        with open(os.path.join(self.out, "loss.csv"), newline="") as f:
            evals = [float(r["eval_loss"]) for r in csv.DictReader(f) if r["eval_loss"]]
        self.assertGreaterEqual(len(evals), 3)
        self.assertLess(evals[-1], evals[0] - 1.0, evals)

    def prompt(self):
        ids, _ = self.tok.encode_chat([{"role": "user", "content": "Show memory.used for GPU 3 as CSV, please"}],
                                      add_generation_prompt=True)
        return ids

    def test_engine_logits_equal_pytorch(self):
        ids = self.prompt()
        out = lib.work_path("smoke-logits.bin")
        lib.probe("logits", self.f32, out, *ids)
        got = np.fromfile(out, dtype="<f4").reshape(len(ids), -1)
        with torch.no_grad():
            ref = self.model(torch.tensor([ids]))[0].numpy()
        self.assertLess(float(np.abs(got - ref).max() / np.abs(ref).max()), 1e-4)

    def test_engine_generates_what_pytorch_generates(self):
        ids = self.prompt()
        mine = []
        with torch.no_grad():
            for _ in range(12):
                logits = self.model(torch.tensor([ids + mine]))[0, -1]
                top = torch.topk(logits, 2)
                if float(top.values[0] - top.values[1]) < 1e-3:
                    break  # a near tie: the engine may round either way, compare up to here
                best = int(top.indices[0])
                if best in (self.tok.ids["<|end|>"], self.tok.eos):
                    break
                mine.append(best)
        text = "Show memory.used for GPU 3 as CSV, please".encode().hex()
        engine = lib.probe("generate", self.f32, 12, text).split("\n")
        engine_ids = [int(x) for x in engine[0].split()]
        self.assertEqual(engine_ids[:len(mine)], mine)
        self.assertGreater(len(mine), 0)
        print(f"  reply: {self.tok.decode(engine_ids)!r}")

    def test_q8_0_model_loads_and_generates(self):
        out = lib.probe("generate", self.q8, 8, "list GPUs".encode().hex())
        self.assertEqual(len(out.split("\n")), 3)  # ids line, text line, final newline
        self.assertLess(os.path.getsize(self.q8), os.path.getsize(self.f32))

    def test_init_continues_from_shards(self):
        out = lib.work_path("init-out")
        rc, log = run_tool("train.py", "--corpus", self.corpus, "--tokenizer", self.tok_path, "--out", out,
                           "--init", self.out, "--steps", 2, "--batch", 2, "--seq", 64, "--eval-every", 0,
                           "--eval-frac", 0.05)  # the same held-out examples as the first run
        self.assertEqual(rc, 0, log)
        with open(os.path.join(out, "loss.csv"), newline="") as f:
            first = float(next(r for r in csv.DictReader(f) if r["eval_loss"])["eval_loss"])
        with open(os.path.join(self.out, "loss.csv"), newline="") as f:
            trained = [float(r["eval_loss"]) for r in csv.DictReader(f) if r["eval_loss"]]
        self.assertAlmostEqual(first, min(trained), delta=0.05)  # the saved (fp16) weights, not a fresh start

    def test_old_key_run_exports_and_continues(self):
        # A run directory written before the head counts were spelt n_q/n_k/n_v (shards whose config
        # says n_head, n_head_k, n_head_v) exports to the same GGUF and still starts a new run.
        old = lib.work_path("old-keys-out")
        os.makedirs(old, exist_ok=True)
        for n in os.listdir(self.out):
            if n.startswith("weights-"):
                shard = torch.load(os.path.join(self.out, n), map_location="cpu")
                d = json.loads(shard["config"])
                for old_key, new_key in (("n_head", "n_q"), ("n_head_k", "n_k"), ("n_head_v", "n_v")):
                    d[old_key] = d.pop(new_key)
                shard["config"] = json.dumps(d, indent=1, sort_keys=True)
                torch.save(shard, os.path.join(old, n))
        path = lib.work_path("old-keys-f32.gguf")
        rc, log = run_tool("export_gguf.py", "--weights", old, "--tokenizer", os.path.join(self.out, "tokenizer.json"),
                           "--out", path, "--type", "f32")
        self.assertEqual(rc, 0, log)
        with open(self.f32, "rb") as a, open(path, "rb") as b:
            self.assertEqual(a.read(), b.read())
        out = lib.work_path("old-keys-init-out")
        rc, log = run_tool("train.py", "--corpus", self.corpus, "--tokenizer", self.tok_path, "--out", out,
                           "--init", old, "--steps", 1, "--batch", 2, "--seq", 64, "--eval-every", 0,
                           "--eval-frac", 0.05)
        self.assertEqual(rc, 0, log)
        self.assertIn("initialised from", log)
        written = json.loads(torch.load(os.path.join(out, "weights-00.pt"), map_location="cpu")["config"])
        self.assertEqual((written["n_q"], written["n_k"], written["n_v"]), (d["n_head"], d["n_head_k"], d["n_head_v"]))
        self.assertFalse([k for k in written if k.startswith("n_head")], written)

    def test_gguf_reads_back_as_trained_weights(self):
        import import_gguf
        cfg, state = export_gguf.load_weights([self.out])
        for path, tol in ((self.f32, 0.0), (self.q8, 0.02)):
            got_cfg, got = import_gguf.load_gguf_weights(path)
            for k in ("arch", "n_layer", "n_embd", "n_ff", "n_q", "n_k", "n_v", "d_k", "d_v", "d_aug",
                      "n_ctx", "n_vocab", "tied_output"):
                self.assertEqual(got_cfg[k], cfg[k], k)
            self.assertEqual(sorted(got), sorted(state))
            for k, v in state.items():
                self.assertEqual(got[k].shape, v.shape, k)
                self.assertLessEqual(float(np.abs(got[k] - v).max()), tol * max(1.0, float(np.abs(v).max())), k)
        # Q8_0 read back and written again is the same file: no drift when a shipped model is retrained.
        again = lib.work_path("again-q8_0.gguf")
        got_cfg, got = import_gguf.load_gguf_weights(self.q8)
        with open(os.path.join(self.out, "tokenizer.json"), encoding="utf-8") as f:
            tok = export_gguf.json.load(f)
        name = import_gguf.read_gguf(self.q8)[0]["general.name"]
        export_gguf.export_model(got_cfg, got, tok, again, "q8_0", name=name)
        with open(self.q8, "rb") as a, open(again, "rb") as b:
            self.assertEqual(a.read(), b.read())

    def test_init_continues_from_gguf(self):
        out = lib.work_path("init-gguf-out")
        rc, log = run_tool("train.py", "--corpus", self.corpus, "--tokenizer", self.tok_path, "--out", out,
                           "--init", self.f32, "--steps", 2, "--batch", 2, "--seq", 64, "--eval-every", 0,
                           "--eval-frac", 0.05)
        self.assertEqual(rc, 0, log)
        self.assertIn("initialised from", log)
        with open(os.path.join(out, "loss.csv"), newline="") as f:
            first = float(next(r for r in csv.DictReader(f) if r["eval_loss"])["eval_loss"])
        with open(os.path.join(self.out, "loss.csv"), newline="") as f:
            trained = [float(r["eval_loss"]) for r in csv.DictReader(f) if r["eval_loss"]]
        self.assertAlmostEqual(first, min(trained), delta=0.05)
        bad = lib.work_path("not-a-model.gguf")
        with open(bad, "wb") as f:
            f.write(b"GGUF\x03\x00\x00\x00")
        rc, log = run_tool("train.py", "--corpus", self.corpus, "--tokenizer", self.tok_path, "--out", out,
                           "--init", bad, "--steps", 1)
        self.assertNotEqual(rc, 0)
        self.assertIn("not-a-model.gguf", log)

    def test_run_sh(self):
        # The GPU host's command, on the CPU with the smoke preset: outputs within the return limits.
        out = lib.work_path("run-out")
        env = dict(os.environ, SIGMA_TRAIN_ALLOW_CPU="1", PYTHON=sys.executable, SIGMA_CORPUS=self.corpus, OUT=out,
                   SIGMA_TOKENIZER=lib.work_path("absent-tokenizer.json"), SIGMA_TRAIN_MINUTES="2")
        script = os.path.join(lib.TRAIN_DIR, "run.sh")
        r = subprocess.run(["bash", script, "--preset", "smoke", "--steps", "4", "--batch", "2", "--seq", "32",
                            "--eval-every", "2", "--log-every", "2"], env=env, capture_output=True, text=True)
        self.assertEqual(r.returncode, 0, r.stderr)
        names = sorted(os.listdir(out))
        self.assertEqual(names, ["loss.csv", "tokenizer.json", "train.log", "weights-00.pt"])
        env["SIGMA_CORPUS"] = lib.work_path("no-corpus.jsonl.gz")
        r = subprocess.run(["bash", script], env=env, capture_output=True, text=True)
        self.assertEqual(r.returncode, 1)
        self.assertIn("no corpus at", r.stderr)

    def test_bad_inputs_fail_clearly(self):
        rc, log = run_tool("train.py", "--corpus", lib.work_path("missing.jsonl"), "--tokenizer", self.tok_path,
                           "--out", lib.work_path("bad"), "--preset", "smoke", "--steps", 1)
        self.assertEqual(rc, 1)
        self.assertIn("missing.jsonl", log)
        bad = lib.work_path("bad.jsonl")
        with open(bad, "w") as f:
            f.write('{"messages": [{"role": "user", "content": "hi"}]}\n{"text": "no messages"}\n')
        rc, log = run_tool("tokenizer_train.py", bad, lib.work_path("bad-tok.json"))
        self.assertEqual(rc, 1)
        self.assertIn("bad.jsonl:2", log)
        rc, log = run_tool("export_gguf.py", "--weights", lib.work_path("nowhere"), "--tokenizer", self.tok_path,
                           "--out", lib.work_path("x.gguf"))
        self.assertEqual(rc, 1)
        self.assertIn("nowhere", log)


if __name__ == "__main__":
    lib.main()
