"""JupyterLab as the README describes it, checked in a real browser (headless Chromium).

`make lab` is started on a temporary copy of one notebook pair (LAB_NOTEBOOK; the repository's
notebooks are never touched) at 127.0.0.1 with a token, no browser and a free port, in this
project's .venv; JupyterLab's user settings, workspaces and runtime files go to the temporary
folder. Then, as a reader would:

1. double-click LAB_NOTEBOOK's .py in the file browser: it opens as a notebook and its kernel
   starts with no "Select Kernel" dialog;
2. Run > Run All Cells: every code cell runs, no cell shows an error or anything on standard
   error, figures and math render;
3. save (Ctrl+S): the .py and the .ipynb on disk are exactly the committed files (the .ipynb
   without outputs, the pair in sync), so `git status` stays clean;
4. a small training notebook (run_model, a few epochs): its progress bar is standard output,
   not on the pink background of standard error.

Screenshots land in test-artifacts/lab/. The server is stopped by its process id (the process
group `make lab` leads). Chromium: as in tests/test_site_browser.py (skipped locally without
it, a failure in CI).
"""

from __future__ import annotations

import difflib
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tools"))
sys.path.insert(0, str(ROOT / "tests"))

import lab_settings  # noqa: E402
from notebook_checks import (  # noqa: E402
    filter_problem,
    output_problems,
    refresh_filters,
    strip_notebook,
    sync_problem,
)
from test_site_browser import CHROMIUM_ARGS, find_chromium  # noqa: E402

LAB_NOTEBOOK = "02_network"  # quick and stable; any notebooks/NN_topic works
ARTIFACTS = ROOT / "test-artifacts" / "lab"
TRAINING = """\
# %% [markdown]
# # A short training run
#
# The progress bar of `run_model`, as a reader sees it in JupyterLab.

# %%
from vae_tutorial import default_config, run_model, source_dataset

train, test = source_dataset(seed=0, n_train=2000, n_test=500)
cfg = default_config(num_epochs=3, hidden_dim=16, n_samples=10, sample_each_step=False)
result = run_model(cfg, train, test)
print(f"test loss after {cfg.num_epochs} epochs: {result.test_losses[-1, 0]:.3f} nats")
"""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    """`make lab` on a temporary notebooks folder; yields (url, token, folder)."""
    chromium = find_chromium()
    tmp = tmp_path_factory.mktemp("lab")
    folder = tmp / "notebooks"
    folder.mkdir()
    for name in (f"{LAB_NOTEBOOK}.py", f"{LAB_NOTEBOOK}.ipynb", "jupytext.toml"):
        shutil.copy(ROOT / "notebooks" / name, folder / name)  # new times, as in a clone
    # as after `make notebooks`: the .ipynb newer than its .py (Jupytext then compares them)
    later = (folder / f"{LAB_NOTEBOOK}.py").stat().st_mtime + 10
    os.utime(folder / f"{LAB_NOTEBOOK}.ipynb", (later, later))
    (folder / "training.py").write_text(TRAINING, encoding="utf-8")
    subprocess.run([sys.executable, "-m", "jupytext", "-q", "--to", "ipynb",
                    str(folder / "training.py")], check=True)
    port, token = free_port(), os.urandom(16).hex()
    args = f"--no-browser --port={port} --ServerApp.port_retries=0 --IdentityProvider.token={token}"
    if os.geteuid() == 0:
        args += " --allow-root"
    env = dict(os.environ, JUPYTER_CONFIG_DIR=str(tmp / "config"),
               JUPYTER_DATA_DIR=str(tmp / "data"), JUPYTER_RUNTIME_DIR=str(tmp / "runtime"),
               JUPYTERLAB_SETTINGS_DIR=str(tmp / "settings"),
               JUPYTERLAB_WORKSPACES_DIR=str(tmp / "workspaces"))
    log = (tmp / "lab.log").open("w")
    server = subprocess.Popen(["make", "--no-print-directory", "lab", f"LAB_DIR={folder}",
                               f"LAB_ARGS={args}"], cwd=ROOT, env=env, stdout=log,
                              stderr=subprocess.STDOUT, start_new_session=True)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                urllib.request.urlopen(f"{url}/api/status?token={token}", timeout=2)
                break
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    pytest.fail("`make lab` did not start:\n" + (tmp / "lab.log").read_text())
                time.sleep(0.5)
        yield {"url": url, "token": token, "folder": folder, "chromium": chromium,
               "log": tmp / "lab.log"}
    finally:
        os.killpg(server.pid, signal.SIGTERM)  # make, jupyter lab and its kernels
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()
        log.close()


