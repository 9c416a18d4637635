"""docs/tutorial.md runs as written: every ``$ ...`` line of its console blocks, in order,
from the repository's top folder (its outputs go to a temporary folder)."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PAGE = ROOT / "docs" / "tutorial.md"


def commands() -> list[str]:
    blocks = re.findall(r"```console\n(.*?)```", PAGE.read_text(), flags=re.S)
    return [line[2:] for b in blocks for line in b.splitlines() if line.startswith("$ ")]


def test_the_tutorial_names_only_files_the_repository_holds():
    for cmd in commands():
        for word in cmd.split():
            if word.startswith(("configs/", "docs/")):
                assert (ROOT / word).is_file(), word


@pytest.mark.slow
def test_the_tutorial_runs_as_written(tmp_path):
    for name in ("configs", "docs"):
        shutil.copytree(ROOT / name, tmp_path / name)
    bindir = str(Path(sys.executable).parent)
    env = {**os.environ, "PATH": bindir + os.pathsep + os.environ.get("PATH", "")}
    for cmd in commands():
        res = subprocess.run(
            cmd, shell=True, cwd=tmp_path, env=env, capture_output=True, text=True, timeout=900
        )
        assert res.returncode == 0, f"{cmd}\n{res.stdout[-2000:]}\n{res.stderr[-2000:]}"
        print(f"$ {cmd}\n{res.stdout}")
