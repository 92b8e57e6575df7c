#!/usr/bin/env bash
# `kaoping check rulesets/` must report no error and exactly the intended warnings.
set -u
kaoping=$1 repo=$2
cd "$repo"
actual=$("$kaoping" check rulesets --format gnu --lang en 2>&1)
status=$?
expected='rulesets/万人评议机关.kp:19:9: warning[K0501]: `方面分` can reach 22, more than its declared maximum 20 in one group
rulesets/万人评议机关.kp:19:27: note: `方面分` ranges over [0, 22]
rulesets/万人评议机关.kp:25:9: warning[K0501]: `总分` can reach 110, more than its declared maximum 100
rulesets/万人评议机关.kp:25:16: note: `总分` ranges over [0, 110]'
if [ $status -ne 0 ] || [ "$actual" != "$expected" ]; then
  echo "exit $status; kaoping check rulesets said:" >&2
  echo "$actual" >&2
  exit 1
fi
