#!/bin/sh
# scaling.sh [CONFIG.json] — how much faster 2 workers are than 1, and what
# the machine allows, in one sitting.
#
# Each round prints one line:
#   - rt_ns: how long a cache line takes to go from one processor to the
#     other and back (BenchmarkCacheLineRoundTrip), before the round;
#   - alone_s: a search with one worker (check --quiet --json --workers 1);
#   - pair_s: two such searches at once, in two processes (the slower of
#     the two): what the two processors give when the searches share no
#     memory;
#   - comp_s: the search with one worker beside a companion thread that
#     keeps the other processor busy and shares no memory with it (the
#     stage timers' build, SNAPCHECK_COMPANION=1);
#   - w2_s: the search with 2 workers (--workers 2);
#   - speedup: alone_s / w2_s (issue 7's target: at least 1.8);
#   - rt_after_ns: the round trip after the round.
# Times are the search's own (the report's elapsed_seconds). The default
# configuration is examples/bench/any3n_ms2_b2.json (about 14 s with one
# worker); ROUNDS (default 3) rounds. See examples/bench/SCALING.md.
set -eu

GO=${GO:-go}
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
cfg=${1:-examples/bench/any3n_ms2_b2.json}
if [ ! -f "$cfg" ]; then
	echo "scaling: no such configuration: $cfg" >&2
	exit 2
fi
if [ "$(nproc)" -lt 2 ]; then
	echo "scaling: skipped: needs two processors, this machine has $(nproc)"
	exit 0
fi
mkdir -p bin
"$GO" build -ldflags="${LDFLAGS:--funcalign=64}" -o bin/snapcheck ./cmd/snapcheck
"$GO" build -tags stagetimes -ldflags="${LDFLAGS:--funcalign=64}" -o bin/snapcheck-stagetimes ./cmd/snapcheck
"$GO" test -c -o bin/explore.test ./explore

work=$(mktemp -d "${TMPDIR:-/tmp}/scaling.XXXXXX")
trap 'rm -rf "$work"' EXIT INT TERM

# roundtrip: nanoseconds per round trip of a cache line.
roundtrip() {
	bin/explore.test -test.run '^$' -test.bench '^BenchmarkCacheLineRoundTrip$' \
		-test.cpu 2 -test.benchtime 200000x | awk '/^BenchmarkCacheLineRoundTrip/ { printf "%.0f", $3 }'
}

# search FILE WORKERS [companion]: runs the check (beside a companion when
# asked), writes its seconds to FILE.
search() {
	f=$1 w=$2
	if [ "${3:-}" = companion ]; then
		set -- env SNAPCHECK_COMPANION=1 bin/snapcheck-stagetimes
	else
		set -- bin/snapcheck
	fi
	"$@" check --quiet --json --workers "$w" "$cfg" >"$f.json" 2>"$f.err" || {
		rc=$?
		if [ "$rc" -ne 0 ] && [ "$rc" -ne 1 ]; then
			echo "scaling: check --workers $w $cfg exited $rc" >&2
			cat "$f.err" >&2
			exit 2
		fi
	}
	sed -n 's/^ *"elapsed_seconds": \([0-9.e+-]*\),*$/\1/p' "$f.json" >"$f"
	if [ ! -s "$f" ]; then
		echo "scaling: no elapsed_seconds in the report of check --workers $w" >&2
		exit 2
	fi
}

echo "config: $cfg"
printf '%5s %7s %8s %7s %7s %6s %8s %12s\n' round rt_ns alone_s pair_s comp_s w2_s speedup rt_after_ns
round=1
while [ "$round" -le "${ROUNDS:-3}" ]; do
	rt=$(roundtrip)
	search "$work/alone" 1
	search "$work/pa" 1 &
	pa=$!
	search "$work/pb" 1
	wait "$pa"
	search "$work/comp" 1 companion
	search "$work/w2" 2
	rt2=$(roundtrip)
	awk -v r="$round" -v rt="$rt" -v rt2="$rt2" \
		-v a="$(cat "$work/alone")" -v pa="$(cat "$work/pa")" -v pb="$(cat "$work/pb")" \
		-v c="$(cat "$work/comp")" -v w2="$(cat "$work/w2")" 'BEGIN {
			p = pa > pb ? pa : pb
			printf "%5d %7d %8.2f %7.2f %7.2f %6.2f %8.2f %12d\n", r, rt, a, p, c, w2, a / w2, rt2
		}'
	round=$((round + 1))
done
