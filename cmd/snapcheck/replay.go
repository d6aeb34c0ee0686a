package main

import (
	"context"
	"fmt"
	"io"
)

// runReplay is not written yet (placeholder owned by the helper building it).
func runReplay(_ context.Context, _ []string, _, stderr io.Writer) int {
	fmt.Fprintln(stderr, "snapcheck replay: not implemented yet")
	return exitBadInput
}
