#!/usr/bin/env bash
# `kaoping fmt` on the repository:
#   repository  every rule file is in the canonical layout (`fmt --check`), except the
#               ones that are meant not to parse (tests/golden/check/syntax) and the fuzz
#               regression inputs, which must stay byte for byte as found;
#   spellings   every shipped ruleset, rewritten with Chinese and with English keywords,
#               gives byte-identical results.csv and results.json on its example data.
set -u
kaoping=$1 repo=$2 what=$3
cd "$repo"
case $what in
  repository)
    mapfile -t files < <(find . -name '*.kp' -not -path './build*' -not -path './fuzz/regressions/*' \
                           -not -path './tests/golden/check/syntax/*' -not -path './out/*' | sort)
    [ ${#files[@]} -gt 50 ] || { echo "found only ${#files[@]} rule files" >&2; exit 1; }
    "$kaoping" fmt --check "${files[@]}" || { echo "run: build/cli/kaoping fmt FILE... (see docs/cli.md)" >&2; exit 1; }
    ;;
  spellings)
    work=$(mktemp -d)
    trap 'rm -rf "$work"' EXIT
    status=0
    for rules in rulesets/*.kp; do
      name=$(basename "$rules" .kp)
      data=examples/$name
      [ -d "$data" ] || continue
      history=()
      [ -f "$data/history/results.csv" ] && history=(--history "$data/history/results.csv")
      "$kaoping" run "$rules" --data "$data" "${history[@]}" --out "$work/$name.orig" --quiet --no-report ||
        { echo "FAIL: $rules does not run on $data" >&2; status=1; continue; }
      for keywords in zh en; do
        copy=$work/$keywords/$name.kp
        mkdir -p "$work/$keywords"
        cp "$rules" "$copy"
        "$kaoping" fmt --keywords "$keywords" "$copy" || { status=1; continue; }
        if [ "$keywords" = zh ]; then grep -q '^方案 ' "$copy"; else grep -q '^scheme ' "$copy"; fi ||
          { echo "FAIL: $copy is not spelled in $keywords" >&2; status=1; }
        out=$work/$name.$keywords
        "$kaoping" run "$copy" --data "$data" "${history[@]}" --out "$out" --quiet --no-report ||
          { echo "FAIL: $rules in $keywords does not run" >&2; status=1; continue; }
        cmp -s "$work/$name.orig/results.csv" "$out/results.csv" ||
          { echo "FAIL: $rules in $keywords: results.csv differs" >&2; status=1; }
        # The ledger names the rule file and line:column, which differ in the copy (keywords
        # of another width break lines elsewhere): compared without them.
        strip() { sed -E "s|$2|$rules|g; s|\.kp:[0-9]+:[0-9]+\"|.kp\"|g" "$1"; }
        cmp -s <(strip "$work/$name.orig/results.json" "$rules") <(strip "$out/results.json" "$copy") ||
          { echo "FAIL: $rules in $keywords: results.json differs" >&2; status=1; }
      done
    done
    exit $status
    ;;
  *) echo "usage: fmt_test.sh KAOPING REPO repository|spellings" >&2; exit 2 ;;
esac
