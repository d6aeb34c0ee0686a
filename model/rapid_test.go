package model_test

import (
	"reflect"
	"testing"

	"pgregory.net/rapid"

	"github.com/snapcheck/snapcheck/model"
	"github.com/snapcheck/snapcheck/model/algorithms"
	"github.com/snapcheck/snapcheck/model/modeltest"
)

// TestRapidEncodeParse: every generated configuration survives
// Encode→ParseConfig unchanged, and encodes to the same bytes again.
func TestRapidEncodeParse(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		cfg := modeltest.Config(modeltest.Options{MaxNodes: 5, MaxSnapshots: 3}).Draw(t, "config")
		if err := cfg.Validate(); err != nil {
			t.Fatalf("a generated configuration is invalid: %v", err)
		}
		b, err := cfg.Encode()
		if err != nil {
			t.Fatalf("encode: %v", err)
		}
		back, err := model.ParseConfig(b)
		if err != nil {
			t.Fatalf("the encoded configuration does not parse: %v\n%s", err, b)
		}
		if !reflect.DeepEqual(cfg, back) {
			t.Fatalf("the configuration changed through encode and parse:\nbefore %#v\nafter  %#v\n%s", cfg, back, b)
		}
		b2, err := back.Encode()
		if err != nil {
			t.Fatalf("encode again: %v", err)
		}
		if string(b) != string(b2) {
			t.Fatalf("encoding is not stable:\n%s\n---\n%s", b, b2)
		}
	})
}

// TestRapidRenameEncodeParse: renamed and reordered configurations are
// valid and survive encode and parse too.
func TestRapidRenameEncodeParse(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		cfg := modeltest.Config(modeltest.Options{}).Draw(t, "config")
		n := len(cfg.Nodes)
		fresh := rapid.SliceOfNDistinct(rapid.StringMatching(`[A-Za-z0-9_-]{1,6}`), n, n, rapid.ID[string]).Draw(t, "new ids")
		names := map[string]string{}
		for i, nd := range cfg.Nodes {
			names[nd.ID] = fresh[i]
		}
		order := make([]int, n)
		for i := range order {
			order[i] = i
		}
		perm := rapid.Permutation(order).Draw(t, "new order")
		r := modeltest.Rename(cfg, names, perm)
		if err := r.Validate(); err != nil {
			t.Fatalf("a renamed configuration is invalid: %v\n%s", err, modeltest.JSON(r))
		}
		b, err := r.Encode()
		if err != nil {
			t.Fatal(err)
		}
		back, err := model.ParseConfig(b)
		if err != nil {
			t.Fatalf("parse: %v\n%s", err, b)
		}
		if !reflect.DeepEqual(r, back) {
			t.Fatalf("changed through encode and parse:\n%s", b)
		}
	})
}

// TestRapidStateEncoding: along a random schedule of every algorithm of
// the catalogue, a state decoded from its encoding encodes to the same
// bytes and has the same enabled events, leading to the same successors:
// the explorer, which works on encodings, sees the system the model runs.
func TestRapidStateEncoding(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		alg := rapid.SampledFrom(algorithms.Names()).Draw(t, "algorithm")
		cfg := modeltest.Config(modeltest.Options{Algorithm: alg}).Draw(t, "config")
		modeltest.Log(t, cfg)
		sys, err := algorithms.Build(cfg)
		if err != nil {
			t.Fatalf("build: %v", err)
		}
		evs := modeltest.Schedule(sys, 200).Draw(t, "schedule")
		st := sys.Initial()
		var dec model.State
		for k := 0; ; k++ {
			enc := st.Encode(nil)
			if err := sys.Decode(enc, &dec); err != nil {
				t.Fatalf("after %d events: decode: %v", k, err)
			}
			if again := dec.Encode(nil); string(again) != string(enc) {
				t.Fatalf("after %d events: the decoded state encodes differently", k)
			}
			a, b := sys.Events(st), sys.Events(&dec)
			if !reflect.DeepEqual(a, b) {
				t.Fatalf("after %d events: enabled events differ:\nstate   %v\ndecoded %v", k, a, b)
			}
			for _, e := range a {
				s1, s2 := st.Clone(), dec.Clone()
				c1, c2 := sys.Apply(s1, e), sys.Apply(s2, e)
				if c1 != c2 || string(s1.Encode(nil)) != string(s2.Encode(nil)) {
					t.Fatalf("after %d events: %s leads to different states from the state and from its decoding", k, sys.Describe(e))
				}
			}
			if k == len(evs) {
				break
			}
			sys.Apply(st, evs[k])
		}
	})
}

// TestRapidFailFiles: every fail file under testdata/rapid is replayed by
// a test of this package.
func TestRapidFailFiles(t *testing.T) {
	t.Logf("%d rapid fail files replayed", modeltest.CheckFailFiles(t))
}
