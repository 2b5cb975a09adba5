// Command s2s trains, runs and scores recurrent encoder–decoder translation
// models. Each subcommand lives in its own file and registers itself.
package main

import (
	"errors"
	"fmt"
	"os"
	"sort"

	"github.com/urfave/cli/v2"
)

// version is set at build time with -ldflags "-X main.version=…".
var version = "0.1.0-dev"

var commands []*cli.Command

// register adds a subcommand; each command file calls it from init.
func register(c *cli.Command) { commands = append(commands, c) }

// usageError marks an error as the user's misuse of the command line (exit 2).
type usageError struct{ err error }

func (e usageError) Error() string { return e.err.Error() }
func (e usageError) Unwrap() error { return e.err }

// usagef returns a usage error (exit code 2).
func usagef(format string, args ...any) error { return usageError{fmt.Errorf(format, args...)} }

func newApp() *cli.App {
	sort.Slice(commands, func(i, j int) bool { return commands[i].Name < commands[j].Name })
	return &cli.App{
		Name:            "s2s",
		Usage:           "recurrent encoder–decoder machine translation",
		Version:         version,
		Commands:        commands,
		HideVersion:     true,
		HideHelpCommand: false,
		OnUsageError: func(c *cli.Context, err error, _ bool) error {
			return usageError{err}
		},
	}
}

func main() {
	os.Exit(run(os.Args))
}

// run executes the application and maps errors to exit codes: 0 ok,
// 2 usage, 1 anything else. Errors are printed once, here.
func run(args []string) int {
	app := newApp()
	err := app.Run(intersperse(app.Commands, args))
	if err == nil {
		return 0
	}
	fmt.Fprintln(os.Stderr, "s2s:", err)
	var u usageError
	if errors.As(err, &u) {
		return 2
	}
	return 1
}
