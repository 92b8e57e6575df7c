#!/usr/bin/env bash
# Runs one golden case and compares what kaoping prints or writes with what is expected.
#
#   run_case.sh KAOPING KIND CASE
#
# KIND run:   CASE/ holds scheme.kp (or scheme.path naming a rule file relative to the
#             repository), data/ (one or more data directories: data/ itself when it has
#             a roster.csv or units.csv, else each of its subdirectories), optional
#             `args` (extra command-line arguments, one line), expected.csv (figures
#             worked out by hand: never regenerated), optional expected.exit (default 0)
#             and expected.out (the summary, compared when present).
# KIND check: CASE is a .kp file; CASE minus .kp plus .expected holds the diagnostics of
#             `kaoping check --format gnu --lang en` (and .zh.expected, when present, the
#             same in Chinese), expected exit status in the first line `# exit N`.
# KIND data:  CASE/ holds scheme.kp or scheme.path, data/, optional args, and
#             expected.err: the diagnostics of a run that must fail with status 1 and
#             write nothing.
#
# KAOPING_UPDATE_GOLDEN=1 rewrites expected diagnostics (.expected, expected.err), never
# expected.csv.
set -u
kaoping=$1 kind=$2 case=$3
repo=$(cd "$(dirname "$0")/../.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail() { echo "FAIL: $case: $*" >&2; exit 1; }

scheme_of() {
  if [ -f "$1/scheme.path" ]; then echo "$repo/$(tr -d '\n' < "$1/scheme.path")"; else echo "$1/scheme.kp"; fi
}
data_args() {
  local d=$1/data
  if [ -f "$d/roster.csv" ] || [ -f "$d/units.csv" ]; then echo "--data $d"; return; fi
  local x
  for x in "$d"/*/; do echo -n "--data ${x%/} "; done
}
compare() {  # expected actual what
  if [ "${KAOPING_UPDATE_GOLDEN:-}" = 1 ] && [ "$3" != figures ]; then cp "$2" "$1"; return 0; fi
  diff -u "$1" "$2" > "$work/diff" || { cat "$work/diff" >&2; fail "$3 differ"; }
}

case $kind in
  run|data)
    scheme=$(scheme_of "$case")
    extra=""
    [ -f "$case/args" ] && extra=$(sed "s#@CASE@#$case#g" "$case/args")
    # shellcheck disable=SC2046,SC2086
    (cd "$case" && "$kaoping" run "$scheme" $(data_args "$case") --out "$work/out" --lang en $extra) \
      > "$work/stdout" 2> "$work/stderr"
    status=$?
    sed -i "s#$case/##g; s#$repo/##g; s#$work/##g" "$work/stdout" "$work/stderr"
    if [ "$kind" = data ]; then
      [ $status -eq 1 ] || { cat "$work/stderr" >&2; fail "expected exit 1, got $status"; }
      [ ! -e "$work/out/results.csv" ] || fail "results.csv was written despite errors"
      compare "$case/expected.err" "$work/stderr" diagnostics
    else
      want=0
      [ -f "$case/expected.exit" ] && want=$(cat "$case/expected.exit")
      [ $status -eq "$want" ] || { cat "$work/stderr" >&2; fail "expected exit $want, got $status"; }
      compare "$case/expected.csv" "$work/out/results.csv" figures
      [ -f "$case/expected.out" ] && compare "$case/expected.out" "$work/stdout" summary
      [ -f "$case/expected.err" ] && compare "$case/expected.err" "$work/stderr" diagnostics
    fi
    ;;
  check)
    base=${case%.kp}
    [ -f "$base.expected" ] || [ -f "$base.zh.expected" ] || fail "no $base.expected"
    for lang in en zh; do
      exp=$base.expected
      [ $lang = zh ] && exp=$base.zh.expected
      [ -f "$exp" ] || continue
      want=$(sed -n '1s/^# exit //p' "$exp")
      (cd "$(dirname "$case")" && "$kaoping" check "$(basename "$case")" --format gnu --lang $lang) \
        > "$work/stdout" 2> "$work/stderr"
      status=$?
      [ "$status" = "${want:-1}" ] || { cat "$work/stderr" >&2; fail "expected exit ${want:-1}, got $status"; }
      { echo "# exit ${want:-1}"; cat "$work/stderr"; } > "$work/actual"
      compare "$exp" "$work/actual" diagnostics
    done
    ;;
  *) fail "unknown kind $kind" ;;
esac
exit 0
