#!/usr/bin/env bash
# One chain of the 5000-step InfoGAN seed study (issue #35): each seed resumes where its last sitting
# stopped (training/infogan_5000/checkpoints/infogan_seedS.resume.pt). Usage: run.sh SEED [SEED ...]
set -euo pipefail
cd "$(dirname "$0")/../.."
for seed in "$@"; do
  OMP_NUM_THREADS=1 DMLIB_PROGRESS=0 nice -n 19 .venv/bin/python -m dmlib train infogan_seeds --seed "$seed" \
    --steps 5000 --validate-every 250 --resume --out training/infogan_5000
done
