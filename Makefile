# Entry points. Every target that needs the environment builds it first (.venv, pinned).
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
NOTEBOOKS := $(sort $(wildcard notebooks/[0-9][0-9]_*.py))

.PHONY: help install test test-unit test-notebooks lab lint notebooks book bench hooks retarget clean

help:
	@echo "make book   build the tutorial site into docs/_build/html (sets everything up)"
	@echo "make test   run the unit tests and execute every notebook (sets everything up)"
	@echo "make lab    open JupyterLab with Jupytext (.py notebooks open as notebooks; saving"
	@echo "           writes the .py and its .ipynb without outputs)"
	@echo "make lint   ruff;  make bench  benchmarks;  make notebooks  regenerate .ipynb from .py"
	@echo "make hooks  install the pre-commit hooks (ruff, notebook pairs in sync, outputs stripped)"
	@echo "make retarget REPO=owner/name  point badges, install cells and docs at a fork"
	@echo "make clean  remove the environment, caches and build outputs"

# Create the virtual environment and install pinned versions (torch==2.13.0, CPU wheel). The
# installer is uv (pinned in constraints.txt, from PyPI): 59 s where pip took 137 s, back to back
# on a 2-core machine. It compiles the bytecode, as pip does (without it, where
# PYTHONDONTWRITEBYTECODE is set, every kernel compiles torch's modules again). It is given pip's
# find-links (a local folder of wheels, such as a CPU build of torch) and, for torch alone, pip's
# $PIP_EXTRA_INDEX_URL (the CI workflows' CPU index; uv would look there first for every other
# package too). Where uv cannot be had or fails, pip does the same work.
UV := $(VENV)/bin/uv
UV_INSTALL = $(UV) pip install --quiet --compile-bytecode --python $(PY) -c constraints.txt \
  $(foreach f,$(sort $(PIP_FIND_LINKS) $(shell $(PYTHON) -m pip config get global.find-links 2>/dev/null)),--find-links $(f))

$(STAMP): pyproject.toml constraints.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet -c constraints.txt uv && \
	  $(UV_INSTALL) $(foreach u,$(PIP_EXTRA_INDEX_URL),--extra-index-url $(u)) torch==2.13.0 && \
	  $(UV_INSTALL) -e ".[dev,docs]" || { \
	  echo "uv failed: installing with pip" >&2; \
	  $(PY) -m pip install --quiet -c constraints.txt torch==2.13.0 && \
	  $(PY) -m pip install --quiet -c constraints.txt -e ".[dev,docs]"; }
	$(PY) -m ipykernel install --sys-prefix --name python3 --display-name "Python 3 (vae_tutorial)" > /dev/null
	touch $(STAMP)

install: $(STAMP)

# Two pytest runs, each notebook executed once:
# 1. the unit tests, every notebook (nbmake) and JupyterLab in a browser (tests/test_lab_browser.py:
#    `make lab` on a temporary copy of one notebook, run and saved), on TEST_WORKERS processes
#    (pytest-xdist); each notebook nbmake runs is also stored in the site's execution cache
#    (tools/site_cache.py);
# 2. the browser test: `make book` builds the site afresh from those outputs, Chromium checks it.
# pytest exits 5 when it collects nothing: a failure (unless the other run did collect tests).
#    Each worker, and each notebook kernel, computes on TEST_THREADS torch threads (1): two
#    workers then fill two cores, where two threads each would fight over them (on tiny tensors
#    that slows a notebook down up to tenfold).
TEST_WORKERS ?= 2
TEST_THREADS ?= 1

test: $(STAMP)
	@OMP_NUM_THREADS=$(TEST_THREADS) $(PY) -m pytest -n $(TEST_WORKERS) --dist worksteal -p tools.site_cache tests notebooks \
	  --ignore=tests/test_site_browser.py --nbmake --nbmake-kernel=python3 --nbmake-timeout=300 \
	  --durations=12 $(PYTEST_ARGS); one=$$?; \
	$(PY) -m pytest tests/test_site_browser.py --durations=3 $(PYTEST_ARGS); two=$$?; \
	if [ $$one -eq 5 ] && [ $$two -eq 5 ]; then echo "error: pytest collected no tests" >&2; exit 1; fi; \
	for rc in $$one $$two; do if [ $$rc -ne 0 ] && [ $$rc -ne 5 ]; then exit $$rc; fi; done

