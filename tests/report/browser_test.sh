#!/usr/bin/env bash
# report.html in a real browser: headless Chromium loads the report of a run, with no
# console message (no script error, no failed load), takes a screenshot (kept as a test
# artifact), and its DOM shows that names from the data are text, not markup.
#
#   browser_test.sh KAOPING ARTIFACT_DIR
#
# Skipped (exit 77) when /usr/bin/chromium (Debian's `chromium` package) is not installed.
# The data: examples/物价局效能考评 with a person named <script>alert(1)</script>, a
# commendation titled <img src=x onerror=alert(2)>, and a department with & and quotes;
# and examples/作风效能建设考评 (units with parents, history).
set -u
kaoping=$1 artifacts=$2
repo=$(cd "$(dirname "$0")/../.." && pwd)
chromium=${CHROMIUM:-/usr/bin/chromium}
[ -x "$chromium" ] || { echo "no $chromium: skipped (apt-get install chromium)"; exit 77; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
mkdir -p "$artifacts"

browse() {  # url, then chromium's own arguments (--screenshot=… or --dump-dom); log in $work/log
  local url=$1
  shift
  timeout 120 "$chromium" --headless --no-sandbox --disable-gpu --disable-dev-shm-usage --disable-quic \
    --no-first-run --disable-background-networking --disable-component-update --disable-sync \
    --disable-extensions --user-data-dir="$(mktemp -d -p "$work")" --enable-logging=stderr --v=0 \
    --window-size=1280,2000 "$@" "$url" 2> "$work/log"
}
console() {  # the console messages chromium logged (any: the report logs nothing)
  grep -E ':CONSOLE|Uncaught|Failed to load|net::ERR_' "$work/log" || true
}

# The harness must see a console error when there is one.
cat > "$work/broken.html" << 'HTML'
<!DOCTYPE html><html><head><meta charset="utf-8"><title>x</title></head>
<body><p>x</p><script>console.error("deliberate"); notDefined();</script></body></html>
HTML
browse "file://$work/broken.html" --dump-dom > /dev/null
[ -n "$(console)" ] || fail "the harness does not see console errors: $(cat "$work/log" | tail -5)"

# A run whose data holds markup.
mkdir -p "$work/data"
cp "$repo/examples/物价局效能考评/events.csv" "$work/data/"
python3 - "$repo/examples/物价局效能考评/roster.csv" "$work/data/roster.csv" "$work/data/events.csv" << 'PY'
import csv, sys
rows = list(csv.reader(open(sys.argv[1], encoding="utf-8-sig")))
rows[1][1] = "<script>alert(1)</script>"
rows[2][3] = 'R&D "一股" \'x\''
csv.writer(open(sys.argv[2], "w", encoding="utf-8", newline=""), lineterminator="\n").writerows(rows)
ev = list(csv.reader(open(sys.argv[3], encoding="utf-8-sig")))
col = ev[0].index("内容")
for r in ev[1:]:
    if r[1] == "表彰":
        r[col] = "<img src=x onerror=alert(2)>"
        break
csv.writer(open(sys.argv[3], "w", encoding="utf-8", newline=""), lineterminator="\n").writerows(ev)
PY
"$kaoping" run "$repo/rulesets/物价局效能考评.kp" --data "$work/data" --param 奖金总额上限=95000 --out "$work/out" \
  --lang zh --quiet
status=$?
[ $status -eq 0 ] || [ $status -eq 3 ] || fail "kaoping run exited with $status"
report=$work/out/report.html
[ -s "$report" ] || fail "no report.html"

# Self-contained: nothing to fetch, the markup from the data escaped.
grep -qiE '<(link|img|iframe|object|embed)\b|<script[^>]*src=|@import|url\(' "$report" && fail "report.html refers to something outside it"
grep -oE 'https?://[^"<> ]+' "$report" | grep -v '^http://www.w3.org/2000/svg$' && fail "report.html has an address"
grep -qF '<script>alert(1)</script>' "$report" && fail "a name from the data is markup"
grep -qF '&lt;script&gt;alert(1)&lt;/script&gt;' "$report" || fail "the name <script>alert(1)</script> is not shown as text"
grep -qF '&lt;img src=x onerror=alert(2)&gt;' "$report" || fail "the commendation title is not shown as text"
grep -qF 'R&amp;D &quot;一股&quot; &#39;x&#39;' "$report" || fail "the department with & and quotes is not escaped"

# Rendered: no console message, a screenshot.
rm -f "$artifacts/report.png"
browse "file://$report" --screenshot="$artifacts/report.png" > /dev/null
[ -z "$(console)" ] || fail "console messages: $(console)"
[ -s "$artifacts/report.png" ] || fail "no screenshot: $(tail -5 "$work/log")"
cp "$report" "$artifacts/report.html"

# The DOM after the scripts ran: one script element (the report's own), no image, the
# names as text, and the subject named by the address opened.
browse "file://$report#s-0" --dump-dom > "$work/dom.html"
[ -z "$(console)" ] || fail "console messages: $(console)"
[ "$(grep -o '<script' "$work/dom.html" | wc -l)" = 1 ] || fail "the DOM has $(grep -o '<script' "$work/dom.html" | wc -l) script elements"
grep -q '<img' "$work/dom.html" && fail "the DOM has an img element"
grep -qF '&lt;script&gt;alert(1)&lt;/script&gt;' "$work/dom.html" || fail "the DOM does not show the name as text"
grep -qE '<details class="subject" id="s-0" open=' "$work/dom.html" || fail "report.html#s-0 did not open the subject"

# A scheme of units with history, in English.
"$kaoping" run "$repo/rulesets/作风效能建设考评.kp" --data "$repo/examples/作风效能建设考评" \
  --history "$repo/examples/作风效能建设考评/history/results.csv" --out "$work/units" --lang en --quiet ||
  fail "the units run failed"
browse "file://$work/units/report.html" --screenshot="$artifacts/report-units.png" > /dev/null
[ -z "$(console)" ] || fail "console messages (units): $(console)"
[ -s "$artifacts/report-units.png" ] || fail "no screenshot of the units report"
echo "OK: report.html renders without console messages; screenshots in $artifacts"
