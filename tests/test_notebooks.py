"""Notebook checks: every .py has its .ipynb in sync, outputs stripped, and the conventions of
CONTRIBUTING.md (title, badge, set-up cell, real source shown, summary).  Executing the
notebooks is nbmake's job (``make test`` runs ``pytest --nbmake notebooks``)."""

import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.py"))
EXPECTED = ["01_data", "02_network", "03_reparameterization", "04_loss", "05_training",
            "06_visualisation", "07_evaluation", "08_derivations"]
SETUP = (ROOT / "CONTRIBUTING.md").read_text().split("```python\n")[1].split("```")[0].strip()


def test_the_tutorial_has_all_its_notebooks():
    assert [p.stem for p in NOTEBOOKS] == EXPECTED
    assert sorted(p.stem for p in (ROOT / "notebooks").glob("*.ipynb")) == EXPECTED


@pytest.fixture(params=NOTEBOOKS, ids=lambda p: p.stem)
def notebook(request):
    return request.param, nbformat.read(request.param.with_suffix(".ipynb"), as_version=4)


def test_ipynb_is_in_sync_with_its_py(notebook):
    path, _ = notebook
    converted = subprocess.run(
        [sys.executable, "-m", "jupytext", "--to", "py:percent", "--output", "-",
         str(path.with_suffix(".ipynb"))], cwd=ROOT, check=True, capture_output=True, text=True)
    assert converted.stdout == path.read_text(), (
        f"{path.name} and its .ipynb differ: run `make notebooks` "
        f"(jupytext --to ipynb {path.name})")


def test_outputs_are_stripped(notebook):
    path, nb = notebook
    for cell in nb.cells:
        if cell.cell_type == "code":
            assert cell.outputs == [] and cell.execution_count is None, f"{path.name} has outputs"


def test_opens_with_title_badge_and_goals_and_ends_with_a_summary(notebook):
    path, nb = notebook
    first = nb.cells[0]
    assert first.cell_type == "markdown" and first.source.startswith(f"# {path.stem[:2]} ")
    assert f"blob/main/notebooks/{path.stem}.ipynb" in first.source
    assert "colab-badge" in first.source
    assert "What you will learn" in first.source
    assert any(c.cell_type == "markdown" and c.source.startswith("## Summary")
               for c in nb.cells[-3:]), f"{path.name} must end with a '## Summary' cell"


def test_first_code_cell_is_the_setup_cell(notebook):
    path, nb = notebook
    first_code = next(c for c in nb.cells if c.cell_type == "code")
    assert first_code.source.strip() == SETUP, f"{path.name}: use CONTRIBUTING.md's set-up cell"


def test_shows_the_real_source_and_copies_no_package_function(notebook):
    path, nb = notebook
    code = "\n".join(c.source for c in nb.cells if c.cell_type == "code")
    assert "show_source(" in code
    assert "\ndef sample_latents" not in code and "\nclass GaussianMLP" not in code
