"""Sphinx configuration of the tutorial's site: MyST-NB renders notebooks/NN_topic.py (Jupytext
percent format) executed, with the book theme. Build with `make book` (it fetches MathJax first).

Sphinx reads the repository root with this configuration (`sphinx-build -c docs . OUT`), limited
to docs/index.md and notebooks/NN_topic.py, so links between notebooks (`02_network.ipynb`)
work as in the repository. Pages: /docs/index.html (the landing page; /index.html redirects to
it) and /notebooks/NN_topic.html. Nothing on the site loads from another host: MathJax is
served from the site (fetched by `make book` into docs/_build/vendor), and the Colab badge
image is a local copy (docs/_ext/local_badges.py).
"""

import hashlib
import re
import shutil
import sys
from pathlib import Path

DOCS = Path(__file__).resolve().parent
ROOT = DOCS.parent
sys.path.insert(0, str(DOCS / "_ext"))


def repository_url() -> str:
    """The repository URL, from its one home: pyproject.toml's [project.urls] Repository."""
    text = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    try:
        import tomllib

        return tomllib.loads(text)["project"]["urls"]["Repository"]
    except ModuleNotFoundError:  # Python 3.10
        return re.search(r'^Repository\s*=\s*"([^"]+)"', text, re.M).group(1)


def package_fingerprint() -> str:
    """A hash of what the notebooks' outputs depend on besides their own code: the package
    and the pinned versions. It names the execution cache, so changing either re-executes."""
    digest = hashlib.sha256()
    for path in sorted((ROOT / "vae_tutorial").glob("*.py")) + [ROOT / "constraints.txt"]:
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:12]


project = "vae_tutorial"
author = "the vae_tutorial authors"
copyright = "the vae_tutorial authors"

extensions = ["myst_nb", "local_badges", "stream_outputs", "notebook_map", "first_screen",
              "build_progress"]

# Sources: the landing page and the numbered notebooks' .py files, nothing else. Every other
# top-level entry of the repository (.venv, .git, the package, tests...) is excluded outright, so
# Sphinx does not even walk it.
root_doc = "docs/index"
include_patterns = ["docs/index.md", "docs/own_data.md", "notebooks/[0-9][0-9]_*.py"]
exclude_patterns = sorted(
    [p.name for p in ROOT.iterdir() if p.name not in ("docs", "notebooks")]
    + ["docs/_build", "docs/_ext", "docs/_extra", "docs/_static", "docs/images", "docs/conf.py",
       "**/.*", "notebooks/*.ipynb", "**/.ipynb_checkpoints", "**/__pycache__"]
)

# MyST-NB: read the Jupytext percent .py files as notebooks and execute them, with a cache.
nb_custom_formats = {".py": ["jupytext.reads", {"fmt": "py:percent"}]}
nb_execution_mode = "cache"
nb_execution_cache_path = str(DOCS / "_build" / "jupyter_cache" / package_fingerprint())
for stale in (DOCS / "_build" / "jupyter_cache").glob("*"):  # caches of older package versions
    if stale.is_dir() and str(stale) != nb_execution_cache_path:
        shutil.rmtree(stale)
nb_execution_timeout = 300
nb_execution_raise_on_error = True  # a failing cell fails the build
nb_execution_show_tb = True  # ... and its traceback is printed in the build log
nb_merge_streams = True
myst_enable_extensions = ["dollarmath", "amsmath"]
myst_dmath_double_inline = True  # $$...$$ inside a paragraph is display math, as in Jupyter
myst_heading_anchors = 3

# Math: MathJax 3 served from the site itself (`make book` puts it in docs/_build/vendor).
html_static_path = ["_build/vendor", "_static"]
html_extra_path = ["_extra"]  # /index.html: a redirect to the landing page
mathjax_path = "mathjax/es5/tex-mml-chtml.js"

# Theme, with a little more room for code (docs/_static/custom.css: 90 characters per code
# block at a 1280-px window, in the theme's font size).
html_theme = "sphinx_book_theme"
html_css_files = ["custom.css"]
html_title = "A VAE, step by step"
html_favicon = "images/favicon.svg"  # also spares the browser a request for /favicon.ico
html_theme_options = {
    "repository_url": repository_url(),
    "path_to_docs": "",
    "use_repository_button": True,
    "use_download_button": True,
    "use_fullscreen_button": False,
    "show_toc_level": 2,
    # One search box, the sidebar's: no search field in the top bar (which holds nothing else)
    # and no search icon among the page's buttons. Ctrl+K still opens the search.
    "navbar_persistent": [],
}
html_context = {"default_mode": "auto"}  # the theme otherwise logs "invalid theme mode" once
html_last_updated_fmt = None
html_show_sourcelink = False
html_copy_source = True  # the download button offers each notebook's .py
html_sourcelink_suffix = ""

# Colab badge: served from the site (docs/images/colab-badge.svg); the link still opens Colab.
local_badges = {
    "https://colab.research.google.com/assets/colab-badge.svg": "/docs/images/colab-badge.svg",
}
