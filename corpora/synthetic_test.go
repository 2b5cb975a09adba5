package corpora

import (
	"strings"
	"testing"
	"time"
)

// TestNumbers checks the generator against hand-checked spellings.
func TestNumbers(t *testing.T) {
	tests := []struct {
		n      int
		en, ru string
	}{
		{0, "zero", "ноль"},
		{7, "seven", "семь"},
		{13, "thirteen", "тринадцать"},
		{42, "forty two", "сорок два"},
		{100, "one hundred", "сто"},
		{105, "one hundred and five", "сто пять"},
		{240, "two hundred and forty", "двести сорок"},
		{999, "nine hundred and ninety nine", "девятьсот девяносто девять"},
		{1000, "one thousand", "одна тысяча"},
		{1001, "one thousand and one", "одна тысяча один"},
		{2000, "two thousand", "две тысячи"},
		{2021, "two thousand and twenty one", "две тысячи двадцать один"},
		{1234, "one thousand two hundred and thirty four", "одна тысяча двести тридцать четыре"},
		{3400, "three thousand four hundred", "три тысячи четыреста"},
		{4002, "four thousand and two", "четыре тысячи два"},
		{5000, "five thousand", "пять тысяч"},
		{11000, "eleven thousand", "одиннадцать тысяч"},
		{12000, "twelve thousand", "двенадцать тысяч"},
		{14500, "fourteen thousand five hundred", "четырнадцать тысяч пятьсот"},
		{21000, "twenty one thousand", "двадцать одна тысяча"},
		{22222, "twenty two thousand two hundred and twenty two", "двадцать две тысячи двести двадцать два"},
		{40000, "forty thousand", "сорок тысяч"},
		{101000, "one hundred and one thousand", "сто одна тысяча"},
		{105006, "one hundred and five thousand and six", "сто пять тысяч шесть"},
		{111111, "one hundred and eleven thousand one hundred and eleven", "сто одиннадцать тысяч сто одиннадцать"},
		{312000, "three hundred and twelve thousand", "триста двенадцать тысяч"},
		{544321, "five hundred and forty four thousand three hundred and twenty one", "пятьсот сорок четыре тысячи триста двадцать один"},
		{999999, "nine hundred and ninety nine thousand nine hundred and ninety nine", "девятьсот девяносто девять тысяч девятьсот девяносто девять"},
	}
	for _, tt := range tests {
		if got := EnglishNumber(tt.n); got != tt.en {
			t.Errorf("EnglishNumber(%d) = %q, want %q", tt.n, got, tt.en)
		}
		if got := RussianNumber(tt.n); got != tt.ru {
			t.Errorf("RussianNumber(%d) = %q, want %q", tt.n, got, tt.ru)
		}
	}
}

func TestDates(t *testing.T) {
	tests := []struct {
		y      int
		m      time.Month
		d      int
		en, ru string
	}{
		{2021, time.March, 5, "March 5, 2021", "5 марта 2021 года"},
		{1900, time.January, 31, "January 31, 1900", "31 января 1900 года"},
		{2000, time.February, 29, "February 29, 2000", "29 февраля 2000 года"},
		{2099, time.May, 1, "May 1, 2099", "1 мая 2099 года"},
		{1999, time.August, 20, "August 20, 1999", "20 августа 1999 года"},
	}
	for _, tt := range tests {
		if got := EnglishDate(tt.y, tt.m, tt.d); got != tt.en {
			t.Errorf("EnglishDate = %q, want %q", got, tt.en)
		}
		if got := RussianDate(tt.y, tt.m, tt.d); got != tt.ru {
			t.Errorf("RussianDate = %q, want %q", got, tt.ru)
		}
	}
}

func TestNumbersEnRuCorpus(t *testing.T) {
	c := NumbersEnRuCorpus(1)
	if len(c.Train) != NumbersTrain || len(c.Dev) != NumbersDev || len(c.Test) != NumbersTest {
		t.Fatalf("sizes %d/%d/%d", len(c.Train), len(c.Dev), len(c.Test))
	}
	seen := map[string]string{}
	for name, split := range map[string][]Pair{"train": c.Train, "dev": c.Dev, "test": c.Test} {
		for _, p := range split {
			if prev, ok := seen[p.Src]; ok {
				t.Fatalf("%q is in %s and %s", p.Src, prev, name)
			}
			seen[p.Src] = name
		}
	}
	again := NumbersEnRuCorpus(1)
	if again.Test[7] != c.Test[7] || again.Train[123] != c.Train[123] {
		t.Error("the same seed gave a different corpus")
	}
	if NumbersEnRuCorpus(2).Train[0] == c.Train[0] {
		t.Error("another seed gave the same corpus")
	}
	dates := 0
	for _, p := range c.Train {
		if strings.HasSuffix(p.Tgt, " года") {
			dates++
		}
	}
	if dates < NumbersTrain*45/100 || dates > NumbersTrain*55/100 {
		t.Errorf("%d of %d training pairs are dates, want about half", dates, NumbersTrain)
	}
}
