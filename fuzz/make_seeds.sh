#!/usr/bin/env bash
# Writes the seed corpora of the fuzz targets from what the repository already holds:
#   fuzz/make_seeds.sh OUTDIR
# OUTDIR/fuzz_rules   every rule file (rulesets/, tests/, fuzz/schemes/, docs examples)
# OUTDIR/fuzz_csv     every CSV file of examples/ and tests/ (cut to 16 KiB at a line end)
# OUTDIR/fuzz_data    roster + events (+ JSON Lines + history) for fuzz/schemes/*.kp, in
#                     the F5 F5-separated form of fuzz/fuzz_util.h, and the golden data
#                     directories in the same form
# OUTDIR/fuzz_decimal numbers from the tests and edge cases
# and fuzz/rules.dict is the libFuzzer dictionary of fuzz_rules (the grammar's literals).
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
out=${1:?usage: make_seeds.sh OUTDIR}
mkdir -p "$out"/{fuzz_rules,fuzz_csv,fuzz_data,fuzz_decimal}
sep=$(printf '\365\365')
seed() {  # target name < content; the file is named by the content's hash
  local tmp
  tmp=$(mktemp "$out/$1/.tmp.XXXXXX")
  cat > "$tmp"
  local h
  h=$(sha1sum < "$tmp" | cut -c1-12)
  mv "$tmp" "$out/$1/${2//\//_}-$h"
}
cut16k() { head -c 16384 "$1" | awk 'BEGIN{RS="\n"; ORS="\n"} {print}' ; }

# ---- rules
while IFS= read -r -d '' f; do
  seed fuzz_rules "$(basename "$f")" < "$f"
