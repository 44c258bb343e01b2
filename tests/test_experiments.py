"""A reader's experiment never ends in a red traceback, and the page's own settings are
still asserted in full (issue 26, item 1).

`own_settings` is tested as a function; then notebook 00 is run, from an edited copy of
its Jupytext source (nothing in the repository is touched), with 5 epochs instead of 20
and, separately, with another seed: each run must end cleanly with the one "Checks
skipped" line. At the page's own settings, one number in its checks cell made 100 times
tighter must fail the run.
"""

import sys
from pathlib import Path

import jupytext
import pytest

from vae_tutorial import notebook as nb_helpers
from vae_tutorial import own_settings, setup_notebook

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tools"))
import try_experiments as tx  # noqa: E402

PAGE = ROOT / "notebooks" / "00_vae_in_one_page.py"


@pytest.fixture
def seeded(capsys):
    saved = list(nb_helpers._SETUP_SEED)
    setup_notebook(seed=0)
    capsys.readouterr()
    yield
    nb_helpers._SETUP_SEED[:] = saved


def test_own_settings_is_true_and_silent_at_the_pages_settings(seeded, capsys):
    assert own_settings(seed=0, num_epochs=(20, 20), hidden_dim=(64, 64)) is True
    assert own_settings() is True
    assert capsys.readouterr().out == ""


def test_a_changed_setting_prints_one_line_naming_it(seeded, capsys):
    assert own_settings(seed=0, num_epochs=(5, 20), lr=(0.02, 0.02)) is False
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 1
    assert lines[0].startswith("Checks skipped: you changed num_epochs 5 (the page's: 20)")
    assert "lr" not in lines[0]  # only what differs


def test_a_changed_seed_is_named_with_every_other_change(capsys):
    setup_notebook(seed=3)
    capsys.readouterr()
    try:
        assert own_settings(seed=0, hidden_dim=(32, 64)) is False
        line = capsys.readouterr().out.strip()
        assert "seed 3 (the page's: 0)" in line and "hidden_dim 32 (the page's: 64)" in line
    finally:
        setup_notebook(seed=0)
        capsys.readouterr()


@pytest.mark.parametrize("bad", [20, (20,), (1, 2, 3), [20, 20]])
def test_a_setting_must_be_a_pair(seeded, bad):
    with pytest.raises(ValueError, match="must be \\(value now, the page's value\\)"):
        own_settings(num_epochs=bad)


def test_a_seed_needs_setup_notebook_first():
    saved = list(nb_helpers._SETUP_SEED)
    nb_helpers._SETUP_SEED.clear()
    try:
        with pytest.raises(ValueError, match="setup_notebook never ran"):
            own_settings(seed=0)
    finally:
        nb_helpers._SETUP_SEED[:] = saved


def test_the_edits_change_what_a_reader_would():
    text = PAGE.read_text()
    assert "setup_notebook(seed=7)" in tx.change_seed(text, 7)
    five = tx.change_epochs(text, 5)
    assert "num_epochs=20" not in five.replace(" ", "") and "num_epochs=5" in five
    tighter = tx.inject_wrong_number(text)
    assert tighter != text
    assert tx.inject_wrong_number(tighter) != tighter  # it always finds a bound


# --- Notebook 00, run three times (about 10 s each on a quiet machine) -------------

def page_text() -> str:
    """00's source, whose checks cell opens with own_settings (checked here: a page
    that dropped it would fail a reader's experiment with a traceback again)."""
    text = PAGE.read_text()
    notebook = jupytext.reads(text, fmt="py:percent")
    assert "own_settings(" in notebook.cells[tx.checks_cell(notebook)].source
    return text


@pytest.mark.parametrize("change", ["5 epochs", "seed 1"])
def test_a_reader_who_changes_the_page_gets_one_line_not_a_traceback(change):
    text = page_text()
    text = tx.change_epochs(text, 5) if change == "5 epochs" else tx.change_seed(text, 1)
    ok, printed, error = tx.run_text(text)
    assert ok, error
    named = "5 (the page's: 20)" if change == "5 epochs" else "seed 1 (the page's: 0)"
    assert printed.count(tx.SKIPPED) == 1 and named in printed, printed


def test_the_page_at_its_own_settings_still_fails_on_a_wrong_number():
    ok, printed, error = tx.run_text(tx.inject_wrong_number(page_text()))
    assert not ok and "AssertionError" in error, (ok, printed, error)
    assert tx.SKIPPED not in printed
