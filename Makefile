# footfall — the two commands a user needs are `make demo` and `make test`.
BUILD      ?= build
ASAN_BUILD ?= build-asan
CMAKE_FLAGS ?=

.PHONY: all bootstrap build build-asan test demo bench fuzz lint format clean

all: build

bootstrap:
	@scripts/bootstrap

$(BUILD)/build.ninja:
	cmake -S . -B $(BUILD) -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DFOOTFALL_WERROR=ON $(CMAKE_FLAGS)

$(ASAN_BUILD)/build.ninja:
	cmake -S . -B $(ASAN_BUILD) -G Ninja -DCMAKE_BUILD_TYPE=Debug -DFOOTFALL_WERROR=ON -DFOOTFALL_SANITIZE=ON $(CMAKE_FLAGS)

build: $(BUILD)/build.ninja
	cmake --build $(BUILD)

# The sanitizer build compiles the unit tests only.
build-asan: $(ASAN_BUILD)/build.ninja
	cmake --build $(ASAN_BUILD) --target unit_tests

# Everything: format check, the release build's unit and end-to-end tests, the unit tests again
# under AddressSanitizer and UndefinedBehaviorSanitizer, and the enrichment fuzzer for 20 s.
test: bootstrap
	@scripts/check-format
	$(MAKE) build
	cd $(BUILD) && ctest --output-on-failure --timeout 300 -j2
	$(MAKE) build-asan
	cd $(ASAN_BUILD) && ctest --output-on-failure --timeout 300 -j2 -L unit
	FUZZ_TARGETS=enrich FUZZ_SECONDS=20 scripts/fuzz

demo: bootstrap build
	scripts/demo

bench: bootstrap build
	scripts/bench

# libFuzzer targets under ASan/UBSan, FUZZ_SECONDS each (default 60).
fuzz: bootstrap
	scripts/fuzz

lint:
	@scripts/check-format
	@scripts/lint

format:
	git ls-files '*.h' '*.cc' | xargs clang-format -i

clean:
	rm -rf $(BUILD) $(ASAN_BUILD) build-fuzz
