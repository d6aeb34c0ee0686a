#!/bin/sh
# spin-compare.sh [CONFIG.json...] — snapcheck beside SPIN on the same files.
#
# For each configuration, runs snapcheck (bin/snapcheck check --json --quiet)
# and then SPIN (through ../shared/anchors/spin/run.py, partial-order
# reduction on, in a temporary folder), one after the other in one sitting,
# and prints a table: states, transitions and wall time of each, and SPIN's
# time over snapcheck's. SPIN's time is its pan run, not its compilation.
# Installs SPIN with apt-get if it is missing.
#
# Environment: SPIN_MODES (run.py --modes, default por), SPIN_TIMEOUT
# (seconds per pan run, default 600), SNAPCHECK_FLAGS (extra flags for
# snapcheck check, e.g. "--workers 1"), SPIN_ANCHORS (the folder of run.py;
# default ../shared/anchors/spin beside the repository).
set -eu

root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"

anchors=${SPIN_ANCHORS:-"$root/../shared/anchors/spin"}
if [ ! -f "$anchors/run.py" ]; then
	echo "spin-compare: skipped: no SPIN anchor scripts at $anchors (expected ../shared/anchors/spin beside the repository, or set SPIN_ANCHORS)"
	exit 0
fi
if ! command -v python3 >/dev/null 2>&1; then
	echo "spin-compare: skipped: python3 is needed to run $anchors/run.py"
	exit 0
fi
if ! command -v spin >/dev/null 2>&1 || ! command -v gcc >/dev/null 2>&1; then
	echo "spin-compare: installing SPIN (apt-get install spin)" >&2
	if ! { apt-get update && apt-get install -y spin gcc; } >&2; then
		echo "spin-compare: could not install SPIN; install it with 'apt-get install spin' and retry" >&2
		exit 2
	fi
fi

if [ ! -x bin/snapcheck ]; then
	${GO:-go} build -o bin/snapcheck ./cmd/snapcheck
fi
snapcheck="$root/bin/snapcheck"

if [ "$#" -eq 0 ]; then
	set -- examples/bench/lecture.json examples/bench/any3n_ms1.json \
		examples/bench/any3n_ms2_a1.json examples/bench/any3n_ms2_b2.json
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/spin-compare.XXXXXX")
trap 'rm -rf "$work"' EXIT INT TERM

now() { date +%s.%N; }

# field FILE EXPR: evaluates a Python expression over the JSON document j
# read from FILE (the last line for a .jsonl file).
field() {
	python3 - "$1" "$2" <<'EOF'
import json, sys
path, expr = sys.argv[1], sys.argv[2]
text = open(path).read()
if path.endswith(".jsonl"):
    text = text.strip().splitlines()[-1]
j = json.loads(text)
print(eval(expr, {"j": j}))
EOF
}

rows="$work/rows"
: >"$rows"
for cfg in "$@"; do
	if [ ! -f "$cfg" ]; then
		echo "spin-compare: no such configuration: $cfg" >&2
		exit 2
	fi
	name=$(basename "$cfg" .json)
	abs=$(cd "$(dirname "$cfg")" && pwd)/$(basename "$cfg")
	echo "spin-compare: $name: snapcheck" >&2

	sc_json="$work/$name.snapcheck.json"
	t0=$(now)
	rc=0
	# shellcheck disable=SC2086 # SNAPCHECK_FLAGS is a list of flags
	"$snapcheck" check --json --quiet --out "$work/traces" ${SNAPCHECK_FLAGS:-} "$abs" >"$sc_json" || rc=$?
	t1=$(now)
	if [ "$rc" -eq 2 ] || [ ! -s "$sc_json" ]; then
		echo "spin-compare: snapcheck failed on $cfg (exit $rc)" >&2
		exit 2
	fi
	sc_states=$(field "$sc_json" 'j["states"]')
	sc_trans=$(field "$sc_json" 'j["transitions"]')
	sc_verdict=$(field "$sc_json" 'j["verdict"]')
	sc_time=$(python3 -c "print(f'{$t1 - $t0:.2f}')")

	echo "spin-compare: $name: SPIN" >&2
	mkdir -p "$work/spin-$name"
	if ! (cd "$work/spin-$name" && python3 "$anchors/run.py" --modes "${SPIN_MODES:-por}" \
		--timeout "${SPIN_TIMEOUT:-600}" "$abs" >"$work/spin-$name.log" 2>&1); then
		cat "$work/spin-$name.log" >&2
		echo "spin-compare: SPIN failed on $cfg" >&2
		exit 2
	fi
	res="$work/spin-$name/results.jsonl"
	sp_states=$(field "$res" 'int(j["states"] or 0)')
	sp_trans=$(field "$res" 'int(j["transitions"] or 0)')
	sp_time=$(field "$res" 'j["wall_s"]')
	sp_note=$(field "$res" '"timed out" if j["timed_out"] else "out of memory" if j["out_of_memory"] else "incomplete" if j["incomplete"] else "errors %d" % j["errors"] if j["errors"] else "ok"')
	printf '%s %s %s %s %s %s %s %s %s %s\n' "$name" "$sc_states" "$sc_trans" "$sc_time" "$sc_verdict" \
		"$sp_states" "$sp_trans" "$sp_time" "$(field "$res" 'j["mode"]')" "$sp_note" | tr -s ' ' >>"$rows"
done

python3 - "$rows" <<'EOF'
import sys
rows = [l.split(" ", 9) for l in open(sys.argv[1]).read().splitlines()]
head = ("config", "sc states", "sc trans", "sc time", "sc verdict",
        "SPIN states", "SPIN trans", "SPIN time", "SPIN mode", "SPIN", "SPIN/sc")
fmt = "%-14s %12s %13s %8s %-10s | %12s %13s %8s %-5s %-8s | %7s"
print(fmt % head)
for r in rows:
    name, sst, str_, stime, sv, pst, ptr, ptime, mode, note = r
    ratio = float(ptime) / float(stime) if float(stime) > 0 else float("inf")
    print(fmt % (name, f"{int(sst):,}", f"{int(str_):,}", stime + " s", sv,
                 f"{int(pst):,}", f"{int(ptr):,}", ptime + " s", mode, note, f"{ratio:.1f}x"))
print("times are wall clock of one run each (snapcheck: the whole check; SPIN: pan, not its"
      " compilation); states and transitions count differently in the two tools (SPEC §5.9)")
EOF