done < <(find "$repo/rulesets" "$repo/tests" "$repo/fuzz/schemes" "$repo/examples" -name '*.kp' -print0 2>/dev/null)
# Examples in the documentation: ```kp blocks holding a whole scheme.
for md in "$repo"/docs/*.md; do
  [ -f "$md" ] || continue
  awk -v dir="$out/fuzz_rules" -v base="$(basename "$md" .md)" '
    /^```/ { if (inblock) { inblock = 0; if (text ~ /scheme|方案/) { k++; f = dir "/doc-" base "-" k ".kp"; printf "%s", text > f; close(f) } ; text = "" } else { inblock = 1; text = "" } ; next }
    inblock { text = text $0 "\n" }' "$md"
done

# ---- csv
while IFS= read -r -d '' f; do
  cut16k "$f" | seed fuzz_csv "$(basename "$f")"
done < <(find "$repo/examples" "$repo/tests" -name '*.csv' -print0)
printf 'a,b,c\n"x ""y"" z",2,"multi\nline"\r\n  spaced , "q" ,\n\n"unterminated\n' | seed fuzz_csv hand.csv
printf '\357\273\277id,name\r\n1,"a,b"\r\n' | seed fuzz_csv bom.csv

# ---- data
P=$(printf '%s\n' \
  'id,name,unit,dept,role,类别,入职日期,年龄,系数,津贴,比例,党员,备注,职级' \
  'A,甲,局,一处,处长,业务类,2008-03-01,45,1,100,10%,是,,高' \
  'B,乙,局,一处,科员,党务类,2015-07-01,30,1.5,,85.5,否,"=1+1",低' \
  'C,丙,局,二处,科员,业务类,,,0,,,,"多行' '备注",中')
E=$(printf '%s\n' \
  'date,kind,subject,请假,天数,分值,备注,金额,比例,日期,级别,等次,票数,内容' \
  '2024-01-05,缺席,B,否,2,1.5,,,,,,,,' \
  '2024-01-09,缺席,A,是,12,,,,,,,,,' \
  '2024-02-01,奖励,A,,,,,500,5%,2024-02-01,高,,,' \
  '2024-03-01,测评,C,,,,,,,,,好,10,' \
  '2024-03-02,测评,C,,,,,,,,,较差,3,' \
  '2024-04-01,表彰,B,,,2,,,,,,,,文明单位' \
  '2024-04-02,表彰,B,,,1,,,,,,,,文明单位' \
  '2024-05-01,处分,C,,,,,,,,,,,')
J=$(printf '%s\n' \
  '{"date":"2024-06-01","kind":"缺席","subject":"A","请假":false,"天数":1}' \
  '{"date":"2024-06-02","kind":"奖励","subject":"B","金额":"12.5","级别":"中"}')
H=$(printf '%s\n' 'id,德,加分,测评分,总分,奖金,最近,资历,等次,名次,连续优秀,上期,比例值,职级值,备注值,党员值,业务老将' \
  'A,100.00,0.00,0.00,100.00,0.00,2000-01-01,1,优秀,1,否,0.00,0.00,否,,否,否')
printf '%s\n' "$P" | seed fuzz_data roster-only
printf '%s\n%s%s\n' "$P" "$sep" "$E" | seed fuzz_data roster-events
printf '%s\n%s%s\n%s%s\n' "$P" "$sep" "$E" "$sep" "$J" | seed fuzz_data roster-events-jsonl
printf '%s\n%s%s\n%s%s\n%s%s\n' "$P" "$sep" "$E" "$sep" "$J" "$sep" "$H" | seed fuzz_data roster-events-jsonl-history
printf '%s\n%s%s\n%s%s\n' "$P" "$sep" "date,kind,subject" "$sep" "" | seed fuzz_data header-only
U=$(printf '%s\n' 'id,name,parent,规模' '局,市局,,100' '一分局,一分局,局,20' '二分局,二分局,局,')
UE=$(printf '%s\n' 'date,kind,subject,属实,扣分,满意率,件数,超时' \
  '2024-01-03,投诉,一分局,是,6,,,' '2024-02-03,投诉,二分局,否,,,,' '2024-03-01,满意度,局,,,95%,,' \
  '2024-03-01,办件,一分局,,,,120,3')
printf '%s\n%s%s\n' "$U" "$sep" "$UE" | seed fuzz_data units-events
printf '%s\n%s%s\n%s%s\n%s%s\n' "$U" "$sep" "$UE" "$sep" '{"date":"2024-03-02","kind":"投诉","subject":"局","属实":true}' \
  "$sep" "$(printf 'id,效能,满意,超时率,总分,等次,名次,连续好\n局,100,90,0,97,好,1,否\n')" | seed fuzz_data units-all
# The golden data directories, as they are (other schemes' columns: shapes, not meaning).
for d in "$repo"/tests/golden/data/*/data "$repo"/tests/golden/run/*/data; do
  [ -d "$d" ] || continue
  r=$d/roster.csv; [ -f "$r" ] || r=$d/units.csv; [ -f "$r" ] || continue
  {
    cut16k "$r"
    ev=$(ls "$d"/events*.csv 2>/dev/null | head -1 || true)
    js=$(ls "$d"/*.jsonl 2>/dev/null | head -1 || true)
    if [ -n "$ev" ] || [ -n "$js" ]; then printf '%s' "$sep"; [ -n "$ev" ] && cut16k "$ev"; fi
    if [ -n "$js" ]; then printf '%s' "$sep"; cut16k "$js"; fi
    true
  } | seed fuzz_data "golden-$(basename "$(dirname "$d")")"
done

# ---- decimal
for v in 0 1 -1 0.5 2.5 -2.345 9.995 0.125 0.135 100 2500 007.50 +0.0 -0 1.000000000000000001 \
  0.000000000000000001 170141183460469231731.687303715884105727 -170141183460469231731.687303715884105728 \
  170141183460469231731.687303715884105728 1e5 .5 5. 1.2.3 '' ' 1' 1.0000000000000000001 \
  99999999999999999999 12345678901234567890.123456789012345678; do
  printf '%s' "$v" | seed fuzz_decimal num
done
printf '%s' '2.5 0.125 -3 7 0.1 3' | seed fuzz_decimal pairs
printf '%s' '170141183460469231731.687303715884105727 2 -170141183460469231731.687303715884105728 -1 0' | seed fuzz_decimal extremes
{ printf 'R'; printf '\177\377\377\377\377\377\377\377\377\377\377\377\377\377\377\377'; printf '\200\000\000\000\000\000\000\000\000\000\000\000\000\000\000\000'; \
  printf '\000\000\000\000\000\000\000\000\015\340\266\263\247\144\000\000'; } | seed fuzz_decimal raw

# ---- dictionary for fuzz_rules: the grammar's literals
python3 - "$repo/grammar/Kaoping.g4" "$out/rules.dict" <<'PY'
import re, sys
words = sorted(w for w in set(re.findall(r"'([^'\n]+)'", open(sys.argv[1], encoding="utf-8").read())) if len(w) <= 12)
with open(sys.argv[2], "w") as f:
    for i, w in enumerate(words):
        esc = "".join(c if 32 <= b < 127 and c not in '"\\' else "\\x%02X" % b
                      for b in w.encode("utf-8") for c in [chr(b)])
        f.write('kw%d="%s"\n' % (i, esc))
PY
echo "seeds: $(ls "$out/fuzz_rules" | wc -l) rules, $(ls "$out/fuzz_csv" | wc -l) csv, $(ls "$out/fuzz_data" | wc -l) data, $(ls "$out/fuzz_decimal" | wc -l) decimal"
