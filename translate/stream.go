package translate

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/s2s-nmt/s2s/internal/mat"
	"github.com/s2s-nmt/s2s/model"
)

// DefaultWait is how long a partial batch waits for another line before
// it is translated.
const DefaultWait = 100 * time.Millisecond

// Stream translates lines as they arrive: exactly one output line per
// input line (one per hypothesis with Format.NBest), in input order. A
// batch is translated when it is full or when no line has arrived for
// Wait, so output appears while input is still coming. Workers translate
// batches in parallel, each with its own Searcher.
//
// With Others it translates with the ensemble of Model and Others,
// weighted by Weights (see Ensemble); Input.Others then holds their
// source tokenizers, unless all read Model's.
type Stream[F mat.Float] struct {
	Model     *model.Seq2Seq[F]
	Others    []*model.Seq2Seq[F] // an ensemble's models after Model
	Weights   []float64           // one per model, Model first; nil: equal
	Options   Options             // the search
	Format    Format              // the output
	Input     Input               // tokenizer, length limit, name for warnings
	BatchSize int                 // sentences per batch, ≥ 1
	Workers   int                 // parallel searchers; < 1 means 1
	Wait      time.Duration
	// Warn receives one line per warning (invalid UTF-8, truncation).
	Warn io.Writer

	keep [][]Hypothesis // Hypotheses' result, by line; nil: format
}

// job is one batch: its sequence number, sources and, when translated,
// its output.
type job struct {
	seq  int
	srcs []Source
	out  []byte
}

// Run translates r into w until r ends. Each batch's output is written
// with one Write, and flushed when w has a Flush method. It returns the
// first read or write error.
func (s *Stream[F]) Run(r io.Reader, w io.Writer) error {
	searchers, err := s.searchers()
	if err != nil {
		return err
	}
	done := make(chan struct{})
	defer close(done)
	lines, readErr := make(chan string), make(chan error, 1)
	go readLines(r, lines, readErr, done)
	jobs, results := make(chan *job, len(searchers)), make(chan *job, len(searchers))
	go s.batch(lines, jobs, done)
	finished := make(chan struct{})
	for _, sr := range searchers {
		go s.work(sr, jobs, results, finished, done)
	}
	go func() { // results closes when every worker has stopped
		for range searchers {
			<-finished
		}
		close(results)
	}()
	if err := writeInOrder(w, results); err != nil {
		return err
	}
	return <-readErr
}

// searchers makes one Searcher per worker.
func (s *Stream[F]) searchers() ([]*Searcher[F], error) {
	if s.BatchSize < 1 {
		return nil, errors.New("translate: batch size must be ≥ 1")
	}
	if len(s.Input.Others) > 0 && len(s.Input.Others) != len(s.Others) {
		return nil, fmt.Errorf("translate: %d source tokenizers for %d models", 1+len(s.Input.Others), 1+len(s.Others))
	}
	e := Ensemble[F]{Models: append([]*model.Seq2Seq[F]{s.Model}, s.Others...), Weights: s.Weights}
	out := make([]*Searcher[F], max(s.Workers, 1))
	for i := range out {
		sr, err := NewEnsembleSearcher(e, s.Options)
		if err != nil {
			return nil, err
		}
		out[i] = sr
	}
	return out, nil
}

// readLines sends r's lines, without their "\n", then closes lines and
// sends the read error (nil at EOF) on errc.
func readLines(r io.Reader, lines chan<- string, errc chan<- error, done <-chan struct{}) {
	defer close(lines)
	br := bufio.NewReaderSize(r, 1<<16)
	for {
		line, err := br.ReadString('\n')
		if len(line) > 0 && line[len(line)-1] == '\n' {
			line = line[:len(line)-1]
		} else if line == "" && err != nil {
			errc <- ignoreEOF(err)
			return
		}
		select {
		case lines <- line:
		case <-done:
			errc <- nil
			return
		}
		if err != nil {
			errc <- ignoreEOF(err)
			return
		}
	}
}

