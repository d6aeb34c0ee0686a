package counterexamples

import (
	"context"
	"image"
	"image/color"
	"image/draw"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"
)

// TestE2ESVGInChromium renders the SVG of a counterexample in headless
// Chromium to a PNG and checks that the picture is not blank: enough
// non-white pixels, and the colours of transfers, markers and the cut.
// It runs only with SNAPCHECK_E2E=1 (make e2e installs Chromium); the
// browser is $CHROMIUM or chromium on the PATH. The SVG is the file
// $SNAPCHECK_E2E_SVG (make e2e writes it with snapcheck show), else the
// rendering of the lecture's late-markers counterexample.
func TestE2ESVGInChromium(t *testing.T) {
	if os.Getenv("SNAPCHECK_E2E") != "1" {
		t.Skip("set SNAPCHECK_E2E=1 (make e2e) to render in headless Chromium")
	}
	browser := os.Getenv("CHROMIUM")
	if browser == "" {
		var err error
		if browser, err = exec.LookPath("chromium"); err != nil {
			t.Fatalf("chromium not found (make e2e installs it): %v", err)
		}
	}
	dir := t.TempDir()
	svg := os.Getenv("SNAPCHECK_E2E_SVG")
	if svg == "" {
		tr, out := replayFile(t, "testdata/corpus/lecture-late-markers-conservation.trace.json")
		svg = filepath.Join(dir, "trace.svg")
		if err := os.WriteFile(svg, render(t, "svg", tr, out), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	svg, err := filepath.Abs(svg)
	if err != nil {
		t.Fatal(err)
	}
	pngPath := filepath.Join(dir, "trace.png")
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, browser, "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
		"--user-data-dir="+filepath.Join(dir, "profile"), "--screenshot="+pngPath, "--window-size=1400,900",
		"file://"+svg)
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("%s: %v\n%s", browser, err, b)
	}
	t.Logf("%s rendered to %s", svg, pngPath)
	f, err := os.Open(pngPath)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		t.Fatalf("decode %s: %v", pngPath, err)
	}
	st := pixelStats(img)
	t.Logf("%dx%d PNG: %d non-white pixels, %d blue, %d red, %d green", img.Bounds().Dx(), img.Bounds().Dy(), st.nonWhite, st.blue, st.red, st.green)
	total := img.Bounds().Dx() * img.Bounds().Dy()
	if st.nonWhite*100 < total { // under 1% drawn: blank
		t.Errorf("the PNG is blank: %d of %d pixels are not white", st.nonWhite, total)
	}
	for _, c := range []struct {
		name string
		n    int
	}{{"blue (transfers)", st.blue}, {"red (markers)", st.red}, {"green (cut)", st.green}} {
		if c.n < 50 {
			t.Errorf("only %d %s pixels", c.n, c.name)
		}
	}
}

type stats struct{ nonWhite, blue, red, green int }

func pixelStats(img image.Image) stats {
	var s stats
	b := img.Bounds()
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			r, g, bl, _ := img.At(x, y).RGBA()
			r, g, bl = r>>8, g>>8, bl>>8
			if r < 240 || g < 240 || bl < 240 {
				s.nonWhite++
			}
			switch {
			case bl > 150 && r < 90 && g > 90 && g < 160: // #1f77b4
				s.blue++
			case r > 180 && g < 80 && bl < 80: // #d62728
				s.red++
			case g > 130 && r < 90 && bl < 90: // #2ca02c
				s.green++
			}
		}
	}
	return s
}

// TestPixelStatsBlank makes sure the blank check can fail: a white picture
// has no drawn pixel, one with a blue, a red and a green square has them.
func TestPixelStatsBlank(t *testing.T) {
	img := image.NewRGBA(image.Rect(0, 0, 40, 40))
	draw.Draw(img, img.Bounds(), image.White, image.Point{}, draw.Src)
	if st := pixelStats(img); st != (stats{}) {
		t.Errorf("white picture: %+v", st)
	}
	for i, c := range []color.RGBA{{0x1f, 0x77, 0xb4, 255}, {0xd6, 0x27, 0x28, 255}, {0x2c, 0xa0, 0x2c, 255}} {
		draw.Draw(img, image.Rect(i*10, 0, i*10+10, 10), image.NewUniform(c), image.Point{}, draw.Src)
	}
	if st := pixelStats(img); st != (stats{nonWhite: 300, blue: 100, red: 100, green: 100}) {
		t.Errorf("three squares: %+v", st)
	}
}