# What the notebook shows, after a run: prompts, outputs by kind, error-looking outputs.
INSPECT = r"""() => {
  const mime = "application/vnd.jupyter.stderr";
  const panel = document.querySelector(".jp-NotebookPanel:not(.lm-mod-hidden)");
  const cells = [...panel.querySelectorAll(".jp-CodeCell")];
  const text = el => (el.innerText || el.textContent || "").trim();
  return {
    // a cell with its code collapsed (source_hidden) shows no prompt: its outputs count
    prompts: cells.filter(c => !c.querySelector(".jp-InputPlaceholder"))
        .map(c => text(c.querySelector(".jp-InputPrompt"))),
    collapsed: cells.filter(c => c.querySelector(".jp-InputPlaceholder")).length,
    stderr: [...panel.querySelectorAll(`.jp-OutputArea-output[data-mime-type="${mime}"]`)]
        .map(el => text(el).slice(0, 500)),
    images: panel.querySelectorAll(".jp-OutputArea-output img").length,
    math: panel.querySelectorAll(".jp-MarkdownOutput mjx-container").length,
    dialogs: [...document.querySelectorAll(".jp-Dialog")].map(text),
  };
}"""


def open_and_run(page, name: str, timeout_s: float = 180) -> dict:
    """Double-click `name` in the file browser, wait for the kernel (failing on a dialog),
    run all cells and wait for them; return INSPECT's report."""
    page.locator(".jp-DirListing-content").get_by_text(name, exact=True).dblclick()
    panel = page.locator(".jp-NotebookPanel:not(.lm-mod-hidden)")
    panel.wait_for(timeout=60_000)
    deadline = time.monotonic() + 60
    while True:  # the kernel indicator says idle, or a dialog asks something
        dialogs = page.locator(".jp-Dialog")
        if dialogs.count():
            pytest.fail(f"a dialog opened with {name}: {dialogs.first.inner_text()!r}")
        status = panel.locator(".jp-Notebook-ExecutionIndicator").get_attribute("data-status")
        kernel = panel.locator(".jp-KernelName").inner_text().strip()
        if status == "idle" and kernel not in ("", "No Kernel"):
            break
        if time.monotonic() > deadline:
            pytest.fail(f"the kernel of {name} did not start ({kernel!r}, {status!r})")
        time.sleep(0.25)
    panel.locator(".jp-Cell").first.click()
    page.locator(".lm-MenuBar-itemLabel", has_text="Run").first.click()
    page.locator(".lm-Menu-itemLabel", has_text="Run All Cells").first.click()
    deadline = time.monotonic() + timeout_s
    while True:
        report = page.evaluate(INSPECT)
        done = all(p.startswith("[") and p[1:-2].isdigit() for p in report["prompts"])
        if done and panel.locator(".jp-Notebook-ExecutionIndicator").get_attribute(
                "data-status") == "idle":
            return report
        if report["dialogs"]:
            pytest.fail(f"running {name} opened a dialog: {report['dialogs']}")
        if report["stderr"] or time.monotonic() > deadline:
            return report
        time.sleep(0.5)


