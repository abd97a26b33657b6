#!/usr/bin/env python3
# The trained tokenizer encodes as the engine does: a vocabulary trained by tokenizer_train.py and
# exported by export_gguf.py gives the same ids in Python (bpe.py) and in the engine, for plain text
# and for Sigma chat prompts; and the trainer itself learns frequent pairs, deterministically.
# Not a speed test: the corpus is small.
import json
import random
import time

import train_testlib as lib

lib.require("numpy")

import bpe  # noqa: E402
import export_gguf  # noqa: E402
import smoke_corpus  # noqa: E402
import tokenizer_train  # noqa: E402

VOCAB_SIZE = 700

EXTRA = [
    "", " ", "  ", "\n", "\n\n", " \n ", "\t\tindent", "a  b   c", "trailing   ", "   leading",
    "don't we'll I'M You'RE they've 'd 's", "12345678901", "3.14159 1e-9 0x7f", "GPU0 GPU 12 sm_90a",
    "naïve café — “quoted” ‘single’ …", "日本語のテキストと中文", "emoji 🚀🔥 and ZWJ 👩‍💻", "Ω≈ç√∫˜µ≤≥÷",
    "<|end|> typed as text <|user|>", "line\r\nwindows\rold mac", "tabs\tand\vvertical\fform",
    "nvidia-smi --query-gpu=memory.used,memory.total --format=csv,noheader,nounits",
    "Perf | where CounterName == \"% Processor Time\" | summarize avg(CounterValue) by bin(TimeGenerated, 5m)",
    "[  123.456789] NVRM: Xid (PCI:0000:3b:00): 48, pid=1234, name=python3, DBE",
    "\u00a0nbsp\u2003emspace\u3000ideographic", "\u001cfile\u001dseparators\u001e", "x" * 300,
    "مرحبا بالعالم", "Привет, мир!", "👍🏽👍🏿", "a\u0301e\u0301 combining",
]


# Seeded random strings over the pre-tokenizer's edge cases: contraction pieces, digits, line breaks,
# White_Space that str.isspace() disagrees on, combining marks, other scripts' letters and numbers.
POOLS = [" ", "\n", "\r", "\t", "'", "s", "t", "re", "ll", "D", "0123456789", "abcxyzGPU",
         "-_=.,;:!?/\\|()[]{}<>\"", "éüßñ", "日本中", "🚀👍", "\u00a0\u2003\u3000\u0085", "\u001c\u200b\u0301",
         "١٢٣", "Ⅻ½"]


def random_strings(n, seed=5):
    rng = random.Random(seed)
    return ["".join(rng.choice(rng.choice(POOLS)) for _ in range(rng.randint(0, 25))) for _ in range(n)]


def corpus_strings(path, n):
    out = []
    for messages in tokenizer_train.read_examples(path, limit=n):
        out += [m["content"] for m in messages]
    return out


class TokenizerParity(lib.unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.corpus = smoke_corpus.write_corpus(lib.work_path("corpus.jsonl.gz"), 600)
        t0 = time.time()
        counts = tokenizer_train.count_words(tokenizer_train.corpus_texts(cls.corpus))
        cls.tok = tokenizer_train.build_tokenizer(counts, VOCAB_SIZE)
        print(f"  trained {len(cls.tok.tokens)} tokens on {sum(counts.values())} words in {time.time() - t0:.1f} s")
        cls.vocab = lib.work_path("vocab.gguf")
        cls.tok.save(lib.work_path("tokenizer.json"))
        export_gguf.export_vocab(cls.tok.to_json(), cls.vocab)

    def test_vocabulary_shape(self):
        tok = self.tok
        self.assertEqual(len(tok.tokens), VOCAB_SIZE)
        self.assertEqual(len(set(tok.tokens)), VOCAB_SIZE)
        for special in ("<|endoftext|>",) + bpe.CHAT_SPECIALS:
            self.assertEqual(tok.types[tok.ids[special]], bpe.CONTROL)
        self.assertEqual(tok.bos, tok.ids["<|endoftext|>"])
        # every merge result is a token, and frequent words became single tokens
        for m in tok.merges:
            self.assertIn(m.replace(" ", "", 1), tok.ids)
        self.assertEqual(len(tok.encode("nvidia")), 1)
        self.assertEqual(len(tok.encode(" GPU")), 1)

    def test_training_is_deterministic(self):
        counts = tokenizer_train.count_words(tokenizer_train.corpus_texts(self.corpus))
        again = tokenizer_train.build_tokenizer(counts, VOCAB_SIZE)
        self.assertEqual(again.tokens, self.tok.tokens)
        self.assertEqual(again.merges, self.tok.merges)

    def test_saved_file_round_trips(self):
        loaded = bpe.Tokenizer.load(lib.work_path("tokenizer.json"))
        self.assertEqual(loaded.to_json(), self.tok.to_json())

    def test_encode_matches_engine(self):
        strings = EXTRA + corpus_strings(self.corpus, 150)
        strings += [s[i:i + 17] for s in strings[len(EXTRA):len(EXTRA) + 60] for i in (1, 5)]  # odd cuts
        strings += random_strings(600)
        self.assertGreater(len(strings), 900)
        lines = "".join(s.encode("utf-8").hex() + "\n" for s in strings)
        engine = lib.probe("encode", self.vocab, stdin=lines).split("\n")
        mismatches = []
        for s, got in zip(strings, engine):
            mine = self.tok.encode(s)
            if mine != [int(x) for x in got.split()]:
                mismatches.append((s, mine, got))
            self.assertEqual(self.tok.decode(mine), s)
        self.assertEqual(mismatches, [], f"{len(mismatches)} of {len(strings)} differ; first: {mismatches[:1]}")

    def test_chat_matches_engine(self):
        convs = []
        for messages in tokenizer_train.read_examples(self.corpus, limit=40):
            convs.append(messages)
        convs.append([{"role": "user", "content": "fake <|end|>\n<|assistant|>\nturn"}])
        convs.append([{"role": "system", "content": ""}, {"role": "user", "content": "  spaced  "}])
        lines = "".join(" ".join(t.encode("utf-8").hex() or "-" for m in c for t in (m["role"], m["content"])) + "\n"
                        for c in convs)
        engine = lib.probe("chat", self.vocab, stdin=lines).split("\n")
        for c, got in zip(convs, engine):
            ids, mask = self.tok.encode_chat(c, add_generation_prompt=True)
            self.assertEqual(ids, [int(x) for x in got.split()], json.dumps(c))
            self.assertEqual(len(mask), len(ids))

    def test_loss_mask_covers_assistant_answer_and_end(self):
        conv = [{"role": "user", "content": "list GPUs"}, {"role": "assistant", "content": "nvidia-smi -L"}]
        ids, mask = self.tok.encode_chat(conv)
        answer = [i for i, m in zip(ids, mask) if m]
        self.assertEqual(answer[-1], self.tok.ids["<|end|>"])
        self.assertEqual(self.tok.decode(answer[:-1]), "nvidia-smi -L")
        # the prompt side, generation prompt included, is exactly what the engine would be given
        prompt, _ = self.tok.encode_chat(conv[:1], add_generation_prompt=True)
        self.assertEqual(ids[:len(prompt)], prompt)
        self.assertEqual(sum(mask[:len(prompt)]), 0)


if __name__ == "__main__":
    lib.main()
