"""``make slides``: the four talks as static reveal.js pages, read in headless Chromium without a kernel.

Builds site/ into a temporary folder with tools/slides.py, opens each page from disk and checks: no
request leaves the folder (every script and style sheet is in _static/), reveal.js counts as many
slides as the notebook has slide and subslide cells, the speaker notes are there (one per notes
cell), Hangul is drawn with real glyphs (two different syllables render differently: no tofu boxes),
each widget became its last state (no live widget view is left), and index.html links the four talks.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from dmlib import course

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMEDRIVER = shutil.which("chromedriver") or "/usr/bin/chromedriver"

WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    if shutil.which("npm") is None and not (ROOT / ".cache" / "slides").is_dir():
        pytest.skip("npm is needed once to fetch reveal.js and MathJax for the slides")
    out = tmp_path_factory.mktemp("site")
    subprocess.run([sys.executable, str(ROOT / "tools" / "slides.py"), "--out", str(out)], check=True)
    return out


def test_the_site_loads_nothing_from_outside_the_folder(site):
    for page in site.glob("*.html"):
        text = page.read_text()
        outside = re.findall(r'<(?:script|link)[^>]*(?:src|href)="((?:https?:)?//[^"]+)"', text)
        assert not outside, f"{page.name} loads {outside}"
    for static in ("reveal.js/dist/reveal.js", "reveal.js/plugin/notes/notes.js", "mathjax/es5/tex-svg.js"):
        assert (site / "_static" / static).is_file()
    index = (site / "index.html").read_text()
    for nb in course.NOTEBOOKS:
        assert f'href="{Path(nb.path).stem}.html"' in index
        assert all(section in index for section, _ in course.agenda(nb))


@pytest.fixture(scope="module")
def browser():
    if not (os.path.exists(CHROMIUM) and os.path.exists(CHROMEDRIVER)):
        pytest.skip("Debian's chromium and chromium-driver are not installed (`make browser-deps` as root)")
    webdriver = pytest.importorskip("selenium.webdriver")
    from selenium.common.exceptions import WebDriverException

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1280,720",
                 "--allow-file-access-from-files"):  # fmt: skip
        options.add_argument(flag)
    try:
        service = webdriver.ChromeService(executable_path=CHROMEDRIVER)
        driver = webdriver.Chrome(options=options, service=service)
    except WebDriverException as exc:
        pytest.skip(f"headless Chromium cannot start here: {exc.msg}")
    driver.set_script_timeout(60)
    yield driver
    driver.quit()


PAGE_STATE = """
const done = arguments[arguments.length - 1];
const start = Date.now();
(function poll() {
  if (window.Reveal && Reveal.isReady && Reveal.isReady()) {
    const draw = (text) => {  // the pixels of `text` in the slides' own font
      const canvas = document.createElement('canvas'); canvas.width = 80; canvas.height = 40;
      const ctx = canvas.getContext('2d');
      ctx.font = '28px ' + getComputedStyle(document.querySelector('.reveal')).fontFamily;
      ctx.fillText(text, 4, 30);
      return Array.from(ctx.getImageData(0, 0, 80, 40).data).join(',');
    };
    done({
      slides: Reveal.getTotalSlides(),
      notes: document.querySelectorAll('aside.notes').length,
      hangulDiffers: draw('한') !== draw('국') && draw('한') !== draw(''),
      hangulOnSlides: (document.querySelector('.reveal .slides').textContent.match(/[가-힣]/g) || []).length,
      liveWidgets: document.querySelectorAll('script[type="' + arguments[0] + '"]').length,
      staticWidgets: document.querySelectorAll('.dmlib-widget-controls').length,
    });
  } else if (Date.now() - start > 50000) { done(null); } else { setTimeout(poll, 200); }
})();
"""


@pytest.mark.parametrize("notebook", course.NOTEBOOKS, ids=lambda nb: Path(nb.path).stem)
def test_each_talk_reads_as_slides_without_a_kernel(site, browser, notebook):
    browser.get((site / (Path(notebook.path).stem + ".html")).as_uri())
    state = browser.execute_async_script(PAGE_STATE, WIDGET_VIEW)
    assert state is not None, "reveal.js did not start (a script failed to load?)"
    cells = course.cells(notebook)
    notes_cells = sum(course.slide_type(c) == "notes" for c in cells)
    widgets = sum(WIDGET_VIEW in json.dumps(c.get("outputs", [])) for c in cells)
    assert state["slides"] == len(course.slides(notebook))
    assert state["notes"] == notes_cells
    assert state["hangulOnSlides"] > 100
    assert state["hangulDiffers"], "Hangul renders as identical boxes: install fonts-noto-cjk"
    assert state["liveWidgets"] == 0
    assert state["staticWidgets"] == widgets