def save(page, folder: Path, name: str) -> None:
    """Ctrl+S, then wait until the tab is no longer marked unsaved."""
    stamp = (folder / name).stat().st_mtime_ns
    page.keyboard.press("Control+s")
    deadline = time.monotonic() + 30
    while (page.locator(".jp-mod-dirty").count() or
           (folder / name).stat().st_mtime_ns == stamp):
        if page.locator(".jp-Dialog").count():
            pytest.fail(f"saving {name} opened a dialog: "
                        f"{page.locator('.jp-Dialog').first.inner_text()!r}")
        if time.monotonic() > deadline:
            pytest.fail(f"{name} was not saved within 30 s")
        time.sleep(0.25)


def reader_session(lab) -> dict:
    """One browser session: LAB_NOTEBOOK run and saved, then the training notebook run."""
    from playwright.sync_api import sync_playwright

    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    folder = lab["folder"]
    committed = {s: (folder / f"{LAB_NOTEBOOK}{s}").read_bytes() for s in (".py", ".ipynb")}
    out = {"committed": committed, "folder": folder}
    started = time.monotonic()
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=lab["chromium"], args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1280, "height": 800})
        js_errors = []
        page.on("pageerror", lambda e: js_errors.append(str(e)))
        page.goto(f"{lab['url']}/lab?token={lab['token']}")
        page.locator(".jp-DirListing-itemText").first.wait_for(timeout=60_000)
        out["notebook"] = open_and_run(page, f"{LAB_NOTEBOOK}.py")
        page.screenshot(path=ARTIFACTS / f"{LAB_NOTEBOOK}.png")
        save(page, folder, f"{LAB_NOTEBOOK}.py")
        out["saved"] = {s: (folder / f"{LAB_NOTEBOOK}{s}").read_bytes()
                        for s in (".py", ".ipynb")}
        out["training"] = open_and_run(page, "training.py")
        bar = page.locator(".jp-NotebookPanel:not(.lm-mod-hidden) .jp-OutputArea-output",
                           has_text="training")
        out["bar"] = bar.first.evaluate("""el => ({
          mime: el.getAttribute("data-mime-type"), text: el.innerText,
          background: getComputedStyle(el).backgroundColor,
          error_background: getComputedStyle(document.body)
              .getPropertyValue("--jp-rendermime-error-background").trim(),
        })""") if bar.count() else None
        if bar.count():
            page.locator(".jp-NotebookPanel:not(.lm-mod-hidden) .jp-CodeCell").first \
                .screenshot(path=ARTIFACTS / "progress_bar.png")
        out["js_errors"] = js_errors
        browser.close()
    out["seconds"] = time.monotonic() - started
    print(f"JupyterLab session: {out['seconds']:.1f} s")
    return out


