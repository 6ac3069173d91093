"""Everything the notebooks and `report` read is verified; bad files give one clear error."""

import gzip
import json
import shutil
import time

import pytest
import torch

from dmlib import data, registry, training
from dmlib.data import DataFileError
from dmlib.training import CheckpointError

REAL = data.data_dir()


@pytest.fixture
def shipped(tmp_path, monkeypatch):
    """A throw-away copy of data/ (the PixelCNN checkpoints, the results, the manifest)."""
    for rel in ("MANIFEST.sha256", "results/yolov2_path_1000steps.json", "results/hallucination.json"):
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(REAL / rel, tmp_path / rel)
    for path in (REAL / "checkpoints").glob("*pixelcnn.*"):
        shutil.copy(path, tmp_path / "checkpoints" / path.name) if (tmp_path / "checkpoints").is_dir() else (
            (tmp_path / "checkpoints").mkdir(),
            shutil.copy(path, tmp_path / "checkpoints" / path.name),
        )
    monkeypatch.setenv("DMLIB_DATA", str(tmp_path))
    data._manifest.cache_clear()
    yield tmp_path
    data._manifest.cache_clear()


def _edit_json(path, change, record=False):
    record_before = json.loads(path.read_text())
    path.write_text(json.dumps(change(record_before)))
    if record:  # as if a maintainer had shipped it: the manifest vouches for the new bytes
        data.record_in_manifest(path)


# --- results files and training logs ---------------------------------------------------------
def test_a_modified_results_file_is_refused_with_the_command_that_rebuilds_it(shipped):
    from dmlib.yolo import experiments

    assert experiments.read_path_results(1000)  # the copy reads fine
    _edit_json(shipped / "results/yolov2_path_1000steps.json", lambda rows: {**rows, "edited": True})
    rebuild = "train yolov2_path --seed S --steps 1000 --ship"
    with pytest.raises(DataFileError, match=f"yolov2_path_1000steps.json.*sha256.*{rebuild}"):
        experiments.read_path_results(1000)


@pytest.mark.parametrize(
    ("content", "message"),
    [("{not json", "not valid JSON"), ("{}", "holds no rows"), ("[1]", "holds no rows")],
)
def test_a_garbled_or_empty_results_file_is_named(shipped, content, message):
    from dmlib.hallucination import experiments

    path = shipped / "results/hallucination.json"
    path.write_text(content)
    data.record_in_manifest(path)
    with pytest.raises(DataFileError, match=message):
        experiments.read_results()


def _merge_rows(name, count, start):
    data.data_file("results/hallucination.json")  # a run reads (and caches) the manifest when it starts
    start.wait()  # every writer begins at once
    for seed in range(count):
        data.merge_row(data.results_path("merge_test"), (name, str(seed)), {"seed": seed})


@pytest.mark.usefixtures("shipped")
def test_rows_merged_by_parallel_runs_all_survive_with_a_true_manifest():
    """Two processes merge rows into one results file at once (as parallel ``--ship`` runs do)."""
    import multiprocessing

    context = multiprocessing.get_context("spawn")  # a fresh interpreter, with its own manifest cache
    start = context.Barrier(3)
    runs = [context.Process(target=_merge_rows, args=(name, 50, start)) for name in ("a", "b")]
    for run in runs:
        run.start()
    _merge_rows("c", 50, start)
    for run in runs:
        run.join()
        assert run.exitcode == 0
    rows = json.loads(data.results_path("merge_test").read_text())
    assert sorted(rows) == ["a", "b", "c"]
    assert all(by_seed == {str(s): {"seed": s} for s in range(50)} for by_seed in rows.values())
    assert data.read_json(data.results_path("merge_test"), "-")  # the manifest vouches for the final bytes
    data._manifest.cache_clear()
    for rel in ("results/yolov2_path_1000steps.json", "results/hallucination.json"):  # other entries kept
        assert data.data_file(rel)


def test_a_write_keeps_manifest_entries_another_process_added_since(shipped):
    data.data_file("results/hallucination.json")  # this run read (and cached) the manifest hours ago
    other = shipped / "results/other.json"
    other.write_text("{}")
    manifest = shipped / "MANIFEST.sha256"  # since then another run shipped a file
    manifest.write_text(manifest.read_text() + f"{data.sha256_of(other)}  results/other.json\n")
    data.merge_row(data.results_path("mine"), ("0",), {"seed": 0})
    assert data.data_file("results/other.json") == other
    assert data.data_file("results/mine.json")


