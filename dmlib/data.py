"""Readers for the datasets shipped in ``data/``, each verified against ``data/MANIFEST.sha256``.

Taught in notebooks/01_infogan.ipynb §0 Setup (every notebook loads its data through here).

The files are plain copies of ``../shared/data`` (see ``data/README.md`` for provenance and
licences). A missing or altered file raises :class:`DataFileError`, which names the file and says
how to restore it; nothing is downloaded.
"""

from __future__ import annotations

import csv
import gzip
import hashlib
import os
import struct
from functools import lru_cache
from pathlib import Path

import numpy as np
import torch

__all__ = [
    "DataFileError",
    "binarize",
    "data_dir",
    "data_file",
    "load_fashion_mnist",
    "load_mnist",
    "load_voc_boxes",
    "read_idx",
    "sha256_of",
]

MANIFEST_NAME = "MANIFEST.sha256"
RESTORE_HINT = (
    "restore it with `git checkout -- data/{rel}` (or copy it again from ../shared/data/ "
    "and check it with `cd data && sha256sum -c MANIFEST.sha256`)"
)


class DataFileError(RuntimeError):
    """A shipped data file is missing, corrupt or does not match its checksum."""


def data_dir() -> Path:
    """The course's ``data/`` folder (``$DMLIB_DATA`` overrides it)."""
    override = os.environ.get("DMLIB_DATA")
    return Path(override) if override else Path(__file__).resolve().parents[1] / "data"


