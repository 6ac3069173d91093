import json

import pytest

from dmlib import data, training
from dmlib.__main__ import main


def test_help_lists_every_command(capsys):
    with pytest.raises(SystemExit) as exit_info:
        main(["--help"])
    assert exit_info.value.code == 0
    out = capsys.readouterr().out
    for command in ("train", "evaluate", "report", "env", "badges"):
        assert command in out


def test_train_flags_come_from_the_config(capsys):
    with pytest.raises(SystemExit):
        main(["train", "infogan", "--help"])
    out = capsys.readouterr().out
    for flag in ("--lambda-info", "default 2000", "--out", "--ship"):
        assert flag in out


def test_env_prints_versions(capsys):
    assert main(["env"]) == 0
    assert "torch" in capsys.readouterr().out


@pytest.mark.usefixtures("tmp_data")
def test_evaluate_without_checkpoint_names_the_train_command(capsys):
    assert main(["evaluate", "pixelcnn"]) == 2  # one line, no traceback
    err = capsys.readouterr().err
    assert "python -m dmlib train pixelcnn" in err
    assert len(err.strip().splitlines()) == 1


@pytest.mark.slow
def test_evaluate_json_lists_figures_beside_the_paper(capsys):
    assert main(["evaluate", "yolov2", "--json"]) == 0
    figures = json.loads(capsys.readouterr().out)
    names = [f["name"] for f in figures]
    assert any("digit mAP@.5, 3-seed mean" in n for n in names)
    assert all({"paper_value", "ours", "met"} <= set(f) for f in figures)


# --- training never destroys the course; user errors fail in a second, in one line -----------
@pytest.fixture
def no_data_loads(monkeypatch):
    """Fail the test if a command gets as far as reading a dataset."""

    def refuse(*_args, **_kwargs):
        raise AssertionError("data was loaded before the user error was reported")

    for name in ("load_mnist", "load_fashion_mnist", "data_file"):
        monkeypatch.setattr(data, name, refuse)
    monkeypatch.setattr("dmlib.pixelrnn.experiments.load_mnist", refuse)


@pytest.mark.usefixtures("no_data_loads")
@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["train", "pixelcnn", "--batch-size", "0"], "batch_size must be positive"),
        (["train", "pixelcnn", "--hidden", "0"], "hidden must be positive"),
        (["train", "pixelcnn", "--lr", "-0.1"], "lr must be positive"),
        (["train", "infogan", "--steps", "0"], "steps must be positive"),
        (["train", "yolov2", "--anchors", "0"], "anchors must be positive"),
        (["train", "yolov2", "--width", "0"], "width must be positive"),
        (["train", "hallucination", "--batch-size", "-1"], "batch_size must be positive"),
        (["train", "pixelcnn", "--out", "/proc/no-such-folder"], "cannot write to the output folder"),
    ],
)
def test_bad_flags_fail_in_one_line_before_any_data_loads(argv, message, capsys):
    assert main(argv) == 2
    err = capsys.readouterr().err.strip()
    assert message in err
    assert len(err.splitlines()) == 1


@pytest.mark.usefixtures("no_data_loads")
@pytest.mark.parametrize(("device", "message"), [("tpu", "is not a device"), ("cuda", "no CUDA")])
def test_a_bad_dmlib_device_is_named(device, message, monkeypatch, capsys):
    monkeypatch.setattr(training.torch.cuda, "is_available", lambda: False)
    monkeypatch.setenv("DMLIB_DEVICE", device)
    assert main(["train", "pixelcnn", "--steps", "1"]) == 2
    assert message in capsys.readouterr().err
    assert main(["env"]) == 0  # env still reports, naming the problem
    assert message in capsys.readouterr().out


def test_a_missing_data_folder_names_dmlib_data(monkeypatch, capsys, tmp_path):
    monkeypatch.setenv("DMLIB_DATA", str(tmp_path / "nowhere"))
    assert main(["evaluate", "pixelcnn"]) == 2
    assert "DMLIB_DATA" in capsys.readouterr().err


def test_train_writes_a_run_folder_and_leaves_data_alone(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    shipped = {p: p.read_bytes() for p in (data.data_dir() / "checkpoints").glob("pixelcnn.*")}
    manifest = (data.data_dir() / "MANIFEST.sha256").read_bytes()
    argv = ["train", "pixelcnn", "--steps", "2", "--hidden", "4", "--layers", "1", "--out-hidden", "4"]
    assert main(argv) == 0
    run = tmp_path / "runs" / "pixelcnn" / "checkpoints"
    assert {p.name for p in run.iterdir()} == {"pixelcnn.pt", "pixelcnn.json", "pixelcnn.log.csv"}
    assert json.loads((run / "pixelcnn.json").read_text())["config"]["steps"] == 2
    assert {p: p.read_bytes() for p in shipped} == shipped
    assert (data.data_dir() / "MANIFEST.sha256").read_bytes() == manifest


def test_a_seed_study_run_adds_its_row_and_writes_no_checkpoint(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    argv = "train pixelcnn_rgb_seeds --seed 4 --steps 2 --hidden 6 --out-hidden 6".split()
    assert main(argv) == 0
    run = tmp_path / "runs" / "pixelcnn_rgb_seeds"
    assert not any((run / "checkpoints").iterdir())
    rows = json.loads((run / "results" / "pixelcnn_rgb_seeds.json").read_text())
    assert list(rows) == ["4"]
    assert rows["4"]["command"].startswith("python -m dmlib")  # this process's command line
    assert rows["4"]["config"]["data"] == "colour_patches"  # the shipped model's settings, one flag changed
    assert rows["4"]["test_bits_per_dim"] > 0
