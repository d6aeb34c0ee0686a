#!/bin/sh
# pgo.sh — regenerate cmd/snapcheck/default.pgo, the CPU profile that
# `go build` uses for profile-guided optimization of the snapcheck binary
# (-pgo=auto, Go's default: it inlines the hot calls and devirtualizes the
# hot interface calls it names). The profile comes from the benchmark suite
# (properties/bench_test.go, built without PGO) on a mix of banks, workers
# and reductions, so that no single configuration shapes the binary.
# Regenerate it after changing the search's or the model's hot paths;
# a stale profile costs only the speed-up, never correctness.
set -eu

GO=${GO:-go}
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

"$GO" test -c -pgo=off -o "$tmp/properties.test" ./properties
i=0
# reduction (1 on, 0 off), workers, configuration
for run in "0 1 any3n_ms2_a1" "0 2 any3n_ms2_a1" "0 2 cos418_8n_a" "0 1 ring4_script" \
	"1 2 any3n_ms2" "1 1 any4n_ms1" "1 2 cos418_8n_b"; do
	set -- $run
	echo "pgo: $3, reduction $1, $2 workers" >&2
	(cd properties && SNAPCHECK_BENCH_POR=$1 SNAPCHECK_BENCH_WORKERS=$2 "$tmp/properties.test" \
		-test.run '^$' -test.bench "^BenchmarkCheck\$/^$3\$" -test.benchtime 2x -test.timeout 0 \
		-test.cpuprofile "$tmp/$i.pprof" >/dev/null)
	i=$((i + 1))
done
"$GO" tool pprof -proto "$tmp"/*.pprof >"$tmp/default.pgo"
mv "$tmp/default.pgo" cmd/snapcheck/default.pgo
echo "pgo: wrote cmd/snapcheck/default.pgo ($(wc -c <cmd/snapcheck/default.pgo) bytes)" >&2
