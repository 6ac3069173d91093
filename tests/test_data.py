import gzip

import numpy as np
import pytest
import torch

from dmlib import data
from dmlib.data import DataFileError


def test_mnist_train_matches_published_statistics():
    images, labels = data.load_mnist("train")
    assert images.shape == (60000, 28, 28)
    assert images.dtype == torch.uint8
    counts = torch.bincount(labels).tolist()
    assert counts == [5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949]
    assert abs(images.float().mean().item() / 255 - 0.1307) < 1e-4


def test_mnist_test_set_has_10k_digits():
    images, labels = data.load_mnist("test")
    assert images.shape == (10000, 28, 28)
    assert labels.shape == (10000,)
    assert torch.bincount(labels).tolist()[:3] == [980, 1135, 1032]


def test_fashion_test_set_is_balanced():
    images, labels = data.load_fashion_mnist("test")
    assert images.shape == (10000, 28, 28)
    assert torch.bincount(labels).tolist() == [1000] * 10


def test_wrong_split_names_the_argument():
    with pytest.raises(ValueError, match="split"):
        data.load_mnist("validation")
    with pytest.raises(ValueError, match="split"):
        data.load_fashion_mnist("train")


def test_every_manifest_entry_verifies():
    manifest = (data.data_dir() / "MANIFEST.sha256").read_text().split("\n")
    rels = [line.split(maxsplit=1)[1] for line in manifest if line.strip()]
    assert len(rels) >= 13
    for rel in rels:
        assert data.data_file(rel).is_file()


def test_unknown_file_is_a_value_error():
    with pytest.raises(ValueError, match="rel"):
        data.data_file("mnist/not-a-file.gz")


def test_missing_file_says_how_to_restore(tmp_data):
    (tmp_data / "mnist/t10k-labels-idx1-ubyte.gz").unlink()
    with pytest.raises(DataFileError, match=r"t10k-labels.*missing.*git checkout"):
        data.load_mnist("test")


def test_checksum_mismatch_is_reported(tmp_data):
    path = tmp_data / "mnist/t10k-labels-idx1-ubyte.gz"
    raw = bytearray(path.read_bytes())
    raw[-10] ^= 0xFF
    path.write_bytes(bytes(raw))
    with pytest.raises(DataFileError, match="does not match its sha256"):
        data.load_mnist("test")


def test_corrupt_gzip_is_a_data_error(tmp_path):
    bad = tmp_path / "broken-idx1-ubyte.gz"
    bad.write_bytes(b"\x1f\x8b\x08\x00garbage")
    with pytest.raises(DataFileError, match="not a readable IDX file"):
        data.read_idx(bad)


def test_idx_header_and_body_must_agree(tmp_path):
    path = tmp_path / "short.gz"
    with gzip.open(path, "wb") as handle:
        handle.write(bytes([0, 0, 0x08, 1]) + (5).to_bytes(4, "big") + b"\x01\x02")
    with pytest.raises(DataFileError, match="header says shape"):
        data.read_idx(path)


def test_idx_round_trip(tmp_path):
    path = tmp_path / "x.gz"
    values = np.arange(24, dtype=np.uint8).reshape(2, 3, 4)
    with gzip.open(path, "wb") as handle:
        handle.write(bytes([0, 0, 0x08, 3]) + b"".join(int(n).to_bytes(4, "big") for n in values.shape))
        handle.write(values.tobytes())
    assert torch.equal(data.read_idx(path), torch.from_numpy(values))


def test_binarize_is_seeded_and_binary():
    images, _ = data.load_mnist("test")
    a, b = data.binarize(images[:100], seed=3), data.binarize(images[:100], seed=3)
    assert torch.equal(a, b)
    assert not torch.equal(a, data.binarize(images[:100], seed=4))
    assert set(a.unique().tolist()) <= {0.0, 1.0}
    assert abs(a.mean().item() - images[:100].float().mean().item() / 255) < 0.01


def test_binarize_rejects_float_images():
    with pytest.raises(ValueError, match="images"):
        data.binarize(torch.rand(2, 28, 28))
