"""dmlib — the library behind the Deep Morning week-5 course (PR12 talks 022–025).

One package per paper, each readable top to bottom like the paper and holding its model,
training, evaluation, generated data, widgets and exercise checkers:

- ``dmlib.infogan`` — PR-022 InfoGAN (notebooks/01_infogan.ipynb)
- ``dmlib.yolo`` — PR-023 YOLO9000: YOLOv2 and WordTree (notebooks/02_yolo9000.ipynb)
- ``dmlib.pixelrnn`` — PR-024 PixelRNN and PixelCNN (notebooks/03_pixelrnn.ipynb)
- ``dmlib.hallucination`` — PR-025 modality hallucination (notebooks/04_modality_hallucination.ipynb)

Shared, paper-free modules: ``dmlib.data`` (readers for the shipped files), ``dmlib.training``
(seeding, device, autocast, the optimiser step, the training loop, checkpoints), ``dmlib.figures``
(a reproduced figure beside the paper's), ``dmlib.registry`` (the paper packages and
``load_pretrained``), ``dmlib.plotting``, ``dmlib.widgets`` and ``dmlib.exercises`` (helpers for
every paper's widgets and checkers), ``dmlib.checks`` (input checks at the entry points),
``dmlib.course`` and the CLI ``python -m dmlib``.

Threads: importing dmlib sets ``OMP_WAIT_POLICY=PASSIVE`` unless it is already set. torch's
OpenMP threads otherwise spin while they wait for work, and on a laptop whose cores are busy with
other programs that spinning made the notebooks 2–7× slower; idle threads now sleep. It only takes
effect when dmlib is imported before torch (the notebooks' first import); set the variable
yourself to choose another policy.
"""

import os

os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")

__version__ = "0.1.0"
