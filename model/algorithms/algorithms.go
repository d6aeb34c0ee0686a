package algorithms

import (
	"fmt"
	"sort"
	"strings"

	"github.com/snapcheck/snapcheck/model"
	"github.com/snapcheck/snapcheck/model/laiyang"
)

// catalogue maps names to constructors; it is built on each call, so there
// is no package state.
func catalogue() map[string]func() model.Algorithm {
	m := map[string]func() model.Algorithm{}
	for _, name := range model.BuiltinNames() {
		m[name] = func() model.Algorithm {
			a, _ := model.Builtin(name)
			return a
		}
	}
	m[laiyang.Name] = func() model.Algorithm { return laiyang.New() }
	m[laiyang.NameNoTurnRed] = func() model.Algorithm { return laiyang.NewNoTurnRed() }
	return m
}

// Names lists the built-in algorithms, sorted.
func Names() []string {
	var names []string
	for n := range catalogue() {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// Lookup returns the built-in algorithm with the given name ("" is
// chandy-lamport).
func Lookup(name string) (model.Algorithm, error) {
	if name == "" {
		name = "chandy-lamport"
	}
	if f, ok := catalogue()[name]; ok {
		return f(), nil
	}
	return nil, &model.ConfigError{Field: "algorithm", Reason: "unknown algorithm \"" + name + "\" (known: " + strings.Join(Names(), ", ") + ")"}
}

// Build compiles a configuration with the built-in algorithm it names.
func Build(cfg *model.Config) (*model.System, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	alg, err := Lookup(cfg.Algorithm)
	if err != nil {
		return nil, err
	}
	return model.Build(cfg, alg)
}

// Load reads, validates and compiles the configuration file at path.
func Load(path string) (*model.System, error) {
	cfg, err := model.LoadConfig(path)
	if err != nil {
		return nil, err
	}
	sys, err := Build(cfg)
	if err != nil {
		return nil, fmt.Errorf("config %s: %w", path, err)
	}
	return sys, nil
}
