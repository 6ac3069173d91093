# The course's two commands (README): `make lab` opens the course, `make test` runs every test.
# Both build the same virtual environment first; a second run reuses it.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
# The CPU wheel of torch: an unpinned torch would download GBs of CUDA libraries.
TORCH  ?= torch==2.13.0
# Jupyter refuses to run as root unless told; containers and CI machines often are root.
LAB_FLAGS ?= $(if $(filter 0,$(shell id -u)),--allow-root,)

.PHONY: setup lab test bench clean browser-deps slides
NBVAL = $(BIN)/python -m pytest --nbval-lax --nbval-current-env --nbval-cell-timeout=1800 \
	--nbval-sanitize-with notebooks/sanitize.cfg

setup: $(STAMP)

$(STAMP): pyproject.toml Makefile
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet "$(TORCH)"
	$(BIN)/python -m pip install --quiet -e ".[test,lab]"
	touch $(STAMP)

lab: $(STAMP)
	$(BIN)/jupyter lab $(LAB_FLAGS) notebooks/

# Headless Chromium for tests/test_browser.py: Debian's chromium + chromedriver, and Noto CJK so the
# Korean on the slides renders in its screenshots; installed when missing and possible (root and
# apt-get); otherwise that test skips (or draws boxes for Hangul) and says why.
BROWSER_PACKAGES := chromium chromium-driver fonts-noto-cjk
browser-deps:
	@if ! command -v chromium >/dev/null || ! command -v chromedriver >/dev/null || \
	    ! fc-list 2>/dev/null | grep -q "Noto Sans CJK"; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    echo "installing Debian's $(BROWSER_PACKAGES) for the browser test"; \
	    apt-get install -y -q $(BROWSER_PACKAGES) >/dev/null 2>&1 || \
	      (apt-get update -q >/dev/null && apt-get install -y -q $(BROWSER_PACKAGES) >/dev/null); \
	  else echo "note: $(BROWSER_PACKAGES) cannot all be installed here; the browser test may skip"; fi; \
	fi

test: $(STAMP) browser-deps
	$(BIN)/python -m ruff check dmlib tests benchmarks notebooks tools
	$(BIN)/python -m ruff format --check dmlib tests benchmarks tools
	$(BIN)/python -m pytest tests
	$(NBVAL) notebooks/
	# the same checked outputs as another CPU computes them: generic ATen kernels, oneDNN at SSE4.1, one thread
	ATEN_CPU_CAPABILITY=default ONEDNN_MAX_CPU_ISA=SSE41 OMP_NUM_THREADS=1 $(NBVAL) notebooks/

# every talk as a static reveal.js page (outputs, speaker notes, widgets' last state) in site/
slides: $(STAMP)
	$(BIN)/python tools/slides.py --out site

# ARGS=--busy keeps every core busy with other processes while the notebooks run
bench: $(STAMP)
	$(BIN)/python benchmarks/notebooks.py $(ARGS)

clean:
	rm -rf $(VENV) .venv-colab site .cache
