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
import json
import os
import struct
from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path

try:
    import fcntl
except ImportError:  # Windows
    fcntl = None

import numpy as np
import torch

__all__ = [
    "DataFileError",
    "binarize",
    "data_dir",
    "data_file",
    "read_json",
    "merge_row",
    "record_in_manifest",
    "results_path",
    "verify_if_shipped",
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
    if override and not Path(override).is_dir():
        raise DataFileError(
            f"DMLIB_DATA={override!r} is not a folder; point it at the course's data/ or unset it"
        )
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
    if not root.is_dir():
        raise DataFileError(
            f"the data folder {root} does not exist; set DMLIB_DATA to the course's data/ folder "
            "(or unset it to use the one next to dmlib)"
        )
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


def data_file(rel: str, regenerate: str | None = None) -> Path:
    """Path of a shipped file, after checking it exists and matches the manifest.

    ``rel`` is relative to ``data/``, e.g. ``"mnist/t10k-labels-idx1-ubyte.gz"``; ``regenerate``,
    the command that writes the file again, is added to the error message.
    """
    if not isinstance(rel, str) or not rel:
        raise ValueError(f"rel must be a non-empty path inside data/, got {rel!r}")
    root = data_dir()
    manifest = _manifest(root)
    if rel not in manifest:
        raise ValueError(f"rel={rel!r} is not a shipped file: data/{MANIFEST_NAME} does not list it")
    path = root / rel
    hint = RESTORE_HINT.format(rel=rel) + (f", or regenerate it with `{regenerate}`" if regenerate else "")
    if not path.is_file():
        raise DataFileError(f"data file {path} is missing; {hint}.")
    stat = path.stat()
    if not _verified(path, stat.st_size, stat.st_mtime, manifest[rel]):
        raise DataFileError(
            f"data file {path} does not match its sha256 in data/{MANIFEST_NAME} "
            f"(corrupt or modified); {hint}."
        )
    return path


def _shipped_rel(path: str | Path) -> str | None:
    """``path`` relative to ``data/`` when it lies inside it (so the manifest must list it), else None."""
    resolved, root = Path(path).resolve(), data_dir().resolve()
    return resolved.relative_to(root).as_posix() if resolved.is_relative_to(root) else None


def verify_if_shipped(path: str | Path, regenerate: str | None = None) -> Path:
    """``path``, checked against the manifest when it lies inside ``data/`` (see :func:`data_file`);
    a file elsewhere (a run folder) is the user's own and is returned unchecked."""
    rel = _shipped_rel(path)
    return data_file(rel, regenerate) if rel is not None else Path(path)


@contextmanager
def _data_lock(shared: bool = False) -> Iterator[None]:
    """Lock ``data/.write.lock``: exclusively while shipped files and the manifest change, so parallel
    ``--ship`` runs never overwrite each other's rows or checksums; shared while a results file is
    verified and read, so a reader never sees a file whose manifest entry is not yet written. No lock
    where ``fcntl`` is missing (Windows: run one at a time there) or, for readers, in a read-only folder.
    """
    try:
        handle = open(data_dir() / ".write.lock", "a")
    except OSError:
        if not shared:
            raise
        yield  # a folder nobody can write to is never mid-update
        return
    with handle:
        if fcntl is not None:
            fcntl.flock(handle, fcntl.LOCK_SH if shared else fcntl.LOCK_EX)
        try:
            yield
        finally:
            if fcntl is not None:
                fcntl.flock(handle, fcntl.LOCK_UN)


def _record(paths: tuple[Path, ...]) -> None:
    root = data_dir()
    shipped = {rel: path for path in paths if (rel := _shipped_rel(path)) is not None}
    if not shipped:
        return
    _manifest.cache_clear()  # another process may have written it since this one last read it
    manifest = dict(_manifest(root))
    for rel, path in shipped.items():
        manifest[rel] = sha256_of(path)
    lines = [f"{digest}  {rel}" for rel, digest in sorted(manifest.items())]
    (root / MANIFEST_NAME).write_text("\n".join(lines) + "\n")
    _manifest.cache_clear()


def record_in_manifest(*paths: Path) -> None:
    """Write the sha256 of each ``path`` inside ``data/`` into ``data/MANIFEST.sha256`` (``train --ship``);
    paths elsewhere (a run folder) are left alone."""
    with _data_lock():
        _record(paths)


def results_path(table: str, folder: Path | None = None) -> Path:
    """``data/results/<table>.json`` (next to ``folder``'s parent when a folder is given)."""
    root = Path(folder).parent if folder is not None else data_dir()
    return root / "results" / f"{table}.json"


def _natural(key: str) -> tuple[int, int]:
    return (0, int(key)) if key.isdigit() else (1, 0)  # seeds in numeric order; names keep their order


def merge_row(path: Path, keys: tuple[str, ...], row: dict) -> Path:
    """Put ``row`` at ``keys`` (e.g. ``("bn", "2")`` for arm bn, seed 2) in the results file ``path``
    and record it in the manifest, under one lock: rows from parallel runs all survive.

    Keys that are numbers (seeds) are kept in numeric order at every level.
    """
    if not keys:
        raise ValueError("keys must name at least one level")
    with _data_lock():
        path.parent.mkdir(parents=True, exist_ok=True)
        rows = json.loads(path.read_text()) if path.is_file() else {}
        level = rows
        for key in keys[:-1]:
            level = level.setdefault(key, {})
        level[keys[-1]] = row

        def ordered(node: dict, depth: int) -> dict:
            if depth == len(keys):
                return node
            return {k: ordered(node[k], depth + 1) for k in sorted(node, key=_natural)}

        path.write_text(json.dumps(ordered(rows, 0), indent=2) + "\n")
        _record((path,))
    return path


def read_json(path: Path, regenerate: str) -> dict:
    """A results file as a non-empty JSON object; verified against the manifest when shipped.

    Any fault (missing, modified, garbled, empty) raises :class:`DataFileError` naming the file and
    ``regenerate``, the command that writes it again.
    """
    if not Path(path).is_file() and _shipped_rel(path) is None:
        raise DataFileError(f"{path} is missing; regenerate it with `{regenerate}`")
    try:
        with _data_lock(shared=True):
            _manifest.cache_clear()  # a run may have shipped this file since the manifest was read
            path = verify_if_shipped(path, regenerate)
            rows = json.loads(Path(path).read_text())
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise DataFileError(f"{path} is not valid JSON ({exc}); regenerate it with `{regenerate}`") from exc
    if not isinstance(rows, dict) or not rows:
        raise DataFileError(
            f"{path} holds no rows (expected a non-empty JSON object); regenerate it with `{regenerate}`"
        )
    return rows


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
    image_path = data_file(f"{folder}/{prefix}-images-idx3-ubyte.gz")
    label_path = data_file(f"{folder}/{prefix}-labels-idx1-ubyte.gz")
    images, labels = read_idx(image_path), read_idx(label_path)
    if images.dim() != 3 or images.dtype != torch.uint8:
        raise DataFileError(
            f"{image_path}: expected uint8 images (N, H, W), got {images.dtype} {tuple(images.shape)}"
        )
    if labels.dim() != 1:
        raise DataFileError(f"{label_path}: expected labels (N,), got shape {tuple(labels.shape)}")
    if len(images) != len(labels):
        raise DataFileError(f"{image_path} holds {len(images)} images but {label_path} {len(labels)} labels")
    return images, labels.long()


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
    path = data_file(f"voc/voc{which}_wh.csv")
    with open(path, newline="") as handle:
        reader = csv.DictReader(handle)
        missing = {"w", "h", "img_w", "img_h", "cls", "difficult"} - set(reader.fieldnames or ())
        if missing:
            raise DataFileError(f"{path}: the header lacks the columns {sorted(missing)}")
        rows = [_voc_row(path, line, row) for line, row in enumerate(reader, start=2)]
    rows = [row for row in rows if difficult or not row["difficult"]]
    columns = {key: np.array([r[key] for r in rows]) for key in ("w", "h", "img_w", "img_h")}
    columns["cls"] = np.array([r["cls"] for r in rows])
    return columns


def _voc_row(path: Path, line: int, row: dict[str, str]) -> dict:
    """One VOC box row, checked: sizes are fractions in (0, 1], image sizes positive, difficult 0/1."""
    try:
        parsed = {key: float(row[key]) for key in ("w", "h", "img_w", "img_h")}
    except (TypeError, ValueError) as exc:
        raise DataFileError(f"{path}, line {line}: a size is not a number ({exc})") from exc
    if not (0 < parsed["w"] <= 1 and 0 < parsed["h"] <= 1 and parsed["img_w"] > 0 and parsed["img_h"] > 0):
        raise DataFileError(
            f"{path}, line {line}: w, h must be in (0, 1] and image sizes positive, got {parsed}"
        )
    if row["difficult"] not in ("0", "1"):
        raise DataFileError(f"{path}, line {line}: difficult must be 0 or 1, got {row['difficult']!r}")
    return {**parsed, "cls": row["cls"], "difficult": row["difficult"] == "1"}
