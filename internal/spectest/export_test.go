package spectest

import (
	"os"
	"testing"
)

// ReportLoad exposes reportLoad, which Load calls with the result of its one
// load, so that the skip and failure paths can be tested in-process.
var ReportLoad = reportLoad

// ReportValidator exposes reportValidator, the outcome of [Validator].
var ReportValidator = reportValidator

// ReapplyPatches parses a fresh copy of the spec file, applies the patches
// (failing tb if that fails) and then applies each patch a second time,
// returning what each second application returned.
func ReapplyPatches(tb testing.TB, path string) map[string]error {
	tb.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		tb.Fatal(err)
	}
	s, err := parse(path, data)
	if err != nil {
		tb.Fatal(err)
	}
	again := map[string]error{}
	for _, p := range patches {
		again[p.name] = p.apply(s.doc)
	}
	return again
}
