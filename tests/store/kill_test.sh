#!/usr/bin/env bash
# A run is one transaction of the results store: kill `kaoping run --store` (SIGKILL) at
# random moments and check, each time, that the store holds either its old state or the
# complete new run, never a part of it.
#
#   kill_test.sh KAOPING [PERSONS] [ATTEMPTS]
#
# Data: W1 (bench/w1/gen_w1.py) at PERSONS persons (default 20000), so that a run takes a
# few seconds, about half of them inside the store's transaction (160 000 results and the
# ledger summary). Half the kills fall anywhere in a run, half in the part where it writes
# the store; at least one must land inside the transaction (more attempts are made until
# one does, up to 20). Needs python3 and sqlite3.
set -u
kaoping=$1 persons=${2:-20000} attempts=${3:-8}
repo=$(cd "$(dirname "$0")/../.." && pwd)
work=$(mktemp -d)
pid=""
cleanup() { [ -n "$pid" ] && kill -9 "$pid" 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
command -v sqlite3 > /dev/null || { echo "sqlite3 is not installed: skipped"; exit 77; }
command -v python3 > /dev/null || { echo "python3 is not installed: skipped"; exit 77; }

python3 "$repo/bench/w1/gen_w1.py" --persons "$persons" --seed 7 --out "$work/data" 2> /dev/null || fail "gen_w1.py"
rules=$repo/rulesets/bench/w1.kp
db=$work/store.db
run() {  # period db out [more args]
  "$kaoping" run "$rules" --data "$work/data" --period "$1" --store "$2" --out "$3" --quiet --no-report "${@:4}"
}
now_ms() { date +%s%3N; }

# The old state: one complete run of 2023.
run 2023 "$db" "$work/out0" || fail "the first run failed"
# How long a run takes, with and without the store (on a scratch store).
t0=$(now_ms); run 2023 "$work/scratch.db" "$work/scratch" || fail "scratch run"; t1=$(now_ms)
run 2024 "$work/scratch.db" "$work/scratch" || fail "scratch run"; t2=$(now_ms)
"$kaoping" run "$rules" --data "$work/data" --out "$work/scratch" --quiet --no-report || fail "run without a store"; t3=$(now_ms)
full=$((t2 - t1)) nostore=$((t3 - t2))
[ "$nostore" -lt "$full" ] || nostore=$((full / 2))
echo "a run takes ${full} ms, ${nostore} ms of it before the store is written"

sql() { sqlite3 -batch -bail "$db" "$@"; }
snapshot() {  # everything of the runs that were there before
  sql "SELECT id, scheme, version, scheme_hash, data_hash, period, finished, status FROM runs WHERE id <= $1 ORDER BY id;
       SELECT run, subject, figure, value FROM results WHERE run <= $1 ORDER BY run, subject, figure;
       SELECT run, subject, figure, step, rule, amount, rows FROM ledger WHERE run <= $1 ORDER BY rowid;" | md5sum
}
check() {  # the store is consistent; echoes the number of runs
  [ "$(sql 'PRAGMA integrity_check')" = ok ] || fail "integrity_check: $(sql 'PRAGMA integrity_check' | head -3)"
  local bad
  bad=$(sql "SELECT id FROM runs r WHERE finished IS NULL
               OR (SELECT count(*) FROM results WHERE run = r.id) != r.subjects * (SELECT count(*) FROM columns WHERE run = r.id)
               OR r.subjects != $persons;
             SELECT 'orphan results' FROM results WHERE run NOT IN (SELECT id FROM runs) LIMIT 1;
             SELECT 'orphan ledger' FROM ledger WHERE run NOT IN (SELECT id FROM runs) LIMIT 1;
             SELECT 'orphan columns' FROM columns WHERE run NOT IN (SELECT id FROM runs) LIMIT 1;")
  [ -z "$bad" ] || fail "a partial run is visible: $bad"
  sql "SELECT count(*) FROM runs"
}

runs=$(check)
[ "$runs" = 1 ] || fail "expected 1 run, found $runs"
before=$(snapshot "$runs")
inside=0 committed=0 early=0
# The attempts asked for, and more (up to 20) until one lands inside the transaction.
for ((i = 1; i <= attempts || (inside == 0 && i <= 20); i++)); do
  if ((i % 2)); then delay=$((RANDOM % (full + 1))); else delay=$((nostore + RANDOM % (full - nostore + 1))); fi
  # kaoping itself in the background (not a function's subshell), so that the kill is its.
  "$kaoping" run "$rules" --data "$work/data" --period 2024 --store "$db" --out "$work/out$i" --quiet --no-report \
    > /dev/null 2>&1 &
  pid=$!
  sleep "$(printf '%d.%03d' $((delay / 1000)) $((delay % 1000)))"
  kill -9 "$pid" 2>/dev/null
  wait "$pid" 2>/dev/null
  pid=""
  wal=0
  [ -f "$db-wal" ] && wal=$(stat -c %s "$db-wal")
  now=$(check)
  if [ "$now" = "$runs" ]; then
    [ "$(snapshot "$runs")" = "$before" ] || fail "attempt $i: the old runs changed"
    if [ "$wal" -gt 0 ]; then what="inside the transaction: rolled back"; inside=$((inside + 1))
    else what="before the store was written"; early=$((early + 1)); fi
  elif [ "$now" = $((runs + 1)) ]; then
    what="after the commit: the new run is complete"
    committed=$((committed + 1))
    runs=$now
    before=$(snapshot "$runs")
  else
    fail "attempt $i: $now runs after $runs"
  fi
  echo "attempt $i: killed after ${delay} ms, $what (WAL $wal bytes)"
done
echo "$early killed before the store was written, $inside inside the transaction, $committed after the commit"
[ "$inside" -gt 0 ] || fail "no kill landed inside the transaction (try more attempts)"

# And a run left alone completes.
run 2024 "$db" "$work/final" || fail "the last run failed"
[ "$(check)" = $((runs + 1)) ] || fail "the last run was not stored"
[ "$(sql "SELECT period FROM runs ORDER BY id DESC LIMIT 1")" = 2024 ] || fail "wrong period stored"
echo "OK: the store always held the old state or the complete new run"
