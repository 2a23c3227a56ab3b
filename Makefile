# The course's commands. `make lab` opens the course, `make test` runs every test.
# Both create .venv on first use and install the course into it.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
READY  := $(VENV)/.installed
HOST   ?= 127.0.0.1
PORT   ?= 8888
# Jupyter refuses to run as root unless told to (containers, some CI and cloud machines).
ROOT_FLAG := $(if $(filter 0,$(shell id -u)),--allow-root,)
DELIVERY := $(VENV)/.delivery
CHROMIUM ?= /usr/bin/chromium

.PHONY: lab test bench execute nav lint clean slides html test-browser

$(READY): pyproject.toml
	@$(PYTHON) -c 'import sys; v = sys.version_info; sys.exit(0 if v >= (3, 10) else \
	  "This course needs Python >= 3.10; $(PYTHON) is %d.%d. Run: make PYTHON=python3.12 ..." % v[:2])'
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[test]"
	touch $(READY)

lab: $(READY)  ## open the course in JupyterLab
	cd notebooks && ../$(BIN)/jupyter lab --ip=$(HOST) --port=$(PORT) $(ROOT_FLAG) 00-start-here.ipynb

test: $(READY)  ## unit tests + every notebook under nbval (strict: stored outputs compared)
	$(BIN)/python -m pytest

bench: $(READY)  ## speed and memory of both routes, printed as a table
	$(BIN)/python -m pip install --quiet -e ".[bench]" || echo "(JAX not installable here: its column is skipped)"
	$(BIN)/python benchmarks/bench_matmul.py; routes=$$?; \
	$(BIN)/python benchmarks/bench_widgets.py; widgets=$$?; \
	$(BIN)/python benchmarks/bench_widget_memory.py; memory=$$?; \
	exit $$(( routes || widgets || memory ))

execute: $(READY)  ## re-run every notebook in place after changing utils
	$(BIN)/python tools/execute_notebooks.py

nav: $(READY)  ## regenerate the Colab cells, navigation cells (prev | contents | next), slide types
	$(BIN)/python tools/colab_setup.py
	$(BIN)/python tools/navigation.py
	$(BIN)/python tools/slide_metadata.py

$(DELIVERY): $(READY) pyproject.toml
	$(BIN)/python -m pip install --quiet -e ".[test,delivery]"
	touch $(DELIVERY)

slides: $(DELIVERY)  ## a reveal.js deck per notebook in build/slides/, viewable offline
	$(BIN)/python tools/build_site.py slides

html: $(DELIVERY)  ## every notebook with its stored outputs in build/html/, viewable offline
	$(BIN)/python tools/build_site.py html

test-browser: slides html  ## JupyterLab, Voila, the decks and the site in Chromium (needs $(CHROMIUM))
	COURSE_BROWSER_TESTS=1 CHROMIUM=$(CHROMIUM) $(BIN)/python -m pytest -n 0 -s tests/browser

lint: $(READY)
	$(BIN)/ruff check .

clean:
	rm -rf $(VENV) build .hypothesis