func ignoreEOF(err error) error {
	if err == io.EOF {
		return nil
	}
	return err
}

// batch groups lines into jobs: a job leaves when it has BatchSize lines,
// when no line has come for Wait, or at the end of the input. Warnings
// are written here, in input order.
func (s *Stream[F]) batch(lines <-chan string, jobs chan<- *job, done <-chan struct{}) {
	defer close(jobs)
	wait := s.Wait
	if wait <= 0 {
		wait = DefaultWait
	}
	timer := time.NewTimer(wait)
	timer.Stop()
	cur, n, seq := &job{}, s.Input.First, 0
	send := func() bool {
		timer.Stop()
		if len(cur.srcs) == 0 {
			return true
		}
		select {
		case jobs <- cur:
		case <-done:
			return false
		}
		seq++
		cur = &job{seq: seq}
		return true
	}
	for {
		select {
		case line, ok := <-lines:
			if !ok {
				send()
				return
			}
			src, warns := s.Input.Source(n, line)
			s.warn(warns)
			cur.srcs, n = append(cur.srcs, src), n+1
			if len(cur.srcs) < s.BatchSize {
				timer.Reset(wait)
			} else if !send() {
				return
			}
		case <-timer.C:
			if !send() {
				return
			}
		}
	}
}

// warn writes the warnings, one per line.
func (s *Stream[F]) warn(warns []string) {
	for _, w := range warns {
		if s.Warn != nil {
			io.WriteString(s.Warn, "warning: "+w+"\n")
		}
	}
}

// work translates jobs and formats their output.
func (s *Stream[F]) work(sr *Searcher[F], jobs <-chan *job, results chan<- *job, finished chan<- struct{}, done <-chan struct{}) {
	defer func() { finished <- struct{}{} }()
	for j := range jobs {
		hyps := sr.Search(j.srcs)
		for i, src := range j.srcs {
			if s.keep != nil {
				s.keep[src.Line-s.Input.First] = hyps[i] // each line is one job's
				continue
			}
			j.out = s.Format.Append(j.out, src.Line, src.Tokens, hyps[i])
		}
		select {
		case results <- j:
		case <-done:
			return
		}
	}
}

// writeInOrder writes the jobs' outputs in sequence order as they come;
// it stops at the first write error.
func writeInOrder(w io.Writer, results <-chan *job) error {
	pending := map[int]*job{}
	next := 0
	for j := range results {
		pending[j.seq] = j
		for p, ok := pending[next]; ok; p, ok = pending[next] {
			delete(pending, next)
			next++
			if err := write(w, p.out); err != nil {
				return err
			}
		}
	}
	return nil
}

// write writes b and flushes w if it can.
func write(w io.Writer, b []byte) error {
	if _, err := w.Write(b); err != nil {
		return err
	}
	if f, ok := w.(interface{ Flush() error }); ok {
		return f.Flush()
	}
	return nil
}

// Lines translates lines (each without its line break) as Run does and
// returns the output lines without their line breaks: one per input line
// unless Format.NBest is set.
func (s *Stream[F]) Lines(lines []string) ([]string, error) {
	if len(lines) == 0 {
		return nil, nil
	}
	var in strings.Builder
	for _, l := range lines {
		in.WriteString(l)
		in.WriteByte('\n')
	}
	var out bytes.Buffer
	if err := s.Run(strings.NewReader(in.String()), &out); err != nil {
		return nil, err
	}
	return strings.Split(strings.TrimSuffix(out.String(), "\n"), "\n"), nil
}

// Hypotheses translates lines as Lines does and returns each line's
// hypotheses, up to Options.NBest, best first, instead of their text.
func (s *Stream[F]) Hypotheses(lines []string) ([][]Hypothesis, error) {
	c := *s
	c.keep = make([][]Hypothesis, len(lines))
	if _, err := c.Lines(lines); err != nil {
		return nil, err
	}
	return c.keep, nil
}
