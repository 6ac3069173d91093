#!/usr/bin/env bash
# One chain of the redesigned PR-025 seed study (issue #35): seeds in turn, each ≈ 10 min of one core.
# Rows land in training/hallucination_study/results/hallucination_study.json. Usage: run.sh SEED [SEED ...]
set -euo pipefail
cd "$(dirname "$0")/../.."
for seed in "$@"; do
  OMP_NUM_THREADS=1 DMLIB_PROGRESS=0 nice -n 19 .venv/bin/python -m dmlib train hallucination_study \
    --seed "$seed" --out training/hallucination_study
done
