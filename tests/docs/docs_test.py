#!/usr/bin/env python3
"""The rule files the docs show are real: every ```kaoping block marked
`<!-- file: NAME.kp -->` in docs/*.md is written to a folder of its own document (in
order, so a later version of a file replaces the earlier one, and a local plan finds the
base scheme written before it), and each version must pass `kaoping check` with no error
and `kaoping test` when it has test blocks.

    docs_test.py KAOPING REPO
"""
import os
import re
import subprocess
import sys
import tempfile

kaoping, repo = sys.argv[1], sys.argv[2]
block = re.compile(r"<!-- file: (\S+) -->\s*(?:<!-- expect-(warning|error) -->\s*)?```kaoping\n(.*?)```", re.S)
failures = checked = 0
for doc in sorted(os.listdir(os.path.join(repo, "docs"))):
    if not doc.endswith(".md"):
        continue
    text = open(os.path.join(repo, "docs", doc), encoding="utf-8").read()
    with tempfile.TemporaryDirectory() as work:
        for m in block.finditer(text):
            name, expect, body = m.group(1), m.group(2), m.group(3)
            line = text.count("\n", 0, m.start()) + 1
            path = os.path.join(work, name)
            with open(path, "w", encoding="utf-8") as f:
                f.write(body)
            checked += 1
            # <!-- expect-error -->: the example shows a diagnostic; <!-- expect-warning -->:
            # it shows a warning of `check`.
            commands = [[kaoping, "check", path, "--lang", "en", "--format", "gnu"]]
            if expect != "error" and re.search(r"^\s*(test|测试) ", body, re.M):
                commands.append([kaoping, "test", path, "--lang", "en"])
            for cmd in commands:
                r = subprocess.run(cmd, capture_output=True, text=True)
                output = r.stdout + r.stderr
                wrong = (r.returncode != 1 or "error[" not in output) if expect == "error" and cmd[1] == "check" \
                    else r.returncode != 0 or (expect == "warning" and cmd[1] == "check" and "warning[" not in output)
                if wrong:
                    failures += 1
                    print(f"FAIL: docs/{doc}:{line}: {name}: `kaoping {cmd[1]}` exited {r.returncode}", file=sys.stderr)
                    print((r.stdout + r.stderr)[-2000:], file=sys.stderr)
if checked < 12:
    print(f"FAIL: only {checked} marked rule files found in docs/", file=sys.stderr)
    sys.exit(1)
print(f"{checked} rule files from docs/ checked, {failures} failures")
sys.exit(1 if failures else 0)
