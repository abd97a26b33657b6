#!/usr/bin/env python3
# Trains the embedded Sigma model on chat examples: Sigma-format prompts, loss on assistant tokens
# only, AdamW with warmup and cosine decay, bf16 autocast on CUDA, a hard wall-clock limit; writes a
# loss curve (loss.csv) and fp16 weight shards (weights-NN.pt, each at most --shard-mb) plus tokenizer.
# Not an exporter (export_gguf.py joins the shards into a GGUF) and not a multi-GPU trainer.
#
# Usage: train.py --corpus corpus.jsonl.gz --tokenizer tokenizer.json --out DIR [--preset base]
#                 [--max-minutes 8] [--steps N] [--batch 64] [--seq 1024] [--lr 2e-3]
import argparse
import csv
import json
import math
import multiprocessing
import os
import random
import shutil
import sys
import time

import torch
import torch.nn.functional as F

import bpe
import tokenizer_train
from model import SigmaConfig, SigmaModel, normalize_config

# Sizes: "base" is the shipped model (see README.md for why), "smoke" runs in seconds on a CPU.
PRESETS = {
    "base": dict(n_layer=8, n_embd=512, n_ff=1408, n_q=8, n_k=2, n_v=4, d_k=64, d_v=64, d_aug=768,
                 n_ctx=1024, rope_theta=10000.0),
    "smoke": dict(n_layer=2, n_embd=64, n_ff=128, n_q=4, n_k=1, n_v=2, d_k=16, d_v=16, d_aug=96,
                  n_ctx=128, rope_theta=10000.0),
}

_TOKENIZER = None


def cpu_has_bf16():
    """True where the CPU does bf16 matrix products natively (AVX512_BF16 or AMX); elsewhere PyTorch
    would emulate bf16 and train slower than fp32."""
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as f:
            flags = next((line.split(":", 1)[1].split() for line in f if line.startswith("flags")), [])
    except OSError:
        return False
    return "avx512_bf16" in flags or "amx_bf16" in flags


def _encode_one(messages):
    return _TOKENIZER.encode_chat(messages)


def encode_corpus(path, tok, workers):
    """All examples as (ids, mask) pairs; encoded in worker processes when there are many."""
    global _TOKENIZER
    _TOKENIZER = tok
    examples = list(tokenizer_train.read_examples(path))
    if not examples:
        raise ValueError(f"{path}: no examples")
    if workers > 1 and len(examples) > 2000 and "fork" in multiprocessing.get_all_start_methods():
        with multiprocessing.get_context("fork").Pool(workers) as pool:
            return pool.map(_encode_one, examples, chunksize=256)
    return [_encode_one(m) for m in examples]


def split_examples(encoded, eval_frac, seed):
    """Held-out examples are chosen by a seeded shuffle of indices, so a rerun holds out the same."""
    order = list(range(len(encoded)))
    random.Random(seed).shuffle(order)
    n_eval = max(1, int(len(encoded) * eval_frac)) if len(encoded) > 1 else 0
    held = set(order[:n_eval])
    train = [encoded[i] for i in range(len(encoded)) if i not in held]
    evals = [encoded[i] for i in sorted(held)]
    return train, evals


