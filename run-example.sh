#!/usr/bin/env bash
# Builds Kaoping (installing what is missing) and runs a shipped scheme on its bundled
# example data: 城管绩效考评 (seed 003) for one 局, results in out/城管绩效考评/.
set -euo pipefail
cd "$(dirname "$0")"
scripts/bootstrap.sh
build/cli/kaoping run rulesets/城管绩效考评.kp --data examples/城管绩效考评 --out out/城管绩效考评
