// Package field is the error each config section's Validate reports for
// one key, so that package configs can place it at the key's line.
package field

// Error is one invalid value: Key is its path inside the section
// ("encoder.cell", "tokenizer.vocab_size"), Msg what is wrong with it.
type Error struct{ Key, Msg string }

// Field returns the key path inside the section.
func (e *Error) Field() string { return e.Key }

// Problem says what is wrong, without the key.
func (e *Error) Problem() string { return e.Msg }

func (e *Error) Error() string { return e.Key + ": " + e.Msg }

// OneOf lists allowed values for a message: "gru, lstm, rnn".
func OneOf[T ~string](values []T) string {
	s := ""
	for i, v := range values {
		if i > 0 {
			s += ", "
		}
		s += string(v)
	}
	return s
}
