"""Headless Chromium (Debian's chromium + chromium-driver) over the built reader site.

Nothing is downloaded: selenium gets the driver and browser paths explicitly. When
``CI`` or ``MATSTATS_REQUIRE_BROWSER=1`` is set, a missing browser is an error and any
skipped browser test fails the session (a skipped browser test is not a pass).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlparse

import pytest

ROOT = Path(__file__).resolve().parents[2]
SITE = ROOT / "reports" / "site"
CHROMIUM = Path(os.environ.get("MATSTATS_CHROMIUM", "/usr/bin/chromium"))
CHROMEDRIVER = Path(os.environ.get("MATSTATS_CHROMEDRIVER", "/usr/bin/chromedriver"))
SIZES = {"desktop": (1366, 768), "phone": (390, 844)}
LOCAL_SCHEMES = {"file", "data", "blob", "about", "chrome", "chrome-extension", "devtools"}


def browser_required() -> bool:
    return bool(os.environ.get("CI")) or os.environ.get("MATSTATS_REQUIRE_BROWSER") == "1"


_skipped_browser: list[str] = []


def pytest_runtest_logreport(report):
    if report.skipped and not hasattr(report, "wasxfail") and "browser" in report.keywords:
        _skipped_browser.append(report.nodeid)


def pytest_sessionfinish(session, exitstatus):
    if browser_required() and _skipped_browser:
        session.exitstatus = pytest.ExitCode.TESTS_FAILED
        tr = session.config.pluginmanager.get_plugin("terminalreporter")
        if tr is not None:
            tr.write_line(f"FAILED: {len(_skipped_browser)} browser test(s) skipped while "
                          "CI/MATSTATS_REQUIRE_BROWSER requires them", red=True)


def pages() -> list[str]:
    """Every HTML page of the built site, relative to reports/site (static assets excluded)."""
    if not (SITE / "index.html").is_file():
        build_site()
    return sorted(p.relative_to(SITE).as_posix() for p in SITE.rglob("*.html")
                  if not {"_static", "_sources", "_images"} & set(p.relative_to(SITE).parts))


def build_site() -> None:
    subprocess.run([os.environ.get("MAKE", "make"), "report"], cwd=ROOT, check=True)


@dataclass
class Visit:
    page: str
    size: str
    url: str
    console: list = field(default_factory=list)   # SEVERE browser-log messages
    requests: list = field(default_factory=list)  # every URL the page requested
    scroll_width: int = 0
    client_width: int = 0
    overflowing: list = field(default_factory=list)
    images: list = field(default_factory=list)    # (src, alt or None)
    links: list = field(default_factory=list)     # absolute hrefs
    study_links: list = field(default_factory=list)  # (study id, href, classes)
    raw_slugs: list = field(default_factory=list)  # study ids in text outside links
    numbers: list = field(default_factory=list)   # (data-ms key, text) in page order
    raw_values: dict = field(default_factory=dict)  # NaN / <NA> / dtype / None shown as text -> count
    split_numbers: list = field(default_factory=list)  # number/date tokens drawn on two lines
    wide_tables: list = field(default_factory=list)  # tables wider than their column (or scrolling)
    shrunk_images: list = field(default_factory=list)  # (src, drawn width, shown width, linked)
    first_screen: str = ""  # text drawn within the first viewport height of <main>
    body_text: str = ""  # the page's visible text
    claim_links: list = field(default_factory=list)  # (link text, href) of "Claim X" links
    reader_text: str = ""  # visible text of <main> outside code, code cells and scripts
    csv_links: list = field(default_factory=list)  # hrefs of the CSV download links
    row_links: list = field(default_factory=list)  # hrefs of every link to a claim's row
    articles: list = field(default_factory=list)  # (card id, heading, claim row ids) per article card
    figure_texts: list = field(default_factory=list)  # (src, alt, caption) of every figure image
    trace_boxes: list = field(default_factory=list)  # (classes, [(href, classes, study id)]) per flowchart box


_COLLECT_JS = r"""
const cw = document.documentElement.clientWidth;
const sw = Math.max(document.documentElement.scrollWidth, document.body.scrollWidth);
const over = [];
for (const el of document.body.querySelectorAll('*')) {
  const r = el.getBoundingClientRect();
  if (r.right > cw + 1 && r.width > 0) {
    let clipped = false;
    for (let p = el.parentElement; p && p !== document.body; p = p.parentElement) {
      const s = getComputedStyle(p);
      if (s.overflowX !== 'visible' && p.getBoundingClientRect().right <= cw + 1) { clipped = true; break; }
    }
    if (!clipped) over.push(el.tagName.toLowerCase() + (el.className && typeof el.className === 'string' ? '.' + el.className.trim().split(/\s+/).join('.') : '') + ' right=' + Math.round(r.right));
  }
  if (over.length >= 8) break;
}
const imgs = [...document.images].map(i => [i.getAttribute('src'), i.getAttribute('alt')]);
const links = [...document.querySelectorAll('a[href]')].map(a => a.href);
const studies = [...document.querySelectorAll('a.ms-study')].map(a => [a.dataset.study, a.href, a.className]);
const ids = arguments[0];
const slugs = new Set();
if (ids.length) {
  const re = new RegExp('\\b(' + ids.join('|') + ')\\b', 'g');
  const walker = document.createTreeWalker(document.querySelector('main') || document.body, NodeFilter.SHOW_TEXT);
  for (let n = walker.nextNode(); n; n = walker.nextNode()) {
    if (n.parentElement.closest('a, .cell_input, script, style, .ms-bib-meta')) continue;
    for (const m of n.textContent.matchAll(re)) slugs.add(m[1]);
  }
}
const raw = {};
{
  const rx = /\bNaN\b|<NA>|\bdtype: \w+|\bNone\b/g;
  const walker = document.createTreeWalker(document.querySelector('main') || document.body, NodeFilter.SHOW_TEXT);
  for (let n = walker.nextNode(); n; n = walker.nextNode()) {
    if (n.parentElement.closest('.cell_input, script, style, code')) continue;
    for (const m of n.textContent.matchAll(rx)) raw[m[0]] = (raw[m[0]] || 0) + 1;
  }
}
// layout of numbers, tables and figures, and the first screen's text
const main = document.querySelector('main') || document.body;
const split = [];
{
  // a number, a range (368-372) or a date (2026-01-05), as matstats.tables.reader._NUMBER
  const rx = /(?<![\w.,\u2212\u2013-])[-\u2212+]?\d+(?:[.,]\d+)*(?:[-\u2013]\d+(?:[.,]\d+)*)*(?:[ T]\d{2}:\d{2}(?::\d{2})?)?%?(?![\w])/g;
  const walker = document.createTreeWalker(main, NodeFilter.SHOW_TEXT);
  for (let n = walker.nextNode(); n; n = walker.nextNode()) {
    if (n.parentElement.closest('.cell_input, script, style, .headerlink')) continue;
    for (const m of n.textContent.matchAll(rx)) {
      if (m[0].length < 2) continue;
      const r = document.createRange();
      r.setStart(n, m.index); r.setEnd(n, m.index + m[0].length);
      const tops = new Set([...r.getClientRects()].filter(q => q.width > 0).map(q => Math.round(q.top)));
      if (tops.size > 1) split.push(m[0] + ' in "' + n.textContent.slice(Math.max(0, m.index - 30), m.index + m[0].length + 30).trim() + '"');
    }
  }
}
const wide = [];
for (const t of main.querySelectorAll('table')) {
  const tw = t.getBoundingClientRect().width;
  if (tw === 0) continue;
  const col = t.closest('article') || main;
  let scroller = null;
  for (let p = t.parentElement; p && p !== col; p = p.parentElement) {
    if (['auto', 'scroll', 'hidden'].includes(getComputedStyle(p).overflowX) && p.scrollWidth > p.clientWidth + 1) { scroller = p; break; }
  }
  if (tw > col.getBoundingClientRect().width + 1 || scroller) {
    const cap = (t.querySelector('caption, th') || t).textContent.trim().slice(0, 60);
    wide.push(Math.round(tw) + 'px table in a ' + Math.round(col.getBoundingClientRect().width) + 'px column: ' + cap);
  }
}
const shrunk = [];
for (const i of main.querySelectorAll('img')) {
  const w = i.getBoundingClientRect().width;
  if (!i.naturalWidth || !w) continue;
  const a = i.closest('a');
  shrunk.push([i.getAttribute('src'), i.naturalWidth, Math.round(w), !!(a && a.getAttribute('href'))]);
}
let first = '';
{
  const walker = document.createTreeWalker(main, NodeFilter.SHOW_TEXT);
  for (let n = walker.nextNode(); n; n = walker.nextNode()) {
    const r = document.createRange(); r.selectNodeContents(n);
    const b = r.getBoundingClientRect();
    if (b.height > 0 && b.top + window.scrollY < window.innerHeight && b.bottom > 0) first += n.textContent + ' ';
  }
}
const claimLinks = [...document.querySelectorAll('a[href]')].filter(a => /^\s*Claim\s+\S+/.test(a.textContent)).map(a => [a.textContent.trim(), a.href]);
let readerText = '';
{
  const walker = document.createTreeWalker(main, NodeFilter.SHOW_TEXT);
  for (let n = walker.nextNode(); n; n = walker.nextNode()) {
    if (n.parentElement.closest('code, pre, .cell_input, script, style, .headerlink')) continue;
    readerText += n.textContent + ' ';
  }
}
const csvLinks = [...document.querySelectorAll('a.ms-csv-link')].map(a => a.href);
const rowLinks = [...document.querySelectorAll('a[href*="#claim-"]')].map(a => a.href);
const articles = [...document.querySelectorAll('section.ms-article')].map(s => [
  s.id, s.querySelector('h3').textContent.trim(), [...s.querySelectorAll('tr[id^="claim-"]')].map(r => r.id)]);
