package explore

import (
	"context"
	"fmt"
	"math/rand/v2"
	"time"
)

// SimOptions of a random simulation. The zero value is one run, seed 0,
// uniform choice, no step limit.
type SimOptions struct {
	// Runs is the number of random executions (0 means 1).
	Runs int
	// Seed makes the simulation reproducible: run r draws its choices from
	// a PCG seeded with (Seed, r), so each run can be repeated alone.
	Seed uint64
	// MaxSteps cuts a run after this many events (0: no limit). A cut run
	// is not a maximal execution: Terminal is not called for it.
	MaxSteps int
	// Weights, when set, gives the relative weight (≥ 0) of every successor
	// of state, in Successors' order, appended to dst; successors of weight
	// 0 are chosen only when every weight is 0. Nil means a uniform choice.
	Weights func(state []byte, dst []float64) []float64
	// Progress, when set, is called about every ProgressEvery (default
	// 1s), between runs and every 65,536 events within one, with the runs
	// done, the events so far and the time.
	Progress      func(runs int, steps int64, elapsed time.Duration)
	ProgressEvery time.Duration
	// MaxMemory stops the simulation (Stopped) when the process holds more
	// memory than this many bytes allow (MemoryInUse, looked at every
	// 65,536 events of a run; 0: no limit): a run that does not end keeps
	// its path.
	MaxMemory int64
}

// SimFound is a finding of a simulation, with its shortest occurrence.
type SimFound struct {
	Finding
	// Count is how many times the finding was reported over all runs.
	Count int64
	// Run is the run of the occurrence kept, Path its event indices
	// (positions in Successors' order) from the initial state: for a
	// transition finding ending with that transition, for a terminal
	// finding at the terminal state. The occurrence kept is the shortest,
	// the first among equals.
	Run  int
	Path []int
}

// SimResult is the outcome of a simulation.
type SimResult struct {
	// Runs is the number of runs done; fewer than asked when interrupted.
	Runs int
	// Steps is the number of events over all runs; Longest the longest run.
	Steps   int64
	Longest int
	// Cut is how many runs MaxSteps cut before they were maximal.
	Cut int
	// Stopped says why the simulation stopped early ("" when it did not).
	Stopped  string
	Elapsed  time.Duration
	Findings []*SimFound // in the order they were first found
}

// Simulate walks Runs random maximal executions of the space from its
// initial state: at each state it picks one successor at random (by
// Weights, or uniformly), calls Transition for each step whose note is
// non-zero and Terminal at the end of each run that reached a state with no
// successor. It is deterministic given the options. An error means the
// simulation could not run at all.
func Simulate(ctx context.Context, space Space, opts SimOptions) (*SimResult, error) {
	if opts.Runs < 0 || opts.MaxSteps < 0 {
		return nil, fmt.Errorf("explore: simulate: negative runs (%d) or step limit (%d)", opts.Runs, opts.MaxSteps)
	}
	if opts.Runs == 0 {
		opts.Runs = 1
	}
	if opts.ProgressEvery <= 0 {
		opts.ProgressEvery = time.Second
	}
	start := time.Now()
	lastProg := start
	res := &SimResult{}
	byKey := map[string]*SimFound{}
	var (
		path    []int
		state   []byte
		chosen  []byte
		weights []float64
		init    = space.Initial(nil)
	)
	for run := 0; run < opts.Runs; run++ {
		if err := ctx.Err(); err != nil {
			res.Stopped = "interrupted"
			break
		}
		rng := rand.New(rand.NewPCG(opts.Seed, uint64(run)))
		state = append(state[:0], init...)
		path = path[:0]
		report := func(f Finding) {
			sf, ok := byKey[f.Key]
			if !ok {
				sf = &SimFound{Finding: f, Run: run, Path: append([]int{}, path...)}
				byKey[f.Key] = sf
				res.Findings = append(res.Findings, sf)
			} else if len(path) < len(sf.Path) {
				sf.Run, sf.Path = run, append(sf.Path[:0], path...)
			}
			sf.Count++
		}
		for {
			if opts.MaxSteps > 0 && len(path) >= opts.MaxSteps {
				res.Cut++
				break
			}
			if len(path)&1023 == 1023 && ctx.Err() != nil {
				break
			}
			if len(path)&65535 == 65535 {
				if opts.MaxMemory > 0 && MemoryInUse() > usable(opts.MaxMemory) {
					res.Stopped = fmt.Sprintf("memory limit (--max-memory %d MB) reached %d events into run %d", opts.MaxMemory>>20, len(path), run+1)
					break
				}
				if now := time.Now(); opts.Progress != nil && now.Sub(lastProg) >= opts.ProgressEvery {
					lastProg = now
					opts.Progress(res.Runs, res.Steps+int64(len(path)), now.Sub(start))
				}
			}
			if opts.Weights != nil {
				weights = opts.Weights(state, weights[:0])
			}
			var (
				n, pick  int
				note     uint64
				total    float64
				weighted = opts.Weights != nil
			)
			space.Successors(state, func(next []byte, nt uint64) {
				i := n
				n++
				keep := false
				if weighted {
					if i >= len(weights) {
						panic("explore: simulate: Weights returned fewer weights than there are successors")
					}
					w := weights[i]
					if w > 0 {
						total += w
						keep = rng.Float64()*total < w
					} else if total == 0 {
						// Among weight-0 successors while no positive one
						// has been seen: uniform by count.
						keep = rng.IntN(i+1) == 0
					}
				} else {
					keep = rng.IntN(n) == 0
				}
				if keep {
					pick, note = i, nt
					chosen = append(chosen[:0], next...)
				}
			})
			if n == 0 {
				space.Terminal(state, report)
				break
			}
			path = append(path, pick)
			if note != 0 {
				space.Transition(state, chosen, note, report)
			}
			state, chosen = chosen, state
		}
		if err := ctx.Err(); err != nil {
			res.Stopped = "interrupted"
		}
		if res.Stopped != "" {
			break
		}
		res.Runs++
		res.Steps += int64(len(path))
		res.Longest = max(res.Longest, len(path))
		if opts.Progress != nil {
			if now := time.Now(); now.Sub(lastProg) >= opts.ProgressEvery {
				lastProg = now
				opts.Progress(res.Runs, res.Steps, now.Sub(start))
			}
		}
	}
	res.Elapsed = time.Since(start)
	return res, nil
}
