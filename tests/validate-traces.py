#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""validate-traces.py SCHEMA DIR: the traces bpfspy wrote during the test
suite (copied to DIR by tests/lib.bash), held against the JSON Schema of the
trace format with a real validator (python3-jsonschema, Draft 2020-12), and
every key checked for one JSON type across all of them.  TAP on stdout.

A file is taken when every line parses and its first line is a header that
bpfspy wrote (it names its version); traces the tests wrote by hand to feed
the readers bad input are left out.
"""
import json
import os
import sys

try:
    import jsonschema
except ImportError:
    print("1..1\nok 1 - trace schema # SKIP python3-jsonschema is not installed")
    sys.exit(0)

SKIP_TYPES = ("_typed", "_typed_percpu")   # BTF-typed payloads: any type


def kind(v):
    if v is None:
        return None
    if isinstance(v, bool):
        return "boolean"
    if isinstance(v, int):
        return "integer"
    if isinstance(v, float):
        return "number"
    if isinstance(v, str):
        return "string"
    if isinstance(v, list):
        return "array"
    return "object"


def census(types, where, path, v):
    """Record the type of @v at @path and of everything below it."""
    if path.endswith(SKIP_TYPES) or ".stack" in path:
        return
    k = kind(v)
    if k:
        types.setdefault(path, {}).setdefault(k, where)
    if isinstance(v, dict):
        for key, sub in v.items():
            # fds are keyed by number, checks by position: one shape
            key = "N" if path.endswith("fds") else key
            census(types, where, path + "." + key if path else key, sub)
    elif isinstance(v, list):
        for sub in v:
            census(types, where, path + "[]", sub)


def event_path(ev):
    e = ev.get("event")
    # libbpf arguments are typed by function: args.flags of two functions
    # may differ only where their C types do
    return "libbpf:" + ev.get("func", "?") if e == "libbpf" else e


def main():
    schema = json.load(open(sys.argv[1]))
    validator = jsonschema.Draft202012Validator(schema)
    files = sorted(os.path.join(d, f) for d, _, fs in os.walk(sys.argv[2]) for f in fs)
    n = bad = taken = lines = 0
    types = {}
    out = []
    for path in files:
        try:
            evs = [json.loads(l) for l in open(path, encoding="utf-8", errors="strict") if l.strip()]
        except (ValueError, UnicodeDecodeError):
            continue
        if not evs or evs[0].get("event") != "header" or "bpfspy" not in evs[0]:
            continue
        taken += 1
        errs = []
        for i, ev in enumerate(evs, 1):
            for e in validator.iter_errors(ev):
                errs.append("%s:%d: %s at %s" % (os.path.basename(path), i, e.message,
                                                  "/".join(str(p) for p in e.absolute_path)))
                break
            if ev.get("event") in ("bpf", "libbpf"):
                census(types, "%s:%d" % (os.path.basename(path), i), event_path(ev), ev)
        lines += len(evs)
        n += 1
        if errs:
            bad += 1
            out.append("not ok %d - %s" % (n, os.path.basename(path)))
            out.extend("# " + e for e in errs[:5])
        else:
            out.append("ok %d - %s (%d lines)" % (n, os.path.basename(path), len(evs)))
    n += 1
    mixed = {p: t for p, t in types.items() if len(t) > 1}
    if mixed:
        out.append("not ok %d - one JSON type per key over %d traces" % (n, taken))
        for p, t in sorted(mixed.items())[:20]:
            out.append("# %s: %s" % (p, ", ".join("%s (%s)" % kv for kv in sorted(t.items()))))
        bad += 1
    else:
        out.append("ok %d - one JSON type per key over %d traces, %d lines, %d keys" %
                   (n, taken, lines, len(types)))
    # the schema can fail: a wrong event is refused
    n += 1
    wrong = {"event": "bpf", "seq": 1, "ts": 1796128135342495518, "dur_ns": 1, "pid": 1,
             "tid": 1, "comm": "x", "cmd": "BPF_MAP_CREATE", "size": 72, "attr": {},
             "ret": "0x3", "errno": None}
    if list(validator.iter_errors(wrong)):
        out.append("ok %d - a bpf event with a number ts and a string ret is refused" % n)
    else:
        out.append("not ok %d - the schema accepted a bpf event with a number ts and a string ret" % n)
        bad += 1
    print("1..%d" % n)
    print("\n".join(out))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
