"""The lengths of the first read hold from now on (issue 15): words, visible asserts and
source-post notes per notebook, measured by tools/notebook_stats.py (its BUDGETS)."""

import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tools"))
from notebook_stats import BUDGETS, NOTEBOOKS, measure, words  # noqa: E402

STATS = {p.stem: measure(p) for p in NOTEBOOKS}
CORE = [s for s in STATS.values() if "01" <= s.name[:2] <= "06"]


@pytest.mark.parametrize("name", sorted(STATS))
def test_each_notebook_is_within_its_word_budget(name):
    s = STATS[name]
    limit = (BUDGETS["words_00"] if name.startswith("00") else
             BUDGETS["words_core_each"] if s in CORE else BUDGETS["words_each"])
    assert s.words <= limit, f"{name}: {s.words} words, budget {limit}"


def test_the_core_walk_together_is_within_budget():
    total = sum(s.words for s in CORE)
    assert len(CORE) == 6 and total <= BUDGETS["words_core_total"], total


@pytest.mark.parametrize("name", sorted(STATS))
def test_few_visible_asserts_and_at_most_one_source_post_note(name):
    s = STATS[name]
    limit = BUDGETS["asserts_core"] if name[:2] <= "06" else BUDGETS["asserts_later"]
    assert s.asserts <= limit, f"{name}: {s.asserts} visible asserts, budget {limit}"
    assert s.notes <= BUDGETS["notes_each"], f"{name}: {s.notes} source-post notes"


def test_the_word_count_skips_math_code_tags_and_link_targets():
    text = ("The ELBO $\\log p(x) \\geq L$ is `loss` here, see [the post](https://x.y/z).\n"
            "$$a + b$$\n<details><summary>Note</summary>\n\n```python\nx = 1\n```\n")
    # The, ELBO, is, here, see, the, post, Note
    assert words(text) == 8