def _ship_slowly(path, locked):
    """A run shipping a results file: the file changes first, its manifest entry a moment later."""
    with data._data_lock():
        path.write_text(json.dumps({"0": {"seed": 0}}))
        locked.set()
        time.sleep(0.5)  # the window in which the file and the manifest disagree
        data._record((path,))


def test_a_reader_waits_for_a_run_that_is_shipping_the_file(shipped):
    import multiprocessing

    path = shipped / "results/hallucination.json"
    context = multiprocessing.get_context("spawn")
    locked = context.Event()
    writer = context.Process(target=_ship_slowly, args=(path, locked))
    writer.start()
    locked.wait()  # the file is rewritten, its checksum not yet
    assert data.read_json(path, "-") == {"0": {"seed": 0}}  # waited for the manifest, then read
    writer.join()
    assert writer.exitcode == 0


@pytest.mark.usefixtures("shipped")
def test_merge_row_keeps_seeds_in_numeric_order_and_names_in_arrival_order():
    path = data.results_path("order_test")
    for name, seed in [("yolo", 10), ("bn", 2), ("yolo", 9), ("yolo", 0)]:
        data.merge_row(path, (name, str(seed)), {"seed": seed})
    rows = json.loads(path.read_text())
    assert list(rows) == ["yolo", "bn"]
    assert list(rows["yolo"]) == ["0", "9", "10"]
    with pytest.raises(ValueError, match="at least one level"):
        data.merge_row(path, (), {})


def test_a_missing_results_file_names_the_command(shipped):
    from dmlib.hallucination import experiments

    (shipped / "results/hallucination.json").unlink()
    with pytest.raises(DataFileError, match="missing.*train hallucination"):
        experiments.read_results()


def test_an_edited_training_log_is_refused(shipped):
    log = shipped / "checkpoints/pixelcnn.log.csv"
    assert training.read_history("pixelcnn")["nll_nats"].size > 0
    log.write_text(log.read_text().replace("\n1,", "\n1,9.99", 1))
    with pytest.raises(CheckpointError, match="pixelcnn.log.csv.*sha256"):
        training.read_history("pixelcnn")


# --- strict sidecars -------------------------------------------------------------------------
def test_an_edited_sidecar_is_refused(shipped):
    _edit_json(
        shipped / "checkpoints/pixelcnn.json",
        lambda s: {**s, "metrics": {**s["metrics"], "test_nll_nats": 80.0}},
    )
    with pytest.raises(CheckpointError, match="pixelcnn.json.*sha256"):
        registry.load_pretrained("pixelcnn")


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda s: [s], "must hold a JSON object"),
        (lambda s: {**s, "config": None}, "'config' has the wrong type"),
        (lambda s: {**s, "config": {**s["config"], "hidden": "16"}}, "hidden must be int"),
        (lambda s: {**s, "config": {**s["config"], "layers": 7.0}}, "layers must be int"),
        (lambda s: {**s, "config": {**s["config"], "bf16": "false"}}, "bf16 must be bool"),
        (lambda s: {**s, "config": {**s["config"], "width": 2}}, "config fields"),
        (lambda s: {k: v for k, v in s.items() if k != "seed"}, "missing fields \\['seed'\\]"),
        (lambda s: {**s, "extra": 1}, "unknown fields \\['extra'\\]"),
        (lambda s: {**s, "name": "gatedpixelcnn"}, "belongs to checkpoint 'gatedpixelcnn', not 'pixelcnn'"),
    ],
)
def test_a_sidecar_that_does_not_fit_its_config_is_named(shipped, change, message):
    _edit_json(shipped / "checkpoints/pixelcnn.json", change, record=True)
    with pytest.raises(CheckpointError, match=message) as error:
        registry.load_pretrained("pixelcnn")
    assert "pixelcnn" in str(error.value)
    assert "python -m dmlib train pixelcnn --ship" in str(error.value)


