"""The rendered site, checked in a real browser (headless Chromium through Playwright).

The site is built with `make book` (incremental: Sphinx and MyST-NB's execution cache reuse an
up-to-date build, so this costs seconds when the notebooks did not change; `make test` fills
that cache with the notebooks nbmake has just executed, tools/site_cache.py), served on
127.0.0.1, and every page is opened. Each page must: load every image, typeset its math with
MathJax (no math errors), show no error or traceback output, make no request to any other host,
raise no JavaScript error, let no code block, output or display equation be wider than its
column at a 1280-px-wide window, show one search box, and (a notebook) open with its title and
why, at most one collapsed block (the set-up and the picture's code: docs/_ext/first_screen.py)
and a figure on its first screen (1280x800), its set-up code collapsed, and end with a "Next"
link to the next notebook; the landing page shows the parts of the notebook map, a card for
every notebook with a thumbnail some 300 px wide and its reading time, each part's total, and
the first part's cards on its first screen. A screenshot of each page's first screen
(1280x800) lands in test-artifacts/screenshots/ (whole-page screenshots took half of this
test's minute).

Chromium: /usr/bin/chromium (`apt-get install chromium`, as .ci/run does) or $CHROMIUM. Without
it the test is skipped locally and fails in CI (CI=true). Never `playwright install`.
Set VAE_SITE_DIR to check an already built site instead of running `make book`.
"""

from __future__ import annotations

import functools
import http.server
import os
import re
import shutil
import subprocess
import threading
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest

ROOT = Path(__file__).resolve().parents[1]
SCREENSHOTS = ROOT / "test-artifacts" / "screenshots"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
ERROR_TEXT = re.compile(r"Traceback \(most recent call last\)|\b\w*(Error|Exception)\b")
WARNING_TEXT = re.compile(r"\b\w*Warning\b")


def find_chromium() -> str:
    path = (os.environ.get("CHROMIUM") or shutil.which("chromium")
            or shutil.which("chromium-browser"))
    if path and Path(path).exists():
        return path
    reason = ("Chromium not found (install it: apt-get install chromium, as .ci/run does; "
              "or set CHROMIUM=/path/to/chromium)")
    if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
        pytest.fail(reason + " -- required in CI")
    pytest.skip(reason)


def build_site() -> Path:
    if os.environ.get("VAE_SITE_DIR"):
        return Path(os.environ["VAE_SITE_DIR"]).resolve()
    proc = subprocess.run(["make", "--no-print-directory", "book"], cwd=ROOT,
                          capture_output=True, text=True)
    if proc.returncode != 0:
        log = proc.stdout + proc.stderr  # a failing cell's traceback comes first, then Sphinx's
        if len(log) > 16000:
            log = log[:12000] + "\n[...]\n" + log[-4000:]
        pytest.fail(f"`make book` failed (exit {proc.returncode}):\n{log}", pytrace=False)
    return ROOT / "docs" / "_build" / "html"


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


