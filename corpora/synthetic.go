package corpora

import (
	"fmt"
	"math/rand/v2"
	"time"
)

// Pair is one sentence pair of raw text.
type Pair struct{ Src, Tgt string }

// SyntheticCorpus is a generated corpus, split three ways.
type SyntheticCorpus struct {
	Train, Dev, Test []Pair
}

// The sizes of the numbers-en-ru splits.
const (
	NumbersTrain = 50000
	NumbersDev   = 1000
	NumbersTest  = 1000
)

var (
	enMonths = [...]string{"January", "February", "March", "April", "May", "June", "July",
		"August", "September", "October", "November", "December"}
	ruMonthsGen = [...]string{"января", "февраля", "марта", "апреля", "мая", "июня", "июля",
		"августа", "сентября", "октября", "ноября", "декабря"}
)

// EnglishDate writes a date as "March 5, 2021".
func EnglishDate(year int, month time.Month, day int) string {
	return fmt.Sprintf("%s %d, %d", enMonths[month-1], day, year)
}

// RussianDate writes a date as "5 марта 2021 года".
func RussianDate(year int, month time.Month, day int) string {
	return fmt.Sprintf("%d %s %d года", day, ruMonthsGen[month-1], year)
}

// NumbersEnRuCorpus generates numbers-en-ru from seed: 50,000 train, 1,000
// dev and 1,000 test pairs, all distinct, so no pair is in two splits. Even
// draws are cardinal numbers, the range 0–99, 100–999 or 1,000–999,999
// chosen evenly, then a number in it; odd draws are dates 1900–2099 with a
// valid day. A draw already taken is drawn again, so once the 1,000 numbers
// below 1,000 are used up the small ranges give way to the large one. The
// pairs are shuffled before the split.
func NumbersEnRuCorpus(seed uint64) SyntheticCorpus {
	rng := rand.New(rand.NewPCG(seed, 0x6e756d6265727321))
	total := NumbersTrain + NumbersDev + NumbersTest
	seen := make(map[string]bool, total)
	pairs := make([]Pair, 0, total)
	for len(pairs) < total {
		var p Pair
		if len(pairs)%2 == 0 {
			p = drawNumber(rng)
		} else {
			p = drawDate(rng)
		}
		if !seen[p.Src] {
			seen[p.Src] = true
			pairs = append(pairs, p)
		}
	}
	rng.Shuffle(len(pairs), func(i, j int) { pairs[i], pairs[j] = pairs[j], pairs[i] })
	return SyntheticCorpus{
		Train: pairs[:NumbersTrain],
		Dev:   pairs[NumbersTrain : NumbersTrain+NumbersDev],
		Test:  pairs[NumbersTrain+NumbersDev:],
	}
}

func drawNumber(rng *rand.Rand) Pair {
	var n int
	switch rng.IntN(3) {
	case 0:
		n = rng.IntN(100)
	case 1:
		n = 100 + rng.IntN(900)
	default:
		n = 1000 + rng.IntN(999000)
	}
	return Pair{EnglishNumber(n), RussianNumber(n)}
}

func drawDate(rng *rand.Rand) Pair {
	year := 1900 + rng.IntN(200)
	month := time.Month(1 + rng.IntN(12))
	days := time.Date(year, month+1, 0, 0, 0, 0, 0, time.UTC).Day()
	day := 1 + rng.IntN(days)
	return Pair{EnglishDate(year, month, day), RussianDate(year, month, day)}
}
