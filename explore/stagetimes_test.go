//go:build stagetimes

package explore

import (
	"context"
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

// TestCompanion: the companion starts only when the environment asks for
// it beside a single worker, generates from the copies setLevel gives it,
// and stops.
func TestCompanion(t *testing.T) {
	newSpace := func() Space { return wide{n: 10} }
	if c := startCompanion(newSpace, 1); c != nil {
		t.Fatal("a companion without SNAPCHECK_COMPANION=1")
	}
	t.Setenv("SNAPCHECK_COMPANION", "1")
	if c := startCompanion(newSpace, 2); c != nil {
		t.Fatal("a companion beside 2 workers")
	}
	if c := startCompanion(nil, 1); c != nil {
		t.Fatal("a companion without a Space of its own")
	}
	c := startCompanion(newSpace, 1)
	if c == nil {
		t.Fatal("no companion with SNAPCHECK_COMPANION=1 and one worker")
	}
	st := newStore()
	st.insert([]byte{0}, st.hash([]byte{0}))
	c.setLevel(st.view(), 0, 1)
	for deadline := time.Now().Add(10 * time.Second); c.rounds.Load() == 0; {
		if time.Now().After(deadline) {
			t.Fatal("the companion generated nothing in 10 s")
		}
		time.Sleep(time.Millisecond)
	}
	c.stop()
	if n := c.rounds.Load(); n == 0 {
		t.Fatalf("rounds %d after stop", n)
	}
	// A search with a companion finds what one without finds.
	res, err := Run(context.Background(), wide{n: 100}, Options{NewSpace: newSpace})
	if err != nil || res.States != 101 {
		t.Fatalf("search with a companion: %v, %+v", err, res)
	}
}
