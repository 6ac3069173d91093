#!/usr/bin/env bash
# The capacity test of issue #36, continued: the PixelCNN at twice the hidden channels (7 blocks × 32; 부록 B.3's 7×32)
# on the shipped 7×16 PixelCNN's long schedule (same flags), resumable over sittings
# (training/pixelcnn_wide/checkpoints/pixelcnn.resume.pt). Its curve beside the 7×16 run's, at equal steps, tests
# whether width closes the gap to the paper's 81.30 beyond 2500 steps.
# Usage: run.sh [STOP_AT]  — ends the sitting at step STOP_AT (no STOP_AT: runs to the schedule's end).
set -euo pipefail
cd "$(dirname "$0")/../.."
OMP_NUM_THREADS=1 DMLIB_PROGRESS=0 nice -n 19 .venv/bin/python -m dmlib train pixelcnn --hidden 32 \
  --steps 100000 --dynamic-binarization --validation 5000 --validate-every 2000 --patience 10 \
  --lr-schedule cosine --resume --save-minutes 10 --out training/pixelcnn_wide ${1:+--stop-at "$1"}
