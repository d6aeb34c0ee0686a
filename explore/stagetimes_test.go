//go:build stagetimes

package explore

import (
	"regexp"
	"strings"
	"testing"
	"time"
)

// TestStageTimes (go test -tags stagetimes) checks the sums of the stage
// timers and the lines they are printed as.
func TestStageTimes(t *testing.T) {
	var w0, w1, settled stageTimes
	start := clock().Add(-time.Millisecond) // each stage took at least 1 ms
	w0.generated(start)
	w0.generated(start)
	w1.generated(start)
	w1.waited(start)
	settled.settled(1, start)
	settled.settled(0, start)
	settled.settled(1, start)
	if w0.nGen != 2 || w1.nGen != 1 || w0.gen < 2*time.Millisecond || w1.wait < time.Millisecond || w0.wait != 0 {
		t.Fatalf("generated and waited: w0 %+v, w1 %+v", w0, w1)
	}
	if len(settled.nSettle) != 2 || settled.nSettle[0] != 1 || settled.nSettle[1] != 2 || settled.settle[1] < 2*time.Millisecond {
		t.Fatalf("settled by origin: %+v", settled)
	}
	var b strings.Builder
	writeStageTimes(&b, []*stageTimes{&w0, &w1, {}}, &settled)
	lines := strings.Split(strings.TrimSuffix(b.String(), "\n"), "\n")
	want := []string{
		`^stagetimes: worker 0 generated 2 segments in [0-9.]+ s \([0-9.]+ µs each\), waited 0.00 s; its segments were settled in [0-9.]+ s \([0-9.]+ µs each\)$`,
		`^stagetimes: worker 1 generated 1 segments in [0-9.]+ s \([0-9.]+ µs each\), waited [0-9.]+ s; its segments were settled in [0-9.]+ s \([0-9.]+ µs each\)$`,
		`^stagetimes: worker 2 generated 0 segments in 0.00 s \(0.0 µs each\), waited 0.00 s$`,
	}
	if len(lines) != len(want) {
		t.Fatalf("got %d lines, want %d:\n%s", len(lines), len(want), b.String())
	}
	for i, re := range want {
		if !regexp.MustCompile(re).MatchString(lines[i]) {
			t.Errorf("line %d = %q, want it to match %s", i, lines[i], re)
		}
	}
}
