"""The lengths hold from now on (issues 15 and 23): words, visible asserts and source-post notes
per notebook, measured by tools/notebook_stats.py (its BUDGETS): 00-06 at most 1,250 words
each, every other notebook at most 1,500. Also the reading time the landing page shows."""

import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tools"))
from notebook_stats import (  # noqa: E402
    BUDGETS,
    NOTEBOOKS,
    PARTS,
    Stats,
    measure,
    part_of,
    reading_minutes,
    words,
)

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


def test_every_notebook_is_in_one_part_and_the_parts_follow_number_order():
    for name in STATS:
        part_of(name)  # raises for a notebook in no part
    bounds = [(first, last) for _, first, last in PARTS]
    assert bounds[0][0] == 0 and all(a[1] + 1 == b[0] for a, b in zip(bounds, bounds[1:]))


def test_reading_minutes_count_words_code_shown_and_run_time():
    s = Stats("99_x", words=1000, code=300, asserts=0, notes=0, shown_code=100)
    assert reading_minutes(s) == 15  # 1,000 words at 200 a minute, 100 lines at 10
    assert reading_minutes(s, run_seconds=30) == 16  # 15.5, rounded up
    assert reading_minutes(Stats("99_y", 0, 0, 0, 0)) == 1  # never 0
