"""Notebook checks: every .py has its .ipynb in sync, outputs stripped, and the conventions of
CONTRIBUTING.md (title, badge, set-up cell, real source shown, summary).  Executing the
notebooks is nbmake's job (``make test`` runs ``pytest --nbmake notebooks``).  The pair and output
checks are tools/notebook_checks.py's, the same code the pre-commit hooks run."""

import re
import sys
from pathlib import Path

import jupytext
import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tools"))
from notebook_checks import output_problems, sync_problem  # noqa: E402

NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.py"))
EXPECTED = ["00_vae_in_one_page", "01_data", "02_network", "03_reparameterization", "04_loss",
            "05_training", "06_visualisation", "07_mnist", "08_conditional_vae",
            "09_evaluation", "10_derivations", "11_digits", "12_beyond_gaussian",
            "13_gap_split", "14_rate_distortion", "15_latent_diffusion"]
SETUP = (ROOT / "CONTRIBUTING.md").read_text().split("```python\n")[1].split("```")[0].strip()


def test_the_tutorial_has_all_its_notebooks():
    assert [p.stem for p in NOTEBOOKS] == EXPECTED
    assert sorted(p.stem for p in (ROOT / "notebooks").glob("*.ipynb")) == EXPECTED


@pytest.fixture(params=NOTEBOOKS, ids=lambda p: p.stem)
def notebook(request):
    return request.param, nbformat.read(request.param.with_suffix(".ipynb"), as_version=4)


def test_ipynb_is_in_sync_with_its_py(notebook):
    path, _ = notebook
    problem = sync_problem(path)
    assert problem is None, problem


def test_outputs_are_stripped(notebook):
    path, _ = notebook
    assert output_problems(path.with_suffix(".ipynb")) == []


def tags(cell) -> list[str]:
    return cell.metadata.get("tags", [])


def hidden(cell, part: str) -> bool:
    return cell.metadata.get("jupyter", {}).get(part, False)


def test_first_screen_is_title_why_and_a_picture_then_the_goals(notebook):
    """Title, a short why and the badge; the set-up cell collapsed with its output (on the
    site and in JupyterLab); a picture cell (code hidden); then 'What you will learn'."""
    path, nb = notebook
    first, setup, picture, goals = nb.cells[:4]
    assert first.cell_type == "markdown" and first.source.startswith(f"# {path.stem[:2]} ")
    assert f"blob/main/notebooks/{path.stem}.ipynb" in first.source
    assert "colab-badge" in first.source and "What you will learn" not in first.source
    why = first.source.split("\n", 1)[1].split("[![Open In Colab]")[0]
    assert why.strip(), f"{path.name}: a short why goes between the title and the badge"
    assert setup.cell_type == "code" and "hide-cell" in tags(setup)
    assert hidden(setup, "source_hidden") and hidden(setup, "outputs_hidden")
    assert picture.cell_type == "code" and "hide-input" in tags(picture)
    assert goals.cell_type == "markdown" and "What you will learn" in goals.source


def test_ends_with_a_summary_and_a_collapsed_checks_cell(notebook):
    path, nb = notebook
    assert any(c.cell_type == "markdown" and c.source.startswith("## Summary")
               for c in nb.cells[-3:]), f"{path.name} must end with a '## Summary' cell"
    checks = nb.cells[-1]
    assert checks.cell_type == "code" and checks.source.startswith("# Checks"), path.name
    assert {"hide-cell", "checks"} <= set(tags(checks)) and hidden(checks, "source_hidden")
    assert "assert " in checks.source


def test_exercises_come_with_collapsed_solutions_that_check_themselves(notebook):
    """An '## Exercises' section before the summary; 2-4 solutions in code cells tagged
    hide-cell (collapsed on the site, executed by nbmake), each asserting its answer."""
    path, nb = notebook
    heads = [i for i, c in enumerate(nb.cells)
             if c.cell_type == "markdown" and re.search(r"^## Exercises", c.source, re.M)]
    summary = next(i for i, c in enumerate(nb.cells)
                   if c.cell_type == "markdown" and c.source.startswith("## Summary"))
    assert len(heads) == 1 and heads[0] < summary, f"{path.name}: no '## Exercises'"
    solutions = [c for c in nb.cells[heads[0]:summary] if c.cell_type == "code"
                 and "hide-cell" in c.metadata.get("tags", [])]
    assert 2 <= len(solutions) <= 4, f"{path.name}: {len(solutions)} solutions"
    assert all("assert " in c.source for c in solutions), f"{path.name}: unchecked solution"


def test_first_code_cell_is_the_setup_cell(notebook):
    path, nb = notebook
    first_code = next(c for c in nb.cells if c.cell_type == "code")
    assert first_code.source.strip() == SETUP, f"{path.name}: use CONTRIBUTING.md's set-up cell"


def test_shows_the_real_source_and_copies_no_package_function(notebook):
    path, nb = notebook
    code = "\n".join(c.source for c in nb.cells if c.cell_type == "code")
    assert "show_source(" in code
    assert "\ndef sample_latents" not in code and "\nclass GaussianMLP" not in code


# The site shows code blocks at most this many characters wide without a sideways scroll bar
# (the book theme at a 1280-px window; tests/test_site_browser.py measures the rendered pages).
CODE_WIDTH = 88


def long_lines(where: str, lines: list[str]) -> list[str]:
    return [f"{where} line {i}: {len(line)} chars: {line.strip()[:50]}"
            for i, line in enumerate(lines, 1) if len(line) > CODE_WIDTH]


def test_code_lines_fit_the_site():
    """Every line of every notebook code cell, and of the package (the notebooks show it with
    show_source), is at most CODE_WIDTH characters, so no code block on the site scrolls."""
    found = []
    for path in NOTEBOOKS:
        cells = [c for c in jupytext.read(path).cells if c.cell_type == "code"]
        for number, cell in enumerate(cells, 1):
            found += long_lines(f"{path.name} code cell {number}", cell.source.splitlines())
    for path in sorted((ROOT / "vae_tutorial").glob("*.py")):
        found += long_lines(f"vae_tutorial/{path.name}", path.read_text().splitlines())
    assert not found, f"{len(found)} line(s) wider than {CODE_WIDTH}:\n" + "\n".join(found)
