import json

import pytest
import torch

from dmlib import training
from dmlib.training import CheckpointError


def test_seed_everything_makes_torch_repeatable():
    training.seed_everything(7)
    a = torch.rand(3)
    training.seed_everything(7)
    assert torch.equal(a, torch.rand(3))


def test_seed_must_be_non_negative_int():
    with pytest.raises(ValueError, match="seed"):
        training.seed_everything(-1)


def test_default_device_is_cpu_without_cuda(monkeypatch):
    monkeypatch.delenv("DMLIB_DEVICE", raising=False)
    expected = "cuda" if torch.cuda.is_available() else "cpu"
    assert training.default_device().type == expected
    monkeypatch.setenv("DMLIB_DEVICE", "cpu")
    assert training.default_device().type == "cpu"


def test_progress_is_off_when_asked(monkeypatch):
    monkeypatch.setenv("DMLIB_PROGRESS", "0")
    assert not training.progress_enabled()
    monkeypatch.setenv("DMLIB_PROGRESS", "1")
    assert training.progress_enabled()


def test_run_training_logs_every_step_and_the_last():
    history = training.run_training(lambda i: {"loss": 10.0 - i}, 7, log_every=3)
    assert history["step"] == [0, 3, 6]
    assert history["loss"] == [10.0, 7.0, 4.0]


@pytest.mark.parametrize("steps", [0, -3, 2.5])
def test_run_training_rejects_bad_steps(steps):
    with pytest.raises(ValueError, match="steps"):
        training.run_training(lambda i: {}, steps)


def _save(folder, **overrides):
    kwargs = dict(config={"lr": 0.1}, seed=3, metrics={"acc": 0.5}, wall_time_s=1.25,
                  history={"step": [0, 1], "loss": [2.0, 1.0]}, command="python -m dmlib train toy",
                  folder=folder)  # fmt: skip
    kwargs.update(overrides)
    return training.save_checkpoint("toy", {"net": {"w": torch.ones(2)}}, **kwargs)


def test_checkpoint_round_trip_with_sidecar(tmp_path):
    path = _save(tmp_path)
    tensors, sidecar = training.load_checkpoint("toy", train_command="cmd", folder=tmp_path)
    assert torch.equal(tensors["net"]["w"], torch.ones(2))
    assert sidecar["seed"] == 3 and sidecar["config"] == {"lr": 0.1}
    assert sidecar["command"] == "python -m dmlib train toy"
    assert sidecar["sha256"] == training.sha256_of(path)
    assert training.read_history("toy", tmp_path)["loss"].tolist() == [2.0, 1.0]


def test_missing_checkpoint_names_the_train_command(tmp_path):
    with pytest.raises(CheckpointError, match=r"toy\.pt is missing.*python -m dmlib train toy"):
        training.load_checkpoint("toy", train_command="python -m dmlib train toy", folder=tmp_path)


def test_corrupt_checkpoint_is_detected(tmp_path):
    path = _save(tmp_path)
    raw = bytearray(path.read_bytes())
    raw[len(raw) // 2] ^= 0xFF
    path.write_bytes(bytes(raw))
    with pytest.raises(CheckpointError, match="does not match the sha256.*regenerate"):
        training.load_checkpoint("toy", train_command="python -m dmlib train toy", folder=tmp_path)


def test_truncated_checkpoint_with_matching_sidecar_cannot_be_read(tmp_path):
    path = _save(tmp_path)
    path.write_bytes(path.read_bytes()[:100])
    sidecar = tmp_path / "toy.json"
    record = json.loads(sidecar.read_text())
    record["sha256"] = training.sha256_of(path)
    sidecar.write_text(json.dumps(record))
    with pytest.raises(CheckpointError, match="cannot be read"):
        training.load_checkpoint("toy", train_command="x", folder=tmp_path)


def test_unreadable_sidecar(tmp_path):
    _save(tmp_path)
    (tmp_path / "toy.json").write_text("{not json")
    with pytest.raises(CheckpointError, match="not valid JSON"):
        training.load_checkpoint("toy", train_command="x", folder=tmp_path)


def test_checkpoint_name_is_validated(tmp_path):
    with pytest.raises(ValueError, match="name"):
        training.load_checkpoint("../etc", train_command="x", folder=tmp_path)


def test_half_precision_keeps_integer_buffers():
    state = {"w": torch.rand(3), "count": torch.tensor(5)}
    half = training.half_precision(state)
    assert half["w"].dtype == torch.float16 and half["count"].dtype == torch.int64


def test_environment_report_names_torch_and_device():
    report = training.environment_report()
    assert report["torch"] == torch.__version__
    assert report["device"] in ("cpu", "cuda")


def test_config_must_match_the_sidecar_exactly():
    import dataclasses

    @dataclasses.dataclass
    class Toy:
        lr: float = 0.1
        steps: int = 3

    assert training.config_from_sidecar(Toy, {"config": {"lr": 0.2, "steps": 5}}, "x") == Toy(0.2, 5)
    with pytest.raises(CheckpointError, match="config fields.*python -m dmlib train toy"):
        training.config_from_sidecar(Toy, {"name": "toy", "config": {"lr": 0.2}}, "python -m dmlib train toy")