# Run in every page after MathJax (if any) is done: what the page shows, as plain data.
INSPECT_PAGE = r"""async () => {
  if (window.MathJax && MathJax.startup && MathJax.startup.promise) {
    await MathJax.startup.promise;
  }
  const images = [...document.images];
  await Promise.all(images.map(img => img.complete ? null :
      new Promise(resolve => { img.onload = img.onerror = resolve; })));
  const text = el => el.innerText || el.textContent || "";
  const PROSE = ["p", "li", "td", "th", "dd", "h1", "h2", "h3", "h4", "figcaption"]
      .map(tag => "article " + tag).join(", ");
  return {
    images: images.map(img => ({src: img.currentSrc || img.src, width: img.naturalWidth})),
    math: document.querySelectorAll("span.math, div.math").length,
    untypeset: [...document.querySelectorAll("span.math, div.math")]
        .filter(el => !el.querySelector("mjx-container")).map(text).slice(0, 5),
    mjx: document.querySelectorAll("mjx-container").length,
    mathErrors: [...document.querySelectorAll("mjx-merror")].map(el =>
        el.getAttribute("data-mjx-error") || text(el)),
    // an undefined TeX macro is shown as its name in red (MathJax's noundefined extension)
    undefinedMacros: [...document.querySelectorAll('mjx-container mtext[mathcolor="red"]')]
        .map(el => el.textContent),
    // TeX left in the prose (a "$" or a \command outside math and code): broken math markup
    rawTex: [...document.querySelectorAll(PROSE)].map(el => {
      const copy = el.cloneNode(true);
      copy.querySelectorAll("code, pre, mjx-container, .math, script, style, p, li, td, th")
          .forEach(inner => inner.remove());
      return copy.textContent.replace(/\s+/g, " ").trim();
    }).filter(t => /\$|\\[A-Za-z]+/.test(t)),
    tracebacks: [...document.querySelectorAll(".output.traceback, .output.error")].map(text),
    stderr: [...document.querySelectorAll(".output.stderr")].map(text),
    links: [...document.querySelectorAll("a[href]")].map(a => a.href),
    body: text(document.body),
    setupCell: setupCell(),
    firstScreen: firstScreen(),
    nextPointer: nextPointer(),
    wideMath: wideMath(),
    searchBoxes: [...document.querySelectorAll(".search-button-field, .search-button, .bd-search")]
        .filter(el => el.checkVisibility()).length,
    ...sidewaysScroll(),
  };

  // What the first screen (the window at the top of the page) shows: the output figures
  // that are at least mostly in it, and (the landing page) the notebook map's cards.
  function firstScreen() {
    window.scrollTo(0, 0);
    const height = window.innerHeight;
    const shown = el => {
      const r = el.getBoundingClientRect();
      const visible = Math.min(r.bottom, height) - Math.max(r.top, 0);
      return el.checkVisibility() && r.height > 0 && visible >= Math.min(r.height, 150);
    };
    const cards = [...document.querySelectorAll(".notebook-map .notebook-card")];
    const figureTops = [...document.querySelectorAll("article .cell_output img")]
        .map(img => img.getBoundingClientRect().top);
    const firstFigureTop = figureTops.length ? figureTops[0] : Infinity;
    const title = document.querySelector("article h1");
    const why = title && [...document.querySelectorAll("article p")].find(p =>
        p.compareDocumentPosition(title) & Node.DOCUMENT_POSITION_PRECEDING);
    const thumbs = [...document.querySelectorAll(".notebook-map img.notebook-thumb")];
    return {
      height: height,
      figures: [...document.querySelectorAll("article .cell_output img")]
          .filter(img => img.naturalWidth > 0 && shown(img)).length,
      firstFigureTop: Math.round(figureTops.length ? figureTops[0] : -1),
      titleAndWhy: !!title && !!why && shown(title) && shown(why),
      // collapsed blocks (<details>: a hidden cell, a note) above the first figure
      togglesBeforeFigure: [...document.querySelectorAll("article details")]
          .filter(d => d.checkVisibility() && d.getBoundingClientRect().top < firstFigureTop)
          .map(d => text(d.querySelector("summary") || d).trim().slice(0, 60)),
      cards: cards.length,
      cardsShown: cards.filter(c => c.getBoundingClientRect().bottom <= height).length,
      cardsWithoutThumbnail: cards.filter(c => !c.querySelector("img.notebook-thumb") ||
          c.querySelector("img.notebook-thumb").naturalWidth === 0)
          .map(c => text(c).split("\n")[0]),
      cardsWithoutMinutes: cards.filter(c => !/^\d+ min$/.test(
          text(c.querySelector(".notebook-card-minutes") || c).trim()))
          .map(c => text(c).split("\n")[0]),
      thumbnailWidth: thumbs.length ?
          Math.round(Math.min(...thumbs.map(t => t.getBoundingClientRect().width))) : 0,
      parts: [...document.querySelectorAll(".notebook-part")].map(part => ({
        heading: text(part.closest("section").querySelector("h2") || part).trim(),
        total: text(part.querySelector(".notebook-part-total") || part).trim(),
        cards: part.querySelectorAll(".notebook-card").length,
      })),
    };
  }

  // The last paragraph that says "Next": its text and where its links lead.
  function nextPointer() {
    const paragraphs = [...document.querySelectorAll("article p")]
        .filter(p => /\bNext\b/.test(text(p)));
    const last = paragraphs[paragraphs.length - 1];
    return last ? {text: text(last).trim().slice(0, 80),
                   links: [...last.querySelectorAll("a[href]")].map(a => a.href)} : null;
  }

  // Display equations (MathJax's CHTML output) wider than the column they sit in.
  function wideMath() {
    return [...document.querySelectorAll('mjx-container[display="true"]')].map(el => {
      const math = el.querySelector("mjx-math") || el;
      const column = (el.closest("div.math, .math, p, li") || el.parentElement).clientWidth;
      const width = Math.max(math.getBoundingClientRect().width, el.scrollWidth);
      const items = MathJax.startup.document.getMathItemsWithin(el);  // the TeX source
      const tex = items.length ? items[0].math : text(el);
      return {width: Math.round(width), column: column,
              tex: tex.replace(/\s+/g, " ").trim().slice(0, 80)};
    }).filter(m => m.column > 0 && m.width > m.column + 1);
  }

  // The set-up cell's code ("# Set-up: ..."; on the site it sits in the picture cell's
  // collapsed source, docs/_ext/first_screen.py): collapsed (closed) when the page opens.
  function setupCell() {
    const input = [...document.querySelectorAll("article .cell_input")]
        .find(el => text(el).trim().startsWith("# Set-up"));
    if (!input) return null;
    return {
      start: text(input).trim().slice(0, 60),
      tagged: !!input.closest(".tag_hide-cell, .tag_hide-input"),
      collapsed: !!input.closest("details:not([open])") && !input.checkVisibility(),
    };
  }

  // Every <pre> (code and outputs) with collapsed parts opened: does any scroll sideways?
  function sidewaysScroll() {
    const closed = [...document.querySelectorAll("details:not([open])")];
    closed.forEach(d => d.open = true);
    const pres = [...document.querySelectorAll("pre")].filter(pre => pre.checkVisibility());
    const wide = pres.filter(pre => pre.scrollWidth > pre.clientWidth).map(pre => ({
      start: text(pre).trim().slice(0, 60),
      chars: Math.max(...text(pre).split("\n").map(line => line.length)),
      scrollWidth: pre.scrollWidth, clientWidth: pre.clientWidth,
    }));
    closed.forEach(d => d.open = false);
    return {pres: pres.length, wide: wide};
  }
}"""


