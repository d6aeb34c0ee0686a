package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"sort"
	"strings"

	"github.com/spf13/pflag"
)

// Exit codes (SPEC §4).
const (
	exitOK         = 0
	exitViolation  = 1
	exitBadInput   = 2
	exitIncomplete = 3
)

// command is one subcommand; each lives in its own file.
type command struct {
	summary string
	run     func(ctx context.Context, args []string, stdout, stderr io.Writer) int
}

func commands() map[string]command {
	return map[string]command{
		"check":    {"explore every execution of a configuration and check every property", runCheck},
		"replay":   {"re-execute a trace file and confirm the violation it records", runReplay},
		"show":     {"render a trace: timeline, space-time diagram, witness", runShow},
		"simulate": {"check random executions of a configuration too large to exhaust", runSimulate},
	}
}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	go func() {
		// After the first Ctrl-C, which stops the search (the report is
		// still made), a second one ends the process at once.
		<-ctx.Done()
		stop()
	}()
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

func usage(w io.Writer) {
	fmt.Fprintln(w, "snapcheck — a model checker for distributed snapshot algorithms")
	fmt.Fprintln(w, "\nUsage:\n  snapcheck COMMAND [flags] ARGS")
	fmt.Fprintln(w, "\nCommands:")
	cmds := commands()
	names := make([]string, 0, len(cmds))
	for n := range cmds {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		fmt.Fprintf(w, "  %-9s %s\n", n, cmds[n].summary)
	}
	fmt.Fprintln(w, "\nExit codes: 0 all properties hold over the whole space; 1 a violation was found;")
	fmt.Fprintln(w, "2 bad input or usage; 3 the search stopped at a limit (or Ctrl-C) before the end.")
	fmt.Fprintln(w, "\nRun 'snapcheck COMMAND --help' (or 'snapcheck help COMMAND') for a command's flags.")
}

// run is the whole command line, testable in-process.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		usage(stderr)
		return exitBadInput
	}
	switch args[0] {
	case "help":
		// help COMMAND is COMMAND --help.
		if len(args) == 2 {
			if c, ok := commands()[args[1]]; ok {
				return c.run(ctx, []string{"--help"}, stdout, stderr)
			}
		}
		if len(args) > 1 {
			fmt.Fprintf(stderr, "snapcheck help: unknown command %q\nRun 'snapcheck --help' for the commands.\n", strings.Join(args[1:], " "))
			return exitBadInput
		}
		usage(stdout)
		return exitOK
	case "-h", "--help":
		usage(stdout)
		return exitOK
	}
	c, ok := commands()[args[0]]
	if !ok {
		fmt.Fprintf(stderr, "snapcheck: unknown command %q\nRun 'snapcheck --help' for the commands.\n", args[0])
		return exitBadInput
	}
	return c.run(ctx, args[1:], stdout, stderr)
}

// parseFlags parses a subcommand's flags; it returns (exit code, true)
// when the command must stop (help or a usage error).
func parseFlags(fs *pflag.FlagSet, args []string, nargs int, argName, help string, stdout, stderr io.Writer) (int, bool) {
	fs.SetOutput(io.Discard)
	err := fs.Parse(args)
	if errors.Is(err, pflag.ErrHelp) {
		printHelp(fs, argName, help, stdout)
		return exitOK, true
	}
	if err != nil {
		fmt.Fprintf(stderr, "snapcheck %s: %v\nRun 'snapcheck %s --help' for usage.\n", fs.Name(), err, fs.Name())
		return exitBadInput, true
	}
	if fs.NArg() != nargs {
		fmt.Fprintf(stderr, "snapcheck %s: expected %d argument (%s), got %d\nRun 'snapcheck %s --help' for usage.\n", fs.Name(), nargs, argName, fs.NArg(), fs.Name())
		return exitBadInput, true
	}
	return 0, false
}

func printHelp(fs *pflag.FlagSet, argName, help string, w io.Writer) {
	fmt.Fprintf(w, "Usage: snapcheck %s [flags] %s\n\n", fs.Name(), argName)
	if help != "" {
		fmt.Fprintln(w, strings.TrimSpace(help))
		fmt.Fprintln(w)
	}
	fmt.Fprintln(w, "Flags:")
	fmt.Fprint(w, fs.FlagUsagesWrapped(100))
}

// fail prints one error line for bad input and returns exit code 2.
func fail(stderr io.Writer, cmd string, err error) int {
	fmt.Fprintf(stderr, "snapcheck %s: %v\n", cmd, err)
	return exitBadInput
}
