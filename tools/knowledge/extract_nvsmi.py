#!/usr/bin/env python3
# extract_nvsmi.py: builds resources/knowledge/nvidia-smi/nvidia-smi.json from captured nvidia-smi help texts.
# Not a scraper of live systems: it reads only the help files given, plus the hand-kept tables below
# (argument types, risk classes and what each -d section shows), which the help texts do not state
# in machine-readable form.
"""Usage: extract_nvsmi.py HELP_DIR OUT_JSON

HELP_DIR holds nvidia-smi-help.txt, help-query-*.txt and subcommands-help.txt as printed by the driver.
Every option, subcommand, display section, --format value and query field in the output is read from
those files; the script fails (exit 1) when a hand-kept entry names something the help does not list,
or when an option that takes an argument has no argument type, so the tables cannot silently drift.
"""
import json
import os
import re
import sys

FORMAT_VERSION = 1

# Argument types: none | int | number | id_list | int_list | enum | letters | string | file |
# clock_pair | display_list | format_list | field_list | optional (takes the next word when it is
# not an option). "values" lists enum values; numbers and names are both accepted.
# "value_optional": the value may be left out (the next word is taken only when it is not an option).
MAIN_ARGS = {
    "--id": {"arg": "id_list"},
    "--filename": {"arg": "file"},
    # nvidia-smi -l alone loops at its default interval (5 s).
    "--loop": {"arg": "int", "value_optional": True},
    "--loop-ms": {"arg": "int"},
    "--display": {"arg": "display_list"},
    "--format": {"arg": "format_list"},
    "--lock-gpu-clocks": {"arg": "clock_pair"},
    "--lock-memory-clocks": {"arg": "clock_pair"},
    "--lock-memory-clocks-deferred": {"arg": "int"},
    "--applications-clocks": {"arg": "clock_pair"},
    "--power-limit": {"arg": "number"},
    "--gpu-target-temp": {"arg": "int"},
    "--set-hostname": {"arg": "string"},
    "--debug": {"arg": "file"},
    "--mode": {"arg": "enum", "values": [{"value": "0"}, {"value": "1"}]},
    # "-r bus" issues a bus reset instead of the default function-level reset.
    "--gpu-reset": {"arg": "optional", "values": [{"value": "bus"}]},
}

# Risk classes (read-only | changes-state | destructive) of top-level options. Anything not listed is
# read-only. destructive = loses running work or data and cannot be undone by the same tool.
MAIN_RISK = {
    "--persistence-mode": "changes-state",
    "--ecc-config": "changes-state",
    "--reset-ecc-errors": "changes-state",
    "--compute-mode": "changes-state",
    "--gom": "changes-state",
    "--gpu-reset": "destructive",
    "--virt-mode": "changes-state",
    "--lock-gpu-clocks": "changes-state",
    "--reset-gpu-clocks": "changes-state",
    "--lock-memory-clocks": "changes-state",
    "--reset-memory-clocks": "changes-state",
    "--lock-memory-clocks-deferred": "changes-state",
    "--reset-memory-clocks-deferred": "changes-state",
    "--applications-clocks": "changes-state",
    "--reset-applications-clocks": "changes-state",
    "--power-limit": "changes-state",
    "--cuda-clocks": "changes-state",
    "--accounting-mode": "changes-state",
    "--clear-accounted-apps": "changes-state",
    "--auto-boost-default": "changes-state",
    "--auto-boost-permission": "changes-state",
    "--multi-instance-gpu": "changes-state",
    "--gpu-target-temp": "changes-state",
    "--dram-encryption": "changes-state",
    "--set-hostname": "changes-state",
    "--toggle-led": "changes-state",
}

# Options that only modify another option, and the options they need.
MAIN_REQUIRES = {
    "--mode": ["--lock-gpu-clocks"],
    "--scope": ["--power-limit"],
    "--display": ["--query"],
}

