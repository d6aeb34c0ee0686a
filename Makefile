# snapcheck — the README names every target.
GO ?= go
BIN := bin/snapcheck
# Every function starts on a 64-byte boundary (Go's default is 32), so that
# the hot loops' place within the processor's 64-byte fetch blocks does not
# change when unrelated code grows: any3n_ms2_a1 with one worker took
# 1.66-1.68 s instead of 1.57-1.58 s after two cold functions in model/
# changed, and 1.58-1.61 s with this flag (best of 5, alternating).
LDFLAGS ?= -funcalign=64
export LDFLAGS

.PHONY: all build run test vet fmt-check

all: build

build:
	$(GO) build -ldflags="$(LDFLAGS)" -o $(BIN) ./cmd/snapcheck

# The main job: check the lecture's bank exhaustively.
run: build
	./$(BIN) check examples/lecture.json

# The whole test suite (what CI runs).
test: fmt-check vet
	$(GO) test -count=1 ./...
	$(GO) test -count=1 -tags stagetimes -run 'TestStageTimes|TestCompanion' ./explore

# Also the stage timers' build (go build -tags stagetimes, see examples/bench/SCALING.md).
vet:
	$(GO) vet ./...
	$(GO) vet -tags stagetimes ./explore

fmt-check:
	@out=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go')); \
	if [ -n "$$out" ]; then echo "gofmt would change: $$out"; exit 1; fi

.PHONY: bench spin-compare pgo scaling oracle

# The benchmark suite (issue 7): one line of figures per configuration of
# examples/bench, each in its own process; SNAPCHECK_BENCH_ALL=1 adds the
# heavy ones. See examples/bench/README.md.
bench:
	GO="$(GO)" sh examples/bench/bench.sh

# Regenerate cmd/snapcheck/default.pgo, the profile go build optimizes the
# binary with (profile-guided optimization), from the benchmark suite.
pgo:
	GO="$(GO)" sh examples/bench/pgo.sh

# 1 worker against 2, beside two 1-worker searches at once and the time a
# cache line takes between the processors, ROUNDS rounds (default 3) on
# CONFIG (default examples/bench/any3n_ms2_b2.json).
scaling:
	GO="$(GO)" sh examples/bench/scaling.sh $(CONFIG)

# snapcheck beside SPIN on the same configuration files (installs SPIN if
# missing; needs ../shared/anchors/spin). CONFIGS="a.json b.json" to choose.
spin-compare: build
	sh examples/bench/spin-compare.sh $(CONFIGS)

# End to end (not part of make test): check a broken example, render its
# counterexample as SVG with snapcheck show, open it in headless Chromium
# (Debian's chromium, installed here if missing) and check the PNG is not
# blank.
.PHONY: e2e
e2e: build
	@command -v chromium >/dev/null 2>&1 || { apt-get update && apt-get install -y chromium; }
	@set -e; dir=$$(mktemp -d); \
	code=0; ./$(BIN) check --quiet --out $$dir examples/broken/late-markers.json >/dev/null || code=$$?; \
	if [ $$code -ne 1 ]; then echo "e2e: check exited $$code, want 1"; exit 1; fi; \
	code=0; ./$(BIN) replay --quiet $$dir/late-markers-conservation.trace.json || code=$$?; \
	if [ $$code -ne 1 ]; then echo "e2e: replay exited $$code, want 1"; exit 1; fi; \
	./$(BIN) show --format svg -o $$dir/trace.svg $$dir/late-markers-conservation.trace.json; \
	SNAPCHECK_E2E=1 SNAPCHECK_E2E_SVG=$$dir/trace.svg $(GO) test -count=1 -v -run 'TestE2E' ./counterexamples/; \
	rm -rf $$dir

.PHONY: race

# The explorer's workers under the race detector (not part of make test:
# -race needs cgo and a C compiler, which CI does not have).
race:
	CGO_ENABLED=1 $(GO) test -count=1 -race ./explore/
	CGO_ENABLED=1 $(GO) test -count=1 -race -run 'TestCheckDeterministic|TestCheckLimits' ./cmd/snapcheck/
	CGO_ENABLED=1 $(GO) test -count=1 -race -run 'TestReviewWorkersIdenticalRapid' ./properties/ -rapid.checks=50

.PHONY: fuzz

# Fuzz every target for FUZZTIME each (not part of make test, which runs
# the committed seed corpora as ordinary tests). A failing input is saved
# under the package's testdata/fuzz/<target>/ and then replayed by make test.
FUZZTIME ?= 30s
fuzz:
	$(GO) test -run '^$$' -fuzz '^FuzzParseConfig$$' -fuzztime $(FUZZTIME) ./model
	$(GO) test -run '^$$' -fuzz '^FuzzParseReplay$$' -fuzztime $(FUZZTIME) ./counterexamples
	$(GO) test -run '^$$' -fuzz '^FuzzCommandLine$$' -fuzztime $(FUZZTIME) ./cmd/snapcheck

# snapcheck against an independent oracle of the SPEC written in Python
# (examples/oracle/README.md): COUNT random banks from SEED; needs python3.
SEED ?= 1
COUNT ?= 200
oracle: build
	python3 examples/oracle/compare.py --snapcheck $(BIN) --seed $(SEED) --count $(COUNT) --quiet
