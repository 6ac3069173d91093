"""The course as a student and a presenter get it: JupyterLab in headless Chromium, every notebook run, every
widget moved, then every notebook presented as a RISE slideshow and walked slide by slide with the keyboard.

Starts the course's JupyterLab (this venv, a free localhost port, a token) on a temporary copy of the
notebooks, drives Debian's ``chromium`` through its ``chromedriver`` with Selenium, and for each
notebook runs all cells, checks that no cell shows an error, that every widget renders, and that
moving a slider changes the widget's image; then it opens the notebook in RISE (``/rise/<notebook>``, the
page behind Alt + R) on the same live kernel, presses Space until the last slide, and fails on an error
output, a widget that does not render, or a slide taller than the 1280×720 slide area. Screenshots go to
``$DMLIB_SCREENSHOTS`` (the README's come from ``DMLIB_SCREENSHOTS=docs/screenshots``) and the measured
timings to ``timings.json`` there.
Skips, saying why, only where Chromium cannot run. ``make browser-deps`` installs it (root, Debian).
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from dmlib import course
from dmlib.course import NOTEBOOKS

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMEDRIVER = shutil.which("chromedriver") or "/usr/bin/chromedriver"
ROOT = Path(__file__).resolve().parents[1]
TOKEN = "dmlib-browser-test"
# No fixed deadline for the work itself: a wait fails only when nothing has changed for this long
# (a busy laptop may run a cell 10× slower; a hung kernel or a stuck page never changes).
STALL_SECONDS = 900
MAIN_WIDGET = {  # which interact widget of each notebook the README shows
    "01_infogan.ipynb": 1,
    "02_yolo9000.ipynb": 2,
    "03_pixelrnn.ipynb": 2,
    "04_modality_hallucination.ipynb": 0,
}

if not (os.path.exists(CHROMIUM) and os.path.exists(CHROMEDRIVER)):
    pytest.skip(
        "Debian's chromium and chromium-driver are not installed (run `make browser-deps` as root)",
        allow_module_level=True,
    )
webdriver = pytest.importorskip("selenium.webdriver")
from selenium.common.exceptions import StaleElementReferenceException, WebDriverException  # noqa: E402
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.common.keys import Keys  # noqa: E402

TIMINGS: dict[str, float] = {}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait(condition, what: str, progress=lambda: None, poll: float = 0.5):
    """Poll ``condition`` until it is truthy; fail only after STALL_SECONDS without progress.

    ``progress()`` returns anything that changes while the work advances (e.g. the number of cells
    run); each change restarts the stall clock. Without it, the clock runs from the start.
    """
    last, changed = progress(), time.monotonic()
    while True:
        value = condition()
        if value:
            return value
        now = progress()
        if now != last:
            last, changed = now, time.monotonic()
        elif time.monotonic() - changed > STALL_SECONDS:
            raise AssertionError(f"no progress for {STALL_SECONDS} s waiting for {what} (last: {last})")
        time.sleep(poll)


@pytest.fixture(scope="module")
def screenshots(tmp_path_factory) -> Path:
    folder = Path(os.environ.get("DMLIB_SCREENSHOTS") or tmp_path_factory.mktemp("screenshots"))
    folder.mkdir(parents=True, exist_ok=True)
    yield folder
    (folder / "timings.json").write_text(json.dumps(TIMINGS, indent=2) + "\n")


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    """JupyterLab serving a copy of the notebooks (autosave must not touch the committed ones)."""
    work = tmp_path_factory.mktemp("lab")
    for nb in NOTEBOOKS:
        shutil.copy(ROOT / nb.path, work / Path(nb.path).name)
    settings = work / ".settings" / "@jupyterlab" / "notebook-extension"
    settings.mkdir(parents=True)
    # Render every cell (JupyterLab 4 otherwise detaches off-screen cells from the page).
    (settings / "tracker.jupyterlab-settings").write_text('{"windowingMode": "none"}')
    port = _free_port()
    env = {**os.environ, "DMLIB_PROGRESS": "0", "JUPYTERLAB_SETTINGS_DIR": str(work / ".settings"),
           "JUPYTERLAB_WORKSPACES_DIR": str(work / ".workspaces")}  # fmt: skip
    command = [sys.executable, "-m", "jupyter", "lab", "--no-browser", f"--port={port}", "--ip=127.0.0.1",
               f"--ServerApp.token={TOKEN}", f"--ServerApp.root_dir={work}",
               "--LabApp.expose_app_in_browser=True", "--allow-root"]  # fmt: skip
    log = open(work / "lab.log", "w")  # noqa: SIM115 - closed below
    start = time.monotonic()
    server = subprocess.Popen(command, env=env, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:

        def ready():
            if server.poll() is not None:
                raise AssertionError(f"jupyter lab exited: {(work / 'lab.log').read_text()[-2000:]}")
            try:
                return urllib.request.urlopen(f"{url}/lab?token={TOKEN}", timeout=2).status == 200
            except OSError:
                return False

        _wait(ready, "JupyterLab to answer")
        TIMINGS["jupyterlab_startup_s"] = round(time.monotonic() - start, 2)
        yield url
    finally:
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
        log.close()


@pytest.fixture(scope="module")
def browser():
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1400,1000"):
        options.add_argument(flag)
    service = webdriver.ChromeService(executable_path=CHROMEDRIVER)
    try:
        driver = webdriver.Chrome(options=options, service=service)
    except WebDriverException as exc:  # e.g. no usable display stack in a minimal container
        pytest.skip(f"headless Chromium cannot start here: {exc.msg}")
    driver.set_script_timeout(60)
    yield driver
    driver.quit()


NOTEBOOK_STATE = """
const w = window.jupyterapp && window.jupyterapp.shell.currentWidget;
const session = w && w.sessionContext && w.sessionContext.session;
if (!w || !w.content || !session || !session.kernel) return null;
const code = w.content.widgets.filter(c => c.model.type === 'code');
return {
  kernel: session.kernel.status,
  cells: code.length,
  done: code.filter(c => c.model.executionCount !== null).length,  // queued cells have none
  outputs: code.reduce((n, c) => n + c.model.outputs.length, 0),  // grows while a long cell prints
  errors: code.filter(c => c.model.outputs.toJSON().some(o => o.output_type === 'error'))
              .map(c => c.model.sharedModel.getSource().slice(0, 80)),
};
"""


def _images_in(widget) -> list[str]:
    """The widget's image sources ([] while its output is being redrawn)."""
    try:
        return widget.parent.execute_script(
            "return Array.from(arguments[0].querySelectorAll('img')).map(img => img.src)", widget
        )
    except StaleElementReferenceException:
        return []