def sha256_of(path: str | Path) -> str:
    """Hex sha256 of a file, read in 1 MiB chunks."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


@lru_cache(maxsize=1)
def _manifest(root: Path) -> dict[str, str]:
    path = root / MANIFEST_NAME
    if not path.is_file():
        raise DataFileError(f"{path} is missing; restore it with `git checkout -- data/`.")
    entries = {}
    for line in path.read_text().splitlines():
        if line.strip():
            digest, rel = line.split(maxsplit=1)
            entries[rel.strip()] = digest
    return entries


@lru_cache(maxsize=64)
def _verified(path: Path, size: int, mtime: float, expected: str) -> bool:  # noqa: ARG001
    # Keyed on size and mtime, so a file that changes on disk is hashed again.
    return sha256_of(path) == expected


def data_file(rel: str) -> Path:
    """Path of a shipped file, after checking it exists and matches the manifest.

    ``rel`` is relative to ``data/``, e.g. ``"mnist/t10k-labels-idx1-ubyte.gz"``.
    """
    if not isinstance(rel, str) or not rel:
        raise ValueError(f"rel must be a non-empty path inside data/, got {rel!r}")
    root = data_dir()
    manifest = _manifest(root)
    if rel not in manifest:
        raise ValueError(f"rel={rel!r} is not a shipped file; known: {sorted(manifest)}")
    path = root / rel
    hint = RESTORE_HINT.format(rel=rel)
    if not path.is_file():
        raise DataFileError(f"data file {path} is missing; {hint}.")
    stat = path.stat()
    if not _verified(path, stat.st_size, stat.st_mtime, manifest[rel]):
        raise DataFileError(
            f"data file {path} does not match its sha256 in data/{MANIFEST_NAME} "
            f"(corrupt or modified); {hint}."
        )
    return path


_IDX_DTYPES = {0x08: np.uint8, 0x09: np.int8, 0x0B: ">i2", 0x0C: ">i4", 0x0D: ">f4", 0x0E: ">f8"}


def read_idx(path: str | Path) -> torch.Tensor:
    """Read a (gzip-compressed) IDX file, the MNIST format, into a tensor.

    The header is two zero bytes, a dtype code, the number of dimensions, then one big-endian
    uint32 per dimension.
    """
    path = Path(path)
    opener = gzip.open if path.suffix == ".gz" else open
    try:
        with opener(path, "rb") as handle:
            raw = handle.read()
    except (OSError, EOFError) as exc:  # gzip.BadGzipFile is an OSError
        raise DataFileError(f"{path} is not a readable IDX file ({exc})") from exc
    if len(raw) < 4 or raw[0] != 0 or raw[1] != 0 or raw[2] not in _IDX_DTYPES:
        raise DataFileError(f"{path} has no IDX header")
    ndim = raw[3]
    shape = struct.unpack(f">{ndim}I", raw[4 : 4 + 4 * ndim])
    dtype = np.dtype(_IDX_DTYPES[raw[2]])
    body = raw[4 + 4 * ndim :]
    if len(body) != int(np.prod(shape)) * dtype.itemsize:
        raise DataFileError(f"{path}: header says shape {shape} but the body has {len(body)} bytes")
    array = np.frombuffer(body, dtype=dtype).reshape(shape)
    return torch.from_numpy(array.astype(dtype.newbyteorder("="), copy=True))


_SPLITS = {"train": "train", "test": "t10k"}


def _load_idx_pair(folder: str, split: str, splits: tuple[str, ...]) -> tuple[torch.Tensor, torch.Tensor]:
    if split not in splits:
        raise ValueError(f"split must be one of {splits}, got {split!r}")
    prefix = _SPLITS[split]
    images = read_idx(data_file(f"{folder}/{prefix}-images-idx3-ubyte.gz"))
    labels = read_idx(data_file(f"{folder}/{prefix}-labels-idx1-ubyte.gz")).long()
    return images, labels


def load_mnist(split: str = "train") -> tuple[torch.Tensor, torch.Tensor]:
    """MNIST digits as ``(images uint8 (N, 28, 28), labels int64 (N,))``; N = 60000 or 10000."""
    return _load_idx_pair("mnist", split, ("train", "test"))


def load_fashion_mnist(split: str = "test") -> tuple[torch.Tensor, torch.Tensor]:
    """The Fashion-MNIST test set (only it is shipped) as ``(uint8 (10000, 28, 28), int64)``.

    Taught in notebooks/02_yolo9000.ipynb (Stronger).
    """
    return _load_idx_pair("fashion-mnist", split, ("test",))


def binarize(images: torch.Tensor, seed: int = 0) -> torch.Tensor:
    """Stochastic binarization: pixel ~ Bernoulli(intensity / 255), fixed by ``seed``.

    Returns float32 of the same shape, values in {0, 1}; the same seed gives the same bits.
    Taught in notebooks/03_pixelrnn.ipynb §Binarized MNIST.
    """
    if not isinstance(images, torch.Tensor) or images.dtype != torch.uint8:
        raise ValueError("images must be a uint8 tensor of 0..255 intensities")
    generator = torch.Generator().manual_seed(seed)
    probs = images.float() / 255.0
    return (torch.rand(probs.shape, generator=generator) < probs).float()


VOC_SETS = ("2007_trainval", "2007_test", "2012_trainval")


def load_voc_boxes(which: str = "2007_trainval", difficult: bool = False) -> dict[str, np.ndarray]:
    """Object boxes of a PASCAL VOC split (annotations only, no images), as columns.

    Returns ``{"w", "h"}`` (size / image size, float), ``"img_w"``, ``"img_h"`` (pixels) and ``"cls"``
    (str), one entry per object; ``difficult=False`` drops the boxes VOC marks difficult.
    Taught in notebooks/02_yolo9000.ipynb §3 Dimension clusters.
    """
    if which not in VOC_SETS:
        raise ValueError(f"which must be one of {VOC_SETS}, got {which!r}")
    with open(data_file(f"voc/voc{which}_wh.csv"), newline="") as handle:
        rows = [row for row in csv.DictReader(handle) if difficult or row["difficult"] == "0"]
    columns = {key: np.array([float(r[key]) for r in rows]) for key in ("w", "h", "img_w", "img_h")}
    columns["cls"] = np.array([r["cls"] for r in rows])
    return columns
