#!/usr/bin/env bash
# The class-conditional gated PixelCNN (issue #36): the gated PixelCNN's long recipe with the digit class in
# every gate, resumable over sittings (training/gatedpixelcnn_conditional/gatedpixelcnn_conditional.resume.pt).
# Usage: run.sh [STOP_AT]  — ends the sitting at step STOP_AT (default 30000).
set -euo pipefail
cd "$(dirname "$0")/../.."
OMP_NUM_THREADS=1 DMLIB_PROGRESS=0 nice -n 19 .venv/bin/python -m dmlib train gatedpixelcnn_conditional \
  --steps 100000 --dynamic-binarization --validation 5000 --validate-every 2000 --patience 10 \
  --lr-schedule cosine --resume --save-minutes 10 --out training/gatedpixelcnn_conditional --stop-at "${1:-30000}"