@pytest.mark.parametrize("notebook", [Path(nb.path).name for nb in NOTEBOOKS])
def test_notebook_runs_and_its_widgets_respond(notebook, lab, browser, screenshots):
    browser.get(f"{lab}/lab/tree/{notebook}?token={TOKEN}&reset")
    _wait(lambda: (browser.execute_script(NOTEBOOK_STATE) or {}).get("kernel") == "idle", "a kernel")
    start = time.monotonic()
    browser.execute_script("window.jupyterapp.commands.execute('notebook:run-all-cells')")

    def finished():
        state = browser.execute_script(NOTEBOOK_STATE)
        return state if state["kernel"] == "idle" and state["done"] == state["cells"] else None

    def cells_run():
        state = browser.execute_script(NOTEBOOK_STATE) or {}
        return state.get("done"), state.get("outputs")

    state = _wait(finished, f"{notebook} to run all cells", progress=cells_run, poll=2)
    TIMINGS[f"{notebook}: run all (s)"] = round(time.monotonic() - start, 1)
    assert state["errors"] == [], f"cells with errors in {notebook}: {state['errors']}"
    browser.save_screenshot(str(screenshots / f"{Path(notebook).stem}_page.png"))

    widgets = browser.find_elements(By.CSS_SELECTOR, ".widget-interact")
    assert widgets, f"{notebook} shows no interactive widget"
    for index, widget in enumerate(widgets):
        browser.execute_script("arguments[0].scrollIntoView({block: 'center'})", widget)
        shown = _wait(lambda w=widget: _images_in(w) and w, f"widget {index} of {notebook} to draw")
        text = widget.text
        for problem in ("Loading widget", "model not found", "Error"):
            assert problem not in text, text
        handles = shown.find_elements(By.CSS_SELECTOR, ".noUi-handle")
        if not handles:
            continue
        before = _images_in(shown)
        handle = handles[0]
        at_end = handle.get_attribute("aria-valuenow") == handle.get_attribute("aria-valuemax")
        moved = time.monotonic()
        handle.send_keys(*[Keys.ARROW_LEFT if at_end else Keys.ARROW_RIGHT] * 2)

        def redrawn(w=shown, old=before):
            now = _images_in(w)
            return now and now != old

        _wait(redrawn, f"widget {index} of {notebook} to redraw after its slider moved", poll=0.05)
        TIMINGS[f"{notebook}: widget {index} slider update (s)"] = round(time.monotonic() - moved, 2)
        if index == MAIN_WIDGET.get(notebook, 0):
            shown.screenshot(str(screenshots / f"{Path(notebook).stem}_widget.png"))
    rendered = time.monotonic() - start - TIMINGS[f"{notebook}: run all (s)"]
    TIMINGS[f"{notebook}: all widgets drawn and moved (s, after run all)"] = round(rendered, 1)
    # The slideshow reads the file: save it with this kernel's widget models in its outputs.
    browser.execute_script("return window.jupyterapp.commands.execute('docmanager:save')")


