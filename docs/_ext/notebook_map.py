"""The landing page's notebook map: the reading order in parts, one card per notebook with its
title, what it teaches, its reading time and a thumbnail of its main picture.

In docs/index.md, under each part's heading and its one line:

    ```{notebook-map}
    :part: Build it

    00_vae_in_one_page: a complete VAE on one page, and how close it gets to the truth
    01_data: ...
    ```

`:part:` names one of tools/notebook_stats.py's PARTS; each line names a notebook of that part
(notebooks/NAME.py) and what it teaches. The title and the thumbnail come from the executed
notebook when the site is built: the thumbnail is the first figure among the outputs of its
first code cells (the picture cell of CONTRIBUTING.md's layout), the same image file its page
shows, so nothing is drawn twice and nothing is committed. The reading time is
notebook_stats.reading_minutes (the same as its table): the notebook's words and code, and its
run time as MyST-NB's execution (or its cache) recorded it. Above the cards, the part's total.
A notebook the map names but the site lacks, one outside the part, or one without such a
figure is a build warning (`make book` turns warnings into errors).
"""

from __future__ import annotations

import sys
from pathlib import Path

from docutils import nodes
from docutils.parsers.rst import directives
from sphinx.util import logging
from sphinx.util.docutils import SphinxDirective

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "tools"))
from notebook_stats import PARTS, measure, part_of, reading_minutes  # noqa: E402

logger = logging.getLogger(__name__)
FIRST_CODE_CELLS = 3  # the set-up cell, the picture cell, and one more for good measure


class notebook_map(nodes.General, nodes.Element):
    """Placeholder for one part's cards; filled in once every notebook has been read."""


class NotebookMap(SphinxDirective):
    has_content = True
    option_spec = {"part": directives.unchanged_required}

    def run(self):
        part = self.options.get("part", "")
        if part not in [name for name, _, _ in PARTS]:
            logger.warning(f"notebook map: part {part!r} is not one of notebook_stats.PARTS",
                           location=self.get_location())
        entries = []
        for line in self.content:
            if line.strip():
                name, _, text = line.partition(":")
                entries.append((name.strip(), text.strip()))
        return [notebook_map(part=part, entries=entries)]


def first_figure(doctree: nodes.document) -> nodes.image | None:
    """The first output image of the first FIRST_CODE_CELLS code cells."""
    cells = [c for c in doctree.findall(nodes.container) if "cell" in c.get("classes", [])]
    for cell in cells[:FIRST_CODE_CELLS]:
        for output in cell.findall(nodes.container):
            if "cell_output" in output.get("classes", []):
                for image in output.findall(nodes.image):
                    return image
    return None


def minutes_of(app, target: str) -> int:
    """notebook_stats.reading_minutes of notebooks/NAME, with the run time of its execution."""
    from myst_nb.sphinx_ import NbMetadataCollector

    exec_data = NbMetadataCollector.get_exec_data(app.builder.env, target) or {}
    source = Path(app.srcdir) / f"{target}.py"
    return reading_minutes(measure(source), exec_data.get("runtime"))


def fill_maps(app, doctree: nodes.document, docname: str) -> None:
    env = app.builder.env
    for placeholder in list(doctree.findall(notebook_map)):
        part = nodes.container(classes=["notebook-part"])
        grid = nodes.container(classes=["notebook-map"])
        total, count = 0, 0
        for name, text in placeholder["entries"]:
            target = f"notebooks/{name}"
            if target not in env.all_docs:
                logger.warning(f"notebook map: no notebook {target}.py on the site",
                               location=placeholder)
                continue
            if part_of(name) != placeholder["part"]:
                logger.warning(f"notebook map: {name} belongs to {part_of(name)!r}, not "
                               f"{placeholder['part']!r} (notebook_stats.PARTS)",
                               location=placeholder)
            link = nodes.reference(refuri=app.builder.get_relative_uri(docname, target),
                                   internal=True)
            card = nodes.paragraph("", "", link, classes=["notebook-card"])
            image = first_figure(env.get_doctree(target))
            if image is None:
                logger.warning(f"notebook map: {target} shows no figure in its first "
                               f"{FIRST_CODE_CELLS} code cells", location=placeholder)
            else:
                link += nodes.image(uri=image["uri"], candidates=image["candidates"],
                                    alt="", classes=["notebook-thumb"])
            minutes = minutes_of(app, target)
            total, count = total + minutes, count + 1
            title = env.titles[target].astext().split(":")[0]  # the short title
            link += nodes.inline(text=title, classes=["notebook-card-title"])
            link += nodes.inline(text=text, classes=["notebook-card-text"])
            link += nodes.inline(text=f"{minutes} min", classes=["notebook-card-minutes"])
            grid += card
        if count:
            notebooks = "one notebook" if count == 1 else f"{count} notebooks"
            part += nodes.paragraph(text=f"{notebooks}, about {total} minutes to read and run",
                                    classes=["notebook-part-total"])
        part += grid
        placeholder.replace_self(part)


def setup(app):
    app.add_node(notebook_map)
    app.add_directive("notebook-map", NotebookMap)
    app.connect("doctree-resolved", fill_maps)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
