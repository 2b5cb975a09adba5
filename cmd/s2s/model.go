package main

import (
	"errors"
	"fmt"
	"io"

	"github.com/s2s-nmt/s2s/configs"
	"github.com/s2s-nmt/s2s/model"
	"github.com/s2s-nmt/s2s/rundir"
)

// loadedModel is a model directory opened with its experiment file.
type loadedModel = rundir.Model[float32, *configs.Config]

// openModel opens the model directory dir ("" for runs/latest) through
// rundir, which verifies it, and checks that it is a model of type want
// ("" takes either type).
// A directory without a manifest (an older s2s) gets its warning on warn.
func openModel(dir string, want model.Type, warn io.Writer) (*loadedModel, error) {
	m, err := rundir.Open[float32](dir, configs.Load)
	if errors.Is(err, rundir.ErrNoModel) {
		return nil, fmt.Errorf("%w (--model DIR)", err)
	}
	if err != nil {
		return nil, err
	}
	if m.Warning != "" && warn != nil {
		fmt.Fprintln(warn, "warning:", m.Warning)
	}
	if want == "" {
		return m, nil
	}
	return m, m.Want(want)
}