const figTexts = [...main.querySelectorAll('img')].map(i => {
  const f = i.closest('figure'), c = f && f.querySelector('figcaption');
  return [i.getAttribute('src'), i.getAttribute('alt') || '', c ? c.textContent.trim() : ''];
});
const trace = [...main.querySelectorAll('ol.ms-trace > li')].map(li => [li.className,
  [...li.querySelectorAll('a[href]')].map(a => [a.href, a.className, a.dataset.study || ''])]);
const nums = [...document.querySelectorAll('span.ms-num[data-ms]')].map(s => [s.dataset.ms, s.textContent]);
return {cw, sw, over, imgs, links, studies, slugs: [...slugs], nums, raw, split, wide, shrunk, first,
        text: document.body.innerText, claimLinks, readerText, csvLinks, rowLinks, articles, figTexts, trace};
"""


@pytest.fixture(scope="session")
def chromium_paths():
    missing = [str(p) for p in (CHROMIUM, CHROMEDRIVER) if not p.exists()]
    if missing:
        msg = (f"headless browser tests need Debian's chromium and chromium-driver "
               f"(missing: {', '.join(missing)}; apt-get install chromium chromium-driver)")
        if browser_required():
            pytest.fail(msg)
        pytest.skip(msg)
    return CHROMIUM, CHROMEDRIVER


@pytest.fixture(scope="session")
def driver(chromium_paths):
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    profile = tempfile.mkdtemp(prefix="matstats-chromium-")
    opts = webdriver.ChromeOptions()
    opts.binary_location = str(chromium_paths[0])
    for arg in ("--headless=new", "--no-sandbox", "--disable-gpu", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--disable-quic", "--disable-dev-shm-usage", "--hide-scrollbars",
                "--allow-file-access-from-files", f"--user-data-dir={profile}",
                "--window-size=1366,768"):
        opts.add_argument(arg)
    opts.set_capability("goog:loggingPrefs", {"browser": "ALL", "performance": "ALL"})
    drv = webdriver.Chrome(service=Service(str(chromium_paths[1])), options=opts)
    try:
        yield drv
    finally:
        drv.quit()
        shutil.rmtree(profile, ignore_errors=True)


@pytest.fixture(scope="session")
def study_ids():
    import matstats

    return sorted(set(matstats.load_studies()["study_id"]), key=len, reverse=True)


def _set_size(drv, size: str) -> None:
    w, h = SIZES[size]
    drv.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                        {"width": w, "height": h, "deviceScaleFactor": 1, "mobile": False})


@pytest.fixture(scope="session")
def visits(driver, study_ids) -> dict[tuple[str, str], Visit]:
    """Load every page once at each size and record what the tests check."""
    out = {}
    for size in SIZES:
        _set_size(driver, size)
        for page in pages():
            driver.get_log("browser"), driver.get_log("performance")  # drain
            url = (SITE / page).as_uri()
            driver.get(url)
            driver.execute_script("return document.fonts ? document.fonts.ready : null")
            data = driver.execute_script(_COLLECT_JS, study_ids)
            v = Visit(page=page, size=size, url=url)
            v.console = [e["message"] for e in driver.get_log("browser") if e["level"] == "SEVERE"]
            for e in driver.get_log("performance"):
                msg = json.loads(e["message"])["message"]
                if msg.get("method") == "Network.requestWillBeSent":
                    v.requests.append(msg["params"]["request"]["url"])
            v.scroll_width, v.client_width = data["sw"], data["cw"]
            v.overflowing = data["over"]
            v.images = [tuple(i) for i in data["imgs"]]
            v.links = data["links"]
            v.study_links = [tuple(s) for s in data["studies"]]
            v.raw_slugs = data["slugs"]
            v.numbers = [tuple(n) for n in data["nums"]]
            v.raw_values = data["raw"]
            v.split_numbers = data["split"]
            v.wide_tables = data["wide"]
            v.shrunk_images = [tuple(i) for i in data["shrunk"]]
            v.first_screen = data["first"]
            v.body_text = data["text"]
            v.claim_links = [tuple(c) for c in data["claimLinks"]]
            v.reader_text = data["readerText"]
            v.csv_links = data["csvLinks"]
            v.row_links = data["rowLinks"]
            v.articles = [(a[0], a[1], a[2]) for a in data["articles"]]
            v.figure_texts = [tuple(f) for f in data["figTexts"]]
            v.trace_boxes = [(c, [tuple(a) for a in links]) for c, links in data["trace"]]
            out[(page, size)] = v
    return out


def is_local(url: str) -> bool:
    u = urlparse(url)
    return u.scheme in LOCAL_SCHEMES or u.hostname in {"localhost", "127.0.0.1", "::1"}
