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

// companion is the stage timers' build's (stagetimes_on.go): none here.
type companion struct{}

func startCompanion(func() Space, int) *companion      { return nil }
func (*companion) setLevel(*arenaView, uint32, uint32) {}
func (*companion) stop()                               {}
