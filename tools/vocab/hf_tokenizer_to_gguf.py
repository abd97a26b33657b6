#!/usr/bin/env python3
# Converts a Hugging Face tokenizer.json (byte-level BPE) into a vocabulary-only GGUF file: tokens,
# token types, merges, pre-tokenizer name, special ids and the chat template. Python 3 stdlib only.
# Not a model converter: it writes no tensors and no hyperparameters beyond general.architecture.
#
# Usage: hf_tokenizer_to_gguf.py TOKENIZER_JSON OUT_GGUF [--config tokenizer_config.json]
#            [--pre NAME] [--arch NAME] [--name NAME] [--bos TEXT] [--eos TEXT]
# Token types follow the usual GGUF convention: added tokens marked special (or spelled like
# "<|...|>") are control tokens, other added tokens are user-defined, ids that nothing names are
# unused "[PADn]" placeholders, everything else is normal.
import argparse
import json
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
from gguf_format import T_ARRAY, T_BOOL, T_INT32, T_STRING, T_UINT32, GgufError, write_gguf  # noqa: E402

# tokenizer.ggml.token_type values (stored on disk: never renumber).
NORMAL, CONTROL, USER_DEFINED, UNUSED = 1, 3, 4, 5

# The splitting regexes of known pre-tokenizers, as they appear in tokenizer.json.
KNOWN_PRE = {
    "(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}{1,3}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+": "llama-bpe",
    "(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+": "qwen2",
    "'s|'t|'re|'ve|'m|'ll|'d| ?\\p{L}+| ?\\p{N}+| ?[^\\s\\p{L}\\p{N}]+|\\s+(?!\\S)|\\s+": "gpt-2",
}


class ConversionError(Exception):
    pass


def token_content(value):
    """A special token in tokenizer_config.json is a string, a {"content": ...} object or null."""
    if value is None:
        return None
    if isinstance(value, dict):
        return value.get("content")
    return str(value)


def looks_special(text):
    return (text.startswith("<|") and text.endswith("|>")) or text in ("<pad>", "<mask>")


def detect_pre(tok):
    pre = tok.get("pre_tokenizer") or {}
    parts = pre.get("pretokenizers", [pre]) if pre.get("type") == "Sequence" else [pre]
    for p in parts:
        if p.get("type") == "Split":
            regex = (p.get("pattern") or {}).get("Regex")
            if regex in KNOWN_PRE:
                return KNOWN_PRE[regex]
        if p.get("type") == "ByteLevel" and p.get("use_regex", True):
            return "gpt-2"
    return None


def convert(tokenizer_json, config_json, pre, arch, name, bos_text, eos_text):
    with open(tokenizer_json, encoding="utf-8") as f:
        tok = json.load(f)
    config = {}
    if config_json:
        with open(config_json, encoding="utf-8") as f:
            config = json.load(f)
    model = tok.get("model") or {}
    if model.get("type") != "BPE":
        raise ConversionError(f"{tokenizer_json}: model type {model.get('type')!r} is not BPE")
    vocab = model.get("vocab")
    if not isinstance(vocab, dict) or not vocab:
        raise ConversionError(f"{tokenizer_json}: model.vocab is missing or empty")

    by_id = {}
    for text, idx in vocab.items():
        by_id[int(idx)] = (text, NORMAL)
    for added in tok.get("added_tokens", []):
        text = added["content"]
        if added.get("special") or looks_special(text):
            by_id[int(added["id"])] = (text, CONTROL)
        else:
            by_id[int(added["id"])] = (text.replace("\u2581", " "), USER_DEFINED)
    n = max(by_id) + 1
    tokens, types = [], []
    for i in range(n):
        text, ttype = by_id.get(i, (f"[PAD{i}]", UNUSED))
        tokens.append(text)
        types.append(ttype)
    if len(set(tokens)) != len(tokens):
        raise ConversionError(f"{tokenizer_json}: the vocabulary spells some token twice")

    merges = []
    for m in model.get("merges", []):
        merges.append(" ".join(m) if isinstance(m, list) else m)
    if not merges:
        raise ConversionError(f"{tokenizer_json}: model.merges is empty")

    pre = pre or detect_pre(tok)
    if not pre:
        raise ConversionError(f"{tokenizer_json}: unknown pre-tokenizer; pass --pre")

    ids = {t: i for i, t in enumerate(tokens)}
    bos_text = bos_text or token_content(config.get("bos_token"))
    eos_text = eos_text or token_content(config.get("eos_token"))
    if bos_text is None and "<|endoftext|>" in ids:
        bos_text = "<|endoftext|>"  # vocabularies without a BOS use their document separator

    kvs = [
        ("general.architecture", T_STRING, arch),
        ("general.name", T_STRING, name),
        ("tokenizer.ggml.model", T_STRING, "gpt2"),
        ("tokenizer.ggml.pre", T_STRING, pre),
        ("tokenizer.ggml.tokens", T_ARRAY, tokens, T_STRING),
        ("tokenizer.ggml.token_type", T_ARRAY, types, T_INT32),
        ("tokenizer.ggml.merges", T_ARRAY, merges, T_STRING),
    ]
    for key, text in (("bos", bos_text), ("eos", eos_text), ("padding", token_content(config.get("pad_token")))):
        if text is None:
            continue
        if text not in ids:
            raise ConversionError(f"{key} token {text!r} is not in the vocabulary")
        kvs.append((f"tokenizer.ggml.{key}_token_id", T_UINT32, ids[text]))
    for key in ("add_bos_token", "add_eos_token"):
        if isinstance(config.get(key), bool):
            kvs.append((f"tokenizer.ggml.{key}", T_BOOL, config[key]))
    template = config.get("chat_template")
    if isinstance(template, str):
        kvs.append(("tokenizer.chat_template", T_STRING, template))
    return kvs, len(tokens), len(merges), pre


def main(argv):
    ap = argparse.ArgumentParser(description="Hugging Face tokenizer.json -> vocabulary-only GGUF")
    ap.add_argument("tokenizer_json")
    ap.add_argument("out_gguf")
    ap.add_argument("--config", help="tokenizer_config.json (special tokens, add_bos, chat template); "
                                     "default: beside tokenizer.json when present")
    ap.add_argument("--pre", help="tokenizer.ggml.pre (default: recognised from the split regex)")
    ap.add_argument("--arch", default="llama", help="general.architecture (default: llama)")
    ap.add_argument("--name", default="vocab", help="general.name")
    ap.add_argument("--bos", help="BOS token text (default: tokenizer_config's bos_token)")
    ap.add_argument("--eos", help="EOS token text (default: tokenizer_config's eos_token)")
    args = ap.parse_args(argv)
    config = args.config
    if config is None:
        beside = os.path.join(os.path.dirname(os.path.abspath(args.tokenizer_json)), "tokenizer_config.json")
        config = beside if os.path.exists(beside) else None
    try:
        kvs, n_tokens, n_merges, pre = convert(args.tokenizer_json, config, args.pre, args.arch, args.name,
                                               args.bos, args.eos)
        write_gguf(args.out_gguf, kvs)
    except (OSError, ValueError, KeyError, ConversionError, GgufError) as e:
        print(f"hf_tokenizer_to_gguf: {e}", file=sys.stderr)
        return 1
    print(f"wrote {args.out_gguf}: {n_tokens} tokens, {n_merges} merges, pre '{pre}'")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
