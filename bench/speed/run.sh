#!/usr/bin/env bash
# The speed layer's visibility latency (acknowledgement by the raw log -> counted live) at 1k and
# 10k events/s and the CPU it costs, then up to the highest sustainable rate; then the same with a
# 10 % sample. Usage: run.sh [BUILD_DIR]
set -euo pipefail
cd "$(dirname "$0")/../.."
build=${1:-build}
cmake --build "$build" --target speed_bench
"$build/src/speed/speed_bench" --rates 1000,10000 --seconds 10 --find-max 1
"$build/src/speed/speed_bench" --rates 10000 --seconds 10 --sample-rate 0.1 --find-max 1
