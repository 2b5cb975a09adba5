package main

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/s2s-nmt/s2s/corpora"
	"github.com/urfave/cli/v2"
)

// tokenizeArgs are the flags of s2s tokenize.
type tokenizeArgs struct {
	tokenizer string // a tokenizer.json
	pieces    bool   // print byte-level pieces instead of ids
	decode    bool   // read id lines, print text
}

func newTokenizeCommand() *cli.Command {
	var a tokenizeArgs
	return &cli.Command{
		Name:  "tokenize",
		Usage: "encode text lines to BPE ids (or pieces), or decode id lines to text",
		Description: "Reads standard input line by line and prints one line per input line:\n" +
			"the ids separated by spaces, the byte-level pieces with --pieces, or with --decode\n" +
			"the text of lines of ids.",
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "tokenizer", Usage: "a Hugging Face byte-level BPE `FILE` (e.g. runs/latest/tokenizer.src.json)", Destination: &a.tokenizer},
			&cli.BoolFlag{Name: "pieces", Usage: "print pieces instead of ids", Destination: &a.pieces},
			&cli.BoolFlag{Name: "decode", Usage: "turn lines of ids back into text", Destination: &a.decode},
		},
		Action: func(c *cli.Context) error {
			switch {
			case a.tokenizer == "":
				return usagef("tokenize needs --tokenizer FILE, e.g. --tokenizer runs/latest/tokenizer.src.json")
			case a.pieces && a.decode:
				return usagef("--pieces and --decode do not go together")
			case c.NArg() > 0:
				return usagef("tokenize reads standard input and takes no arguments (got %q)", c.Args().First())
			}
			return runTokenize(a, c.App.Reader, c.App.Writer)
		},
	}
}

// runTokenize streams in to out, one output line per input line.
func runTokenize(a tokenizeArgs, in io.Reader, out io.Writer) error {
	tok, err := corpora.Load(a.tokenizer)
	if err != nil {
		return err
	}
	r, w := bufio.NewReaderSize(in, 1<<16), bufio.NewWriter(out)
	var ids []int32
	for n := 1; ; n++ {
		line, rerr := r.ReadString('\n')
		if rerr != nil && !errors.Is(rerr, io.EOF) {
			return rerr
		}
		if rerr != nil && line == "" {
			break
		}
		line = strings.TrimSuffix(strings.TrimSuffix(line, "\n"), "\r")
		if err := tokenizeLine(w, tok, a, line, ids[:0]); err != nil {
			return fmt.Errorf("stdin:%d: %w", n, err)
		}
		if r.Buffered() == 0 {
			if err := w.Flush(); err != nil {
				return err
			}
		}
	}
	return w.Flush()
}

// tokenizeLine writes the output line for one input line.
func tokenizeLine(w *bufio.Writer, tok *corpora.Tokenizer, a tokenizeArgs, line string, ids []int32) error {
	if a.decode {
		for _, f := range strings.Fields(line) {
			id, err := strconv.ParseInt(f, 10, 32)
			if err != nil {
				return fmt.Errorf("%q is not an id", f)
			}
			ids = append(ids, int32(id))
		}
		text, err := tok.Decode(ids)
		if err != nil {
			return err
		}
		w.WriteString(text)
		return w.WriteByte('\n')
	}
	ids = tok.AppendEncode(ids, line)
	for i, id := range ids {
		if i > 0 {
			w.WriteByte(' ')
		}
		if a.pieces {
			w.WriteString(tok.Piece(id))
		} else {
			w.WriteString(strconv.Itoa(int(id)))
		}
	}
	return w.WriteByte('\n')
}
