//go:build !race

package explore

// raceDetector: see race_on_test.go.
const raceDetector = false
