# The two commands: `make run` and `make test`. Everything else is for developers.
BUILD      ?= build
ASAN_BUILD ?= build-asan
FUZZ_BUILD ?= build-fuzz
JOBS       ?= $(shell nproc)
FUZZ_SECONDS ?= 60

.PHONY: run test test-asan fuzz fuzz-build bench bench-soak build deps clean

run: build
	./$(BUILD)/deliverer serve --demo

# Also builds the fuzz targets with clang and replays their corpora once, so a change that
# breaks the fuzz build or crashes on a corpus file fails the tests.
test: build fuzz-build
	ctest --test-dir $(BUILD) --output-on-failure -j $(JOBS) --timeout 300
	scripts/run-fuzz --replay $(FUZZ_BUILD)

build: deps
	cmake -S . -B $(BUILD) -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
	cmake --build $(BUILD) -j $(JOBS)

test-asan: deps
	cmake -S . -B $(ASAN_BUILD) -G Ninja -DCMAKE_BUILD_TYPE=Debug -DDELIVERER_SANITIZE=ON >/dev/null
	cmake --build $(ASAN_BUILD) -j $(JOBS)
	ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 \
	  ctest --test-dir $(ASAN_BUILD) --output-on-failure -j $(JOBS) --timeout 600

fuzz: fuzz-build
	scripts/run-fuzz $(FUZZ_BUILD) $(FUZZ_SECONDS)

# The fuzz targets and the libraries they link, nothing else (clang, libFuzzer, ASan + UBSan).
fuzz-build: deps
	CC=clang CXX=clang++ cmake -S . -B $(FUZZ_BUILD) -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
	  -DDELIVERER_FUZZ=ON -DDELIVERER_TESTS=OFF >/dev/null
	cmake --build $(FUZZ_BUILD) -j $(JOBS) --target fuzzers

bench: build
	scripts/install-deps --bench
	scripts/bench-micro $(BUILD)
	scripts/bench-ingest $(BUILD)
	scripts/bench-e2e $(BUILD)

# Ten minutes at a fixed rate, memory sampled: docs/benchmarks.md "Memory over ten minutes".
# SOAK_RATE: messages per second; keep it below the end-to-end maximum of the machine.
SOAK_RATE ?= 1000
bench-soak: build
	scripts/install-deps --bench
	scripts/bench-soak $(BUILD) 600 $(SOAK_RATE)

deps:
	@scripts/install-deps

clean:
	rm -rf $(BUILD) $(ASAN_BUILD) $(FUZZ_BUILD)
