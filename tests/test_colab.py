"""Google Colab: every notebook's badge opens its own .ipynb in this repository, its set-up cell
installs this repository, and that Colab branch of the set-up cell really works.

The repository URL has one home, pyproject.toml's [project.urls] Repository; the badges and
set-up cells must agree with it.

The branch test stands in for Colab: a bare virtual environment (no system site-packages, no
vae_tutorial), which like Colab already has torch, numpy, scipy, scikit-learn, pandas, matplotlib,
tqdm and a Jupyter kernel (ipykernel), but not easydict or mlxtend; a stand-in
`google.colab` package on the kernel's PYTHONPATH; and VAE_TUTORIAL_SOURCE pointing at this
checkout instead of git+https. It runs notebooks/01_data.ipynb in a kernel of that environment
and checks that the set-up cell installed the package and the notebook ran to its end.
To stay fast, those preinstalled packages (with their dependencies, nothing else) are not
reinstalled but linked from the test's own environment into a folder the bare environment sees
through a .pth file; what the set-up cell installs goes into the bare environment itself.
"""

from __future__ import annotations

import importlib.metadata
import json
import re
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
import tomllib

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.py"))
REPOSITORY = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["urls"]["Repository"]
BADGE_IMAGE = "https://colab.research.google.com/assets/colab-badge.svg"
BRANCH_NOTEBOOK = ROOT / "notebooks" / "01_data.ipynb"
COLAB_HAS = ["torch", "numpy", "scipy", "scikit-learn", "pandas", "matplotlib", "tqdm",
             "ipykernel"]  # preinstalled there


def colab_url(notebook: Path) -> str:
    owner_repo = re.fullmatch(r"https://github\.com/([^/]+/[^/]+?)/?", REPOSITORY).group(1)
    return f"https://colab.research.google.com/github/{owner_repo}/blob/main/notebooks/{notebook.stem}.ipynb"


def test_repository_url_is_a_github_repository():
    assert re.fullmatch(r"https://github\.com/[\w.-]+/[\w.-]+", REPOSITORY), REPOSITORY


@pytest.mark.parametrize("path", NOTEBOOKS + [p.with_suffix(".ipynb") for p in NOTEBOOKS],
                         ids=lambda p: p.name)
def test_badge_and_install_cell_point_at_this_repository(path):
    if not path.exists():
        pytest.fail(f"{path.name} is missing (run `make notebooks`)")
    nb = nbformat.read(path, as_version=4) if path.suffix == ".ipynb" else None
    if nb is None:
        import jupytext

        nb = jupytext.read(path)
    first = nb.cells[0].source
    badges = re.findall(r"\[!\[[^\]]*\]\(([^)]+)\)\]\(([^)]+)\)", first)
    assert badges, f"{path.name}: no badge in the first cell"
    expected = f"[![Open In Colab]({BADGE_IMAGE})]({colab_url(path)})"
    assert badges == [(BADGE_IMAGE, colab_url(path))], f"{path.name}: the badge must be {expected}"
    setup = next(c.source for c in nb.cells if c.cell_type == "code")
    sources = re.findall(r'"(git\+[^"]+)"', setup)
    assert sources == [f"git+{REPOSITORY}"], (
        f"{path.name}: the set-up cell must install git+{REPOSITORY} (pyproject's Repository)")
    assert 'os.environ.get("VAE_TUTORIAL_SOURCE"' in setup


def dependency_closure(names: list[str]) -> dict[str, importlib.metadata.Distribution]:
    """The installed distributions `names` need, found through their requirements."""
    from packaging.requirements import Requirement

    found, todo = {}, list(names)
    while todo:
        name = re.sub(r"[-_.]+", "-", todo.pop()).lower()
        if name in found:
            continue
        dist = importlib.metadata.distribution(name)
        found[name] = dist
        for req in map(Requirement, dist.requires or []):
            if req.marker is None or req.marker.evaluate({"extra": ""}):
                todo.append(req.name)
    return found


