package viz

import (
	"fmt"
	"unicode/utf8"
)

// perRune returns the characters of text and one activation row per
// character. acts has either one row per rune of text, or one row per byte
// (a byte-level model): then a character takes the row of its last byte,
// the state once the whole character has been read. It panics if acts has
// neither length or its rows differ in length.
func perRune(text string, acts [][]float32) ([]rune, [][]float32) {
	rs := []rune(text)
	checkRows(acts)
	switch len(acts) {
	case len(rs):
		return rs, acts
	case len(text):
		rows := make([][]float32, 0, len(rs))
		for i, r := range text {
			rows = append(rows, acts[i+utf8.RuneLen(r)-1])
		}
		return rs, rows
	}
	panic(fmt.Sprintf("viz: %d activation rows for a text of %d runes and %d bytes", len(acts), len(rs), len(text)))
}

// checkRows panics unless every row of acts has the same length.
func checkRows(acts [][]float32) {
	for i, row := range acts {
		if len(row) != len(acts[0]) {
			panic(fmt.Sprintf("viz: activation row %d has %d cells, row 0 has %d", i, len(row), len(acts[0])))
		}
	}
}

// cells returns H, the number of cells in acts (0 for no rows).
func cells(acts [][]float32) int {
	if len(acts) == 0 {
		return 0
	}
	return len(acts[0])
}
