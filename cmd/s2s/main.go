// Command s2s trains, runs and scores recurrent encoder–decoder translation
// models. Each subcommand lives in its own file; newApp lists them.
package main

import (
	"errors"
	"fmt"
	"os"

	"github.com/urfave/cli/v2"
)

// version is set at build time with -ldflags "-X main.version=…".
var version = "0.1.0-dev"

// usageError marks an error as the user's misuse of the command line (exit 2).
type usageError struct{ err error }

func (e usageError) Error() string { return e.err.Error() }
func (e usageError) Unwrap() error { return e.err }

// usagef returns a usage error (exit code 2).
func usagef(format string, args ...any) error { return usageError{fmt.Errorf(format, args...)} }

// newApp returns the application with every subcommand, in the order help
// lists them. main and the tests build it here.
func newApp() *cli.App {
	commands := []*cli.Command{
		newAttentionCommand(), newAverageCommand(), newBenchCommand(), newEvalCommand(), newMergeCommand(),
		newNeuronsCommand(), newPlotCommand(), newPrepareCommand(), newQuantizeCommand(), newSampleCommand(), newServeCommand(),
		newTokenizeCommand(), newTrainCommand(), newTranslateCommand(), newVersionCommand(),
	}
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

// execute runs app on the command line args (args[0] is the program),
// letting flags follow positional arguments.
func execute(app *cli.App, args []string) error {
	return app.Run(intersperse(app.Commands, args))
}

// run executes the application and maps errors to exit codes: 0 ok,
// 2 usage, 3 input that can never succeed (do not retry), 1 anything
// else. Errors are printed once, here.
func run(args []string) int {
	err := execute(newApp(), args)
	if err == nil {
		return 0
	}
	fmt.Fprintln(os.Stderr, "s2s:", err)
	return exitCode(err)
}

// exitCode maps an error to the exit code: 0 for nil, 2 for a usage
// error, 3 for input that can never succeed, 1 for anything else.
func exitCode(err error) int {
	var u usageError
	var in inputError
	switch {
	case err == nil:
		return 0
	case errors.As(err, &u):
		return 2
	case errors.As(err, &in):
		return 3
	}
	return 1
}