# What each -d/--display section of `nvidia-smi -q` shows. The help lists only the names, so the
# meanings are kept here; the script fails when a name is missing from, or unknown to, the help.
DISPLAY_SECTION_MEANINGS = {
    "MEMORY": "Framebuffer (FB), BAR1 and confidential-compute protected memory: total, reserved, used, free.",
    "UTILIZATION": "GPU, memory, encoder, decoder, JPEG and OFA utilization in percent, with min/max/avg samples.",
    "ECC": "ECC mode (current and pending) and volatile / aggregate corrected and uncorrected error counts.",
    "TEMPERATURE": "GPU and memory temperature with the shutdown, slowdown and target thresholds.",
    "POWER": "Power draw, current / default / enforced / min / max power limits and power samples.",
    "CLOCK": "Current, application, default application and maximum clocks (graphics, SM, memory, video), with samples.",
    "COMPUTE": "Compute mode of the GPU (Default, Exclusive Process, Prohibited).",
    "PIDS": "Processes using the GPU: PID, type (compute / graphics), name and GPU memory used.",
    "PERFORMANCE": "Performance state (P0-P12) and the clock event (throttle) reasons that are active.",
    "SUPPORTED_CLOCKS": "Every supported memory / graphics clock pair of the GPU.",
    "PAGE_RETIREMENT": "Memory pages retired for single-bit and double-bit ECC errors, and pages pending retirement.",
    "ACCOUNTING": "Accounting mode, buffer size and per-process statistics of accounted processes.",
    "ENCODER_STATS": "Video encoder sessions, average frames per second and average latency.",
    "SUPPORTED_GPU_TARGET_TEMP": "Range of GPU target temperatures that -gtt accepts.",
    "VOLTAGE": "Current graphics voltage.",
    "FBC_STATS": "Frame buffer capture (FBC) sessions, average FPS and latency.",
    "ROW_REMAPPER": "Memory rows remapped for correctable / uncorrectable errors, pending remaps and remap failures.",
    "GSP_FIRMWARE_VERSION": "Version of the GPU System Processor (GSP) firmware.",
    "POWER_SMOOTHING": "Power smoothing state and profile settings.",
    "POWER_PROFILES": "Requested and enforced workload power profiles.",
}

SUB_ARGS = {
    "topo": {"--id": "id_list", "--cpu": "int", "--nearest_gpus": ("enum", ["0", "1", "2", "3", "4", "5"]),
             "--p2pstatus": ("enum", ["r", "w", "n", "a", "p"])},
    "nvlink": {"--id": "id_list", "--link": "int", "--getthroughput": ("enum", ["d", "r"]),
               "--setLowPowerThreshold": "string", "--setBandwidthMode": "string", "--setLinkWidth": "string",
               "--setcontrol": "optional", "--getcontrol": "optional", "--getcounters": "optional",
               "--resetcounters": "optional"},
    "dmon": {"--id": "id_list", "--delay": "int", "--count": "int", "--select": ("letters", list("pucvmet")),
             "--gpm-metrics": "int_list", "--gpm-options": ("enum", ["d", "m", "dm", "md"]),
             "--options": ("letters", ["D", "T"]), "--filename": "file",
             "--format": ("format_list", ["csv", "nounit", "noheader"])},
    "pmon": {"--id": "id_list", "--delay": "int", "--count": "int", "--select": ("letters", ["u", "m"]),
             "--options": ("letters", ["D", "T"]), "--filename": "file"},
    "mig": {"--id": "id_list", "--gpu-instance-id": "int_list", "--compute-instance-id": "int_list",
            "--create-gpu-instance": "string", "--create-compute-instance": "optional"},
    "drain": {"--pciid": "string", "--modify": ("enum", ["0", "1"])},
    "conf-compute": {"--id": "id_list", "--set-unprotected-mem-size": "int",
                     "--set-gpus-ready-state": ("enum", ["0", "1"]),
                     "--set-key-rotation-max-attacker-advantage": "int"},
    "clocks": {"--id": "id_list", "--sync-boost-add": "string", "--sync-boost-remove": "int",
               "--sparse-operation-mode": ("enum", ["0", "1", "DISABLED", "ENABLED"])},
    "c2c": {"--id": "id_list", "--link": "int"},
    "vgpu": {"--id": "id_list", "--gpu-instance-id": "int_list", "--gpm-metrics": "int_list", "--loop": "int",
             "--loop-ms": "int", "--filename": "file", "--format": ("format_list", ["csv", "noheader", "nounits"]),
             "--p2pstatus": ("enum", ["r", "w", "n", "a", "p"]),
             "--set-heterogeneous-mode": ("enum", ["0", "1", "DISABLED", "ENABLED"]),
             "--set-mig-timeslice-mode": ("enum", ["0", "1", "DISABLED", "ENABLED"]),
             "--query-vgpu-scheduler-logs": "string", "--query-accounted-apps": "string",
             "--query-gpu-instance-vgpu-scheduler-logs": "string"},
}

