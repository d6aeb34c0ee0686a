# snapcheck — the README names every target.
GO ?= go
BIN := bin/snapcheck

.PHONY: all build run test vet fmt-check

all: build

build:
	$(GO) build -o $(BIN) ./cmd/snapcheck

# The main job: check the lecture's bank exhaustively.
run: build
	./$(BIN) check examples/lecture.json

# The whole test suite (what CI runs).
test: fmt-check vet
	$(GO) test -count=1 ./...

vet:
	$(GO) vet ./...

fmt-check:
	@out=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go')); \
	if [ -n "$$out" ]; then echo "gofmt would change: $$out"; exit 1; fi
