"""benchmarks/plot_runs.py: curves of `nsc train` runs from their epochs.csv."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

SCRIPT = Path(__file__).resolve().parent.parent / "benchmarks" / "plot_runs.py"
HEADER = "epoch,global_step,lr,train_mse,val_mse,val_mse_bases,val_mse_centre\n"


def write_run(folder: Path, val: list[float]) -> Path:
    folder.mkdir()
    rows = [f"{i + 1},{10 * (i + 1)},0.001,{2 - 0.1 * i},{v},2.1,1.97\n" for i, v in enumerate(val)]
    (folder / "epochs.csv").write_text(HEADER + "".join(rows))
    return folder


def plot(*args: object) -> subprocess.CompletedProcess:
    command = [sys.executable, str(SCRIPT), *map(str, args)]
    return subprocess.run(command, capture_output=True, text=True, timeout=120)


def test_two_runs_give_one_png(tmp_path):
    a = write_run(tmp_path / "a", [1.8, 1.6, 1.55])
    b = write_run(tmp_path / "b", [1.8, 1.5, 1.52, 1.6])
    out = tmp_path / "curves.png"
    done = plot(a, b, "--label", "short", "--label", "long", "--out", out)
    assert done.returncode == 0, done.stderr
    assert out.read_bytes().startswith(b"\x89PNG")


def test_a_folder_without_epochs_is_an_error_not_a_traceback(tmp_path):
    (tmp_path / "empty").mkdir()
    out = tmp_path / "curves.png"
    done = plot(tmp_path / "empty", "--out", out)
    assert done.returncode == 1
    assert "no epochs.csv" in done.stderr and "Traceback" not in done.stderr
    assert not out.exists()


def test_labels_must_match_runs(tmp_path):
    a = write_run(tmp_path / "a", [1.8])
    done = plot(a, "--label", "x", "--label", "y", "--out", tmp_path / "c.png")
    assert done.returncode == 2 and "1 runs but 2 labels" in done.stderr