def pack(examples, seq, seed):
    """Concatenates shuffled examples (each starts with BOS) and cuts rows of seq + 1 tokens:
    (ids [N, seq+1], mask [N, seq+1]); consecutive rows share their boundary token."""
    order = list(range(len(examples)))
    random.Random(seed).shuffle(order)
    ids, mask = [], []
    for i in order:
        ids += examples[i][0]
        mask += examples[i][1]
    n = max(1, (len(ids) - 1) // seq)
    if len(ids) < seq + 1:  # fewer tokens than one row: pad, masked out
        pad = seq + 1 - len(ids)
        ids += [0] * pad
        mask += [0] * pad
    rows = torch.tensor(ids[:n * seq + 1], dtype=torch.long).unfold(0, seq + 1, seq)
    masks = torch.tensor(mask[:n * seq + 1], dtype=torch.float32).unfold(0, seq + 1, seq)
    return rows, masks


def masked_loss(logits, rows, masks):
    """Mean cross-entropy over the positions whose target is an assistant token."""
    targets = rows[:, 1:]
    weight = masks[:, 1:]
    ce = F.cross_entropy(logits.reshape(-1, logits.shape[-1]).float(), targets.reshape(-1), reduction="none")
    return (ce * weight.reshape(-1)).sum() / weight.sum().clamp(min=1.0)


def lr_at(progress, step, args):
    """Linear warmup over --warmup steps, then cosine from --lr to --lr * --min-lr-frac."""
    if step < args.warmup:
        return args.lr * (step + 1) / args.warmup
    p = min(max(progress, 0.0), 1.0)
    return args.lr * (args.min_lr_frac + (1 - args.min_lr_frac) * 0.5 * (1 + math.cos(math.pi * p)))


@torch.no_grad()
def evaluate(model, rows, masks, args, device, autocast):
    model.eval()
    total, weight = 0.0, 0.0
    for i in range(0, min(len(rows), args.eval_rows), args.batch):
        r = rows[i:i + args.batch].to(device)
        m = masks[i:i + args.batch].to(device)
        with autocast():
            logits = model(r[:, :-1])
        w = m[:, 1:].sum().item()
        total += masked_loss(logits, r, m).item() * w
        weight += w
    model.train()
    return total / max(weight, 1.0)


def save_shards(state, cfg, out, shard_mb, max_files):
    """fp16 state dict in files of at most shard_mb MiB, each carrying the config; returns the paths."""
    limit = shard_mb * 2 ** 20 - 64 * 1024  # room for the container's own bytes
    shards, current, size = [], {}, 0
    for k, v in state.items():
        t = v.detach().to("cpu", torch.float16).contiguous()
        nbytes = t.numel() * 2
        if nbytes > limit:
            raise ValueError(f"tensor {k} ({nbytes / 2**20:.1f} MiB) is larger than a shard (--shard-mb {shard_mb})")
        if current and size + nbytes > limit:
            shards.append(current)
            current, size = {}, 0
        current[k] = t
        size += nbytes
    shards.append(current)
    if len(shards) > max_files:
        raise ValueError(f"weights need {len(shards)} shards of {shard_mb} MiB, more than --max-files {max_files}")
    for old in os.listdir(out):
        if old.startswith("weights-") and old.endswith(".pt"):
            os.remove(os.path.join(out, old))
    paths = []
    for i, tensors in enumerate(shards):
        path = os.path.join(out, f"weights-{i:02d}.pt")
        torch.save({"config": cfg.to_json(), "tensors": tensors}, path)
        paths.append(path)
    return paths


def build_config(args, n_vocab):
    d = dict(PRESETS[args.preset])
    if args.config:
        with open(args.config, encoding="utf-8") as f:
            d.update(normalize_config(json.load(f)))
    if args.seq:
        d["n_ctx"] = max(d["n_ctx"], args.seq)
    d["n_vocab"] = n_vocab
    return SigmaConfig.from_dict(d)


def parse_args(argv):
    ap = argparse.ArgumentParser(description="train the embedded Sigma model")
    ap.add_argument("--corpus", required=True)
    ap.add_argument("--tokenizer", required=True, help="tokenizer.json (tokenizer_train.py)")
    ap.add_argument("--out", required=True)
    ap.add_argument("--preset", default="base", choices=sorted(PRESETS))
    ap.add_argument("--config", help="JSON overriding preset fields (SigmaConfig names)")
    ap.add_argument("--max-minutes", type=float, default=8.0, help="hard wall-clock limit, saving included")
    ap.add_argument("--steps", type=int, default=0, help="fixed step count (0: as many as time allows)")
    ap.add_argument("--batch", type=int, default=64, help="sequences per step")
    ap.add_argument("--seq", type=int, default=0, help="tokens per sequence (default: the preset's n_ctx)")
    ap.add_argument("--lr", type=float, default=2e-3)
    ap.add_argument("--min-lr-frac", type=float, default=0.1)
    ap.add_argument("--warmup", type=int, default=100)
    ap.add_argument("--weight-decay", type=float, default=0.1)
    ap.add_argument("--clip", type=float, default=1.0)
    ap.add_argument("--eval-frac", type=float, default=0.02)
    ap.add_argument("--eval-every", type=int, default=200)
    ap.add_argument("--eval-rows", type=int, default=256)
    ap.add_argument("--log-every", type=int, default=10)
    ap.add_argument("--shard-mb", type=float, default=15.0)
    ap.add_argument("--max-files", type=int, default=5)
    ap.add_argument("--device", default="auto")
    ap.add_argument("--compile", action="store_true", help="torch.compile the model (CUDA, torch 2)")
    ap.add_argument("--init", help="start from the weights (shards or their directory) of an earlier run, or "
                                   "from a GGUF export_gguf.py wrote; its config replaces --preset/--config")
    ap.add_argument("--cpu-bf16", choices=("auto", "on", "off"), default="auto",
                    help="bf16 autocast on the CPU: auto uses it where the CPU has AVX512_BF16 or AMX")
    ap.add_argument("--seed", type=int, default=1234)
    ap.add_argument("--workers", type=int, default=min(16, os.cpu_count() or 1))
    return ap.parse_args(argv)


def main(argv):
    args = parse_args(argv)
    t_start = time.time()
    deadline = t_start + args.max_minutes * 60
    os.makedirs(args.out, exist_ok=True)
    log_file = open(os.path.join(args.out, "train.log"), "w", encoding="utf-8")

    def log(msg):
        line = f"[{time.time() - t_start:7.1f}s] {msg}"
        print(line, flush=True)
        log_file.write(line + "\n")
        log_file.flush()

    tok = bpe.Tokenizer.load(args.tokenizer)
    encoded = encode_corpus(args.corpus, tok, args.workers)
    train_ex, eval_ex = split_examples(encoded, args.eval_frac, args.seed)
    # CUDA is touched only after the encoder's worker processes are done (they are forked).
    torch.manual_seed(args.seed)
    device = torch.device("cuda" if args.device == "auto" and torch.cuda.is_available() else
                          ("cpu" if args.device == "auto" else args.device))
    use_bf16 = device.type == "cuda"
    cpu_bf16 = device.type == "cpu" and (args.cpu_bf16 == "on" or (args.cpu_bf16 == "auto" and cpu_has_bf16()))
    if use_bf16:
        torch.backends.cuda.matmul.allow_tf32 = True
        torch.backends.cudnn.allow_tf32 = True

    def autocast():
        if use_bf16:
            return torch.autocast(device_type="cuda", dtype=torch.bfloat16)
        return torch.autocast(device_type="cpu", dtype=torch.bfloat16, enabled=cpu_bf16)

    init_state = None
    if args.init:
        from export_gguf import ExportError, load_weights  # numpy is needed only on this path
        from import_gguf import load_gguf_weights  # a GGUF's Q8_0/F16 tensors come back as float32

        try:
            init_cfg, init_state = (load_gguf_weights(args.init) if args.init.endswith(".gguf")
                                    else load_weights([args.init]))
        except ExportError as e:
            raise ValueError(f"--init: {e}") from None
        cfg = SigmaConfig.from_dict(init_cfg)
        if cfg.n_vocab != len(tok.tokens):
            raise ValueError(f"--init weights have a vocabulary of {cfg.n_vocab}, the tokenizer {len(tok.tokens)}")
    else:
        cfg = build_config(args, len(tok.tokens))
    seq = args.seq or cfg.n_ctx
    if seq > cfg.n_ctx:
        raise ValueError(f"--seq {seq} is longer than the model's context {cfg.n_ctx}")
    rows, masks = pack(train_ex, seq, args.seed)
    eval_rows, eval_masks = pack(eval_ex, seq, args.seed + 1) if eval_ex else (rows[:1], masks[:1])
    n_target = int(masks[:, 1:].sum().item())
    log(f"corpus: {len(encoded)} examples ({len(eval_ex)} held out), {rows.numel()} train tokens in {len(rows)} rows "
        f"of {seq + 1}, {n_target} assistant targets; encoded in {time.time() - t_start:.1f} s")

    model = SigmaModel(cfg)
    if init_state is not None:
        model.load_state_dict({k: torch.from_numpy(v) for k, v in init_state.items()})
        log(f"initialised from {args.init}")
    model = model.to(device)
    log(f"model: {model.n_params() / 1e6:.2f} M parameters, config {json.dumps(vars(cfg), sort_keys=True)}")
    log(f"device: {device}{' ' + torch.cuda.get_device_name(0) if use_bf16 else ''}, torch {torch.__version__}, "
        f"{'bf16 autocast' if use_bf16 or cpu_bf16 else 'fp32'}")
    decay = [p for n, p in model.named_parameters() if p.dim() >= 2]
    no_decay = [p for n, p in model.named_parameters() if p.dim() < 2]
    opt_kwargs = dict(lr=args.lr, betas=(0.9, 0.95), eps=1e-8)
    if use_bf16 and "fused" in torch.optim.AdamW.__init__.__code__.co_varnames:
        opt_kwargs["fused"] = True
    opt = torch.optim.AdamW([{"params": decay, "weight_decay": args.weight_decay},
                             {"params": no_decay, "weight_decay": 0.0}], **opt_kwargs)
    step_model = torch.compile(model) if args.compile and hasattr(torch, "compile") else model

    csv_file = open(os.path.join(args.out, "loss.csv"), "w", newline="", encoding="utf-8")
    writer = csv.writer(csv_file)
    writer.writerow(["step", "elapsed_s", "loss", "lr", "tokens_per_s", "eval_loss"])
    # Time kept back for the last evaluation and the save, so the hard limit holds.
    reserve = min(45.0, 0.1 * args.max_minutes * 60)
    gen = torch.Generator().manual_seed(args.seed)
    step, seen, t_train = 0, 0, time.time()
    t_log, seen_log, loss_sum, loss_n = time.time(), 0, 0.0, 0
    eval_loss = evaluate(step_model, eval_rows, eval_masks, args, device, autocast)
    log(f"step 0: eval loss {eval_loss:.4f}")
    # The weights of the best held-out loss are what is saved: a small corpus seen for many epochs
    # overfits late in the run, and the time limit leaves no second try.
    best_loss, best_step, best_state = float("inf"), 0, None

    def remember(loss_value):
        nonlocal best_loss, best_step, best_state
        if loss_value < best_loss:
            best_loss, best_step = loss_value, step
            best_state = {k: v.detach().to("cpu", torch.float16, copy=True) for k, v in model.state_dict().items()}

    writer.writerow([0, f"{time.time() - t_start:.1f}", "", "", "", f"{eval_loss:.4f}"])
    perm, cursor = torch.randperm(len(rows), generator=gen), 0
    stop_reason = "steps"
    while True:
        if args.steps and step >= args.steps:
            break
        if time.time() > deadline - reserve:
            stop_reason = "time limit"
            break
        progress = step / args.steps if args.steps else (time.time() - t_train) / max(deadline - reserve - t_train, 1.0)
        lr = lr_at(progress, step, args)
        for g in opt.param_groups:
            g["lr"] = lr
        if cursor + args.batch > len(perm):
            perm, cursor = torch.randperm(len(rows), generator=gen), 0
        idx = perm[cursor:cursor + args.batch]
        cursor += args.batch
        r = rows[idx].to(device, non_blocking=True)
        m = masks[idx].to(device, non_blocking=True)
        with autocast():
            logits = step_model(r[:, :-1])
        loss = masked_loss(logits, r, m)
        opt.zero_grad(set_to_none=True)
        loss.backward()
        if args.clip > 0:
            torch.nn.utils.clip_grad_norm_(model.parameters(), args.clip)
        opt.step()
        step += 1
        seen += r[:, :-1].numel()
        loss_sum = loss_sum + loss.detach()  # summed on the device: no sync per step
        loss_n += 1
        eval_now = args.eval_every and step % args.eval_every == 0
        if step % args.log_every == 0 or eval_now:
            now = time.time()
            tps = (seen - seen_log) / max(now - t_log, 1e-9)
            ev = evaluate(step_model, eval_rows, eval_masks, args, device, autocast) if eval_now else None
            if ev is not None:
                remember(ev)
            avg = float(loss_sum) / loss_n
            if not math.isfinite(avg):
                log(f"step {step}: loss is {avg}; stopping")
                stop_reason = "non-finite loss"
                break
            log(f"step {step}: loss {avg:.4f} lr {lr:.2e} {tps:,.0f} tok/s" + (f" eval {ev:.4f}" if ev is not None else ""))
            writer.writerow([step, f"{now - t_start:.1f}", f"{avg:.4f}", f"{lr:.3e}", f"{tps:.0f}",
                             f"{ev:.4f}" if ev is not None else ""])
            csv_file.flush()
            t_log, seen_log, loss_sum, loss_n = time.time(), seen, 0.0, 0
    eval_loss = evaluate(step_model, eval_rows, eval_masks, args, device, autocast)
    writer.writerow([step, f"{time.time() - t_start:.1f}", "", "", "", f"{eval_loss:.4f}"])
    csv_file.close()
    remember(eval_loss)
    if best_step != step:
        log(f"held-out loss was lowest at step {best_step} ({best_loss:.4f} vs {eval_loss:.4f} at the end): saving those weights")
    paths = save_shards(best_state, cfg, args.out, args.shard_mb, args.max_files)
    if os.path.abspath(args.tokenizer) != os.path.abspath(os.path.join(args.out, "tokenizer.json")):
        shutil.copyfile(args.tokenizer, os.path.join(args.out, "tokenizer.json"))
    log(f"stopped ({stop_reason}) after {step} steps, {seen:,} tokens ({seen / max(time.time() - t_train, 1e-9):,.0f} tok/s); "
        f"final eval loss {eval_loss:.4f}, saved step {best_step} ({best_loss:.4f}); wrote {len(paths)} shards")
    log_file.close()
    return 0 if stop_reason != "non-finite loss" else 1


if __name__ == "__main__":
    try:
        sys.exit(main(sys.argv[1:]))
    except (OSError, ValueError) as e:
        print(f"train: {e}", file=sys.stderr)
        sys.exit(1)
