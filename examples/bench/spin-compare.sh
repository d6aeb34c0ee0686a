#!/bin/sh
# spin-compare.sh [CONFIG.json...] — snapcheck beside SPIN on the same files.
#
# For each configuration, runs snapcheck (bin/snapcheck check --json --quiet)
# and then SPIN (through ../shared/anchors/spin/run.py, partial-order
# reduction on, in a temporary folder), one after the other in one sitting,
# and prints a table: states, transitions, wall time and peak resident
# memory of each, and SPIN's time over snapcheck's. SPIN's time is its pan
# run, not its compilation. Installs SPIN with apt-get if it is missing.
#
# Environment: ROUNDS (runs of each tool per configuration, alternately; the
# best time is kept; default 1), SPIN_MODES (run.py --modes, default por),
# SPIN_TIMEOUT (seconds per pan run, default 600), SNAPCHECK_FLAGS (default --por; extra
# flags for snapcheck check, e.g. "--workers 1"), SPIN_ANCHORS (the folder
# of run.py; default ../shared/anchors/spin beside the repository).
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
	${GO:-go} build -ldflags="${LDFLAGS:--funcalign=64}" -o bin/snapcheck ./cmd/snapcheck
fi
snapcheck="$root/bin/snapcheck"

if [ "$#" -eq 0 ]; then
	set -- examples/bench/lecture.json examples/bench/any3n_ms1.json \
		examples/bench/any3n_ms2_a1.json examples/bench/any3n_ms2_b2.json
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/spin-compare.XXXXXX")
trap 'rm -rf "$work"' EXIT INT TERM

now() { date +%s.%N; }

# best T BEST: the smaller of two times in seconds (BEST may be empty).
best() { python3 -c "import sys; print(f'{min(float(x) for x in sys.argv[1:] if x):.3f}')" "$1" "$2"; }

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
	sc_best="" sp_best=""
	round=1
	while [ "$round" -le "${ROUNDS:-1}" ]; do
		echo "spin-compare: $name: snapcheck (round $round)" >&2
		sc_json="$work/$name.snapcheck.json"
		t0=$(now)
		rc=0
		# shellcheck disable=SC2086 # SNAPCHECK_FLAGS is a list of flags
		/usr/bin/time -f %M -o "$work/rss" \
			"$snapcheck" check --json --quiet --out "$work/traces" ${SNAPCHECK_FLAGS---por} "$abs" >"$sc_json" || rc=$?
		t1=$(now)
		if [ "$rc" -eq 2 ] || [ ! -s "$sc_json" ]; then
			echo "spin-compare: snapcheck failed on $cfg (exit $rc)" >&2
			exit 2
		fi
		sc_best=$(best "$(python3 -c "print(f'{$t1 - $t0:.3f}')")" "$sc_best")
		sc_rss=$(tail -n 1 "$work/rss")

		echo "spin-compare: $name: SPIN (round $round)" >&2
		rm -rf "$work/spin-$name"
		mkdir -p "$work/spin-$name"
		if ! (cd "$work/spin-$name" && python3 "$anchors/run.py" --modes "${SPIN_MODES:-por}" \
			--timeout "${SPIN_TIMEOUT:-600}" "$abs" >"$work/spin-$name.log" 2>&1); then
			cat "$work/spin-$name.log" >&2
			echo "spin-compare: SPIN failed on $cfg" >&2
			exit 2
		fi
		res="$work/spin-$name/results.jsonl"
		sp_t=$(field "$res" 'j["wall_s"]')
		sp_best=$(best "$sp_t" "$sp_best")
		round=$((round + 1))
	done
	sc_states=$(field "$sc_json" 'j["states"]')
	sc_trans=$(field "$sc_json" 'j["transitions"]')
	sc_verdict=$(field "$sc_json" 'j["verdict"]')
	sc_time=$sc_best
	sp_states=$(field "$res" 'int(j["states"] or 0)')
	sp_trans=$(field "$res" 'int(j["transitions"] or 0)')
	sp_time=$sp_best
	sp_rss=$(field "$res" 'j["maxrss_kb"] or 0')
	sp_note=$(field "$res" '"timed out" if j["timed_out"] else "out of memory" if j["out_of_memory"] else "incomplete" if j["incomplete"] else "errors %d" % j["errors"] if j["errors"] else "ok"')
	printf '%s %s %s %s %s %s %s %s %s %s %s %s\n' "$name" "$sc_states" "$sc_trans" "$sc_time" "$sc_rss" \
		"$sc_verdict" "$sp_states" "$sp_trans" "$sp_time" "$sp_rss" "$(field "$res" 'j["mode"]')" "$sp_note" >>"$rows"
done

python3 - "$rows" <<'EOF'
import sys
rows = [l.split(" ", 11) for l in open(sys.argv[1]).read().splitlines()]
head = ("config", "snapcheck states", "transitions", "time", "peak MB", "verdict",
        "SPIN states", "transitions", "time", "peak MB", "mode", "result", "SPIN/snapcheck")
fmt = "%-13s %16s %12s %9s %7s %-10s | %12s %12s %9s %7s %-4s %-9s | %s"
print(fmt % head)
for r in rows:
    name, sst, str_, stime, srss, sv, pst, ptr, ptime, prss, mode, note = r
    ratio = float(ptime) / float(stime) if float(stime) > 0 else float("inf")
    print(fmt % (name, f"{int(sst):,}", f"{int(str_):,}", stime + " s", f"{int(srss) / 1024:.0f}", sv,
                 f"{int(pst):,}", f"{int(ptr):,}", ptime + " s", f"{int(prss) / 1024:.0f}", mode, note,
                 f"{ratio:.1f}x"))
print("times are wall clock, the best of ROUNDS runs of each tool, run alternately (snapcheck:"
      " the whole check; SPIN: pan, not its compilation); states and transitions count"
      " differently in the two tools (SPEC §5.9)")
EOF