def link_distributions(names: list[str], target: Path) -> None:
    """Symlink the files of these distributions (and what they need) into `target`."""
    target.mkdir()
    for dist in dependency_closure(names).values():
        tops = {Path(f).parts[0] for f in dist.files or [] if not str(f).startswith("..")}
        for top in tops - {"__pycache__"}:
            source = Path(dist.locate_file(top))
            if source.exists() and not (target / top).exists():
                (target / top).symlink_to(source)


def run(*args, **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run([str(a) for a in args], capture_output=True, text=True, **kwargs)


def test_colab_branch_installs_the_package_and_runs_a_notebook(tmp_path):
    from jupyter_client.kernelspec import KernelSpecManager
    from jupyter_client.manager import KernelManager
    from nbclient import NotebookClient

    # A bare environment: its own site-packages, plus what Colab has preinstalled.
    venv = tmp_path / "venv"
    made = run(sys.executable, "-m", "venv", venv)
    assert made.returncode == 0, made.stderr
    python = venv / "bin" / "python"
    assert "include-system-site-packages = false" in (venv / "pyvenv.cfg").read_text()
    link_distributions(COLAB_HAS, tmp_path / "preinstalled")
    site = run(python, "-c", "import sysconfig; print(sysconfig.get_path('purelib'))")
    (Path(site.stdout.strip()) / "preinstalled.pth").write_text(f"{tmp_path / 'preinstalled'}\n")
    check = run(python, "-c", "import torch, ipykernel; print(torch.__version__)", cwd=tmp_path)
    assert check.returncode == 0 and check.stdout.startswith("2.13.0"), check.stderr
    for missing in ("vae_tutorial", "easydict", "mlxtend"):
        before = run(python, "-c", f"import {missing}", cwd=tmp_path)
        assert before.returncode != 0 and f"No module named '{missing}'" in before.stderr, (
            f"{missing} must not be importable before the set-up cell runs")

    # Stand-ins for Colab: an importable `google.colab`, and the package source = this checkout.
    stub = tmp_path / "colab_stand_in"
    (stub / "google" / "colab").mkdir(parents=True)
    (stub / "google" / "__init__.py").write_text("")
    (stub / "google" / "colab" / "__init__.py").write_text('"""Stand-in for Colab."""\n')
    kernels = tmp_path / "kernels"
    (kernels / "colab").mkdir(parents=True)
    (kernels / "colab" / "kernel.json").write_text(json.dumps({
        "argv": [str(python), "-m", "ipykernel_launcher", "-f", "{connection_file}"],
        "display_name": "Colab stand-in", "language": "python",
        "env": {"PYTHONPATH": str(stub), "VAE_TUTORIAL_SOURCE": str(ROOT),
                "MPLBACKEND": "agg", "PIP_DISABLE_PIP_VERSION_CHECK": "1"},
    }))

    nb = nbformat.read(BRANCH_NOTEBOOK, as_version=4)
    km = KernelManager(kernel_name="colab",
                       kernel_spec_manager=KernelSpecManager(kernel_dirs=[str(kernels)]))
    client = NotebookClient(nb, km=km, timeout=600, kernel_name="colab",
                            resources={"metadata": {"path": str(tmp_path)}})
    client.execute()  # raises CellExecutionError, with the traceback, if a cell fails

    code = [c for c in nb.cells if c.cell_type == "code"]
    assert all(c.execution_count for c in code), "not every cell ran"
    setup_text = "".join(o.get("text", "") for o in code[0].outputs if o.output_type == "stream")
    assert "vae_tutorial 0.1.0" in setup_text, setup_text
    for name in ("vae_tutorial", "easydict", "mlxtend"):
        after = run(python, "-c", f"import {name}; print({name}.__file__)", cwd=tmp_path)
        assert after.returncode == 0, after.stderr
        assert Path(after.stdout.strip()).is_relative_to(venv), (
            f"{name} should be installed into the bare environment, found {after.stdout}")
