package viz

import (
	"bytes"
	"image/png"
	"os"
	"testing"
)

// checkPNG decodes data as PNG and checks its size; with VIZ_KEEP set it
// also writes the image there, to look at.
func checkPNG(t *testing.T, data []byte, width, height int) {
	t.Helper()
	img, err := png.Decode(bytes.NewReader(data))
	if err != nil {
		t.Fatalf("not a PNG: %v", err)
	}
	if b := img.Bounds(); b.Dx() != width || b.Dy() != height {
		t.Errorf("image %d×%d, want %d×%d", b.Dx(), b.Dy(), width, height)
	}
	if dir := os.Getenv("VIZ_KEEP"); dir != "" {
		os.WriteFile(dir+"/"+sanitize(t.Name())+".png", data, 0o644)
	}
}

func sanitize(s string) string {
	return string(bytes.Map(func(r rune) rune {
		if r == '/' || r == ' ' {
			return '_'
		}
		return r
	}, []byte(s)))
}
