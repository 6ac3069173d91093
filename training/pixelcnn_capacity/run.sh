#!/usr/bin/env bash
# The PixelCNN capacity comparison (issue #36): one short run per architecture, the same cosine schedule,
# rows in training/pixelcnn_capacity/results/pixelcnn_capacity.json. Usage: run.sh [LAYERS×HIDDEN ...]
# (default: 7×16 15×16 7×32 7×64, cheapest first).
set -euo pipefail
cd "$(dirname "$0")/../.."
for arm in "${@:-7×16 15×16 7×32 7×64}"; do
  for one in $arm; do
    OMP_NUM_THREADS=1 DMLIB_PROGRESS=0 nice -n 19 .venv/bin/python -m dmlib train pixelcnn_capacity \
      --layers "${one%×*}" --hidden "${one#*×}" --out training/pixelcnn_capacity
  done
done
