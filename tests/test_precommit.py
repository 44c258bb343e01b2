"""The pre-commit hooks (.pre-commit-config.yaml) on a fresh clone of this repository: they pass
on what is committed, and catch an .ipynb left out of sync with its .py and an .ipynb saved with
outputs (both in one run). They run offline, with this test's own environment
(VAE_TUTORIAL_VENV, read by tools/venv-run). The clone holds the committed files only."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def clone(tmp_path_factory):
    if shutil.which("git") is None or not (ROOT / ".git").exists():
        pytest.skip("needs git and a git checkout")
    path = tmp_path_factory.mktemp("precommit") / "clone"
    subprocess.run(["git", "clone", "-q", str(ROOT), str(path)], check=True)
    return path


def pre_commit(clone: Path) -> subprocess.CompletedProcess:
    env = dict(os.environ, VAE_TUTORIAL_VENV=sys.prefix,
               PRE_COMMIT_HOME=str(clone.parent / "pre-commit-home"), PRE_COMMIT_COLOR="never")
    return subprocess.run([sys.executable, "-m", "pre_commit", "run", "--all-files"], cwd=clone,
                          env=env, capture_output=True, text=True)


def test_hooks_pass_on_the_committed_tree_and_fail_on_a_broken_pair(clone):
    proc = pre_commit(clone)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    for hook in ("ruff", "matches its .py", "carry no outputs"):
        assert hook in proc.stdout, proc.stdout  # each hook ran (none was skipped)

    # a .py edited without regenerating its .ipynb, and another notebook saved with outputs
    first, second = sorted((clone / "notebooks").glob("[0-9][0-9]_*.py"))[:2]
    first.write_text(first.read_text() + "\n# %%\nprint('added to the .py only')\n")
    ipynb = second.with_suffix(".ipynb")
    nb = nbformat.read(ipynb, as_version=4)
    cell = next(c for c in nb.cells if c.cell_type == "code")
    cell.execution_count = 1
    cell.outputs = [nbformat.v4.new_output("stream", name="stdout", text="hello\n")]
    nbformat.write(nb, ipynb)
    proc = pre_commit(clone)
    assert proc.returncode != 0
    assert f"{first.name} and {first.stem}.ipynb differ" in proc.stdout, proc.stdout
    assert f"{ipynb.name}: code cell" in proc.stdout, proc.stdout
    assert f"{second.name} and" not in proc.stdout, proc.stdout  # outputs alone keep it in sync
