// Command testreport reads `go test -json` on stdin and prints what a person
// reading a CI log needs: each package's result as it finishes, the output of
// every failed test, the packages that ran out of time (go test's -timeout
// panic) named as such, each package's duration and the total, and a closing
// line "N passed, N failed, N skipped" (tests and subtests). It exits 1 when
// a test, a package or a build failed.
//
// Usage (from .ci/run):
//
//	go test -race -json -timeout 5m ./... | go run ./.ci/testreport -budget 3m
package main

import (
	"bufio"
	"cmp"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"
	"time"
)

// event is one line of `go test -json` (cmd/test2json).
type event struct {
	Action     string
	Package    string
	Test       string
	Output     string
	ImportPath string // build-output, build-fail
	Elapsed    float64
}

type pkg struct {
	name     string
	out      []string            // package-level output
	tests    map[string][]string // output per test (and subtest)
	elapsed  float64
	done     bool
	failed   bool
	timedOut string // the panic line, when go test's -timeout fired
}

type report struct {
	w                       io.Writer
	pkgs                    map[string]*pkg
	builds                  map[string][]string
	passed, failed, skipped int
	skips                   []string
	failures                []string
}

func main() {
	budget := flag.Duration("budget", 0, "warn about every package that took longer (0: no warning)")
	flag.Parse()
	start := time.Now()
	r := &report{w: os.Stdout, pkgs: map[string]*pkg{}, builds: map[string][]string{}}
	sc := bufio.NewScanner(os.Stdin)
	sc.Buffer(make([]byte, 1<<20), 64<<20)
	for sc.Scan() {
		line := sc.Text()
		var e event
		if !strings.HasPrefix(line, "{") || json.Unmarshal([]byte(line), &e) != nil {
			fmt.Fprintln(r.w, line) // not an event: go's own messages
			continue
		}
		r.event(e)
	}
	if err := sc.Err(); err != nil {
		fmt.Fprintf(r.w, "testreport: reading go test's output: %v\n", err)
		os.Exit(1)
	}
	if !r.summary(time.Since(start), *budget) {
		os.Exit(1)
	}
}

// noTests reports whether go test said the package has no test files.
func (p *pkg) noTests() bool {
	for _, l := range p.out {
		if strings.Contains(l, "[no test files]") {
			return true
		}
	}
	return false
}

func (r *report) pkg(name string) *pkg {
	p := r.pkgs[name]
	if p == nil {
		p = &pkg{name: name, tests: map[string][]string{}}
		r.pkgs[name] = p
	}
	return p
}

func (r *report) event(e event) {
	switch e.Action {
	case "build-output":
		r.builds[e.ImportPath] = append(r.builds[e.ImportPath], e.Output)
		return
	case "build-fail":
		fmt.Fprintf(r.w, "BUILD FAILED %s\n%s", e.ImportPath, strings.Join(r.builds[e.ImportPath], ""))
		r.failures = append(r.failures, "build of "+e.ImportPath)
		return
	}
	if e.Package == "" {
		return
	}
	p := r.pkg(e.Package)
	if e.Action == "output" && strings.Contains(e.Output, "panic: test timed out after") {
		p.timedOut = strings.TrimSpace(e.Output)
	}
	if e.Test == "" {
		switch e.Action {
		case "output":
			p.out = append(p.out, e.Output)
			if strings.HasPrefix(e.Output, "ok ") || strings.HasPrefix(e.Output, "?") ||
				strings.HasPrefix(e.Output, "FAIL\t") || strings.HasPrefix(e.Output, "FAIL ") {
				fmt.Fprint(r.w, e.Output)
			}
		case "pass", "skip":
			p.done, p.elapsed = true, e.Elapsed
		case "fail":
			p.done, p.elapsed, p.failed = true, e.Elapsed, true
			r.packageFailed(p)
		}
		return
	}
	switch e.Action {
	case "output":
		p.tests[e.Test] = append(p.tests[e.Test], e.Output)
	case "pass":
		r.passed++
		r.forget(p, e.Test)
	case "skip":
		r.skipped++
		if !strings.Contains(e.Test, "/") {
			r.skips = append(r.skips, fmt.Sprintf("%s %s: %s", short(e.Package), e.Test, skipReason(p.tests[e.Test])))
		}
		r.forget(p, e.Test)
	case "fail":
		r.failed++
		if !strings.Contains(e.Test, "/") { // a subtest's output prints with its parent
			fmt.Fprintf(r.w, "--- FAIL: %s %s (%.2fs)\n", short(e.Package), e.Test, e.Elapsed)
			for _, name := range sortedKeys(p.tests) {
				if name == e.Test || strings.HasPrefix(name, e.Test+"/") {
					fmt.Fprint(r.w, indent(p.tests[name]))
				}
			}
			r.failures = append(r.failures, short(e.Package)+" "+e.Test)
			r.forget(p, e.Test)
		}
	}
}

