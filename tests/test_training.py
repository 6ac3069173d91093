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
    assert sidecar["seed"] == 3
    assert sidecar["config"] == {"lr": 0.1}
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
    assert half["w"].dtype == torch.float16
    assert half["count"].dtype == torch.int64


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


# --- one life cycle: Recipe → Trained → ship → load_pretrained ------------------------------
def test_recipe_spells_the_train_command_from_its_name_and_overrides():
    recipe = training.Recipe("toy", "a toy", dict, lambda c, f: "toy", lambda load: [])
    assert recipe.command() == "python -m dmlib train toy --ship"
    assert recipe.command({"lambda_info": 0.0, "joint": False, "seed": 2}) == (
        "python -m dmlib train toy --lambda-info 0.0 --no-joint --seed 2 --ship"
    )


def test_optimiser_step_clips_the_gradient_norm():
    weight = torch.nn.Parameter(torch.zeros(3))
    optimiser = torch.optim.SGD([weight], lr=1.0)
    training.optimiser_step(optimiser, (weight * torch.tensor([30.0, 40.0, 0.0])).sum(), clip=10.0)
    assert weight.detach().tolist() == pytest.approx(
        [-6.0, -8.0, 0.0]
    )  # the gradient (30, 40) scaled to norm 10
    training.optimiser_step(optimiser, (weight * torch.tensor([3.0, 4.0, 0.0])).sum())
    assert weight.detach().tolist() == pytest.approx([-9.0, -12.0, 0.0])  # no clip: the plain step


def test_autocast_is_off_on_a_cpu_without_native_bf16(monkeypatch):
    monkeypatch.setattr(training, "cpu_supports_bf16", lambda: False)
    with training.autocast(torch.device("cpu"), bf16=True):
        assert (torch.ones(2, 2) @ torch.ones(2, 2)).dtype == torch.float32
    monkeypatch.setattr(training, "cpu_supports_bf16", lambda: True)
    with training.autocast(torch.device("cpu"), bf16=True):
        assert (torch.ones(2, 2) @ torch.ones(2, 2)).dtype == torch.bfloat16
    with training.autocast(torch.device("cpu"), bf16=False):
        assert (torch.ones(2, 2) @ torch.ones(2, 2)).dtype == torch.float32


def test_ship_measures_the_float16_weights_it_writes(tmp_path):
    import dataclasses

    @dataclasses.dataclass
    class Config:
        seed: int = 3

    net = torch.nn.Linear(1, 1)
    with torch.no_grad():
        net.weight.fill_(1 / 3)
    seen = []
    trained = training.Trained(
        {"net": net}, {"step": [0, 1], "loss": [2.0, 1.0]}, 1.5, {"extra": torch.ones(2)}
    )

    def measure(nets):
        seen.append(nets["net"].weight.item())
        return {"m": 1.0}

    path = training.ship("toy", trained, Config(), measure, tmp_path)
    assert seen == [torch.tensor(1 / 3).half().item()]  # measured after rounding to float16
    tensors, sidecar = training.load_checkpoint("toy", train_command="x", folder=tmp_path)
    assert tensors["net"]["weight"].dtype == torch.float16
    assert torch.equal(tensors["extra"], torch.ones(2))
    assert sidecar["seed"] == 3
    assert sidecar["metrics"] == {"m": 1.0}
    assert training.read_history("toy", tmp_path)["loss"].tolist() == [2.0, 1.0]
    assert path == tmp_path / "toy.pt"


def test_every_shipped_checkpoint_has_a_recipe_and_a_log():
    from dmlib import registry

    shipped = {p.stem for p in training.checkpoint_dir().glob("*.pt")}
    recipes = {name for recipe in registry.recipes().values() for name in recipe.checkpoints}
    assert shipped == recipes
    missing_logs = sorted(n for n in shipped if not (training.checkpoint_dir() / f"{n}.log.csv").is_file())
    assert missing_logs == []


def test_record_seed_measures_the_float16_weights_and_merges_rows_by_seed(tmp_path, monkeypatch):
    import dataclasses

    @dataclasses.dataclass
    class Config:
        seed: int
        bf16: bool = True

    monkeypatch.setattr(training, "cpu_supports_bf16", lambda: False)  # asked for, not computed in
    folder = tmp_path / "checkpoints"
    for seed in (2, 0):  # separate processes in practice
        net = torch.nn.Linear(1, 1)
        with torch.no_grad():
            net.weight.fill_(1 / 3)
        trained = training.Trained({"net": net}, {"step": [0]}, 2.04)
        training.record_seed(
            "toy", trained, Config(seed), lambda nets: {"w": nets["net"].weight.item()}, folder
        )
    rows = training.read_seed_study("toy", "python -m dmlib train toy_seeds --seed S", folder)
    assert list(rows) == [0, 2]  # ordered by seed
    assert rows[2]["w"] == torch.tensor(1 / 3).half().item()  # measured after rounding to float16
    assert rows[2]["config"] == {"seed": 2, "bf16": True}
    assert (rows[0]["wall_time_s"], rows[0]["precision"]) == (2.0, "float32")
    assert (tmp_path / "results" / "toy_seeds.json").is_file()
    with pytest.raises(training.DataFileError, match="train other_seeds --seed S --ship"):
        training.read_seed_study("other", "python -m dmlib train other_seeds --seed S", folder)
