#!/usr/bin/env python3
"""Writes ../pasted.jsonl: the hand-written logs of this folder as operators paste them, plus
copies of some of them wrapped the way terminals and web pages wrap long lines, and copies with
the noise that surrounds a paste (progress bars, squeue, CRON, systemd restarts, tables).

Deterministic (seeded). Run: python3 tests/data/diagnosis/pasted/build.py
"""
import json
import os
import random
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import extra  # noqa: E402
import gpu  # noqa: E402
import host  # noqa: E402
import k8s  # noqa: E402
import runtime  # noqa: E402

TABULAR = ("│", "Use%", "RESTARTS", "MEMORY(bytes)", "ATTRIBUTE_NAME", "+---")


def wrap_terminal(line, width):
    """A terminal's hard wrap: cut every `width` characters, mid-word."""
    return [line[i:i + width] for i in range(0, len(line), width)] or [""]


def wrap_web(line, width):
    """A web page's soft wrap copied as text: break at the last space before `width`."""
    out = []
    while len(line) > width:
        cut = line.rfind(" ", 0, width)
        if cut <= 0:
            cut = width
        out.append(line[:cut])
        line = line[cut:].lstrip(" ")
    out.append(line)
    return out


def wrapped(log, width, mode):
    lines = []
    for line in log.split("\n"):
        if len(line) <= width or line.startswith((" ", "\t")):
            lines.append(line)
        else:
            lines.extend(wrap_terminal(line, width) if mode == "terminal" else wrap_web(line, width))
    return "\n".join(lines)


def evidence_after_wrap(evidence, log):
    """An annotator cites the part of the evidence on the line where it starts."""
    lines = log.split("\n")
    out = []
    for e in evidence:
        if any(e in l for l in lines):
            out.append(e)
            continue
        for n in range(len(e) - 1, 7, -1):
            if any(l.endswith(e[:n]) for l in lines):
                out.append(e[:n])
                break
        else:
            return None
    return out


def with_noise(log, noise, rng):
    lines = log.split("\n")
    where = rng.choice(["before", "after", "inside"])
    if where == "before" or len(lines) < 3:
        return noise + "\n" + log
    if where == "after":
        return log + "\n" + noise
    cut = rng.randrange(1, len(lines))
    return "\n".join(lines[:cut] + noise.split("\n") + lines[cut:])


def main():
    rng = random.Random(20251206)
    base = []
    for module, tag in ((gpu, "gpu"), (runtime, "rt"), (k8s, "k8s"), (host, "host")):
        base += [(tag, c) for c in module.CASES]
    base += [("casc", c) for c in extra.CASCADES]
    base += [("unk", c) for c in extra.UNKNOWN]

    cases = []
    counters = {}

    def emit(tag, category, evidence, log, kind):
        counters[tag] = counters.get(tag, 0) + 1
        cases.append({"id": f"paste-{tag}-{kind}-{counters[tag]:02d}", "category": category, "evidence": evidence,
                      "log": log})

    for tag, (category, evidence, log) in base:
        emit(tag, category, evidence, log, "plain")

    # Wrapped copies of logs with long lines (tables are left alone: a wrapped table is a different problem).
    for i, (tag, (category, evidence, log)) in enumerate(base):
        if any(t in log for t in TABULAR) or max(len(l) for l in log.split("\n")) < 100:
            continue
        mode = "terminal" if i % 2 else "web"
        width = rng.choice([80, 100, 120]) if mode == "terminal" else rng.choice([72, 90, 110])
        w = wrapped(log, width, mode)
        ev = evidence_after_wrap(evidence, w)
        if ev is None:
            continue
        emit(tag, category, ev, w, "wrap")

    # Copies with the noise around them (not around healthy logs: restart chatter is a real failure).
    names = sorted(extra.NOISE)
    for i, (tag, (category, evidence, log)) in enumerate(base):
        if category == "unknown" or i % 3 == 2:
            continue
        noise = extra.NOISE[names[i % len(names)]]
        emit(tag, category, evidence, with_noise(log, noise, rng), "noise")

    out = os.path.join(os.path.dirname(HERE), "pasted.jsonl")
    with open(out, "w", encoding="utf-8") as f:
        for c in cases:
            f.write(json.dumps(c, ensure_ascii=False) + "\n")
    print(f"{len(cases)} cases -> {out}")


if __name__ == "__main__":
    main()
