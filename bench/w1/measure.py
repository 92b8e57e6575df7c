#!/usr/bin/env python3
"""Runs and times the W1 modes for bench/run_w1.sh (see there); prints a report.

Wall time: time.perf_counter() around each process. Peak memory: the process's own
maximum resident set size (os.wait4's rusage; the mapped input file counts as it is read,
for ref_w1 and for kaoping alike).
"""
import argparse
import filecmp
import os
import platform
import shutil
import statistics
import subprocess
import sys
import time


def run(cmd, env=None, stderr=None):
    """Runs cmd; returns (seconds, max RSS in KiB, exit status, stderr text)."""
    e = dict(os.environ)
    if env:
        e.update(env)
    start = time.perf_counter()
    p = subprocess.Popen(cmd, env=e, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    err = p.stderr.read()
    _, status, usage = os.wait4(p.pid, 0)
    seconds = time.perf_counter() - start
    p.returncode = status
    return seconds, usage.ru_maxrss, os.waitstatus_to_exitcode(status), err.decode(errors="replace")


def count_events(path):
    n = 0
    with open(path, "rb") as f:
        while True:
            b = f.read(1 << 24)
            if not b:
                break
            n += b.count(b"\n")
    return n - 1  # the header


def machine():
    model = ""
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    model = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    mem = ""
    try:
        with open("/proc/meminfo") as f:
            kb = int(f.readline().split()[1])
            mem = f"{kb / 1024 / 1024:.0f} GiB"
    except OSError:
        pass
    return f"{model}, {os.cpu_count()} logical CPUs, {mem} RAM, {platform.system()} {platform.release()}"


def load():
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--repo", required=True)
    ap.add_argument("--data", required=True)
    ap.add_argument("--ref", required=True)
    ap.add_argument("--interp", required=True)
    ap.add_argument("--jit")
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--sizes", default="1000 10000 100000")
    a = ap.parse_args()
    rules = os.path.join(a.repo, "rulesets", "bench", "w1.kp")
    sizes = [int(s) for s in a.sizes.split()]
    work = os.path.join(a.data, "out")
    os.makedirs(work, exist_ok=True)

    print(f"machine: {machine()}")
    print(f"load average at start: {load()}")
    print(f"runs per mode: {a.runs} (interleaved); wall time is the median")

    kp = ["run", rules, "--no-ledger", "--no-report", "--quiet"]
    modes = [("ref_w1", lambda d, o: ([a.ref, d, o + ".csv"], {"W1_THREADS": "1"}))]
    modes.append(("interpreter", lambda d, o: ([a.interp] + kp + ["--data", d, "--out", o], {"KAOPING_JIT": "0"})))
    if a.jit:
        modes.append(("jit", lambda d, o: ([a.jit] + kp + ["--data", d, "--out", o], {})))
    modes.append(("interpreter --threads 2",
                  lambda d, o: ([a.interp] + kp + ["--data", d, "--out", o, "--threads", "2"], {"KAOPING_JIT": "0"})))
    if a.jit:
        modes.append(("jit --threads 2", lambda d, o: ([a.jit] + kp + ["--data", d, "--out", o, "--threads", "2"], {})))
    modes.append(("ref_w1 W1_THREADS=2", lambda d, o: ([a.ref, d, o + ".csv"], {"W1_THREADS": "2"})))

    summary = {}
    for persons in sizes:
        d = os.path.join(a.data, f"w1_{persons}")
        if not os.path.exists(os.path.join(d, "events.csv")):
            print(f"generating W1 data for {persons} persons ...", file=sys.stderr)
            subprocess.run([sys.executable, os.path.join(a.repo, "bench", "w1", "gen_w1.py"), "--persons", str(persons),
                            "--seed", "1", "--out", d], check=True, stderr=subprocess.DEVNULL)
        events = count_events(os.path.join(d, "events.csv"))
        times = {m: [] for m, _ in modes}
        rss = {m: [] for m, _ in modes}
        phases = {}
        mismatches = []
        # one warm-up of the page cache
        run(modes[0][1](d, os.path.join(work, "warm"))[0], modes[0][1](d, "")[1])
        for r in range(a.runs):
            for name, make in modes:
                out = os.path.join(work, name.replace(" ", "_").replace("=", ""))
                shutil.rmtree(out, ignore_errors=True)
                cmd, env = make(d, out)
                if r == a.runs - 1 and name not in ("ref_w1", "ref_w1 W1_THREADS=2"):
                    env = dict(env, KAOPING_TIMING="1")
                secs, kib, status, err = run(cmd, env)
                if status != 0:
                    print(f"{name} failed ({status}):\n{err}", file=sys.stderr)
                    sys.exit(1)
                times[name].append(secs)
                rss[name].append(kib)
                if "KAOPING_TIMING" in env:
                    # "kaoping: events 2745.2 ms", "kaoping:   jit optimize 105.4 ms"
                    phases[name] = ", ".join(
                        f"{' '.join(l.split()[1:-2])} {float(l.split()[-2]):.0f}" for l in err.splitlines()
                        if l.startswith("kaoping: ") and l.endswith(" ms") and len(l.split()) >= 4)
                result = out + ".csv" if name.startswith("ref_w1") else os.path.join(out, "results.csv")
                reference = os.path.join(work, "ref_w1.csv")
                if name != "ref_w1" and not filecmp.cmp(result, reference, shallow=False):
                    mismatches.append(name)
        ref_t = statistics.median(times["ref_w1"])
        ref_m = max(rss["ref_w1"])
        print()
        print(f"W1 at {persons} persons: {events:,} events, events.csv {os.path.getsize(os.path.join(d, 'events.csv')) / 1e6:.0f} MB")
        print(f"  {'mode':<26}{'median':>9}{'min':>9}{'max':>9}{'ratio':>8}{'peak RSS':>11}{'ratio':>7}{'events/s':>11}")
        for name, _ in modes:
            t = statistics.median(times[name])
            m = max(rss[name])
            print(f"  {name:<26}{t:>8.3f}s{min(times[name]):>8.3f}s{max(times[name]):>8.3f}s{t / ref_t:>8.2f}"
                  f"{m / 1024:>8.0f} MB{m / ref_m:>7.2f}{events / t / 1e6:>9.2f} M")
            summary.setdefault(name, []).append((persons, events, t, m))
        for name, p in phases.items():
            print(f"  phases of {name} (ms, last run): {p}")
        if mismatches:
            print(f"  RESULTS DIFFER from ref_w1: {', '.join(sorted(set(mismatches)))}")
        else:
            print(f"  every results.csv is byte-identical to ref_w1's ({a.runs} runs of each mode)")

    if len(sizes) > 1:
        print()
        print("scaling (ns per event; the time ratio between sizes against the ratio of events):")
        for name, rows in summary.items():
            parts = [f"{p // 1000}k {t / e * 1e9:.0f} ns" for p, e, t, _ in rows]
            steps = [f"x{rows[i][2] / rows[i - 1][2]:.1f} for x{rows[i][1] / rows[i - 1][1]:.1f} events"
                     for i in range(1, len(rows))]
            print(f"  {name:<26}{'; '.join(parts)}   ({', '.join(steps)})")

    # kaoping check (parse, names and types, analyses, plan) of a 2,000-rule scheme
    big = os.path.join(work, "rules2000.kp")
    with open(big, "w") as f:
        subprocess.run([sys.executable, os.path.join(a.repo, "bench", "gen_rules.py"), "--rules", "2000"], stdout=f,
                       check=True)
    checks = []
    for _ in range(max(5, a.runs)):
        secs, kib, status, err = run([a.interp, "check", big])
        if status != 0:
            print(f"check failed:\n{err}", file=sys.stderr)
            sys.exit(1)
        checks.append(secs)
    print()
    print(f"kaoping check + plan of a generated 2,000-rule scheme ({sum(1 for _ in open(big))} lines): "
          f"median {statistics.median(checks) * 1000:.0f} ms (min {min(checks) * 1000:.0f} ms, {len(checks)} runs)")
    print(f"load average at end: {load()}")


if __name__ == "__main__":
    main()
