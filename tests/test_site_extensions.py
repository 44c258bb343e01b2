"""The site's own Sphinx extensions, without building the site (tests/test_site_browser.py
checks the built pages in a browser)."""

import sys
from pathlib import Path

from docutils import nodes
from docutils.utils import new_document

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "docs" / "_ext"))
import first_screen  # noqa: E402


def code_cell(source: str, hide_mode: str | None, output: str | None = None):
    cell = nodes.container(nb_element="cell_code", classes=["cell"])
    if hide_mode:
        cell["hide_mode"], cell["prompt_show"], cell["prompt_hide"] = hide_mode, "Show", "Hide"
    cell += nodes.container("", nodes.literal_block(source, source),
                            nb_element="cell_code_source", classes=["cell_input"])
    if output is not None:
        cell += nodes.container("", nodes.literal_block(output, output),
                                nb_element="cell_code_output", classes=["cell_output"])
    return cell


def page(*cells):
    document = new_document("page")
    section = nodes.section()
    section += nodes.title(text="02 · A page")
    section += nodes.paragraph(text="Why.")
    for cell in cells:
        section += cell
    document += section
    return document


def test_the_setup_cell_moves_into_the_picture_cells_collapsed_source():
    document = page(code_cell("# Set-up: versions\nsetup_notebook()", "all", "torch 2.13"),
                    code_cell("# The picture\nplot()", "input", "<figure>"),
                    code_cell("x = 1", None))
    first_screen.merge_setup_into_picture(None, document)
    cells = first_screen.code_cells(document)
    assert len(cells) == 2  # the set-up cell is gone as a cell of its own
    picture = cells[0]
    assert picture["hide_mode"] == "input" and picture["prompt_show"] == first_screen.PROMPT_SHOW
    source, output = picture.children
    assert [c.astext() for c in source.children] == [
        "# Set-up: versions\nsetup_notebook()", "torch 2.13", "# The picture\nplot()"]
    assert output.astext() == "<figure>"  # the picture stays outside the toggle


def test_pages_of_another_shape_are_left_alone():
    cells = (code_cell("# Set-up: versions", "all"), code_cell("plot()", None, "<figure>"))
    document = page(*cells)
    before = document.pformat()
    first_screen.merge_setup_into_picture(None, document)
    assert document.pformat() == before


def test_a_kernel_that_died_at_start_is_started_once_more_and_only_once():
    from tools.site_cache import KERNEL_DIED, once_more_if_the_kernel_died

    calls = []

    def dies_once():
        calls.append(1)
        if len(calls) == 1:
            raise RuntimeError(KERNEL_DIED)
        return "ran"

    assert once_more_if_the_kernel_died(dies_once) == "ran" and len(calls) == 2

    def always_dies():
        raise RuntimeError(KERNEL_DIED)

    def other_error():
        raise RuntimeError("a cell failed")

    for execute in (always_dies, other_error):
        try:
            once_more_if_the_kernel_died(execute)
        except RuntimeError:
            pass
        else:
            raise AssertionError("the error was swallowed")
