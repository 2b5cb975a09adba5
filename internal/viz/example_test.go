package viz_test

import (
	"bytes"
	"fmt"
	"image/png"
	"math"
	"strings"

	"github.com/s2s-nmt/s2s/internal/viz"
)

func ExampleCurves() {
	nan := math.NaN()
	events := []viz.Event{
		{Event: "train", Step: 100, Loss: 5.2, BLEU: nan},
		{Event: "train", Step: 200, Loss: 4.1, BLEU: nan},
		{Event: "valid", Step: 200, Loss: 4.3, BLEU: 7.5},
		{Event: "train", Step: 300, Loss: 3.6, BLEU: nan},
		{Event: "valid", Step: 300, Loss: 3.9, BLEU: 11.0},
	}
	var buf bytes.Buffer
	if err := viz.Curves(&buf, events, viz.CurvesOptions{Width: 800, Height: 500}); err != nil {
		fmt.Println(err)
		return
	}
	img, _ := png.Decode(&buf)
	fmt.Println(img.Bounds().Size())
	// Output: (800,500)
}

func ExampleHeatmap() {
	src := strings.Fields("good morning !")
	tgt := strings.Fields("bonjour !")
	weights := [][]float64{ // (T=2, S=3)
		{0.6, 0.3, 0.1},
		{0.1, 0.2, 0.7},
	}
	var buf bytes.Buffer
	if err := viz.Heatmap(&buf, weights, src, tgt, viz.HeatmapOptions{}); err != nil {
		fmt.Println(err)
		return
	}
	img, _ := png.Decode(&buf)
	w, h := viz.HeatmapSize(src, tgt)
	fmt.Println(img.Bounds().Size(), w, h)
	// Output: (240,240) 240 240
}

func ExampleNeuronPage() {
	text := "a \"b\"\n"
	acts := [][]float32{{-1}, {0}, {0.5}, {1}, {0.2}, {0}} // (N=6, H=1): one row per character
	var page bytes.Buffer
	if err := viz.NeuronPage(&page, text, acts, viz.NeuronOptions{Title: "demo"}); err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(strings.Contains(page.String(), `<span>&#34;</span>`), strings.Contains(page.String(), "↵"))
	// Output: true true
}
