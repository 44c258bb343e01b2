"""The landing page's notebook map: one card per notebook, with its title, what it teaches and
a thumbnail of its main picture.

In docs/index.md:

    ```{notebook-map}
    00_vae_in_one_page: a complete VAE on one page, and how close it gets to the truth
    01_data: ...
    ```

Each line names a notebook (notebooks/NAME.py) and what it teaches. The title and the
thumbnail come from the executed notebook when the site is built: the thumbnail is the first
figure among the outputs of its first code cells (the picture cell of CONTRIBUTING.md's
layout), the same image file its page shows, so nothing is drawn twice and nothing is
committed. A notebook the map names but the site lacks, or one without such a figure, is a
build warning (`make book` turns warnings into errors).
"""

from __future__ import annotations

from docutils import nodes
from sphinx.util import logging
from sphinx.util.docutils import SphinxDirective

logger = logging.getLogger(__name__)
FIRST_CODE_CELLS = 3  # the set-up cell, the picture cell, and one more for good measure


class notebook_map(nodes.General, nodes.Element):
    """Placeholder for the map; filled in once every notebook has been read."""


class NotebookMap(SphinxDirective):
    has_content = True

    def run(self):
        entries = []
        for line in self.content:
            if line.strip():
                name, _, text = line.partition(":")
                entries.append((name.strip(), text.strip()))
        return [notebook_map(entries=entries)]


def first_figure(doctree: nodes.document) -> nodes.image | None:
    """The first output image of the first FIRST_CODE_CELLS code cells."""
    cells = [c for c in doctree.findall(nodes.container) if "cell" in c.get("classes", [])]
    for cell in cells[:FIRST_CODE_CELLS]:
        for output in cell.findall(nodes.container):
            if "cell_output" in output.get("classes", []):
                for image in output.findall(nodes.image):
                    return image
    return None


def fill_maps(app, doctree: nodes.document, docname: str) -> None:
    env = app.builder.env
    for placeholder in list(doctree.findall(notebook_map)):
        grid = nodes.container(classes=["notebook-map"])
        for name, text in placeholder["entries"]:
            target = f"notebooks/{name}"
            if target not in env.all_docs:
                logger.warning(f"notebook map: no notebook {target}.py on the site",
                               location=placeholder)
                continue
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
            title = env.titles[target].astext().split(":")[0]  # the short title
            link += nodes.inline(text=title, classes=["notebook-card-title"])
            link += nodes.inline(text=text, classes=["notebook-card-text"])
            grid += card
        placeholder.replace_self(grid)


def setup(app):
    app.add_node(notebook_map)
    app.add_directive("notebook-map", NotebookMap)
    app.connect("doctree-resolved", fill_maps)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
