# The two commands: `make run` and `make test`. Everything else is for developers.
BUILD      ?= build
ASAN_BUILD ?= build-asan
FUZZ_BUILD ?= build-fuzz
TSAN_BUILD ?= build-tsan
CLANG_BUILD ?= build-clang
JOBS       ?= $(shell nproc)
FUZZ_SECONDS ?= 60

.PHONY: run test test-chaos deb test-asan test-tsan check-thread-safety fuzz fuzz-build bench bench-soak build deps clean

run: build
	./$(BUILD)/deliverer serve --demo

# Also builds the fuzz targets with clang and replays their corpora once, so a change that
# breaks the fuzz build or crashes on a corpus file fails the tests.
test: build fuzz-build
	ctest --test-dir $(BUILD) --output-on-failure -j $(JOBS) --timeout 300
	scripts/run-fuzz --replay $(FUZZ_BUILD)

# The failure tests at full size (docs/testing.md "Chaos"): the tests labelled `chaos`,
# which make test runs small, with the scale their promises name (minutes each).
test-chaos: build
	DELIVERER_CHAOS_SCALE=full ctest --test-dir $(BUILD) --output-on-failure -L chaos --timeout 900

build: deps
	cmake -S . -B $(BUILD) -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
	cmake --build $(BUILD) -j $(JOBS)

# The Debian package (cmake/Package.cmake): $(BUILD)/deliverer_<version>_<arch>.deb.
deb: build
	cd $(BUILD) && cpack -G DEB

test-asan: deps
	cmake -S . -B $(ASAN_BUILD) -G Ninja -DCMAKE_BUILD_TYPE=Debug -DDELIVERER_SANITIZE=ON >/dev/null
	cmake --build $(ASAN_BUILD) -j $(JOBS)
	ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 \
	  ctest --test-dir $(ASAN_BUILD) --output-on-failure -j $(JOBS) --timeout 600

# ThreadSanitizer (g++): every test, the integration tests' gateway and simulator included.
# tests/tsan.supp silences races inside third-party libraries only; halt_on_error makes
# the first race fail its test (a gateway halted mid-test fails it and shows its output).
test-tsan: deps
	cmake -S . -B $(TSAN_BUILD) -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DDELIVERER_TSAN=ON >/dev/null
	cmake --build $(TSAN_BUILD) -j $(JOBS)
	TSAN_OPTIONS="halt_on_error=1 second_deadlock_stack=1 suppressions=$(CURDIR)/tests/tsan.supp" \
	  ctest --test-dir $(TSAN_BUILD) --output-on-failure -j $(JOBS) --timeout 900

# The whole tree, tests included, with clang, whose -Wthread-safety checks every member
# annotated GUARDED_BY against the locks held (common/thread_annotations.h); -Werror.
check-thread-safety: deps
	CC=clang CXX=clang++ cmake -S . -B $(CLANG_BUILD) -G Ninja -DCMAKE_BUILD_TYPE=Debug >/dev/null
	cmake --build $(CLANG_BUILD) -j $(JOBS)

fuzz: fuzz-build
	scripts/run-fuzz $(FUZZ_BUILD) $(FUZZ_SECONDS)

# The fuzz targets and the libraries they link, nothing else (clang, libFuzzer, ASan + UBSan).
fuzz-build: deps
	CC=clang CXX=clang++ cmake -S . -B $(FUZZ_BUILD) -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
	  -DDELIVERER_FUZZ=ON -DDELIVERER_TESTS=OFF >/dev/null
	cmake --build $(FUZZ_BUILD) -j $(JOBS) --target fuzzers

# The E.164 differential first: a million numbers through the NumberingPlan and through
# libphonenumber, any disagreement fails (docs/benchmarks.md "E.164 validation from
# libphonenumber's metadata").
bench: build
	scripts/install-deps --bench
	DELIVERER_E164_DIFFERENTIAL_NUMBERS=1000000 $(BUILD)/tests/unit/validation/validation_test \
	  --gtest_filter='E164Differential.*' --gtest_brief=1
	scripts/bench-micro $(BUILD)
	scripts/bench-ingest $(BUILD)
	scripts/bench-smpp-ingest $(BUILD)
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
	rm -rf $(BUILD) $(ASAN_BUILD) $(FUZZ_BUILD) $(TSAN_BUILD) $(CLANG_BUILD)
