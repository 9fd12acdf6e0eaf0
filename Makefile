# safegate: the two commands are `make demo` and `make test` (see README.md).
# Both install what is missing (scripts/install-deps.sh), build, and run.
SHELL := /bin/bash
BUILD ?= build
ASAN_BUILD ?= build-asan
FUZZ_BUILD ?= build-fuzz
JOBS ?= $(shell nproc)
CMAKE_FLAGS ?=

.PHONY: all deps build demo test test-unit test-asan fuzz-smoke lint format bench clean

all: build

deps:
	@bash scripts/install-deps.sh

$(BUILD)/build.ninja: | deps
	cmake -S . -B $(BUILD) -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo $(CMAKE_FLAGS)

build: deps $(BUILD)/build.ninja
	cmake --build $(BUILD) -j $(JOBS)

demo: build
	bash examples/demo/run.sh $(BUILD)/apps/cli/safegate

# Static checks: formatting (.clang-format) and the library dependency rule.
lint:
	@bash scripts/check-format.sh
	@bash scripts/check-deps.sh

format:
	@git ls-files '*.cc' '*.h' | xargs clang-format -i

test-unit: build
	cd $(BUILD) && ctest --output-on-failure -j $(JOBS)

$(ASAN_BUILD)/build.ninja: | deps
	cmake -S . -B $(ASAN_BUILD) -G Ninja -DCMAKE_BUILD_TYPE=Debug -DSAFEGATE_SANITIZE="address;undefined"

test-asan: deps $(ASAN_BUILD)/build.ninja
	cmake --build $(ASAN_BUILD) -j $(JOBS)
	cd $(ASAN_BUILD) && ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 \
	  ctest --output-on-failure -j $(JOBS) -L "unit|cli"

$(FUZZ_BUILD)/build.ninja: | deps
	CXX=clang++ cmake -S . -B $(FUZZ_BUILD) -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
	  -DSAFEGATE_BUILD_FUZZ=ON -DSAFEGATE_BUILD_TESTS=OFF -DSAFEGATE_SANITIZE="address;undefined;fuzzer-no-link"

fuzz-smoke: deps $(FUZZ_BUILD)/build.ninja
	cmake --build $(FUZZ_BUILD) -j $(JOBS)
	bash scripts/fuzz-smoke.sh $(FUZZ_BUILD) $${FUZZ_SECONDS:-10}

test: deps lint test-unit test-asan fuzz-smoke
	@echo "make test: all suites passed"

bench: deps
	bash scripts/install-deps.sh --bench
	cmake -S . -B build-bench -G Ninja -DCMAKE_BUILD_TYPE=Release -DSAFEGATE_BUILD_BENCH=ON -DSAFEGATE_BUILD_TESTS=OFF
	cmake --build build-bench -j $(JOBS)
	bash bench/corpus/run.sh build-bench

clean:
	rm -rf $(BUILD) $(ASAN_BUILD) $(FUZZ_BUILD) build-bench
