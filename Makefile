# safegate: the two commands are `make demo` and `make test` (see README.md).
# Both install what is missing (scripts/install-deps.sh, and the npm packages
# of tests: scripts/install-npm-deps.sh), build, and run.
SHELL := /bin/bash
BUILD ?= build
ASAN_BUILD ?= build-asan
JOBS ?= $(shell nproc)
CMAKE_FLAGS ?=

.PHONY: all deps build demo demo-serve test test-unit asan-build test-asan fuzz-smoke lint format bench bench-serve clean pg-start pg-stop

all: build

deps:
	@bash scripts/install-deps.sh
	@bash scripts/install-npm-deps.sh

# The gtest executables' own code is compiled at -O0 (what they test, the
# libraries, at -O2): it halves their compile time and they run in seconds.
$(BUILD)/build.ninja: | deps
	cmake -S . -B $(BUILD) -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
	  "-DCMAKE_CXX_FLAGS_RELWITHDEBINFO=-O2 -g1 -DNDEBUG" -DSAFEGATE_TEST_CXX_FLAGS=-O0 $(CMAKE_FLAGS)

build: deps $(BUILD)/build.ninja
	cmake --build $(BUILD) -j $(JOBS)

# A short walk through the live moderation service (examples/serve/run.sh),
# then the main job: `safegate assess` on the demo project, which ends by
# printing the summary table and the path of report.html.
demo: build
	bash examples/serve/run.sh $(BUILD)/apps/cli/safegate
	bash examples/demo/run.sh $(BUILD)/apps/cli/safegate

# Only the moderation-service walk-through (API calls, proxy, review, strikes).
demo-serve: build
	bash examples/serve/run.sh $(BUILD)/apps/cli/safegate

# Static checks: formatting (.clang-format), the library dependency rule, and
# source rules a compiler does not check (scripts/check-source.sh).
lint:
	@bash scripts/check-format.sh
	@bash scripts/check-deps.sh
	@bash scripts/check-source.sh

format:
	@git ls-files '*.cc' '*.h' | xargs clang-format -i

# The PostgreSQL tests need a real server: a throwaway one on 127.0.0.1:5499
# (scripts/start-postgres.sh, data under /tmp, fsync off) runs for the
# duration of the tests and is stopped afterwards, pass or fail.
test-unit: build
	@url=$$(bash scripts/start-postgres.sh) || exit 1; \
	  echo "PostgreSQL for the tests: $$url"; \
	  cd $(BUILD) && SAFEGATE_TEST_PG_URL=$$url ctest --output-on-failure -j $(JOBS); rc=$$?; \
	  cd $(CURDIR) && bash scripts/stop-postgres.sh; exit $$rc

pg-start:
	@bash scripts/start-postgres.sh

pg-stop:
	@bash scripts/stop-postgres.sh

# One clang build serves the sanitizer tests and the fuzz targets: ASan+UBSan
# with libFuzzer's coverage instrumentation (fuzzer-no-link), line tables only
# (enough for sanitizer reports), assertions on. The src/ libraries, where the
# tests and fuzzers spend their time, are built at -O1; tests, tools and
# executables at -O0, which compiles in less than half the time. Sharing one
# build saves a third full compile in `make test`.
$(ASAN_BUILD)/build.ninja: | deps
	CXX=clang++ cmake -S . -B $(ASAN_BUILD) -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
	  "-DCMAKE_CXX_FLAGS_RELWITHDEBINFO=-O0 -gline-tables-only" -DSAFEGATE_LIBRARY_CXX_FLAGS=-O1 \
	  -DSAFEGATE_BUILD_FUZZ=ON -DSAFEGATE_SANITIZE="address;undefined;fuzzer-no-link"

asan-build: deps $(ASAN_BUILD)/build.ninja
	cmake --build $(ASAN_BUILD) -j $(JOBS)

test-asan: asan-build
	cd $(ASAN_BUILD) && ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 \
	  ctest --output-on-failure -j $(JOBS) -L "unit|cli"

fuzz-smoke: asan-build
	bash scripts/fuzz-smoke.sh $(ASAN_BUILD) $${FUZZ_SECONDS:-4}

test: deps lint test-unit test-asan fuzz-smoke
	@echo "make test: all suites passed"

bench: deps
	bash scripts/install-deps.sh --bench
	cmake -S . -B build-bench -G Ninja -DCMAKE_BUILD_TYPE=Release -DSAFEGATE_BUILD_BENCH=ON -DSAFEGATE_BUILD_TESTS=OFF
	cmake --build build-bench -j $(JOBS)
	bash bench/corpus/run.sh build-bench

# wrk against /v1/moderations and the bare endpoint (bench/serve/run.sh).
bench-serve: deps
	bash scripts/install-deps.sh --bench
	cmake -S . -B build-bench -G Ninja -DCMAKE_BUILD_TYPE=Release -DSAFEGATE_BUILD_BENCH=ON -DSAFEGATE_BUILD_TESTS=OFF
	cmake --build build-bench -j $(JOBS) --target safegate
	bash bench/serve/run.sh build-bench/apps/cli/safegate

clean:
	rm -rf $(BUILD) $(ASAN_BUILD) build-fuzz build-bench
