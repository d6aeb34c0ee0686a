package main

import (
	"context"
	"fmt"
	"io"
)

// runSimulate is not written yet (placeholder owned by the helper building it).
func runSimulate(_ context.Context, _ []string, _, stderr io.Writer) int {
	fmt.Fprintln(stderr, "snapcheck simulate: not implemented yet")
	return exitBadInput
}
