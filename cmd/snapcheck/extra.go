package main

// extraCommands are the subcommands beyond check.
func extraCommands() map[string]command {
	return map[string]command{}
}