SUB_RISK = {
    "nvlink": {"--setcontrol": "changes-state", "--resetcounters": "changes-state",
               "--reseterrorcounters": "changes-state", "--setLowPowerThreshold": "changes-state",
               "--setBandwidthMode": "changes-state", "--setLinkWidth": "changes-state"},
    "mig": {"--create-gpu-instance": "changes-state", "--create-compute-instance": "changes-state",
            "--default-compute-instance": "changes-state",
            "--destroy-gpu-instance": "destructive", "--destroy-compute-instance": "destructive"},
    # Draining takes a GPU out of service and removal detaches it from the system.
    "drain": {"--modify": "destructive", "--remove": "destructive", "--discover": "changes-state"},
    "conf-compute": {"--set-unprotected-mem-size": "changes-state", "--set-gpus-ready-state": "changes-state",
                     "--set-key-rotation-max-attacker-advantage": "changes-state"},
    "clocks": {"--sync-boost-add": "changes-state", "--sync-boost-remove": "changes-state",
               "--sparse-operation-mode": "changes-state"},
    "vgpu": {"--set-heterogeneous-mode": "changes-state", "--set-mig-timeslice-mode": "changes-state",
             "--clear-accounted-apps": "changes-state"},
}

# Subcommands listed by `nvidia-smi -h` whose own help was not captured: their options are not
# checked; the class is the most the description allows ("Control and query" can change state).
UNCAPTURED_SUB_RISK = {
    "daemon": "changes-state", "replay": "read-only", "encodersessions": "read-only",
    "fbcsessions": "read-only", "compute-policy": "changes-state", "boost-slider": "changes-state",
    "power-hint": "read-only", "base-clocks": "read-only", "gpm": "changes-state", "pci": "read-only",
    "power-smoothing": "changes-state", "power-profiles": "changes-state", "prm": "read-only",
}

MAIN_OPT_SHORT_LONG = re.compile(r"^\s{2,}(-[A-Za-z]+),?\s+(--[A-Za-z0-9-]+=?)")
MAIN_OPT_LONG = re.compile(r"^\s{2,}(--[A-Za-z0-9-]+=?)(\s|$)")
SUB_OPT = re.compile(r"\[(-[A-Za-z0-9]+|N/A|\s*) \| (-{1,2}[A-Za-z][A-Za-z0-9_-]*)\]")
ENUM_PAIR = re.compile(r"\b(\d)/([A-Z][A-Z_]+)")
VALUE_LINE = re.compile(r"^\s{6,}(\w+) +[-=] +(\S.*)$")
FIELD_LINE = re.compile(r'^"([^" ]+)"((?: or "[^" ]+")*)\s*$')


def die(msg):
    print("extract_nvsmi: " + msg, file=sys.stderr)
    sys.exit(1)


def read(path):
    with open(path, encoding="utf-8") as f:
        return f.read()


def parse_main_options(text):
    """Option definitions of `nvidia-smi -h`, each with its description text (for enum values)."""
    lines = text.splitlines()
    found = []  # (short, long, takes_arg, line_index)
    for i, line in enumerate(lines):
        m = MAIN_OPT_SHORT_LONG.match(line)
        if m:
            found.append((m.group(1), m.group(2), i))
            continue
        m = MAIN_OPT_LONG.match(line)
        if m:
            found.append((None, m.group(1), i))
    options = {}
    order = []
    for k, (short, long_, i) in enumerate(found):
        end = found[k + 1][2] if k + 1 < len(found) else len(lines)
        desc_lines = [lines[i][len(lines[i]) - len(lines[i].lstrip()):]] + lines[i + 1:end]
        desc = " ".join(l.strip() for l in desc_lines)
        takes = long_.endswith("=")
        name = long_.rstrip("=")
        if name in options:
            continue
        summary = re.sub(r"^(-[A-Za-z]+,?\s+)?--[A-Za-z0-9-]+=?\s*", "", lines[i].strip()).strip()
        if not summary and i + 1 < len(lines):
            summary = lines[i + 1].strip()
        summary = complete_summary(summary, lines[i + 1:end])
        options[name] = {"short": short, "long": name, "takes": takes, "desc": desc, "summary": summary}
        order.append(name)
    # Options only named in running text ("Call --help-query-gpu for more info.").
    for m in re.finditer(r"Call (--help-query-[a-z-]+)", text):
        name = m.group(1)
        if name not in options:
            options[name] = {"short": None, "long": name, "takes": False, "desc": "", "summary": "Lists the fields of " + name.replace("--help-", "--") + "."}
            order.append(name)
    return [options[n] for n in order]


