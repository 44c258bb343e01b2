"""The repository address has one home, pyproject.toml's [project.urls] Repository: every
copy (Colab badges, install cells, CONTRIBUTING, README, docs) agrees with it, and
`make retarget REPO=OWNER/NAME` (tools/retarget.py) moves them all to a fork."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tools"))

import retarget  # noqa: E402  (tools/ is not a package)
from notebook_checks import sync_problem  # noqa: E402


def test_every_copy_of_the_address_agrees_with_pyproject():
    assert retarget.problems(ROOT) == []


def test_the_copies_are_there_to_check():
    ours = retarget.repository(ROOT)
    for path in sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.py")):
        text = path.read_text(encoding="utf-8")
        assert f"colab.research.google.com/github/{ours}/blob/main/notebooks/" in text, path.name
        assert f'"git+https://github.com/{ours}"' in text, path.name
    contributing = (ROOT / "CONTRIBUTING.md").read_text(encoding="utf-8")
    assert f'"git+https://github.com/{ours}"' in contributing
    assert f"colab.research.google.com/github/{ours}/" in contributing


def copy_of_the_tree(tmp_path: Path) -> Path:
    copy = tmp_path / "checkout"
    copy.mkdir()
    for name in ("pyproject.toml", "README.md", "CONTRIBUTING.md"):
        shutil.copy2(ROOT / name, copy / name)
    shutil.copytree(ROOT / "notebooks", copy / "notebooks",
                    ignore=shutil.ignore_patterns(".ipynb_checkpoints", "__pycache__"))
    shutil.copytree(ROOT / "docs", copy / "docs", ignore=shutil.ignore_patterns("_build"))
    return copy


def snapshot(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes()
            for p in sorted(root.rglob("*")) if p.is_file()}


def test_a_stale_copy_is_found(tmp_path):
    copy = copy_of_the_tree(tmp_path)
    readme = copy / "README.md"
    readme.write_text(readme.read_text() + "\nClone https://github.com/someone/vae_tutorial\n")
    assert retarget.problems(copy) == [
        "README.md: https://github.com/someone/vae_tutorial (pyproject says "
        f"{retarget.repository(ROOT)})"]


def test_retarget_moves_every_copy_and_back(tmp_path):
    copy = copy_of_the_tree(tmp_path)
    old = retarget.repository(copy)
    before = snapshot(copy)
    in_sync = {p.name for p in (copy / "notebooks").glob("[0-9][0-9]_*.py")
               if not sync_problem(p)}
    proc = subprocess.run([sys.executable, str(ROOT / "tools" / "retarget.py"), "--root",
                           str(copy), "a-fork/vae.tutorial-2"], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert retarget.repository(copy) == "a-fork/vae.tutorial-2"
    assert retarget.problems(copy) == []
    changed = snapshot(copy)
    assert not [name for name, data in changed.items() if old.encode() in data]
    assert {p.name for p in (copy / "notebooks").glob("[0-9][0-9]_*.py")
            if not sync_problem(p)} == in_sync
    assert "notebooks/01_data.ipynb" in [n for n in changed if changed[n] != before[n]]
    retarget.retarget(old, copy)
    assert snapshot(copy) == before


@pytest.mark.parametrize("bad", ["", "owner", "owner/name/extra", "https://github.com/a/b",
                                 "-owner/name"])
def test_retarget_refuses_what_is_not_owner_slash_name(tmp_path, bad):
    with pytest.raises(ValueError, match="OWNER/NAME"):
        retarget.retarget(bad, copy_of_the_tree(tmp_path))