def test_strip_notebook_removes_what_running_adds_and_keeps_jupytext_metadata():
    nb = nbformat.v4.new_notebook(metadata={
        "jupytext": {"main_language": "python"}, "language_info": {"name": "python"},
        "kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}})
    kept = {"tags": ["hide-cell"], "jupyter": {"outputs_hidden": True}, "lines_to_next_cell": 2}
    cell = nbformat.v4.new_code_cell("print(1)", metadata={
        **kept, "execution": {"iopub.status.busy": "now"}, "collapsed": True, "trusted": True})
    cell.execution_count, cell.outputs = 3, [nbformat.v4.new_output("stream", text="1\n")]
    nb.cells = [cell, nbformat.v4.new_markdown_cell("# hi", metadata={"tags": ["x"]})]
    assert strip_notebook(nb)
    assert (cell.outputs, cell.execution_count, dict(cell.metadata)) == ([], None, kept)
    assert dict(nb.metadata) == {"jupytext": {"main_language": "python"}}
    assert nb.cells[1].metadata == {"tags": ["x"]}
    assert not strip_notebook(nb)


def test_refresh_filters_records_the_config_and_keeps_the_pair_in_sync(tmp_path):
    for name in (f"{LAB_NOTEBOOK}.py", f"{LAB_NOTEBOOK}.ipynb", "jupytext.toml"):
        shutil.copy(ROOT / "notebooks" / name, tmp_path / name)
    ipynb = tmp_path / f"{LAB_NOTEBOOK}.ipynb"
    nb = nbformat.read(ipynb, as_version=4)
    nb.metadata.setdefault("jupytext", {})["cell_metadata_filter"] = "tags,-all"
    nbformat.write(nb, ipynb)
    assert "records cell_metadata_filter 'tags,-all'" in filter_problem(ipynb)
    assert refresh_filters(ipynb) and filter_problem(ipynb) is None
    assert sync_problem(ipynb.with_suffix(".py")) == sync_problem(
        ROOT / "notebooks" / f"{LAB_NOTEBOOK}.py")


def test_lab_settings_keep_other_entries(tmp_path):
    path = tmp_path / "overrides.json"
    path.write_text('{"@jupyterlab/docmanager-extension:plugin": {"defaultViewers": '
                    '{"markdown": "Markdown Preview"}}, "other": {"a": 1}}')
    settings = lab_settings.merge(path)
    assert settings["other"] == {"a": 1}
    assert settings["@jupyterlab/docmanager-extension:plugin"]["defaultViewers"] == {
        "markdown": "Markdown Preview", "python": "Jupytext Notebook"}
    assert lab_settings.merge(path) == settings


def test_every_ipynb_records_the_metadata_filters_of_jupytext_toml():
    """Else JupyterLab, saving the .py, would use the .ipynb's older filters."""
    problems = [filter_problem(p) for p in sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))]
    assert [p for p in problems if p] == []


def test_a_reader_runs_and_saves_a_notebook_in_jupyterlab(lab):
    """One test (one JupyterLab, one browser; pytest-xdist keeps it on one worker)."""
    session = reader_session(lab)
    problems = []

    report = session["notebook"]
    not_run = [p for p in report["prompts"] if not p[1:-2].isdigit()]
    if not report["prompts"] or not_run:
        problems.append(f"{LAB_NOTEBOOK}: cells not run: {not_run or 'no code cells'}")
    if report["stderr"]:
        problems.append(f"{LAB_NOTEBOOK}: standard error / error output (pink): "
                        f"{report['stderr']}")
    if not report["images"] or not report["math"]:
        problems.append(f"{LAB_NOTEBOOK}: {report['images']} figures, {report['math']} "
                        "typeset formulas")

    folder = session["folder"]
    py, ipynb = folder / f"{LAB_NOTEBOOK}.py", folder / f"{LAB_NOTEBOOK}.ipynb"
    problems += output_problems(ipynb)
    problems += [p for p in [sync_problem(py)] if p]
    for suffix in (".py", ".ipynb"):
        saved, committed = session["saved"][suffix], session["committed"][suffix]
        if saved != committed:
            diff = difflib.unified_diff(committed.decode().splitlines(),
                                        saved.decode().splitlines(), "committed", "saved",
                                        lineterm="", n=1)
            problems.append(f"saving changed {LAB_NOTEBOOK}{suffix}:\n" +
                            "\n".join(list(diff)[:40]))

    training, bar = session["training"], session["bar"]
    if training["stderr"]:
        problems.append(f"training.py wrote to standard error: {training['stderr']}")
    if bar is None:
        problems.append("no progress bar in the training cell's output")
    elif (bar["mime"] != "application/vnd.jupyter.stdout" or "100%" not in bar["text"]
          or bar["background"] not in ("rgba(0, 0, 0, 0)", "transparent")):
        problems.append(f"the progress bar is not plain standard output: {bar}")
    problems += [f"script error: {e}" for e in session["js_errors"]]
    if problems:
        pytest.fail("\n".join(problems), pytrace=False)
