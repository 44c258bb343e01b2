"""One collapsed block, not two, between a notebook page's why and its picture.

Every notebook opens with the set-up cell (tagged `hide-cell`: code and version print
collapsed) and then the picture cell (tagged `hide-input`: its code collapsed, the figure
shown), so MyST-NB would put two toggles ("Show code cell content", "Show code cell source")
above the first picture. On the site the set-up cell's code and output move into the picture
cell's collapsed source, above the picture's own code: one toggle, "Show the set-up and this
picture's code", and nothing is lost. The notebooks keep both cells as they are (JupyterLab and
Colab run the set-up first); only the rendered page changes. tests/test_site_browser.py checks
that no page shows more than one collapsed block before its first picture.
"""

from __future__ import annotations

from docutils import nodes

PROMPT_SHOW = "Show the set-up and this picture's code"
PROMPT_HIDE = "Hide the set-up and this picture's code"


def code_cells(doctree: nodes.document) -> list[nodes.container]:
    return [node for node in doctree.findall(nodes.container)
            if node.get("nb_element") == "cell_code"]


def source_text(cell: nodes.container) -> str:
    first = cell.children[0] if cell.children else None
    if first is not None and first.get("nb_element") == "cell_code_source":
        return first.astext()
    return ""


def merge_setup_into_picture(app, doctree: nodes.document) -> None:
    cells = code_cells(doctree)
    if len(cells) < 2:
        return
    setup, picture = cells[0], cells[1]
    if not (source_text(setup).lstrip().startswith("# Set-up")
            and setup.get("hide_mode") == "all" and picture.get("hide_mode") == "input"
            and source_text(picture)):
        return
    source = nodes.container(nb_element="cell_code_source",
                             classes=["cell_input", "setup-and-picture-source"])
    source.extend(setup.children)  # the set-up's code and its printed versions
    source += picture.children[0]  # the picture's code
    picture.children[0] = source
    source.parent = picture
    picture["prompt_show"], picture["prompt_hide"] = PROMPT_SHOW, PROMPT_HIDE
    setup.parent.remove(setup)


def setup(app):
    app.connect("doctree-read", merge_setup_into_picture)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