# The slide on screen: its height against the slide area, its headline, errors and widgets on it.
CURRENT_SLIDE = """
const top = document.querySelector('.reveal .slides > section.present');
if (!top) return null;
const slide = top.querySelector('section.present') || top;
const text = slide.innerText || '';
const errors = '[data-mime-type="application/vnd.jupyter.stderr"], [data-mime-type$="error"]';
return {
  where: location.hash,
  height: slide.scrollHeight,
  room: slide.clientHeight,
  headline: text.trim().split('\\n')[0].slice(0, 70),
  errors: slide.querySelectorAll(errors).length,
  widgets: slide.querySelectorAll('.widget-interact').length,
  broken_widgets: /Error displaying widget|model not found|Loading widget/.test(text),
};
"""
# Space steps through every slide and every fragment: the walk has this many positions.
POSITIONS = """
const leaves = Array.from(document.querySelectorAll('.reveal .slides section'))
  .filter(s => !s.querySelector('section'));
return leaves.reduce((n, s) => n + 1 + s.querySelectorAll('.fragment').length, 0);
"""


@pytest.mark.parametrize("notebook", [Path(nb.path).name for nb in NOTEBOOKS])
def test_notebook_presents_as_a_slideshow_that_fits_the_screen(notebook, lab, browser, screenshots):
    browser.get(f"{lab}/rise/{notebook}?token={TOKEN}")
    _wait(lambda: browser.execute_script(CURRENT_SLIDE), f"the slideshow of {notebook}")
    _wait(lambda: not browser.execute_script("return document.querySelector('.MathJax_Processing, "
                                             ".jp-mod-rendering')"), "the maths to typeset")  # fmt: skip
    shot = Path(notebook).stem
    browser.save_screenshot(str(screenshots / f"{shot}_slide_title.png"))
    notes = next(sum(course.slide_type(c) == "notes" for c in course.cells(nb)) for nb in NOTEBOOKS
                 if nb.path.endswith(notebook))  # fmt: skip
    speaker_notes = "return document.querySelectorAll('.reveal aside.notes').length"
    assert browser.execute_script(speaker_notes) == notes, "the speaker view would miss some notes cells"
    positions = browser.execute_script(POSITIONS)
    too_tall, broken, widget_shot = [], [], False
    for step in range(positions):
        slide = browser.execute_script(CURRENT_SLIDE)
        if slide["height"] > slide["room"] + 1:
            too_tall.append(f"{slide['headline']!r} ({slide['height']} px in {slide['room']})")
        if slide["errors"] or slide["broken_widgets"]:
            broken.append(slide["headline"])
        if slide["widgets"] and not widget_shot:
            image = "return document.querySelector('.reveal section.present .widget-interact img')"
            _wait(lambda q=image: browser.execute_script(q), f"a widget on a slide of {notebook} to draw")
            browser.save_screenshot(str(screenshots / f"{shot}_slide_widget.png"))
            widget_shot = True
        if step + 1 < positions:
            browser.find_element(By.CSS_SELECTOR, "body").send_keys(Keys.SPACE)
            _wait(lambda old=slide["where"]: browser.execute_script("return location.hash") != old,
                  f"Space to move past {slide['where']} of {notebook}")  # fmt: skip
    TIMINGS[f"{notebook}: slideshow positions (slides and fragments)"] = positions
    assert not broken, f"slides of {notebook} with an error or a widget that did not render: {broken}"
    assert widget_shot, f"no widget on any slide of {notebook}"
    assert not too_tall, f"slides of {notebook} taller than the slide area: {too_tall}"
