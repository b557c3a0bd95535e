#!/usr/bin/env bash
# A dataset made by a Slurm job array: each array task makes one shard, a dependent job
# merges them. All tasks write into one folder on a shared filesystem.
#
#   sbatch --array=0-15 Examples/slurm-array.sh Examples/microtubules-widefield-2d.yaml /shared/mt 16
#   sbatch --dependency=afterok:<array job id> --wrap "fluosynth merge /shared/mt"
#
# The jobs run in the environment sbatch was called from, so fluosynth must be on its PATH.
# Options given to sbatch override the #SBATCH lines below, e.g. for a small node:
#
#   sbatch --array=0-3 --cpus-per-task=1 --mem=1G Examples/slurm-array.sh spec.yaml /shared/mt 4
#
# A task that was killed (pre-emption, time limit, scancel) is simply resubmitted with the
# same arguments, e.g. task 5: sbatch --array=5 Examples/slurm-array.sh <same arguments>.
# --resume finishes its shard where it stopped, and the result is byte-identical to an
# uninterrupted run. The merge job's afterok on the whole array can then never be met (squeue
# shows DependencyNeverSatisfied): make it wait for the resubmitted task instead (merge
# refuses to run while a shard is missing):
#
#   scontrol update JobId=<merge job id> Dependency=afterok:<resubmitted job id>
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
