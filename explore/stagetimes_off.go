//go:build !stagetimes

package explore

// The ordinary build's stage timers do nothing (see stagetimes_on.go).

type stamp struct{}

func clock() stamp { return stamp{} }

type stageTimes struct{}

func (*stageTimes) generated(stamp)    {}
func (*stageTimes) waited(stamp)       {}
func (*stageTimes) settled(int, stamp) {}

func printStageTimes([]*worker, *bfsState) {}
