# Byte-level BPE as the engine encodes it: GPT-2 byte alphabet, the "llama-bpe" pre-tokenizer
# (inference/pretokenizer.cpp's scanner, over the same Unicode tables), whole-word lookup first, then
# merges lowest rank first; plus Sigma chat rendering to ids with an assistant-only loss mask.
# Not the trainer (tokenizer_train.py), and not a general pre-tokenizer: only "llama-bpe" is written.
import json
import unicodedata

PRE = "llama-bpe"
# tokenizer.ggml.token_type values (stored on disk: never renumber).
NORMAL, CONTROL = 1, 3
END_OF_TEXT = "<|endoftext|>"
# kSigmaChatSpecialTokens in inference/chat_template.h.
CHAT_SPECIALS = ("<|system|>", "<|user|>", "<|assistant|>", "<|end|>")

# ---- GPT-2 byte alphabet -------------------------------------------------------------------------


def bytes_to_unicode():
    """byte -> printable character: printable Latin-1 bytes map to themselves, the rest to U+0100+n."""
    keep = list(range(0x21, 0x7F)) + list(range(0xA1, 0xAD)) + list(range(0xAE, 0x100))
    table, n = {}, 0
    for b in range(256):
        if b in keep:
            table[b] = chr(b)
        else:
            table[b] = chr(0x100 + n)
            n += 1
    return table


BYTE_CHARS = bytes_to_unicode()


def to_byte_chars(text):
    return "".join(BYTE_CHARS[b] for b in text.encode("utf-8", "replace"))


# ---- the "llama-bpe" pre-tokenizer ---------------------------------------------------------------
# (?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+
# \s is Unicode White_Space (not str.isspace, which adds U+001C..U+001F), as the engine's table.
_WHITE_SPACE = set(range(0x09, 0x0E)) | {0x20, 0x85, 0xA0, 0x1680, 0x2028, 0x2029, 0x202F, 0x205F, 0x3000} | \
    set(range(0x2000, 0x200B))
_LETTER, _NUMBER, _SPACE, _OTHER = 1, 2, 4, 8


def _kind(ch):
    cp = ord(ch)
    cat = unicodedata.category(ch)[0]
    k = _LETTER if cat == "L" else _NUMBER if cat == "N" else 0
    if cp in _WHITE_SPACE:
        k |= _SPACE
    if k == 0:
        k = _OTHER
    return k


def _contraction(s, pos, n):
    if s[pos] != "'" or pos + 1 >= n:
        return 0
    a = s[pos + 1].lower() if s[pos + 1].isascii() else s[pos + 1]
    if a in "stmd":
        return 2
    if pos + 2 >= n:
        return 0
    b = s[pos + 2].lower() if s[pos + 2].isascii() else s[pos + 2]
    return 3 if (a + b) in ("re", "ve", "ll") else 0


def _match(s, kinds, pos, n):
    c = _contraction(s, pos, n)
    if c:
        return c
    ch, k = s[pos], kinds[pos]
    if ch not in "\r\n" and not (k & _NUMBER):
        if (k & _LETTER) or (pos + 1 < n and kinds[pos + 1] & _LETTER):
            p = pos + 1
            while p < n and kinds[p] & _LETTER:
                p += 1
            return p - pos
    if k & _NUMBER:
        p = pos
        while p < n and p - pos < 3 and kinds[p] & _NUMBER:
            p += 1
        return p - pos
    body = pos + 1 if ch == " " else pos
    if body < n and kinds[body] == _OTHER:
        p = body
        while p < n and kinds[p] == _OTHER:
            p += 1
        while p < n and s[p] in "\r\n":
            p += 1
        return p - pos
    spaces, after_newline = 0, 0
    while pos + spaces < n and kinds[pos + spaces] & _SPACE:
        spaces += 1
        if s[pos + spaces - 1] in "\r\n":
            after_newline = spaces
    if after_newline:
        return after_newline
    if spaces > 1 and pos + spaces < n:
        return spaces - 1
    return spaces if spaces else 1


def pretokenize(text):
    """Words of `text` as the engine's llama-bpe scanner cuts them (malformed UTF-8 is not expected:
    Python strings are code points; lone surrogates are replaced)."""
    s = text.encode("utf-8", "replace").decode("utf-8")
    n = len(s)
    kinds = [_kind(ch) for ch in s]
    words, pos = [], 0
    while pos < n:
        m = _match(s, kinds, pos, n)
        words.append(s[pos:pos + m])
        pos += m
    return words


# ---- the tokenizer -------------------------------------------------------------------------------


