"""Command line ``python -m evaluation.assignment assign ...``."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from evaluation.assignment.cli import main

ROOT = Path(__file__).resolve().parents[2]


# The solver is pure Python: shadow the project-wide autouse Django fixtures
# so that these tests also run with ``-p no:django``.
@pytest.fixture(autouse=True)
def _media_root():  # type: ignore[no-untyped-def]
    yield


@pytest.fixture(autouse=True)
def _fresh_cache():  # type: ignore[no-untyped-def]
    yield


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def files(tmp_path: Path) -> dict[str, Path]:
    scores = write(
        tmp_path / "scores.csv",
        "application,reviewer,score\na0,x,10\na0,y,1\na0,z,5\na1,x,4\na1,y,0\na1,z,3\n",
    )
    conflicts = write(tmp_path / "conflicts.csv", "a1,z,-1\n")
    return {"scores": scores, "conflicts": conflicts, "out": tmp_path / "out.csv"}


def run(files: dict[str, Path], *extra: str, k: int = 1, lo: int = 0, hi: int = 1) -> int:
    return main(
        [
            "assign",
            "--scores", str(files["scores"]),
            "--conflicts", str(files["conflicts"]),
            "--reviews-per-application", str(k),
            "--min-load", str(lo),
            "--max-load", str(hi),
            "--out", str(files["out"]),
            *extra,
        ]
    )  # fmt: skip


def test_assign_writes_optimal_pairs(files: dict[str, Path], capsys: pytest.CaptureFixture[str]) -> None:
    assert run(files) == 0
    lines = files["out"].read_text().splitlines()
    # a1-z is a conflict; optimum: a0-x (10) + a1-y (0) = 10 vs a0-z (5) + a1-x (4) = 9
    assert lines == ["a0,x", "a1,y"]
    out = capsys.readouterr().out
    assert "total score: 10.000000" in out
    assert "lowest application total: 0.000000" in out
    assert "solve time:" in out


def test_fair_flag(files: dict[str, Path], capsys: pytest.CaptureFixture[str]) -> None:
    assert run(files, "--fair") == 0
    assert files["out"].read_text().splitlines() == ["a0,z", "a1,x"]
    out = capsys.readouterr().out
    assert "total score: 9.000000" in out and "lowest application total: 4.000000" in out


def test_headerless_inputs_and_two_column_conflicts(tmp_path: Path, files: dict[str, Path]) -> None:
    write(files["scores"], "a0,x,1\na0,y,2\n\n")
    write(files["conflicts"], "application,reviewer,conflict\na0,y\n")
    assert run(files) == 0
    assert files["out"].read_text() == "a0,x\n"


def test_several_reviews_and_min_load(files: dict[str, Path]) -> None:
    assert run(files, k=2, lo=1, hi=2) == 0
    lines = files["out"].read_text().splitlines()
    assert len(lines) == 4
    assert {line.split(",")[1] for line in lines} == {"x", "y", "z"}


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("a,x,1\na,y\n", "scores.csv:2: expected 3 columns"),
        ("a,x,1\na,y,high\n", "scores.csv:2: score 'high' is not a number"),
        ("a,x,1\n\na,x,2\n", "scores.csv:3: duplicate pair a,x (first on line 1)"),
        ("a,x,nan\n", "scores.csv:1: score 'nan' is not finite"),
        ("a,,1\n", "scores.csv:1: empty application or reviewer id"),
    ],
)
def test_malformed_scores_exit_2_with_line(
    files: dict[str, Path], capsys: pytest.CaptureFixture[str], text: str, message: str
) -> None:
    write(files["scores"], text)
    assert run(files) == 2
    assert message in capsys.readouterr().err
    assert not files["out"].exists()


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("a0,x,1\n", "conflicts.csv:1: third column must be -1"),
        ("a0,x,-1\na0,y,-1,extra\n", "conflicts.csv:2: expected application,reviewer,-1"),
        ("a0,x,-1\na0,y,maybe\n", "conflicts.csv:2: third column 'maybe' is not a number"),
    ],
)
def test_malformed_conflicts_exit_2(
    files: dict[str, Path], capsys: pytest.CaptureFixture[str], text: str, message: str
) -> None:
    write(files["conflicts"], text)
    assert run(files) == 2
    assert message in capsys.readouterr().err


def test_missing_file_and_bad_arguments(files: dict[str, Path], capsys: pytest.CaptureFixture[str]) -> None:
    files["scores"].unlink()
    assert run(files) == 2
    assert "cannot read" in capsys.readouterr().err
    assert main(["assign", "--scores", "x"]) == 2
    assert main(["frobnicate"]) == 2
    assert run(files, k=-1) == 2


def test_infeasible_exit_1_with_reasons(files: dict[str, Path], capsys: pytest.CaptureFixture[str]) -> None:
    assert run(files, k=3) == 1
    err = capsys.readouterr().err
    assert "infeasible" in err
    assert "Application a1 needs 3 reviewers but has only 2 eligible" in err
    assert "1 excluded by conflicts of interest" in err
    assert not files["out"].exists()


def test_stray_conflicts_are_noted(files: dict[str, Path], capsys: pytest.CaptureFixture[str]) -> None:
    write(files["conflicts"], "a9,x,-1\n")
    assert run(files) == 0
    assert "1 conflict line(s) name pairs absent from SCORES" in capsys.readouterr().err


def test_python_dash_m_entry_point(files: dict[str, Path]) -> None:
    proc = subprocess.run(
        [
            sys.executable, "-m", "evaluation.assignment", "assign",
            "--scores", str(files["scores"]), "--conflicts", str(files["conflicts"]),
            "--reviews-per-application", "1", "--min-load", "0", "--max-load", "1",
            "--out", str(files["out"]),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    assert "total score: 10.000000" in proc.stdout
    assert files["out"].read_text().splitlines() == ["a0,x", "a1,y"]
