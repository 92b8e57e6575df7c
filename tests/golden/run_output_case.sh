#!/usr/bin/env bash
# Runs one golden case of `kaoping explain` or `kaoping diff` and compares what it prints
# with what is expected.
#
#   run_output_case.sh KAOPING KIND CASE
#
# KIND explain: CASE/ holds scheme.path (a rule file relative to the repository) or
#               scheme.kp, data.path (data directories relative to the repository, one a
#               line) or data/, args (the rest of the command line, one line: --subject …,
#               @REPO@ stands for the repository), expected.out (standard output) and
#               optional expected.exit (default 0).
# KIND diff:    CASE/ holds old.path (the rule file as it is, relative to the repository),
#               and the scheme as changed: new.kp, or new.sed (a sed script that turns the
#               old file into the new one, so that the case follows the seed scheme), and
#               data.path, args, expected.out, expected.exit as for explain.
# The command runs from the repository root with relative paths, so that file names in
# the output do not depend on where the repository is; the generated new.kp shows as
# `new.kp`.
#
# KAOPING_UPDATE_GOLDEN=1 rewrites expected.out.
set -u
kaoping=$1 kind=$2 case=$3
repo=$(cd "$(dirname "$0")/../.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail() { echo "FAIL: $case: $*" >&2; exit 1; }

rel() {  # a path of the case relative to the repository
  case $1 in "$repo"/*) echo "${1#"$repo"/}" ;; *) echo "$1" ;; esac
}
data_args() {
  if [ -f "$case/data.path" ]; then
    local d
    while IFS= read -r d; do [ -n "$d" ] && echo -n "--data $d "; done < "$case/data.path"
  else
    echo "--data $(rel "$case/data")"
  fi
}
extra=""
[ -f "$case/args" ] && extra=$(sed "s#@REPO@/##g; s#@CASE@#$(rel "$case")#g" "$case/args")

case $kind in
  explain)
    if [ -f "$case/scheme.path" ]; then scheme=$(tr -d '\n' < "$case/scheme.path"); else scheme=$(rel "$case/scheme.kp"); fi
    # shellcheck disable=SC2046,SC2086
    (cd "$repo" && "$kaoping" explain "$scheme" $(data_args) $extra) > "$work/stdout" 2> "$work/stderr"
    status=$?
    ;;
  diff)
    old=$(tr -d '\n' < "$case/old.path")
    if [ -f "$case/new.kp" ]; then cp "$case/new.kp" "$work/new.kp"
    else sed -f "$case/new.sed" "$repo/$old" > "$work/new.kp" || fail "new.sed failed"
    fi
    cmp -s "$repo/$old" "$work/new.kp" && [ ! -f "$case/same" ] && fail "new.sed changed nothing in $old"
    # shellcheck disable=SC2046,SC2086
    (cd "$repo" && "$kaoping" diff "$old" "$work/new.kp" $(data_args) $extra) > "$work/stdout" 2> "$work/stderr"
    status=$?
    ;;
  *) fail "unknown kind $kind" ;;
esac
sed -i "s#$work/##g; s#$repo/##g" "$work/stdout" "$work/stderr"
want=0
[ -f "$case/expected.exit" ] && want=$(cat "$case/expected.exit")
[ "$status" -eq "$want" ] || { cat "$work/stderr" >&2; fail "expected exit $want, got $status"; }
if [ "${KAOPING_UPDATE_GOLDEN:-}" = 1 ]; then
  cp "$work/stdout" "$case/expected.out"
  exit 0
fi
[ -f "$case/expected.out" ] || fail "no expected.out (run with KAOPING_UPDATE_GOLDEN=1 and check it)"
diff -u "$case/expected.out" "$work/stdout" > "$work/diff" || { cat "$work/diff" >&2; fail "output differs"; }
exit 0
