#!/usr/bin/env bash
# Creates (once) the virtual environment with CSBDeep and TensorFlow for the CPU that the
# training benchmark compares against, and prints its python path.
# Usage: Benchmarks/python/setup-venv.sh        # prints .build/bench-venv/bin/python
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
env="${FLUOSYNTH_BENCH_VENV:-$root/.build/bench-venv}"
requirements="$root/Benchmarks/python/requirements.txt"
stamp="$env/.requirements-$(sha1sum "$requirements" | cut -c1-12)"
mkdir -p "$(dirname "$env")"
exec 9>"$env.lock"
flock 9
if [ ! -f "$stamp" ]; then
  python3 -m venv "$env" >&2
  "$env/bin/python" -m pip install --quiet --disable-pip-version-check -r "$requirements" >&2
  touch "$stamp"
fi
echo "$env/bin/python"
