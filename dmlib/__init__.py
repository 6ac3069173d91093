"""dmlib — the library behind the Deep Morning week-5 course (PR12 talks 022–025).

Each paper has its own module, readable top to bottom like the paper:

- ``dmlib.infotheory`` and ``dmlib.infogan`` — PR-022 InfoGAN (notebooks/01_infogan.ipynb)

Shared machinery lives in ``dmlib.data`` (shipped datasets), ``dmlib.training`` (seeding, device,
progress, checkpoints), ``dmlib.plotting``, ``dmlib.widgets`` and the CLI ``python -m dmlib``.
"""

__version__ = "0.1.0"