test-unit: $(STAMP)
	$(PY) -m pytest tests $(PYTEST_ARGS)

# Regenerate every paired .ipynb (outputs stripped) from its .py source, recording
# notebooks/jupytext.toml's metadata filters in it first (--update keeps what it records, and
# Jupytext writes the .py with those filters when JupyterLab saves).
notebooks: $(STAMP)
	$(PY) tools/notebook_checks.py refresh-filters $(NOTEBOOKS)
	$(VENV)/bin/jupytext --update --to ipynb $(NOTEBOOKS)

# JupyterLab with Jupytext, on LAB_DIR (notebooks/): a double click opens NN_topic.py as a
# notebook with its kernel started (tools/lab_settings.py writes this environment's
# overrides.json, not your own settings), and saving writes the .py and its paired .ipynb,
# the .ipynb without outputs (notebooks/jupytext.toml; the pre-save hook of
# tools/lab_config.py), so the pair stays in sync and commit-ready. tests/test_lab_browser.py
# runs this target in a browser.
LAB_DIR ?= notebooks
LAB_OVERRIDES := $(VENV)/share/jupyter/lab/settings/overrides.json

lab: $(STAMP)
	@$(PY) tools/lab_settings.py $(LAB_OVERRIDES)
	$(VENV)/bin/jupyter lab --ServerApp.ip=127.0.0.1 --config=tools/lab_config.py $(LAB_ARGS) $(LAB_DIR)

lint: $(STAMP)
	$(VENV)/bin/ruff check vae_tutorial tests notebooks benchmarks docs tools

# Git pre-commit hooks (.pre-commit-config.yaml): they run this .venv's tools, download nothing.
hooks: $(STAMP)
	$(VENV)/bin/pre-commit install

# The site: notebooks executed (cached in docs/_build/jupyter_cache; a notebook re-runs when its
# code, the package or the pins change), MathJax 3 served from the site (fetched once from the
# npm registry and checked against its sha512, by docs/fetch_mathjax.py). -E re-reads every page
# (cheap with the cache) so that -W also sees the warnings of unchanged pages. -q keeps Sphinx
# quiet; docs/_ext/build_progress.py still prints a line per notebook (n of N, executed in how
# many seconds, or from the cache). `make test` does the same for nbmake (tools/site_cache.py).
MATHJAX := docs/_build/vendor/mathjax
SITE := docs/_build/html

book: $(STAMP) $(MATHJAX)/es5/tex-mml-chtml.js
	$(PY) -m sphinx -b html -E -W --keep-going -q -c docs . $(SITE)
	@echo "Built the site. Open file://$(CURDIR)/$(SITE)/index.html"
	@echo "or serve it:  $(PY) -m http.server 8000 --bind 127.0.0.1 --directory $(SITE)  (then http://127.0.0.1:8000)"

$(MATHJAX)/es5/tex-mml-chtml.js: docs/fetch_mathjax.py
	$(PY) docs/fetch_mathjax.py $(MATHJAX)

bench: $(STAMP)
	$(PY) -m benchmarks.run

# A fork: the repository address lives in pyproject.toml ([project.urls] Repository); this
# rewrites it there and in every copy (Colab badges and install cells of both halves of each
# notebook pair, CONTRIBUTING, README, docs). tests/test_repository_address.py checks them.
retarget: $(STAMP)
	@test -n "$(REPO)" || { echo "usage: make retarget REPO=owner/name" >&2; exit 2; }
	$(PY) tools/retarget.py "$(REPO)"

clean:
	rm -rf $(VENV) docs/_build docs/jupyter_execute .pytest_cache .ruff_cache build *.egg-info
	find . -name __pycache__ -type d -prune -exec rm -rf {} +
