package model

import (
	"strings"
	"testing"
)

// TestDuplicateKey: a key twice in one object is refused, named by its
// path; the same key in different objects, or in arrays of objects, is not.
func TestDuplicateKey(t *testing.T) {
	for _, tc := range []struct{ json, want string }{
		{`{"a": 1, "b": {"a": 2}, "c": [{"a": 1}, {"a": 2}]}`, ""},
		{`{"a": 1, "a": 2}`, "a: duplicate field (line 1)"},
		{`{"w": {"s": {"1": [{"to": "2"}, {"to": "3",` + "\n" + `"to": "4"}]}}}`, "w.s.1[1].to: duplicate field (line 2)"},
		{`{"x": [[{"k": 1}], [{"k": 1, "k": 2}]]}`, "x[1][0].k: duplicate field (line 1)"},
		{`{"a b": 1, "a b": 2}`, `"a b": duplicate field (line 1)`},
		{`[1, {"a": [], "a": {}}]`, "[1].a: duplicate field (line 1)"},
	} {
		err := duplicateKey([]byte(tc.json))
		got := ""
		if err != nil {
			got = err.Error()
		}
		if tc.want == "" && got != "" || tc.want != "" && !strings.Contains(got, tc.want) {
			t.Errorf("%s: %q, want %q", tc.json, got, tc.want)
		}
	}
}
