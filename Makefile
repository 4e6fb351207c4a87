# stackctl — see README.md.
SHELL := /bin/bash
GO    ?= go
BIN   := bin/stackctl

.PHONY: build test test-short lint fuzz-smoke mutate bench perf perf-plan demo demo-down clean

build:
	$(GO) build -o $(BIN) ./cmd/stackctl

# Everything CI runs: formatting, vet, then every test (unit and end-to-end,
# with the race detector) against the real terraform and a local AWS emulator.
# -p 4: the end-to-end packages mostly wait (on terraform, the AWS
# provider's polling, the emulator), so four of them share two cores well
# and the longest (internal/e2e/stack) starts at once instead of last.
test: lint
	$(GO) test -race -p 4 -timeout 60m ./...
	$(MAKE) fuzz-smoke

# A bounded run of every fuzz target (configuration parsing and evaluation,
# state reading and writing, masking); their seed corpora also run in every
# go test. Longer: make fuzz-smoke FUZZTIME=10m.
FUZZTIME ?= 10s
FUZZ_TARGETS := ./internal/config:FuzzLoad ./internal/state:FuzzParseMarshal ./internal/state:FuzzParseLockInfo ./internal/redact:FuzzWriter
fuzz-smoke:
	@set -e; for t in $(FUZZ_TARGETS); do \
	  pkg=$${t%%:*}; fn=$${t##*:}; \
	  echo "fuzz $$fn ($$pkg) for $(FUZZTIME)"; \
	  $(GO) test -run '^$$' -fuzz "^$$fn$$" -fuzztime $(FUZZTIME) $$pkg; \
	done

# Mutation testing (docs/testing.md): gremlins changes the code of each pure
# package one small edit at a time and runs the package's -short tests
# against every change; efficacy is the share of changes the tests catch.
# Not part of `make test`: it takes minutes per package. One worker and one
# CPU per test run, so that it shares the machine; one package:
# make mutate MUTATE_PKGS=graph. -count=1: gremlins sets each mutant's
# timeout from how long the first test run took, and a cached run takes
# no time, which made every mutant of a slower package "time out". -cpu=1
# goes in GOFLAGS, not --test-cpu: gremlins 0.6.0 passes that as the one
# argument "-cpu 1", which go test hands to the test binary as an unknown
# flag, so every mutant "failed" its tests and counted as killed.
# -parallel=8: -cpu=1 would also cap t.Parallel tests at one at a time,
# and verify's tests mostly wait on deadlines (8 s alone, 42 s in a row).
# scripts/mutate/go comes first on PATH: a mutant that does not compile is
# counted as not viable there, not as killed. The gate is
# scripts/mutate/efficacy: the efficacy without the mutants listed, with
# their reasons, in scripts/mutate/equivalent.txt.
# gremlins is installed into bin/ and run from there: under `go run` the
# go command puts GOROOT/bin first on its children's PATH, past the wrapper.
GREMLINS        ?= $(CURDIR)/bin/gremlins
MUTATE_PKGS     ?= runner graph config redact diag discover glob state hclfmt markdown ci gctune verify parity report convert drift surgery vcs treegen iostreams backend english
MUTATE_EFFICACY ?= 90
mutate:
	@if [ "$(GREMLINS)" = "$(CURDIR)/bin/gremlins" ]; then GOBIN=$(CURDIR)/bin $(GO) install github.com/go-gremlins/gremlins/cmd/gremlins@v0.6.0; fi
	@failed=""; real=$$(command -v $(GO)); for p in $(MUTATE_PKGS); do \
	  echo "== gremlins ./internal/$$p (efficacy wanted: $(MUTATE_EFFICACY) %)"; \
	  PATH="$(CURDIR)/scripts/mutate:$$PATH" MUTATE_GO="$$real" GOFLAGS="-count=1 -cpu=1 -parallel=8 -short" $(GREMLINS) unleash --workers 1 --timeout-coefficient 10 \
	    --output-statuses lt --output $(CURDIR)/bin/mutate-$$(echo $$p | tr / -).json ./internal/$$p && \
	  $(GO) run ./scripts/mutate/efficacy -pkg $$p -min $(MUTATE_EFFICACY) -equivalent scripts/mutate/equivalent.txt \
	    $(CURDIR)/bin/mutate-$$(echo $$p | tr / -).json || failed="$$failed $$p"; \
	done; \
	if [ -n "$$failed" ]; then echo "efficacy below $(MUTATE_EFFICACY) % (or gremlins failed) in:$$failed"; exit 1; fi

# About a minute. The ops, cli and terraform tests run the real terraform
# in process on trees of terraform_data (no provider, no network); the
# bootstrap, S3 state and adopt packages start the emulator (moto); the
# end-to-end tests do not run.
test-short:
	$(GO) test -short ./...

lint:
	@unformatted=$$(gofmt -l $$(git ls-files '*.go')); \
	if [ -n "$$unformatted" ]; then echo "gofmt needed: $$unformatted"; exit 1; fi
	$(GO) vet ./...

# Discovery + evaluation + graph of generated trees (docs/performance.md).
bench:
	$(GO) test -run '^$$' -bench . -benchmem -count 5 ./internal/treegen

# This machine's figures (docs/performance.md): apply, cold init and no-op
# plan of 20 units against their floors, graph time and peak memory at 1000
# and 10,000 units; medians of 5 (quick: make perf RUNS=1).
RUNS ?= 5
perf:
	RUNS=$(RUNS) scripts/perf.sh

# Where a no-op plan's gap to the floor comes from: the plan at each
# --parallelism, one unit alone, process start.
perf-plan:
	scripts/perf-plan.sh 20 $(RUNS)

# The main job on the embedded default: a private AWS emulator on loopback,
# state bootstrapped, the dev environment applied through stackctl.
demo: build
	scripts/demo.sh up

demo-down: build
	scripts/demo.sh down

clean:
	rm -rf bin .stackctl