@pytest.fixture(scope="module")
def site_report():
    """Build (or reuse) the site, open every page in Chromium; per page: what it showed."""
    chromium = find_chromium()
    from playwright.sync_api import sync_playwright

    site = build_site()
    pages = sorted(p.relative_to(site).as_posix() for p in site.rglob("*.html")
                   if not p.relative_to(site).parts[0].startswith("_"))  # not theme templates
    assert "docs/index.html" in pages and any(p.startswith("notebooks/") for p in pages), pages
    handler = functools.partial(QuietHandler, directory=str(site))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    origin = f"http://127.0.0.1:{server.server_address[1]}"
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    report = {}
    try:
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
            # the first screen: 1280x800, a common laptop window (issue 15)
            context = browser.new_context(viewport={"width": 1280, "height": 800})
            for name in pages:
                page = context.new_page()
                requests, failed, js_errors = [], [], []
                page.on("request", lambda r, out=requests: out.append(r.url))
                page.on("requestfailed", lambda r, out=failed: r.failure != "net::ERR_ABORTED"
                        and out.append(f"{r.url} ({r.failure})"))  # aborted: navigated away
                page.on("response", lambda r, out=failed: r.status >= 400 and out.append(
                    f"{r.url} (HTTP {r.status})"))
                page.on("pageerror", lambda e, out=js_errors: out.append(str(e)))
                page.on("console", lambda m, out=js_errors: m.type == "error"
                        and out.append(m.text))
                page.goto(f"{origin}/{name}", wait_until="networkidle")
                if name == "index.html":  # the site root redirects to the landing page
                    page.wait_for_url("**/docs/index.html")
                info = page.evaluate(INSPECT_PAGE)
                page.wait_for_load_state("networkidle")
                page.screenshot(path=SCREENSHOTS / (name.replace("/", "__")[:-5] + ".png"))
                info.update(url=page.url, requests=requests, failed=failed, js_errors=js_errors)
                report[name] = info
                page.close()
            browser.close()
    finally:
        server.shutdown()
        server.server_close()
    return {"origin": origin, "site": site, "pages": report}


def assert_no_problems(site_report, what: str, check) -> None:
    """Fail with a readable list of the pages where `check(info)` found something."""
    found = {name: check(info) for name, info in site_report["pages"].items()}
    found = {name: p for name, p in found.items() if p}
    if found:
        lines = [f"{name}:\n" + "\n".join(f"    {p}" for p in ps) for name, ps in found.items()]
        pytest.fail(f"{what} on {len(found)} page(s):\n" + "\n".join(lines), pytrace=False)


