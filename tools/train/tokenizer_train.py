#!/usr/bin/env python3
# Trains Sigma's byte-level BPE vocabulary on the chat corpus: llama-bpe words (bpe.py), pair counts
# updated incrementally per merge, a lazy max-heap of pairs; then <|endoftext|> and the chat markers.
# Not fast at scale: pure Python, meant for a few MB of text (about 1 MB/s to count words, and a few
# thousand merges per second after that); a larger corpus should be sampled first (--max-bytes).
#
# Usage: tokenizer_train.py CORPUS.jsonl[.gz] OUT/tokenizer.json [--vocab-size 8192] [--max-bytes N]
import argparse
import collections
import gzip
import heapq
import json
import sys
import time

import bpe


def open_text(path):
    return gzip.open(path, "rt", encoding="utf-8") if path.endswith(".gz") else open(path, encoding="utf-8")


def read_examples(path, limit=None):
    """Yields the message lists of a JSONL corpus of {"messages": [{"role", "content"}, ...]}."""
    with open_text(path) as f:
        for n, line in enumerate(f, 1):
            if limit is not None and n > limit:
                return
            line = line.strip()
            if not line:
                continue
            try:
                ex = json.loads(line)
                messages = ex["messages"]
                if not isinstance(messages, list) or not all(
                        isinstance(m.get("role"), str) and isinstance(m.get("content"), str) for m in messages):
                    raise ValueError("messages must be a list of {role, content} strings")
            except (ValueError, KeyError, TypeError, AttributeError) as e:
                raise ValueError(f"{path}:{n}: not a chat example ({e})") from None
            yield messages


def count_words(texts, max_bytes=None):
    """Pre-tokenized word counts over texts; each text is a stretch the engine encodes alone."""
    counts = collections.Counter()
    seen = 0
    for text in texts:
        counts.update(bpe.pretokenize(text))
        seen += len(text.encode("utf-8"))
        if max_bytes is not None and seen >= max_bytes:
            break
    return counts


def corpus_texts(path, max_bytes=None):
    # As the chat encoder sees them: "\n" + content between markers, and "\n" between turns.
    seen = 0
    for messages in read_examples(path):
        for m in messages:
            text = "\n" + m["content"]
            seen += len(text.encode("utf-8"))
            yield text
        if max_bytes is not None and seen >= max_bytes:
            return


def train_bpe(word_counts, n_tokens, min_count=2, log=None):
    """Learns merges until there are n_tokens tokens (fewer when no pair occurs min_count times). Ties
    between equally frequent pairs go to the smaller spelling, so a corpus always gives the same
    vocabulary. Returns (tokens, merges): the 256 byte tokens then each merge's result (a result
    spelled by an earlier merge is not added twice), and the merges as "left right" in rank order."""
    syms = [bpe.BYTE_CHARS[b] for b in range(256)]
    sym_id = {s: i for i, s in enumerate(syms)}
    words, freqs = [], []
    for w, c in word_counts.items():
        chars = bpe.to_byte_chars(w)
        if len(chars) > 1:
            words.append([sym_id[ch] for ch in chars])
            freqs.append(c)
    pair_count = collections.defaultdict(int)
    pair_where = collections.defaultdict(set)
    for wi, w in enumerate(words):
        for p in zip(w, w[1:]):
            pair_count[p] += freqs[wi]
            pair_where[p].add(wi)
    heap = [(-c, syms[a], syms[b], a, b) for (a, b), c in pair_count.items()]
    heapq.heapify(heap)
    merges, t0 = [], time.time()
    while len(syms) < n_tokens and heap:
        negc, _, _, a, b = heapq.heappop(heap)
        if pair_count.get((a, b), 0) != -negc:
            continue  # stale: the pair's current count has its own entry
        if -negc < min_count:
            break
        text = syms[a] + syms[b]
        new = sym_id.get(text)
        if new is None:
            new = len(syms)
            syms.append(text)
            sym_id[text] = new
        merges.append(f"{syms[a]} {syms[b]}")
        changed = set()
        for wi in pair_where.pop((a, b), ()):
            w, f = words[wi], freqs[wi]
            merged, i = [], 0
            while i < len(w):
                if i + 1 < len(w) and w[i] == a and w[i + 1] == b:
                    merged.append(new)
                    i += 2
                else:
                    merged.append(w[i])
                    i += 1
            if len(merged) == len(w):
                continue
            old_pairs = collections.Counter(zip(w, w[1:]))
            new_pairs = collections.Counter(zip(merged, merged[1:]))
            for p in old_pairs.keys() | new_pairs.keys():
                d = new_pairs[p] - old_pairs[p]
                if d:
                    pair_count[p] += d * f
                    changed.add(p)
                if new_pairs[p] and not old_pairs[p]:
                    pair_where[p].add(wi)
            words[wi] = merged
        pair_count.pop((a, b), None)
        for p in changed:
            c = pair_count.get(p, 0)
            if c > 0:
                heapq.heappush(heap, (-c, syms[p[0]], syms[p[1]], p[0], p[1]))
            else:
                pair_count.pop(p, None)
        if log and len(merges) % 1000 == 0:
            log(f"{len(merges)} merges, {len(merges) / max(time.time() - t0, 1e-9):.0f}/s")
    return syms, merges


def build_tokenizer(word_counts, vocab_size, log=None):
    n_special = 1 + len(bpe.CHAT_SPECIALS)
    if vocab_size < 256 + n_special + 1:
        raise ValueError(f"vocab size {vocab_size} leaves no room for merges")
    syms, merges = train_bpe(word_counts, vocab_size - n_special, log=log)
    tokens = list(syms)
    types = [bpe.NORMAL] * len(tokens)
    for special in (bpe.END_OF_TEXT,) + bpe.CHAT_SPECIALS:
        tokens.append(special)
        types.append(bpe.CONTROL)
    eot = tokens.index(bpe.END_OF_TEXT)
    return bpe.Tokenizer(tokens, types, merges, bos=eot, eos=eot, add_bos=True)


def main(argv):
    ap = argparse.ArgumentParser(description="train Sigma's byte-level BPE tokenizer on a chat corpus")
    ap.add_argument("corpus", help="JSONL (or .jsonl.gz) of {\"messages\": [{\"role\", \"content\"}]}")
    ap.add_argument("out", help="tokenizer.json to write")
    ap.add_argument("--vocab-size", type=int, default=8192)
    ap.add_argument("--max-bytes", type=int, default=8 << 20, help="train on at most this much text")
    args = ap.parse_args(argv)

    def log(msg):
        print(f"tokenizer: {msg}", file=sys.stderr, flush=True)

    try:
        t0 = time.time()
        counts = count_words(corpus_texts(args.corpus, args.max_bytes))
        if not counts:
            raise ValueError(f"{args.corpus}: no text")
        log(f"{sum(counts.values())} words ({len(counts)} distinct) in {time.time() - t0:.1f} s")
        tok = build_tokenizer(counts, args.vocab_size, log=log)
        tok.save(args.out)
    except (OSError, ValueError) as e:
        print(f"tokenizer_train: {e}", file=sys.stderr)
        return 1
    log(f"wrote {args.out}: {len(tok.tokens)} tokens, {len(tok.merges)} merges in {time.time() - t0:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
