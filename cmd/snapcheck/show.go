package main

import (
	"context"
	"fmt"
	"io"
)

// runShow is not written yet (placeholder owned by the helper building it).
func runShow(_ context.Context, _ []string, _, stderr io.Writer) int {
	fmt.Fprintln(stderr, "snapcheck show: not implemented yet")
	return exitBadInput
}
