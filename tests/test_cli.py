import json

import pytest

from dmlib.__main__ import main
from dmlib.training import CheckpointError


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
    assert "--lambda-info" in out
    assert "default 2000" in out
    assert "--checkpoint-dir" in out


def test_env_prints_versions(capsys):
    assert main(["env"]) == 0
    assert "torch" in capsys.readouterr().out


@pytest.mark.usefixtures("tmp_data")
def test_evaluate_without_checkpoint_names_the_train_command():
    with pytest.raises(CheckpointError, match="python -m dmlib train infogan"):
        main(["evaluate", "infogan"])


@pytest.mark.slow
def test_evaluate_json_lists_figures_beside_the_paper(capsys):
    assert main(["evaluate", "infogan", "--json"]) == 0
    figures = json.loads(capsys.readouterr().out)
    names = [f["name"] for f in figures]
    assert any("c1 as classifier" in n for n in names)
    assert all({"paper_value", "ours", "met"} <= set(f) for f in figures)
