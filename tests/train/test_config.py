#!/usr/bin/env python3
# SigmaConfig's head-count keys: n_q, n_k, n_v are written; the old spellings n_head, n_head_k,
# n_head_v are still read from a --config file and from the weight shards of earlier runs, which then
# export to the same GGUF as shards with the new keys.
# Not a training test: nothing here trains (test_smoke.py does, and continues an old-key run).
import json
import os
import types

import train_testlib as lib

torch = lib.require("torch")
np = lib.require("numpy")

import bpe  # noqa: E402
import export_gguf  # noqa: E402
import import_gguf  # noqa: E402
import train  # noqa: E402
from model import SigmaConfig, SigmaModel, normalize_config  # noqa: E402

OLD = {"n_vocab": 263, "n_layer": 1, "n_embd": 32, "n_ff": 64, "n_head": 4, "n_head_k": 1, "n_head_v": 2,
       "d_k": 8, "d_v": 8, "d_aug": 48, "n_ctx": 16}
NEW = {"n_vocab": 263, "n_layer": 1, "n_embd": 32, "n_ff": 64, "n_q": 4, "n_k": 1, "n_v": 2,
       "d_k": 8, "d_v": 8, "d_aug": 48, "n_ctx": 16}


def write_old_shards(cfg, out):
    """Shards as a run before the rename wrote them: the config JSON spells the head counts n_head*."""
    torch.manual_seed(3)
    paths = train.save_shards(SigmaModel(cfg).state_dict(), cfg, out, 0.1, 8)
    for p in paths:
        shard = torch.load(p, map_location="cpu")
        d = json.loads(shard["config"])
        for old, new in (("n_head", "n_q"), ("n_head_k", "n_k"), ("n_head_v", "n_v")):
            d[old] = d.pop(new)
        shard["config"] = json.dumps(d, indent=1, sort_keys=True)
        torch.save(shard, p)
    return paths


class ConfigKeys(lib.unittest.TestCase):
    def test_old_keys_read_as_new(self):
        self.assertEqual(normalize_config(OLD), NEW)
        self.assertIn("n_head", OLD)  # the caller's dict is left as it was
        self.assertEqual(normalize_config(NEW), NEW)
        self.assertEqual(SigmaConfig.from_dict(OLD), SigmaConfig.from_dict(NEW))
        cfg = SigmaConfig.from_dict(OLD)
        self.assertEqual((cfg.n_q, cfg.n_k, cfg.n_v), (4, 1, 2))

    def test_mixed_spellings(self):
        mixed = dict(NEW)
        del mixed["n_k"]
        mixed["n_head_k"] = 1
        self.assertEqual(SigmaConfig.from_dict(mixed), SigmaConfig.from_dict(NEW))
        for old, new in (("n_head", "n_q"), ("n_head_k", "n_k"), ("n_head_v", "n_v")):
            both = dict(NEW, **{old: NEW[new]})
            with self.assertRaisesRegex(ValueError, old):
                normalize_config(both)

    def test_written_keys_are_new(self):
        d = json.loads(SigmaConfig.from_dict(OLD).to_json())
        self.assertEqual((d["n_q"], d["n_k"], d["n_v"]), (4, 1, 2))
        self.assertFalse([k for k in d if k.startswith("n_head")], d)

    def test_config_file_with_old_keys(self):
        for name, keys in (("old", {"n_head": 8, "n_head_k": 2, "n_head_v": 4}),
                           ("new", {"n_q": 8, "n_k": 2, "n_v": 4})):
            path = lib.work_path(f"config-{name}.json")
            with open(path, "w", encoding="utf-8") as f:
                json.dump(dict(keys, d_k=8, d_v=8), f)
            args = types.SimpleNamespace(preset="smoke", config=path, seq=0)
            cfg = train.build_config(args, 300)
            self.assertEqual((cfg.n_q, cfg.n_k, cfg.n_v, cfg.d_k, cfg.n_vocab), (8, 2, 4, 8, 300), name)
            self.assertEqual(cfg.n_layer, train.PRESETS["smoke"]["n_layer"], name)
        path = lib.work_path("config-both.json")
        with open(path, "w", encoding="utf-8") as f:
            json.dump({"n_head": 8, "n_q": 8}, f)
        with self.assertRaises(ValueError):
            train.build_config(types.SimpleNamespace(preset="smoke", config=path, seq=0), 300)

    def test_old_shards_export_as_new(self):
        cfg = SigmaConfig.from_dict(NEW)
        old_dir, new_dir = lib.work_path("old-run"), lib.work_path("new-run")
        os.makedirs(old_dir, exist_ok=True)
        os.makedirs(new_dir, exist_ok=True)
        self.assertGreater(len(write_old_shards(cfg, old_dir)), 1)
        torch.manual_seed(3)
        train.save_shards(SigmaModel(cfg).state_dict(), cfg, new_dir, 0.1, 8)
        got_cfg, got = export_gguf.load_weights([old_dir])
        want_cfg, want = export_gguf.load_weights([new_dir])
        self.assertEqual(got_cfg, want_cfg)
        self.assertEqual(sorted(got), sorted(want))
        for k in want:
            self.assertTrue(np.array_equal(got[k], want[k]), k)
        # Shards of one run with the keys spelt differently still hold one config.
        mixed = sorted(os.path.join(old_dir, n) for n in os.listdir(old_dir))[:1] + \
            sorted(os.path.join(new_dir, n) for n in os.listdir(new_dir))[1:]
        self.assertEqual(export_gguf.load_weights(mixed)[0], want_cfg)

        tok = bpe.byte_level_tokenizer(["Ġ t", "h e"]).to_json()
        tok_path = lib.work_path("config-tokenizer.json")
        with open(tok_path, "w", encoding="utf-8") as f:
            json.dump(tok, f)
        files = {}
        for name, d in (("old", old_dir), ("new", new_dir)):
            files[name] = lib.work_path(f"config-{name}.gguf")
            self.assertEqual(export_gguf.main(["--weights", d, "--tokenizer", tok_path, "--out", files[name],
                                               "--type", "f32"]), 0)
        with open(files["old"], "rb") as a, open(files["new"], "rb") as b:
            self.assertEqual(a.read(), b.read())
        meta = import_gguf.read_gguf(files["old"])[0]
        self.assertEqual((meta["sigma.attention.head_count"], meta["sigma.attention.head_count_k"],
                          meta["sigma.attention.head_count_v"]), (4, 1, 2))
        back, _ = import_gguf.load_gguf_weights(files["old"])
        self.assertEqual((back["n_q"], back["n_k"], back["n_v"]), (4, 1, 2))


if __name__ == "__main__":
    lib.main()
