#!/bin/sh
# bench.sh [CONFIG...] — run snapcheck's benchmark suite (properties/bench_test.go)
# with each configuration of examples/bench in its own process, so that peak
# resident memory is per configuration, and print one line of figures per
# configuration. CONFIG is a file name without .json (default: all of them;
# the heavy ones are skipped unless SNAPCHECK_BENCH_ALL=1).
# The raw `go test -bench` lines (benchstat's input) go to bin/bench.txt.
set -eu

GO=${GO:-go}
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
mkdir -p bin
test_bin="$root/bin/properties.test"
raw="$root/bin/bench.txt"

# The profile go build uses for bin/snapcheck (make pgo), and the
# Makefile's link flags, so that the figures are the binary's.
"$GO" test -c -pgo="$root/cmd/snapcheck/default.pgo" -ldflags="${LDFLAGS:--funcalign=64}" -o "$test_bin" ./properties

if [ "$#" -eq 0 ]; then
	set --
	for f in examples/bench/*.json; do
		set -- "$@" "$(basename "$f" .json)"
	done
fi

: >"$raw"
echo "engine: SNAPCHECK_BENCH_POR=${SNAPCHECK_BENCH_POR:-1} SNAPCHECK_BENCH_WORKERS=${SNAPCHECK_BENCH_WORKERS:-ncpu} SNAPCHECK_BENCH_STORE=${SNAPCHECK_BENCH_STORE:-exact} SNAPCHECK_BENCH_SYMMETRY=${SNAPCHECK_BENCH_SYMMETRY:-0}"
printf '%-14s %12s %13s %9s %11s %13s %9s %9s %9s\n' \
	config states transitions time_s states/s transitions/s store_B/st heap_B/st peak_MB
for name in "$@"; do
	if [ ! -f "examples/bench/$name.json" ]; then
		echo "bench: no configuration examples/bench/$name.json" >&2
		exit 2
	fi
	out=$(cd properties && "$test_bin" -test.run '^$' -test.bench "^BenchmarkCheck\$/^$name\$" \
		-test.benchtime 1x -test.timeout 0 -test.v 2>&1) || {
		printf '%s\n' "$out" >&2
		echo "bench: $name failed" >&2
		exit 1
	}
	line=$(printf '%s\n' "$out" | grep "^BenchmarkCheck/$name-" || true)
	if [ -z "$line" ]; then
		if printf '%s\n' "$out" | grep -q -- '--- SKIP'; then
			printf '%-14s skipped (heavy; set SNAPCHECK_BENCH_ALL=1 to run it)\n' "$name"
			continue
		fi
		printf '%s\n' "$out" >&2
		echo "bench: no result for $name" >&2
		exit 1
	fi
	printf '%s\n' "$line" >>"$raw"
	# A benchmark line is: name iterations value unit value unit ...
	printf '%s\n' "$line" | awk -v name="$name" '{
		for (i = 3; i < NF; i += 2) v[$(i+1)] = $i
		printf "%-14s %12d %13d %9.2f %11.0f %13.0f %9.1f %9.1f %9.0f\n", name,
			v["states"], v["transitions"], v["ns/op"] / 1e9, v["states/s"],
			v["transitions/s"], v["store-B/state"], v["heap-B/state"], v["peak-RSS-MB"]
	}'
done
echo "(raw go test -bench lines in bin/bench.txt; time_s is the whole check, rates are over the search)"
