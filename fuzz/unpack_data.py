#!/usr/bin/env python3
"""Unpacks a fuzz_data input into the files fuzz_data runs on, to reproduce it with kaoping:

    fuzz/unpack_data.py INPUT DIR
    kaoping run fuzz/schemes/persons.kp --data DIR/data [--history DIR/history.csv] --out OUT

(units.kp when the first file's header names a `parent` column; see fuzz/fuzz_data.cpp)."""
import os
import sys

data = open(sys.argv[1], "rb").read()
out = sys.argv[2]
parts = data.split(b"\xf5\xf5")
os.makedirs(os.path.join(out, "data"), exist_ok=True)
first = parts[0].split(b"\n", 1)[0]
units = b"parent" in first
names = ["units.csv" if units else "roster.csv", "events.csv", "events.jsonl"]
for name, part in zip(names, parts):
    open(os.path.join(out, "data", name), "wb").write(part)
if len(parts) > 3:
    open(os.path.join(out, "history.csv"), "wb").write(parts[3])
print("scheme: fuzz/schemes/%s.kp%s" % ("units" if units else "persons", ", history: history.csv" if len(parts) > 3 else ""))