// forget drops a finished test's output unless a parent may still print it.
func (r *report) forget(p *pkg, test string) {
	if !strings.Contains(test, "/") {
		for name := range p.tests {
			if name == test || strings.HasPrefix(name, test+"/") {
				delete(p.tests, name)
			}
		}
	}
}

func (r *report) packageFailed(p *pkg) {
	if p.timedOut != "" {
		fmt.Fprintf(r.w, "=== TIMEOUT: package %s ran out of time (%s) after %.0fs\n", p.name, p.timedOut, p.elapsed)
		// The tests still running when the timer fired are listed in the
		// panic message, with their output so far.
		for _, name := range sortedKeys(p.tests) {
			fmt.Fprintf(r.w, "--- still running: %s\n%s", name, indent(tail(p.tests[name], 40)))
			if !strings.Contains(name, "/") {
				r.failed++
			}
		}
		r.failures = append(r.failures, "TIMEOUT "+p.name)
	} else {
		r.failures = append(r.failures, "package "+p.name)
	}
	fmt.Fprint(r.w, indent(tail(p.out, 200)))
}

// summary prints the durations and the closing line; it reports whether
// everything passed.
func (r *report) summary(total time.Duration, budget time.Duration) bool {
	ps := make([]*pkg, 0, len(r.pkgs))
	for _, p := range r.pkgs {
		if p.done && !p.noTests() {
			ps = append(ps, p)
		}
	}
	slices.SortFunc(ps, func(a, b *pkg) int { return cmp.Or(cmp.Compare(b.elapsed, a.elapsed), strings.Compare(a.name, b.name)) })
	fmt.Fprintf(r.w, "\n== package durations (slowest first)\n")
	for _, p := range ps {
		mark := ""
		switch {
		case p.timedOut != "":
			mark = "  TIMEOUT"
		case p.failed:
			mark = "  FAIL"
		case budget > 0 && p.elapsed > budget.Seconds():
			mark = fmt.Sprintf("  over the %v budget", budget)
		}
		fmt.Fprintf(r.w, "%8.1fs  %s%s\n", p.elapsed, p.name, mark)
	}
	for _, p := range r.pkgs {
		if !p.done { // go test died without a verdict for it
			fmt.Fprintf(r.w, "    ----  %s  NO RESULT\n", p.name)
			r.failures = append(r.failures, "no result for "+p.name)
		}
	}
	fmt.Fprintf(r.w, "total %s\n", total.Round(100*time.Millisecond))
	if len(r.skips) > 0 {
		fmt.Fprintf(r.w, "\n== skipped\n")
		for _, s := range r.skips {
			fmt.Fprintf(r.w, "  %s\n", s)
		}
	}
	if len(r.failures) > 0 {
		fmt.Fprintf(r.w, "\n== failed\n")
		for _, f := range r.failures {
			fmt.Fprintf(r.w, "  %s\n", f)
		}
	}
	fmt.Fprintf(r.w, "\n%d passed, %d failed, %d skipped\n", r.passed, r.failed, r.skipped)
	return len(r.failures) == 0 && r.failed == 0
}

func short(pkg string) string {
	if i := strings.Index(pkg, "/brasa/"); i >= 0 {
		return pkg[i+len("/brasa/"):]
	}
	return pkg
}

// skipReason returns the last line a skipped test printed (its t.Skip message).
func skipReason(out []string) string {
	for i := len(out) - 1; i >= 0; i-- {
		s := strings.TrimSpace(out[i])
		if s != "" && !strings.HasPrefix(s, "--- SKIP") && !strings.HasPrefix(s, "=== ") {
			return s
		}
	}
	return ""
}

func tail(lines []string, n int) []string {
	if len(lines) > n {
		return append([]string{fmt.Sprintf("... %d lines before\n", len(lines)-n)}, lines[len(lines)-n:]...)
	}
	return lines
}

func indent(lines []string) string {
	var b strings.Builder
	for _, l := range lines {
		b.WriteString("    ")
		b.WriteString(l)
		if !strings.HasSuffix(l, "\n") {
			b.WriteByte('\n')
		}
	}
	return b.String()
}

func sortedKeys(m map[string][]string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}
