package laiyang_test

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/snapcheck/snapcheck/counterexamples"
)

// readmeSection is the README section whose program TestReadmeProgram runs.
const readmeSection = "## Check your own algorithm"

// fenced returns the body of the first code block fenced with "```"+lang
// in text, and the text after it.
func fenced(text, lang string) (body, rest string, err error) {
	open := "```" + lang + "\n"
	i := strings.Index(text, open)
	if i < 0 {
		return "", "", fmt.Errorf("no %q block", open)
	}
	text = text[i+len(open):]
	j := strings.Index(text, "\n```")
	if j < 0 {
		return "", "", fmt.Errorf("%q block is not closed", open)
	}
	return text[:j+1], text[j+4:], nil
}

// readmeProgram extracts the section's Go program and the output the
// README says it prints.
func readmeProgram(readme string) (program, output string, err error) {
	i := strings.Index(readme, "\n"+readmeSection+"\n")
	if i < 0 {
		return "", "", fmt.Errorf("README has no section %q", readmeSection)
	}
	section := readme[i+1:]
	if j := strings.Index(section[len(readmeSection):], "\n## "); j >= 0 {
		section = section[:len(readmeSection)+j+1]
	}
	program, rest, err := fenced(section, "go")
	if err != nil {
		return "", "", err
	}
	output, _, err = fenced(rest, "text")
	if err != nil {
		return "", "", err
	}
	return program, output, nil
}

// TestReadmeProgram pastes the README's "Check your own algorithm" program
// into a fresh module that depends on snapcheck through a replace
// directive, runs it with go run, and compares what it prints with the
// output the README shows. The traces it writes must parse.
func TestReadmeProgram(t *testing.T) {
	root, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	readme, err := os.ReadFile(filepath.Join(root, "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	program, want, err := readmeProgram(string(readme))
	if err != nil {
		t.Fatalf("README.md: %v", err)
	}
	goTool, err := exec.LookPath("go")
	if err != nil {
		t.Fatalf("the go command is needed to run the README's program: %v", err)
	}

	dir := t.TempDir()
	gomod := fmt.Sprintf("module example.com/mycheck\n\ngo 1.26\n\nrequire github.com/snapcheck/snapcheck v0.0.0\n\nreplace github.com/snapcheck/snapcheck => %s\n", root)
	sum, err := os.ReadFile(filepath.Join(root, "go.sum"))
	if err != nil {
		t.Fatal(err)
	}
	for name, data := range map[string][]byte{"go.mod": []byte(gomod), "go.sum": sum, "main.go": []byte(program)} {
		if err := os.WriteFile(filepath.Join(dir, name), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}

	cmd := exec.Command(goTool, "run", ".")
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GOFLAGS=-mod=mod", "GOWORK=off")
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("go run of the README's program: %v\n%s", err, stderr.String())
	}
	if got := stdout.String(); got != want {
		t.Fatalf("the README's program prints\n%s\nbut the README says\n%s", got, want)
	}

	traces, err := filepath.Glob(filepath.Join(dir, "traces", "*.trace.json"))
	if err != nil || len(traces) == 0 {
		t.Fatalf("the README's program wrote no trace (%v)", err)
	}
	for _, path := range traces {
		tr, err := counterexamples.ReadFile(path)
		if err != nil {
			t.Errorf("%s: %v", filepath.Base(path), err)
			continue
		}
		if tr.Algorithm != "my-chandy-lamport" || tr.Property == "" || len(tr.Events) == 0 {
			t.Errorf("%s: algorithm %q, property %q, %d events", filepath.Base(path), tr.Algorithm, tr.Property, len(tr.Events))
		}
	}
}

// TestReadmeProgramExtraction checks the extraction on a small document, so
// that a README reshuffle fails with a clear message rather than running
// the wrong code.
func TestReadmeProgramExtraction(t *testing.T) {
	doc := "# x\n\n```go\nnot this\n```\n\n" + readmeSection + "\n\ntext\n\n```go\npackage main\n```\n\nprints\n\n```text\nhello\n```\n\n## Next\n\n```text\nnot this\n```\n"
	program, output, err := readmeProgram(doc)
	if err != nil {
		t.Fatal(err)
	}
	if program != "package main\n" || output != "hello\n" {
		t.Fatalf("program %q, output %q", program, output)
	}
	if _, _, err := readmeProgram("# x\n\n" + readmeSection + "\n\nno code\n\n## Next\n\n```go\nx\n```\n"); err == nil {
		t.Fatal("a section without a program was accepted")
	}
}
