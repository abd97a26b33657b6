# A small deterministic chat corpus in the trainer's JSONL format, for the training tests: command
# requests, log lines to diagnose and KQL questions, with numbers, punctuation and some non-ASCII.
# Not training data for the shipped model: a few templates, enough to exercise every code path.
import gzip
import json
import random

SYSTEM = "You are Sigma Ops. Answer with one command, a diagnosis, or one KQL query."
FIELDS = ["memory.used", "memory.total", "temperature.gpu", "utilization.gpu", "power.draw", "clocks.sm", "name"]
TABLES = ["Heartbeat", "Perf", "Syslog", "KubePodInventory", "ContainerLog"]
ERRORS = [
    ("NVRM: Xid (PCI:0000:{bus:02x}:00): 79, GPU has fallen off the bus.", "GPU {gpu} fell off the PCIe bus (Xid 79): "
     "check power and seating, then reset or reboot."),
    ("NCCL WARN Net : Connection closed by remote peer 10.0.{a}.{b}", "An NCCL peer on 10.0.{a}.{b} went away: "
     "look at that node's logs first."),
    ("CUDA error: out of memory (tried to allocate {mb} MiB)", "The job ran out of GPU memory asking for {mb} MiB: "
     "lower the batch size."),
]


def example(rng):
    kind = rng.randrange(3)
    gpu = rng.randrange(8)
    if kind == 0:
        fields = ",".join(rng.sample(FIELDS, rng.randint(1, 3)))
        q = f"Show {fields.replace(',', ' and ')} for GPU {gpu} as CSV, please — it's urgent"
        a = f"nvidia-smi -i {gpu} --query-gpu={fields} --format=csv"
    elif kind == 1:
        log, diag = rng.choice(ERRORS)
        vals = dict(bus=rng.randrange(256), gpu=gpu, a=rng.randrange(256), b=rng.randrange(256),
                    mb=rng.randrange(100, 90000))
        q = "Diagnose this log:\n" + log.format(**vals) + "\n  at step " + str(rng.randrange(10 ** 6))
        a = diag.format(**vals)
    else:
        table = rng.choice(TABLES)
        hours = rng.randint(1, 48)
        q = f"How many {table} rows arrived per computer in the last {hours} hours?"
        a = f"{table}\n| where TimeGenerated > ago({hours}h)\n| summarize count() by Computer"
    messages = [{"role": "user", "content": q}, {"role": "assistant", "content": a}]
    if rng.random() < 0.3:
        messages.insert(0, {"role": "system", "content": SYSTEM})
    return {"messages": messages}


def write_corpus(path, n, seed=7):
    rng = random.Random(seed)
    opener = gzip.open if path.endswith(".gz") else open
    with opener(path, "wt", encoding="utf-8") as f:
        for _ in range(n):
            f.write(json.dumps(example(rng), ensure_ascii=False) + "\n")
    return path


if __name__ == "__main__":
    # smoke_corpus.py OUT.jsonl[.gz] [N]: a stand-in corpus for trying run.sh before the real one exists.
    import sys

    if len(sys.argv) < 2:
        sys.exit("usage: smoke_corpus.py OUT.jsonl[.gz] [N]")
    write_corpus(sys.argv[1], int(sys.argv[2]) if len(sys.argv) > 2 else 20000)
