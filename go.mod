module github.com/snapcheck/snapcheck

go 1.26.0

require (
	github.com/dominikbraun/graph v0.23.0
	github.com/spf13/pflag v1.1.0
	pgregory.net/rapid v1.3.0
)
