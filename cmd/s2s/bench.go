package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"
	"runtime"
	"runtime/pprof"
	"slices"
	"strconv"
	"strings"

	"github.com/s2s-nmt/s2s/internal/cell"
	"github.com/s2s-nmt/s2s/internal/gemm"
	"github.com/s2s-nmt/s2s/model"
	"github.com/s2s-nmt/s2s/train"
	"github.com/s2s-nmt/s2s/translate"
	"github.com/urfave/cli/v2"
)

// benchArgs are the arguments of s2s bench.
type benchArgs struct {
	shape, mode, cell string
	beam, threads     int
	steps, warmup     int
	perThread         bool
	cpuprofile        string
	precision         string
}

func newBenchCommand() *cli.Command {
	var a benchArgs
	return &cli.Command{
		Name:  "bench",
		Usage: "time training or decoding of the PyTorch reference model on random data",
		Description: "Builds the PyTorch reference model (bi-GRU/LSTM encoder, tanh bridge, Bahdanau attention, attentional\n" +
			"vector, output without bias) with random weights and data, and prints one JSON line: tokens_per_s\n" +
			"(train: target tokens) or sentences_per_s (decode: batch 32, source length 20, 40 steps, EOS never\n" +
			"chosen; with --threads N, the batch split among N searchers, as the PyTorch reference decodes one batch on N\n" +
			"threads, or with --batches-per-thread N batches at once, as s2s translate decodes them), params, flop_per_token,\n" +
			"gflops, peak_rss_mb and the spread of the timed steps. Decoding with --precision int8 also prints\n" +
			"fp32_sentences_per_s (the same batches in fp32, alternating with int8's), int8_speedup and quantize_ms.\n" +
			"Training with --precision bf16 also prints fp32_tokens_per_s (the same steps on a second copy of the model\n" +
			"in fp32, alternating with bf16's), bf16_speedup and kernel_bf16.",
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "shape", Value: "base", Usage: "base or small", Destination: &a.shape},
			&cli.StringFlag{Name: "mode", Value: "train", Usage: "train or decode", Destination: &a.mode},
			&cli.StringFlag{Name: "cell", Value: "gru", Usage: "gru or lstm", Destination: &a.cell},
			&cli.IntFlag{Name: "beam", Value: 5, Usage: "decode: beam size (1 = greedy)", Destination: &a.beam},
			&cli.IntFlag{Name: "threads", Value: 1, Usage: "cores: data-parallel workers (train) or searchers sharing the batch (decode)", Destination: &a.threads},
			&cli.BoolFlag{Name: "batches-per-thread", Usage: "decode: each searcher decodes a batch of its own, as s2s translate --threads (time per batch: the round's divided by --threads)", Destination: &a.perThread},
			&cli.IntFlag{Name: "steps", Value: 10, Usage: "timed steps (train) or batches (decode)", Destination: &a.steps},
			&cli.IntFlag{Name: "warmup", Value: 3, Usage: "untimed steps first", Destination: &a.warmup},
			&cli.StringFlag{Name: "precision", Value: "fp32", Usage: "fp32; decode: int8, train: bf16 (timed against fp32, alternating)", Destination: &a.precision},
			&cli.StringFlag{Name: "cpuprofile", Usage: "write a pprof CPU profile of the whole run to this file", Destination: &a.cpuprofile},
		},
		Action: func(c *cli.Context) error {
			return runBench(a)
		},
	}
}

