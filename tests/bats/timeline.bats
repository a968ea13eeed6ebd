#!/usr/bin/env bats
# The pictures of a trace: bpfspy export --format=chrome (the Trace Event
# Format of Perfetto and chrome://tracing) and bpfspy report --html (one
# page, rendered here in headless Chromium).

load "${SRCDIR:-$BATS_TEST_DIRNAME/../..}/tests/lib.bash"

setup() {
	common_setup
	require_bpf
}

# A trace with libbpf calls, nested syscalls and explained failures: the
# example loader, then the exerciser's EPERM calls without privileges.
make_trace() {
	"$BPFSPY" run -o "$T/ok.jsonl" -- "$LOADER" >/dev/null 2>&1 || return 1
	"$BPFSPY" run --unprivileged -o "$T/eperm.jsonl" -- "$EXERCISER" eperm >/dev/null 2>&1
	cat "$T/ok.jsonl" "$T/eperm.jsonl" >"$TRACE"
}

# /usr/bin/python3: Debian's, where python3-pil is installed.
PY=/usr/bin/python3

@test "export --format=chrome: every call once, syscalls inside their libbpf span, failures marked" {
	make_trace
	run "$BPFSPY" export --format=chrome -o "$T/t.json" "$TRACE"
	expect_eq "$status" 0 "export: $output"
	run "$PY" - "$T/t.json" "$TRACE" <<'PYEOF'
import json, sys
doc = json.load(open(sys.argv[1]))
ev = doc["traceEvents"]
calls = [json.loads(l) for l in open(sys.argv[2]) if '"event":"bpf"' in l or '"event":"libbpf"' in l]
spans = [e for e in ev if e["ph"] == "X"]
assert len(spans) == len(calls), (len(spans), len(calls))
by = {(e["pid"], e["args"]["seq"]): e for e in spans}
assert len(by) == len(spans), "a call twice"
nested = 0
for e in spans:
    a = e["args"]
    assert e["cat"] == a["event"]
    assert e["tid"] == a["tid"]
    if a.get("errno"):
        assert e.get("cname") == "terrible" and e["name"].endswith(a["errno"]), e["name"]
    else:
        assert "cname" not in e
    p = by.get((e["pid"], a.get("parent")))
    if p:
        assert p["tid"] == e["tid"]
        assert p["ts"] <= e["ts"] and e["ts"] + e["dur"] <= p["ts"] + p["dur"] + 0.001, (p, e)
        nested += 1
assert nested >= 10, nested
names = {e["name"] for e in ev if e["ph"] == "M"}
assert names == {"process_name", "thread_name"}, names
print(len(spans), nested)
PYEOF
	expect_eq "$status" 0 "$output"
}

@test "export: a bad format, no trace, an unreadable output say so and exit 2" {
	run "$BPFSPY" export --format=svg "$TRACE"
	expect_eq "$status" 2 "bad format"
	expect_match "$output" "format"
	run "$BPFSPY" export --format=chrome
	expect_eq "$status" 2 "no trace"
	make_trace
	run "$BPFSPY" export --format=chrome -o /proc/nonexistent/x "$TRACE"
	expect_eq "$status" 2 "bad output"
	expect_match "$output" "/proc/nonexistent/x"
}

@test "report --html: the page in Chromium shows the failed call red, with its explanation" {
	require_cmd chromium
	[ -x "$PY" ] && "$PY" -c 'import PIL' 2>/dev/null ||
		skip "python3-pil is not installed (scripts/install-deps.sh installs it)"
	make_trace
	run "$BPFSPY" report --html "$T/r.html" "$TRACE"
	expect_eq "$status" 0 "report --html: $output"
	expect_eq "$output" "" "nothing on stdout"
	timeout 120 chromium --headless --no-sandbox --disable-gpu --hide-scrollbars \
		--user-data-dir="$T/chrome" --dump-dom "file://$T/r.html" >"$T/dom.html" 2>/dev/null
	timeout 120 chromium --headless --no-sandbox --disable-gpu --hide-scrollbars \
		--user-data-dir="$T/chrome" --window-size=1300,900 \
		--screenshot="$T/r.png" "file://$T/r.html" >/dev/null 2>&1
	[ -s "$T/dom.html" ] || skip "chromium rendered nothing here"
	run "$PY" - "$T/dom.html" "$T/r.png" "$T/eperm.jsonl" <<'PYEOF'
import json, re, sys
dom = open(sys.argv[1]).read()
want = [json.loads(l) for l in open(sys.argv[3])
        if '"event":"bpf"' in l and '"EPERM"' in l and '"probe"' not in l]
assert want, "no failed call in the trace"
text = want[0]["explanation"]["text"]
# the failed call is drawn as a red span whose title says what failed
red = re.findall(r'<rect class="span failed"[^>]*><title>([^<]*)</title>', dom)
assert any("EPERM" in t for t in red), red[:3]
# ... and listed with its explanation (HTML-escaped in the page)
html = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
assert html in dom, text
assert '<tr class="failed">' in dom
from PIL import Image
img = Image.open(sys.argv[2]).convert("RGB")
reds = sum(1 for p in img.getdata() if p[0] > 190 and p[1] < 80 and p[2] < 80)
assert reds > 50, reds
print("red pixels", reds)
PYEOF
	expect_eq "$status" 0 "$output"
}

@test "report --html: names from the traced program cannot break the page" {
	local evil=$T/'a<b>&"x'
	cp "$EXERCISER" "$evil"
	"$BPFSPY" run -o "$TRACE" -- "$evil" lookup 1 >/dev/null 2>&1
	run "$BPFSPY" report --html "$T/r.html" "$TRACE"
	expect_eq "$status" 0
	run grep -c 'a<b>' "$T/r.html"
	expect_eq "$output" 0 "raw markup from the program's name"
	grep -q 'a&lt;b&gt;&amp;&quot;x' "$T/r.html"
}