class Tokenizer:
    """A trained vocabulary: tokens (GPT-2 byte alphabet spellings), types, ranked merges."""

    def __init__(self, tokens, types, merges, bos, eos, add_bos=True, pre=PRE):
        if pre != PRE:
            raise ValueError(f"tokenizer: pre-tokenizer {pre!r} is not {PRE!r}")
        self.tokens, self.types, self.merges = list(tokens), list(types), list(merges)
        self.bos, self.eos, self.add_bos = bos, eos, add_bos
        self.ids = {t: i for i, t in enumerate(self.tokens)}
        if len(self.ids) != len(self.tokens):
            raise ValueError("tokenizer: some token is spelled twice")
        self.ranks = {}
        for rank, m in enumerate(self.merges):
            space = m.find(" ", 1)  # as the engine: the first space after the first character
            if space > 0:
                self.ranks.setdefault((m[:space], m[space + 1:]), rank)
        self._cache = {}

    # The engine's llama-bpe path (tokenizer_bpe.cpp): a word spelled by one token is that token;
    # otherwise its characters are merged, lowest rank first, leftmost between equal ranks.
    def encode_word(self, word):
        hit = self._cache.get(word)
        if hit is not None:
            return hit
        chars = to_byte_chars(word)
        if chars in self.ids:
            out = [self.ids[chars]]
        else:
            parts = list(chars)
            while len(parts) > 1:
                best, best_rank = -1, None
                for i in range(len(parts) - 1):
                    r = self.ranks.get((parts[i], parts[i + 1]))
                    if r is not None and (best_rank is None or r < best_rank):
                        best, best_rank = i, r
                if best < 0:
                    break
                parts[best:best + 2] = [parts[best] + parts[best + 1]]
            out = []
            for p in parts:
                if p in self.ids:
                    out.append(self.ids[p])
                else:  # the engine falls back to single-byte spellings
                    out += [self.ids[c] for c in p if c in self.ids]
        if len(self._cache) < 200000:
            self._cache[word] = out
        return out

    def encode(self, text):
        """Plain text -> ids: no BOS, special spellings stay text (encode(text, false, false))."""
        out = []
        for w in pretokenize(text):
            out += self.encode_word(w)
        return out

    def decode(self, ids):
        inv = {c: b for b, c in BYTE_CHARS.items()}
        data = bytearray()
        for i in ids:
            t = self.tokens[i]
            if self.types[i] == CONTROL:
                data += t.encode("utf-8")
            else:
                data += bytes(inv[c] for c in t if c in inv)
        return data.decode("utf-8", "replace")

    def encode_chat(self, messages, add_generation_prompt=False):
        """Sigma's chat format (render_sigma in inference/chat_template.cpp) -> (ids, loss mask).
        The engine splits the rendered text at the markup's control tokens and pre-tokenizes each
        stretch between them, so "\\n" + content is one stretch. The mask is 1 on the tokens an
        assistant turn must produce: its content and its <|end|> (the "\\n" that the generation prompt
        already holds is excluded when it stands as its own token)."""
        ids, mask = [], []
        if self.add_bos:
            ids.append(self.bos)
            mask.append(0)
        newline = self.encode("\n")
        for m in messages:
            role = m["role"]
            marker = self.ids.get(f"<|{role}|>")
            if marker is None:
                raise ValueError(f"chat: role {role!r} has no <|{role}|> token")
            ids.append(marker)
            mask.append(0)
            body = self.encode("\n" + m["content"])
            if role == "assistant":
                skip = len(newline) if body[:len(newline)] == newline else 0
                mask += [0] * skip + [1] * (len(body) - skip) + [1]
            else:
                mask += [0] * (len(body) + 1)
            ids += body + [self.ids["<|end|>"]]
            # The "\n" after <|end|> begins the next stretch; it is kept as the renderer writes it.
            tail = self.encode("\n")
            ids += tail
            mask += [0] * len(tail)
        if add_generation_prompt:
            ids.append(self.ids["<|assistant|>"])
            mask.append(0)
            ids += newline
            mask += [0] * len(newline)
        return ids, mask

    def to_json(self):
        return {"pre": PRE, "tokens": self.tokens, "types": self.types, "merges": self.merges,
                "bos": self.bos, "eos": self.eos, "eot": self.ids.get("<|end|>"), "add_bos": self.add_bos}

    def save(self, path):
        with open(path, "w", encoding="utf-8") as f:
            json.dump(self.to_json(), f, ensure_ascii=False)

    @staticmethod
    def load(path):
        with open(path, encoding="utf-8") as f:
            d = json.load(f)
        return Tokenizer(d["tokens"], d["types"], d["merges"], d["bos"], d["eos"], d.get("add_bos", True),
                         d.get("pre", PRE))


def byte_level_tokenizer(merges=()):
    """The 256 byte tokens, the given merges' results, <|endoftext|> and the chat markers."""
    tokens = [BYTE_CHARS[b] for b in range(256)]
    for m in merges:
        left, right = m.split(" ", 1)
        if left + right not in tokens:
            tokens.append(left + right)
    types = [NORMAL] * len(tokens)
    for special in (END_OF_TEXT,) + CHAT_SPECIALS:
        tokens.append(special)
        types.append(CONTROL)
    eot = tokens.index(END_OF_TEXT)
    return Tokenizer(tokens, types, list(merges), eot, eot, True)
