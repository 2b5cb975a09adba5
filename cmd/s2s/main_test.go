package main

import (
	"bytes"
	"io"
	"strings"
	"testing"
)

// runApp runs s2s args... with the application main builds, on stdin
// (nil: empty), and returns standard output, standard error and the
// error the application returned.
func runApp(t *testing.T, stdin io.Reader, args ...string) (string, string, error) {
	t.Helper()
	if stdin == nil {
		stdin = strings.NewReader("")
	}
	var out, errOut bytes.Buffer
	app := newApp()
	app.Reader, app.Writer, app.ErrWriter = stdin, &out, &errOut
	err := execute(app, append([]string{"s2s"}, args...))
	return out.String(), errOut.String(), err
}
