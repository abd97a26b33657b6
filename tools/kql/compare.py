#!/usr/bin/env python3
"""Compares the project's KQL validator with Microsoft's parser (the oracle) on a JSONL file of
{"id", "query"} lines and prints every disagreement. Not a test: the gtest does the gating.

Usage: compare.py QUERIES.jsonl [SCHEMA.json] [--checker PATH] [--oracle DIR]
"""
import json
import os
import subprocess
import sys


def run(cmd, lines):
    out = subprocess.run(cmd, input="\n".join(lines) + "\n", capture_output=True, text=True, check=True)
    return [json.loads(l) for l in out.stdout.splitlines() if l.strip()]


def main():
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    opts = dict(a.split("=", 1) for a in sys.argv[1:] if a.startswith("--") and "=" in a)
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    queries = args[0]
    schema = args[1] if len(args) > 1 else os.path.join(root, "tests", "data", "kql", "schema.json")
    checker = opts.get("--checker", os.path.join(root, "build", "bin", "sigma-kql-check"))
    oracle = opts.get("--oracle", os.path.join(root, "tools", ".deps", "kql-oracle"))
    lines = []
    for l in open(queries, encoding="utf-8").read().splitlines():
        if l.strip():
            item = json.loads(l)  # corpus lines carry "query"; eval suites carry "reference"
            lines.append(json.dumps({"id": item.get("id"), "query": item.get("query", item.get("reference", ""))}))
    ours = run([checker, schema], lines)
    theirs = run(["node", os.path.join(oracle, "check.js"), schema], lines)
    agree = false_valid = 0
    for line, a, b in zip(lines, ours, theirs):
        q = json.loads(line)
        if a["ok"] == b["ok"]:
            agree += 1
            continue
        if a["ok"] and not b["ok"]:
            false_valid += 1
        print(("FALSE-VALID " if a["ok"] else "FALSE-INVALID ") + str(q.get("id")) + ": " + q["query"])
        print("   ours:   " + "; ".join(d["message"] for d in a["diagnostics"]))
        print("   oracle: " + "; ".join(d["message"] for d in b["diagnostics"] if d["severity"] == "Error"))
    n = len(lines)
    print(f"agreement {agree}/{n} = {100.0 * agree / max(n, 1):.2f}%, false valid: {false_valid}")


if __name__ == "__main__":
    main()
