//go:build race

package explore

// raceDetector: the test binary runs under the race detector, whose shadow
// memory grows with every allocation, outside what the Go runtime reports.
const raceDetector = true
