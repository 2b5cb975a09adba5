package corpora

import "strings"

var (
	enOnes = [...]string{"zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine",
		"ten", "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen"}
	enTens = [...]string{"", "", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"}

	ruOnes = [...]string{"ноль", "один", "два", "три", "четыре", "пять", "шесть", "семь", "восемь", "девять",
		"десять", "одиннадцать", "двенадцать", "тринадцать", "четырнадцать", "пятнадцать", "шестнадцать",
		"семнадцать", "восемнадцать", "девятнадцать"}
	ruTens     = [...]string{"", "", "двадцать", "тридцать", "сорок", "пятьдесят", "шестьдесят", "семьдесят", "восемьдесят", "девяносто"}
	ruHundreds = [...]string{"", "сто", "двести", "триста", "четыреста", "пятьсот", "шестьсот", "семьсот", "восемьсот", "девятьсот"}
)

// EnglishNumber spells n (0 ≤ n ≤ 999,999) in lower-case British English
// without hyphens: "and" before the last two digits after a hundred or a
// thousand ("one hundred and five", "two thousand and twenty one").
func EnglishNumber(n int) string {
	if n == 0 {
		return "zero"
	}
	var w []string
	if th := n / 1000; th > 0 {
		w = append(w, enBelow1000(th)...)
		w = append(w, "thousand")
	}
	if r := n % 1000; r > 0 {
		if r < 100 && n >= 1000 {
			w = append(w, "and")
		}
		w = append(w, enBelow1000(r)...)
	}
	return strings.Join(w, " ")
}

// enBelow1000 spells 1 ≤ n ≤ 999.
func enBelow1000(n int) []string {
	var w []string
	if h := n / 100; h > 0 {
		w = append(w, enOnes[h], "hundred")
		if n%100 > 0 {
			w = append(w, "and")
		}
	}
	if r := n % 100; r >= 20 {
		w = append(w, enTens[r/10])
		if r%10 > 0 {
			w = append(w, enOnes[r%10])
		}
	} else if r > 0 {
		w = append(w, enOnes[r])
	}
	return w
}

// RussianNumber spells n (0 ≤ n ≤ 999,999) in Russian, nominative, with
// тысяча agreeing in gender and number ("одна тысяча", "две тысячи",
// "пять тысяч", "двадцать одна тысяча").
func RussianNumber(n int) string {
	if n == 0 {
		return ruOnes[0]
	}
	var w []string
	if th := n / 1000; th > 0 {
		w = append(w, ruBelow1000(th, true)...)
		w = append(w, thousandForm(th))
	}
	if r := n % 1000; r > 0 {
		w = append(w, ruBelow1000(r, false)...)
	}
	return strings.Join(w, " ")
}

// ruBelow1000 spells 1 ≤ n ≤ 999; feminine gives одна and две for 1 and 2.
func ruBelow1000(n int, feminine bool) []string {
	var w []string
	if h := n / 100; h > 0 {
		w = append(w, ruHundreds[h])
	}
	r := n % 100
	if r >= 20 {
		w = append(w, ruTens[r/10])
		r %= 10
	}
	switch {
	case r == 0:
	case feminine && r == 1:
		w = append(w, "одна")
	case feminine && r == 2:
		w = append(w, "две")
	default:
		w = append(w, ruOnes[r])
	}
	return w
}

// thousandForm is тысяча, тысячи or тысяч as the count n requires.
func thousandForm(n int) string {
	switch d := n % 10; {
	case n%100 >= 11 && n%100 <= 14:
		return "тысяч"
	case d == 1:
		return "тысяча"
	case d >= 2 && d <= 4:
		return "тысячи"
	}
	return "тысяч"
}