func runBench(a benchArgs) error {
	sh, err := model.RefShapeNamed(a.shape)
	if err != nil {
		return usagef("--shape: %v", err)
	}
	kind := cell.Kind(a.cell)
	if kind != cell.GRU && kind != cell.LSTM {
		return usagef("--cell %q: must be gru or lstm", a.cell)
	}
	if a.threads < 1 || a.steps < 1 || a.warmup < 0 || a.beam < 1 {
		return usagef("--threads, --steps and --beam must be ≥ 1, --warmup ≥ 0")
	}
	switch {
	case a.precision == "fp32":
	case a.precision == "int8" && a.mode == "decode":
	case a.precision == "bf16" && a.mode == "train":
	default:
		return usagef("--precision %q: must be fp32, int8 with --mode decode, or bf16 with --mode train", a.precision)
	}
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(a.threads))
	if a.cpuprofile != "" {
		f, err := os.Create(a.cpuprofile)
		if err != nil {
			return err
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			return err
		}
		defer pprof.StopCPUProfile()
	}
	out := map[string]any{"mode": a.mode, "shape": a.shape, "cell": a.cell, "threads": a.threads,
		"kernel": gemm.Kernel(), "steps": a.steps, "warmup": a.warmup}
	switch a.mode {
	case "train":
		r, err := train.Bench(train.BenchOptions{Shape: sh, Cell: kind, Threads: a.threads,
			Warmup: a.warmup, Steps: a.steps, Seed: 1234, Precision: train.Precision(a.precision)})
		if err != nil {
			return err
		}
		med := spread(out, r.StepSeconds, "step_s")
		toks := float64(r.TokensPerStep)
		out["precision"] = a.precision
		if len(r.FP32Seconds) > 0 {
			fp := spread(out, r.FP32Seconds, "fp32_step_s")
			out["fp32_tokens_per_s"], out["bf16_speedup"] = toks/fp, fp/med
			out["fp32_last_loss"], out["kernel_bf16"] = r.FP32Loss, gemm.KernelBF16()
		}
		out["params"], out["tokens_per_s"] = r.Params, toks/med
		out["flop_per_token"], out["gflops"] = r.FlopPerStep/toks, r.FlopPerStep/med/1e9
		out["last_loss"] = r.Loss
	case "decode":
		// N searchers, each on one goroutine (Gemm runs on its caller's),
		// share the batch as the reference's N threads do, or
		// (--batches-per-thread) decode a batch each as s2s translate does.
		const batch, srcLen, steps = 32, 20, 40
		r, err := translate.Bench(translate.BenchOptions{Shape: sh, Cell: kind, Beam: a.beam,
			Batch: batch, SrcLen: srcLen, Steps: steps, Warmup: a.warmup, Batches: a.steps, Workers: a.threads, PerWorker: a.perThread, Seed: 1234,
			Precision: translate.Precision(a.precision)})
		if err != nil {
			return err
		}
		med := spread(out, r.BatchSeconds, "batch_s")
		out["precision"] = a.precision
		if len(r.FP32Seconds) > 0 {
			fp := spread(out, r.FP32Seconds, "fp32_batch_s")
			out["fp32_sentences_per_s"], out["int8_speedup"] = batch/fp, fp/med
			out["quantize_ms"], out["kernel_int8"] = r.QuantizeSeconds*1e3, gemm.KernelInt8()
		}
		out["params"], out["beam"], out["sentences_per_s"] = r.Params, a.beam, batch/med
		out["searchers"], out["batches_per_thread"] = a.threads, a.perThread
		out["flop_per_token"] = r.FlopPerBatch / (batch * steps)
		out["gflops"], out["out_tokens"] = r.FlopPerBatch/med/1e9, r.OutTokens
	default:
		return usagef("--mode %q: must be train or decode", a.mode)
	}
	out["peak_rss_mb"] = peakRSSMB()
	line, err := json.Marshal(out)
	if err != nil {
		return err
	}
	fmt.Println(string(line))
	return nil
}

// spread records the median, mean, min and max of times under prefix
// and returns the median.
func spread(out map[string]any, times []float64, prefix string) float64 {
	s := slices.Clone(times)
	slices.Sort(s)
	n := len(s)
	med := s[n/2]
	if n%2 == 0 {
		med = (s[n/2-1] + s[n/2]) / 2
	}
	var sum float64
	for _, v := range s {
		sum += v
	}
	out[prefix+"_median"], out[prefix+"_mean"] = med, sum/float64(n)
	out[prefix+"_min"], out[prefix+"_max"] = s[0], s[n-1]
	return med
}

// peakRSSMB returns the process's peak resident set size (VmHWM) in MiB,
// or 0 where /proc/self/status has none.
func peakRSSMB() float64 {
	f, err := os.Open("/proc/self/status")
	if err != nil {
		return 0
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if rest, ok := strings.CutPrefix(sc.Text(), "VmHWM:"); ok {
			kb, err := strconv.ParseFloat(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 64)
			if err != nil {
				return 0
			}
			return kb / 1024
		}
	}
	return 0
}
