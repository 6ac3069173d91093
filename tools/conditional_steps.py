"""Record a conditional gated PixelCNN sidecar's metrics by training step.

Writes data/results/gatedpixelcnn_conditional_steps.json. The shipped checkpoint keeps only its
latest sidecar; this table keeps what each shipped or end-of-sitting model measured (test NLL,
class purity), so notebook 03 can show whether class purity moves with training.
Usage: python tools/conditional_steps.py SIDECAR.json [SOURCE]
(SOURCE: where the sidecar came from, e.g. a commit)
"""

import json
import sys
from pathlib import Path

from dmlib.data import merge_row, results_path

sidecar = json.loads(Path(sys.argv[1]).read_text())
metrics = sidecar["metrics"]
command = sidecar["command"]
steps = int(command.split("--stop-at ")[1].split()[0]) if "--stop-at" in command else None
row = {
    "steps_trained": steps,
    "best_step": int(metrics["best_step"]) + 1,
    "test_nll_nats": metrics["test_nll_nats"],
    "validation_nll_nats": metrics["validation_nll_nats"],
    "class_purity": metrics["class_purity"],
    "class_purity_samples": int(metrics["class_purity_samples"]),
    "sha256": sidecar["sha256"],
    "source": sys.argv[2] if len(sys.argv) > 2 else str(sys.argv[1]),
}
print(merge_row(results_path("gatedpixelcnn_conditional_steps"), (str(steps),), row), row)