def complete_summary(first, rest):
    """A summary cut at a wrapped help line ("...information: MEMORY,") is either continued to the end
    of its sentence or, when it opens a list, ended before the list: the list is stored elsewhere."""
    if not first.endswith((",", ":")):
        return first
    head = first.split(":")[0]
    if ":" in first and len(head) > 10:
        return head + "."
    out = first
    for line in rest:
        t = line.strip()
        if not t:
            break
        out += " " + t
        if t.endswith("."):
            break
    return out


def enum_values(desc):
    values = []
    seen = set()
    for num, name in ENUM_PAIR.findall(desc):
        if num not in seen:
            seen.add(num)
            values.append({"value": num, "name": name})
    return values


def main_option_entries(text):
    entries = []
    opts = parse_main_options(text)
    names = {o["long"] for o in opts}
    for table in (MAIN_ARGS, MAIN_RISK, MAIN_REQUIRES):
        for name in table:
            if name not in names:
                die("hand table names %s, which nvidia-smi -h does not list" % name)
    for o in opts:
        name = o["long"]
        e = {"short": o["short"], "long": name}
        if name.startswith("--query-"):
            e["arg"] = "field_list"
        elif name in MAIN_ARGS:
            e.update(MAIN_ARGS[name])
        elif o["takes"]:
            vals = enum_values(o["desc"])
            if not vals:
                die("option %s takes an argument but has no type" % name)
            e["arg"] = "enum"
            e["values"] = vals
        else:
            e["arg"] = "none"
        e["risk"] = MAIN_RISK.get(name, "read-only")
        if name in MAIN_REQUIRES:
            e["requires_one_of"] = MAIN_REQUIRES[name]
        e["summary"] = o["summary"]
        entries.append(e)
    return entries


def display_sections(text):
    m = re.search(r"--display=\s+Display only selected information:(.*?)Flags can be combined", text, re.S)
    if not m:
        die("no -d section list in nvidia-smi -h")
    return re.findall(r"\b[A-Z][A-Z_]{2,}\b", m.group(1))


def format_values(text):
    """--format values with their meaning ("csv - comma separated values (MANDATORY)")."""
    m = re.search(r"--format=\s+Comma separated list of format options:(.*?)\[plus any of\]", text, re.S)
    if not m:
        die("no --format value list in nvidia-smi -h")
    out = []
    for line in m.group(1).splitlines():
        v = re.match(r"^\s+([a-z]+) - (.*)$", line)
        if v:
            out.append([v.group(1), v.group(2).strip()])
        elif out and line.strip():
            out[-1][1] += " " + line.strip()
    return out


def section_meanings(sections):
    for name in DISPLAY_SECTION_MEANINGS:
        if name not in sections:
            die("DISPLAY_SECTION_MEANINGS names %s, which nvidia-smi -h does not list" % name)
    for name in sections:
        if name not in DISPLAY_SECTION_MEANINGS:
            die("-d section %s has no entry in DISPLAY_SECTION_MEANINGS" % name)
    return {name: DISPLAY_SECTION_MEANINGS[name] for name in sections}


def query_fields(path):
    """Fields with their aliases and the description printed under them (up to the blank line)."""
    fields = []
    lines = read(path).splitlines()
    for i, line in enumerate(lines):
        m = FIELD_LINE.match(line)
        if not m:
            continue
        desc = []
        for nxt in lines[i + 1:]:
            if not nxt.strip() or FIELD_LINE.match(nxt):
                break
            desc.append(nxt.strip())
        name = m.group(1)
        aliases = []
        for a in re.findall(r'"([^"]+)"', m.group(2)):
            if a != name and a not in aliases:
                aliases.append(a)
        fields.append({"name": name, "aliases": aliases, "description": " ".join(desc)})
    if not fields:
        die("no fields in " + path)
    return fields


def subcommand_sections(text):
    parts = re.split(r"^===== nvidia-smi (\S+) -h\s*$", text, flags=re.M)
    return {parts[i]: parts[i + 1] for i in range(1, len(parts), 2)}


