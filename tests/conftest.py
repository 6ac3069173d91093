import os
import shutil
from pathlib import Path

import matplotlib
import pytest

os.environ["DMLIB_PROGRESS"] = "0"
matplotlib.use("Agg")

from dmlib.data import data_dir  # noqa: E402

REAL_DATA = data_dir()


@pytest.fixture
def tmp_data(tmp_path, monkeypatch):
    """A throw-away copy of data/ holding MNIST-test and the manifest; DMLIB_DATA points at it."""
    for rel in ("mnist/t10k-images-idx3-ubyte.gz", "mnist/t10k-labels-idx1-ubyte.gz", "MANIFEST.sha256"):
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(REAL_DATA / rel, tmp_path / rel)
    monkeypatch.setenv("DMLIB_DATA", str(tmp_path))
    return Path(tmp_path)
