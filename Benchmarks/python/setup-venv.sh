#!/usr/bin/env bash
# Creates (once) the virtual environment of the benchmarks' Python peers (CSBDeep with
# TensorFlow for the CPU, numpy/scipy, DeepTrack) and prints its python path.
# Usage: Benchmarks/python/setup-venv.sh        # prints .build/bench-venv/bin/python
root=$(cd "$(dirname "$0")/../.." && pwd)
exec "$root/scripts/python-env" "$root/Benchmarks/python/requirements.txt" "${FLUOSYNTH_BENCH_VENV:-$root/.build/bench-venv}"