def sub_option_entries(sub, body):
    entries = {}
    order = []

    def add(short, long_, summary):
        if long_ in entries:
            if short and not entries[long_]["short"]:
                entries[long_]["short"] = short
            return
        entries[long_] = {"short": short, "long": long_, "summary": summary}
        order.append(long_)

    value_names = {}  # long name -> {value: meaning} from the indented lines under it
    current = None
    for line in body.splitlines():
        v = VALUE_LINE.match(line)
        if v and current and not SUB_OPT.search(line):
            value_names.setdefault(current, {}).setdefault(v.group(1), v.group(2).strip())
        m = SUB_OPT.search(line)
        if m and m.group(2).startswith("-"):
            current = m.group(2)
        if m:
            short = m.group(1).strip()
            if short in ("", "N/A"):
                short = None
            long_ = m.group(2)
            if not long_.startswith("-"):
                continue
            add(short, long_, line[m.end():].lstrip(": ").strip())
            continue
        m = MAIN_OPT_SHORT_LONG.match(line) or None
        if m:
            add(m.group(1), m.group(2).rstrip("="), "")
            continue
        m = MAIN_OPT_LONG.match(line)
        if m:
            add(None, m.group(1).rstrip("="), "")
    args = SUB_ARGS.get(sub, {})
    risks = SUB_RISK.get(sub, {})
    for table in (args, risks):
        for name in table:
            if name not in entries:
                die("hand table names %s %s, which its help does not list" % (sub, name))
    out = []
    for name in order:
        e = entries[name]
        spec = args.get(name, "none")
        if isinstance(spec, tuple):
            e["arg"] = spec[0]
            names = value_names.get(name, {})
            e["values"] = [{"value": v, "name": names[v]} if v in names else {"value": v} for v in spec[1]]
        else:
            e["arg"] = spec
        e["risk"] = risks.get(name, "read-only")
        out.append(e)
    return out


def main(argv):
    if len(argv) != 3:
        print(__doc__, file=sys.stderr)
        return 2
    help_dir, out_path = argv[1], argv[2]
    main_help = read(os.path.join(help_dir, "nvidia-smi-help.txt"))
    version = re.search(r"-- v(\S+)", main_help)
    options = main_option_entries(main_help)
    queries = {}
    for o in options:
        if o["long"].startswith("--query-"):
            fam = o["long"][len("--query-"):]
            path = os.path.join(help_dir, "help-query-%s.txt" % fam)
            queries[o["long"]] = {"fields_known": os.path.exists(path),
                                  "fields": query_fields(path) if os.path.exists(path) else []}
    sub_names = []
    for m in re.finditer(r'"nvidia-smi ([a-z0-9-]+) -h"', main_help):
        if m.group(1) not in sub_names:
            sub_names.append(m.group(1))
    sections = subcommand_sections(read(os.path.join(help_dir, "subcommands-help.txt")))
    subcommands = []
    for name in sub_names:
        if name in sections:
            subcommands.append({"name": name, "options_known": True, "risk": "read-only",
                                "options": sub_option_entries(name, sections[name])})
        else:
            if name not in UNCAPTURED_SUB_RISK:
                die("subcommand %s has no captured help and no risk class" % name)
            subcommands.append({"name": name, "options_known": False, "risk": UNCAPTURED_SUB_RISK[name],
                                "options": []})
    for name in sections:
        if name not in sub_names:
            die("subcommand %s has help but is not listed by nvidia-smi -h" % name)
    doc = {
        "format_version": FORMAT_VERSION,
        "tool": "nvidia-smi",
        "source": "nvidia-smi -h, --help-query-*, <subcommand> -h of driver %s" % (version.group(1) if version else "?"),
        "options": options,
        "display_sections": display_sections(main_help),
        "display_section_meanings": section_meanings(display_sections(main_help)),
        "format_values": [v for v, _ in format_values(main_help)],
        "format_value_meanings": {v: d for v, d in format_values(main_help)},
        "queries": queries,
        "subcommands": subcommands,
    }
    os.makedirs(os.path.dirname(os.path.abspath(out_path)), exist_ok=True)
    with open(out_path, "w", encoding="utf-8") as f:
        json.dump(doc, f, indent=1, ensure_ascii=False)
        f.write("\n")
    n_fields = {k: len(v["fields"]) for k, v in queries.items()}
    print("extract_nvsmi: %d options, %d subcommands, fields %s -> %s" % (len(options), len(subcommands), n_fields, out_path))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