def test_every_page_opened(site_report):
    pages = site_report["pages"]
    notebooks = [n for n in pages if n.startswith("notebooks/")]
    assert notebooks, "no notebook pages on the site"
    body = pages["docs/index.html"]["body"]
    for name in notebooks:  # the landing page lists every notebook
        assert Path(name).stem[:2] in body


def test_every_image_loads(site_report):
    assert_no_problems(site_report, "images that did not load", lambda info: [
        img["src"] for img in info["images"] if img["width"] == 0])
    notebook_images = sum(len(i["images"]) for n, i in site_report["pages"].items()
                          if n.startswith("notebooks/"))
    assert notebook_images > 0, "no images at all on the notebook pages"


def test_math_is_typeset_without_errors(site_report):
    def check(info):
        out = []
        if info["untypeset"]:
            out.append(f"math not typeset by MathJax: {info['untypeset']}")
        if info["mathErrors"] or "Math input error" in info["body"]:
            out.append(f"MathJax errors: {info['mathErrors']}")
        out += [f"TeX outside math (broken $...$?): {t[:300]}" for t in info["rawTex"]]
        if info["undefinedMacros"]:
            out.append(f"undefined TeX macros: {info['undefinedMacros']}")
        return out

    assert_no_problems(site_report, "math problems", check)
    assert any(info["mjx"] > 0 for info in site_report["pages"].values()), "no math anywhere"


def test_no_error_or_traceback_outputs(site_report):
    def check(info):
        out = [f"error output: {t[:500]}" for t in info["tracebacks"]]
        out += [f"stderr with an error: {t[:500]}" for t in info["stderr"] if ERROR_TEXT.search(t)]
        if "Traceback (most recent call last)" in info["body"]:
            out.append("'Traceback' in the page text")
        return out

    assert_no_problems(site_report, "error outputs", check)


def test_no_warning_outputs(site_report):
    assert_no_problems(site_report, "warnings in the outputs", lambda info: [
        f"stderr with a warning: {t[:500]}" for t in info["stderr"] if WARNING_TEXT.search(t)])


def test_no_request_leaves_the_site(site_report):
    origin = urlsplit(site_report["origin"]).netloc

    def check(info):
        return [url for url in info["requests"]
                if urlsplit(url).scheme not in ("data", "blob", "about")
                and urlsplit(url).netloc != origin]

    assert_no_problems(site_report, "requests to other hosts", check)


def test_links_within_the_site_lead_to_files(site_report):
    origin = urlsplit(site_report["origin"]).netloc

    def missing(url: str) -> bool:
        parts = urlsplit(url)
        if parts.netloc != origin:
            return False
        path = site_report["site"] / unquote(parts.path).lstrip("/")
        return not (path / "index.html" if path.is_dir() else path).is_file()

    assert_no_problems(site_report, "links to missing files", lambda info: sorted(
        {url for url in info["links"] if missing(url)}))


def test_no_code_block_scrolls_sideways(site_report):
    """At a 1280-px-wide window every code block and output fits its width (the book theme
    with docs/_static/custom.css shows 90 characters; notebooks and the package wrap at 88)."""
    assert_no_problems(site_report, "blocks that scroll sideways at 1280 px (wrap the code "
                       "or the printed lines at 88 characters)", lambda info: [
        f"{w['chars']} chars ({w['scrollWidth']} px in {w['clientWidth']} px): {w['start']!r}"
        for w in info["wide"]])
    assert sum(info["pres"] for info in site_report["pages"].values()) > 0, "no <pre> measured"


def test_the_setup_cell_is_collapsed(site_report):
    def check(info):
        cell = info["setupCell"]
        if cell is None:
            return ["no set-up cell ('# Set-up: ...')"]
        if not (cell["tagged"] and cell["collapsed"]):
            return [f"the set-up cell is not collapsed (tag it hide-cell): {cell['start']!r}"]
        return []

    notebooks = {n: i for n, i in site_report["pages"].items() if n.startswith("notebooks/")}
    assert_no_problems({"pages": notebooks}, "set-up cells shown open", check)


def test_no_failed_requests_or_script_errors(site_report):
    assert_no_problems(site_report, "failed requests or script errors",
                       lambda info: info["failed"] + info["js_errors"])