def test_another_checkpoint_copied_over_is_refused(shipped):
    for suffix in (".pt", ".json"):
        shutil.copy(REAL / f"checkpoints/gatedpixelcnn{suffix}", shipped / f"checkpoints/pixelcnn{suffix}")
    data.record_in_manifest(shipped / "checkpoints/pixelcnn.json")
    with pytest.raises(CheckpointError, match="belongs to checkpoint 'gatedpixelcnn', not 'pixelcnn'"):
        registry.load_pretrained("pixelcnn")


def test_weights_without_the_expected_network_or_shapes_are_named(shipped):
    weights = shipped / "checkpoints/pixelcnn.pt"
    state = torch.load(weights, weights_only=True)

    def save(tensors):
        torch.save(tensors, weights)
        _edit_json(
            shipped / "checkpoints/pixelcnn.json",
            lambda s: {**s, "sha256": data.sha256_of(weights)},
            record=True,
        )

    save({"other": state["model"]})
    with pytest.raises(CheckpointError, match="no weights for network 'model'"):
        registry.load_pretrained("pixelcnn")
    save({"model": {k: v[..., :1] if v.dim() == 4 else v for k, v in state["model"].items()}})
    with pytest.raises(CheckpointError, match="does not fit network 'model'"):
        registry.load_pretrained("pixelcnn")


# --- user data through DMLIB_DATA -------------------------------------------------------------
def _user_data(tmp_path, monkeypatch, files: dict[str, bytes]):
    for rel, content in files.items():
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_bytes(content)
    lines = [f"{data.sha256_of(tmp_path / rel)}  {rel}" for rel in files]
    (tmp_path / "MANIFEST.sha256").write_text("\n".join(lines) + "\n")
    monkeypatch.setenv("DMLIB_DATA", str(tmp_path))
    data._manifest.cache_clear()


def _idx(shape, dtype_code=0x08):
    import struct

    body = bytes(int(torch.tensor(shape).prod()))
    return gzip.compress(
        bytes([0, 0, dtype_code, len(shape)]) + struct.pack(f">{len(shape)}I", *shape) + body
    )


@pytest.mark.parametrize(
    ("images", "labels", "message"),
    [
        ((3, 28, 28), (4,), "holds 3 images but .* 4 labels"),
        ((3, 784), (3,), "expected uint8 images \\(N, H, W\\)"),
        ((3, 28, 28), (3, 1), "expected labels \\(N,\\)"),
    ],
)
def test_user_idx_files_are_checked(tmp_path, monkeypatch, images, labels, message):
    _user_data(tmp_path, monkeypatch, {"mnist/t10k-images-idx3-ubyte.gz": _idx(images),
                                        "mnist/t10k-labels-idx1-ubyte.gz": _idx(labels)})  # fmt: skip
    with pytest.raises(DataFileError, match=message):
        data.load_mnist("test")
    data._manifest.cache_clear()


@pytest.mark.parametrize(
    ("csv", "message"),
    [
        ("w,h,img_w,img_h,cls\n0.1,0.2,500,375,dog\n", "lacks the columns \\['difficult'\\]"),
        ("w,h,img_w,img_h,cls,difficult\n0.1,0.2,500,375,dog,0\n1.5,0.2,500,375,cat,0\n", "line 3"),
        ("w,h,img_w,img_h,cls,difficult\n0.1,x,500,375,dog,0\n", "line 2: a size is not a number"),
        ("w,h,img_w,img_h,cls,difficult\n0.1,0.2,500,375,dog,yes\n", "line 2: difficult must be 0 or 1"),
    ],
)
def test_user_voc_files_name_the_first_bad_line(tmp_path, monkeypatch, csv, message):
    _user_data(tmp_path, monkeypatch, {"voc/voc2007_trainval_wh.csv": csv.encode()})
    with pytest.raises(DataFileError, match=message):
        data.load_voc_boxes()
    data._manifest.cache_clear()


def test_user_wordnet_files_name_the_first_bad_line(tmp_path, monkeypatch):
    from dmlib.yolo import wordtree

    _user_data(tmp_path, monkeypatch, {"imagenet/wordnet.is_a.txt": b"n00001740 n00001930\nn00001930\n"})
    with pytest.raises(DataFileError, match="line 2: expected 'parent_wnid child_wnid'"):
        wordtree.read_is_a()
    data._manifest.cache_clear()
