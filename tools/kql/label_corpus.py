#!/usr/bin/env python3
"""Labels a KQL corpus with Microsoft's parser: runs the oracle's check.js over every
{"id", "query"} line and rewrites the file with "oracle_ok" (true when the parser reports no error)
and, for invalid queries, "oracle_start"/"oracle_length" of the parser's first error.
Not a generator of queries: the queries are written by hand.

Usage: label_corpus.py CORPUS.jsonl [SCHEMA.json] [--oracle=DIR]
"""
import json
import os
import subprocess
import sys


def main():
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    opts = dict(a.split("=", 1) for a in sys.argv[1:] if a.startswith("--") and "=" in a)
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    corpus = args[0]
    schema = args[1] if len(args) > 1 else os.path.join(root, "tests", "data", "kql", "schema.json")
    oracle = opts.get("--oracle", os.environ.get("SIGMA_KQL_ORACLE", os.path.join(root, "tools", ".deps", "kql-oracle")))
    items = [json.loads(l) for l in open(corpus, encoding="utf-8") if l.strip()]
    ids = [it["id"] for it in items]
    if len(set(ids)) != len(ids):
        sys.exit("duplicate ids in " + corpus)
    text = "\n".join(json.dumps({"id": it["id"], "query": it["query"]}) for it in items) + "\n"
    out = subprocess.run(["node", os.path.join(oracle, "check.js"), schema], input=text, capture_output=True,
                         text=True, check=True)
    verdicts = [json.loads(l) for l in out.stdout.splitlines() if l.strip()]
    if len(verdicts) != len(items):
        sys.exit("the oracle answered %d lines for %d queries" % (len(verdicts), len(items)))
    with open(corpus, "w", encoding="utf-8") as f:
        for it, v in zip(items, verdicts):
            row = {"id": it["id"], "query": it["query"], "oracle_ok": bool(v["ok"])}
            errors = [d for d in v.get("diagnostics", []) if d.get("severity") == "Error"]
            if errors:
                row["oracle_start"] = errors[0]["start"]
                row["oracle_length"] = errors[0]["length"]
            f.write(json.dumps(row, ensure_ascii=False) + "\n")
    ok = sum(1 for v in verdicts if v["ok"])
    print("%d queries: %d valid, %d invalid" % (len(items), ok, len(items) - ok))


if __name__ == "__main__":
    main()
