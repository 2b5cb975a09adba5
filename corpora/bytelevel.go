package corpora

import (
	"unicode"
	"unicode/utf8"
)

// byteToRune is GPT-2's bytes_to_unicode map: printable bytes map to
// themselves, the others to the runes U+0100 onwards, in byte order.
var byteToRune [256]rune

// runeToByte inverts byteToRune; ok is false for runes outside the map.
var runeToByte = map[rune]byte{}

func init() {
	n := 0
	for b := 0; b < 256; b++ {
		if printableByte(byte(b)) {
			byteToRune[b] = rune(b)
		} else {
			byteToRune[b] = rune(256 + n)
			n++
		}
		runeToByte[byteToRune[b]] = byte(b)
	}
}

// printableByte reports whether GPT-2 keeps byte b as its own rune:
// '!'..'~', '¡'..'¬' and '®'..'ÿ' (the top of the byte range).
func printableByte(b byte) bool {
	return ('!' <= b && b <= '~') || (0xA1 <= b && b <= 0xAC) || 0xAE <= b
}

// byteLevel returns the byte-level string of raw bytes s, one rune per byte.
func byteLevel(s string) string {
	buf := make([]byte, 0, 2*len(s))
	for i := 0; i < len(s); i++ {
		buf = utf8.AppendRune(buf, byteToRune[s[i]])
	}
	return string(buf)
}

// fromByteLevel maps a byte-level string back to raw bytes; ok is false if
// it holds a rune outside the map.
func fromByteLevel(dst []byte, s string) ([]byte, bool) {
	for _, r := range s {
		b, ok := runeToByte[r]
		if !ok {
			return dst, false
		}
		dst = append(dst, b)
	}
	return dst, true
}

// Character classes of GPT-2's pre-tokenizer regex.
const (
	clsOther = iota // [^\s\p{L}\p{N}]
	clsLetter
	clsNumber
	clsSpace
)

// class returns the class of the rune at s[i:] and its width in bytes. An
// invalid byte is a one-byte "other".
func class(s string, i int) (int, int) {
	c := s[i]
	if c < utf8.RuneSelf {
		return asciiClass[c], 1
	}
	r, w := utf8.DecodeRuneInString(s[i:])
	switch {
	case r == utf8.RuneError && w == 1:
		return clsOther, 1
	case unicode.IsSpace(r):
		return clsSpace, w
	case unicode.IsLetter(r):
		return clsLetter, w
	case unicode.IsNumber(r):
		return clsNumber, w
	}
	return clsOther, w
}

var asciiClass [utf8.RuneSelf]int

func init() {
	for c := 0; c < utf8.RuneSelf; c++ {
		r := rune(c)
		switch {
		case unicode.IsSpace(r):
			asciiClass[c] = clsSpace
		case unicode.IsLetter(r):
			asciiClass[c] = clsLetter
		case unicode.IsNumber(r):
			asciiClass[c] = clsNumber
		default:
			asciiClass[c] = clsOther
		}
	}
}