def test_every_notebook_page_shows_a_figure_on_its_first_screen(site_report):
    """At 1280x800 with the set-up collapsed, the title, the why and a picture (an output
    image of the picture cell) are on the first screen."""
    def check(info):
        screen = info["firstScreen"]
        if screen["figures"]:
            return []
        where = (f"the first one starts {screen['firstFigureTop']} px down"
                 if screen["firstFigureTop"] >= 0 else "no output figure at all")
        return [f"no figure within the first {screen['height']} px ({where}); put the "
                "picture cell (tags=['hide-input']) right after the collapsed set-up cell"]

    notebooks = {n: i for n, i in site_report["pages"].items() if n.startswith("notebooks/")}
    assert_no_problems({"pages": notebooks}, "notebook pages without a first-screen figure",
                       check)


def test_every_notebook_page_opens_with_its_title_why_and_one_toggle_at_most(site_report):
    """Title and why on the first screen, then at most one collapsed block before the picture
    (issue 26: the set-up cell and the picture's source used to be two)."""
    def check(info):
        screen, out = info["firstScreen"], []
        if not screen["titleAndWhy"]:
            out.append("the title and its first paragraph are not on the first screen")
        if len(screen["togglesBeforeFigure"]) > 1:
            out.append(f"{len(screen['togglesBeforeFigure'])} collapsed blocks before the "
                       f"picture: {screen['togglesBeforeFigure']}")
        return out

    notebooks = {n: i for n, i in site_report["pages"].items() if n.startswith("notebooks/")}
    assert_no_problems({"pages": notebooks}, "notebook pages that open badly", check)


def test_no_display_equation_is_wider_than_its_column(site_report):
    """At 1280 px (break a long equation with aligned, about 75 characters a line)."""
    assert_no_problems(site_report, "display equations wider than their column at 1280 px",
                       lambda info: [f"{m['width']} px in {m['column']} px: {m['tex']!r}"
                                     for m in info["wideMath"]])


def test_every_notebook_ends_with_a_link_to_the_next(site_report):
    """The last "Next" pointer is a link to the next notebook's page (the last one's to 00);
    tests/test_cross_references.py checks the same in the sources."""
    pages = site_report["pages"]
    notebooks = sorted(n for n in pages if n.startswith("notebooks/"))

    def check(name):
        pointer = pages[name]["nextPointer"]
        following = notebooks[(notebooks.index(name) + 1) % len(notebooks)]
        if pointer is None:
            return ["no 'Next' pointer"]
        if not any(urlsplit(link).path.endswith("/" + following) for link in pointer["links"]):
            return [f"'Next' does not link to {following}: {pointer['text']!r} "
                    f"(links: {pointer['links']})"]
        return []

    assert_no_problems({"pages": {n: n for n in notebooks}}, "'Next' pointers that are not "
                       "links to the next notebook", check)


def test_the_landing_page_shows_the_path(site_report):
    """The parts, each with its total reading time; a card for every notebook with a
    thumbnail that reads at card size (some 300 px wide) and its reading time; the first
    part's first cards on the first screen."""
    screen = site_report["pages"]["docs/index.html"]["firstScreen"]
    notebooks = [n for n in site_report["pages"] if n.startswith("notebooks/")]
    assert screen["cards"] == len(notebooks), (screen["cards"], notebooks)
    assert screen["cardsWithoutThumbnail"] == [], screen["cardsWithoutThumbnail"]
    assert screen["cardsWithoutMinutes"] == [], screen["cardsWithoutMinutes"]
    assert screen["thumbnailWidth"] >= 300, screen["thumbnailWidth"]
    parts = screen["parts"]
    assert [p["heading"].rstrip("#").strip() for p in parts] == [
        "Build it", "On real data", "How good is it", "Trade-offs, and where VAEs went"], parts
    assert sum(p["cards"] for p in parts) == len(notebooks), parts
    for part in parts:
        assert re.fullmatch(r"(one notebook|\d+ notebooks), about \d+ minutes to read and run",
                            part["total"]), part
    assert screen["cardsShown"] >= 2, "no cards on the landing page's first screen"


def test_one_search_box_per_page(site_report):
    """The sidebar's (docs/conf.py: no second one in the top bar); the search page itself
    also has its own form."""
    pages = {n: i for n, i in site_report["pages"].items() if n != "search.html"}
    assert_no_problems({"pages": pages}, "pages without exactly one visible search box",
                       lambda info: [] if info["searchBoxes"] == 1
                       else [f"{info['searchBoxes']} shown"])
