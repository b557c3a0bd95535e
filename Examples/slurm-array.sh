#!/usr/bin/env bash
# A dataset made by a Slurm job array: each array task makes one shard, a dependent job
# merges them. All tasks write into one folder on a shared filesystem.
#
#   sbatch --array=0-15 Examples/slurm-array.sh Examples/microtubules-widefield-2d.yaml /shared/mt 16
#   sbatch --dependency=afterok:<array job id> --wrap "fluosynth merge /shared/mt"
#
# A task that was killed (pre-emption, time limit) is simply resubmitted: --resume finishes
# its shard where it stopped, and the result is byte-identical to an uninterrupted run.
#SBATCH --job-name=fluosynth
#SBATCH --cpus-per-task=8
#SBATCH --mem=8G
#SBATCH --time=02:00:00
set -euo pipefail
spec=${1:?spec}
out=${2:?output folder}
shards=${3:-${SLURM_ARRAY_TASK_COUNT:?number of shards}}
fluosynth generate "$spec" --out "$out" --shard "${SLURM_ARRAY_TASK_ID:?run as an array job}/$shards" \
    --threads "${SLURM_CPUS_PER_TASK:-1}" --resume --quiet
