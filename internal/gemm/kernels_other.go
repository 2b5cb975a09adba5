//go:build !amd64 || purego

package gemm

// configs32 and configs64 list the kernels this build can run: only the
// portable Go kernel outside amd64 (or with the purego tag).
func configs32() []*config[float32] { return []*config[float32]{generic32} }
func configs64() []*config[float64] { return []*config[float64]{generic64} }

// configsBF16 lists the bf16 kernels this build can run: the emulation.
func configsBF16() []*config[float32] { return []*config[float32]{bf16Emulated} }

// roundBF16Vec rounds nothing here: RoundBF16 rounds every element.
func roundBF16Vec(dst []uint16, src []float32) int { return 0 }

// pairBF16Vec does nothing here: pairPanels pairs every slot in Go.
func pairBF16Vec(dst []uint32, lo, hi []float32, w, panels, stride int) bool { return false }
