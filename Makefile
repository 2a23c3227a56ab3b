# The course's commands. `make lab` opens the course, `make test` runs every test.
# Both create .venv on first use and install the course into it.
PYTHON ?= python3
# One environment per Python: `make test PYTHON=python3.10` builds and uses .venv-python3.10.
VENV   ?= $(if $(filter python3,$(PYTHON)),.venv,.venv-$(notdir $(PYTHON)))
BIN    := $(VENV)/bin
READY  := $(VENV)/.installed
HOST   ?= 127.0.0.1
PORT   ?= 8888
# Jupyter refuses to run as root unless told to (containers, some CI and cloud machines).
ROOT_FLAG := $(if $(filter 0,$(shell id -u)),--allow-root,)
DELIVERY := $(VENV)/.delivery
CHROMIUM ?= /usr/bin/chromium

# The interpreter a name stands for: $(PYTHON) itself if it runs, else (a pyenv shim for a
# version installed but not selected, as `python3.10` often is) pyenv's own copy of it.
runnable = $(shell $(1) -c 'import sys; print(sys.executable)' 2>/dev/null || \
  ls $(HOME)/.pyenv/versions/*/bin/$(notdir $(1)) 2>/dev/null | tail -n 1)
PYTHON_EXE = $(call runnable,$(PYTHON))
LOWEST_EXE = $(call runnable,$(LOWEST_PYTHON))

# `make test-lowest`: the whole suite on the oldest Python the README promises, with every
# direct dependency at the lowest version pyproject.toml allows (constraints/lowest.txt).
LOWEST_PYTHON ?= python3.10
LOWEST_VENV   := .venv-lowest
LOWEST_READY  := $(LOWEST_VENV)/.installed

.PHONY: help lab test test-lowest bench execute nav lint clean slides html test-browser
.DEFAULT_GOAL := help

help:  ## list these commands (`make` alone does the same)
	@awk -F ':[^#]*## ' '/^[a-z-]+:.*## / { printf "  make %-13s %s\n", $$1, $$2 }' \
	  $(MAKEFILE_LIST)

$(READY): pyproject.toml
	@test -n "$(PYTHON_EXE)" || { echo "$(PYTHON) does not run here: give a Python >= 3.10, \
	  e.g. make test PYTHON=/path/to/python3.12" >&2; exit 1; }
	@$(PYTHON_EXE) -c 'import sys; v = sys.version_info; sys.exit(0 if v >= (3, 10) else \
	  "This course needs Python >= 3.10; $(PYTHON) is %d.%d. Run: make PYTHON=python3.12 ..." % v[:2])'
	test -x $(BIN)/python || $(PYTHON_EXE) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[test]"
	touch $(READY)

lab: $(READY)  ## open the course in JupyterLab
	cd notebooks && ../$(BIN)/jupyter lab --ip=$(HOST) --port=$(PORT) $(ROOT_FLAG) 00-start-here.ipynb

test: $(READY)  ## unit tests + every notebook under nbval (strict: stored outputs compared)
	$(BIN)/python -m pytest

$(LOWEST_READY): pyproject.toml constraints/lowest.txt
	@test -n "$(LOWEST_EXE)" || { echo "$(LOWEST_PYTHON) does not run here: \
	  make test-lowest LOWEST_PYTHON=/path/to/python3.10" >&2; exit 1; }
	@$(LOWEST_EXE) -c 'import sys; v = sys.version_info[:2]; sys.exit(0 if v == (3, 10) else \
	  "make test-lowest needs Python 3.10 (the oldest the README promises); $(LOWEST_PYTHON) is \
	  %d.%d. Run: make test-lowest LOWEST_PYTHON=/path/to/python3.10" % v)'
	rm -rf $(LOWEST_VENV)
	$(LOWEST_EXE) -m venv $(LOWEST_VENV)
	$(LOWEST_VENV)/bin/python -m pip install --quiet --upgrade pip
	$(LOWEST_VENV)/bin/python -m pip install --quiet -c constraints/lowest.txt -e ".[test]"
	touch $(LOWEST_READY)

test-lowest: $(LOWEST_READY)  ## the whole suite on Python 3.10 with the lowest allowed versions
	COURSE_LOWEST_VERSIONS=1 $(LOWEST_VENV)/bin/python -m pytest

bench: $(READY)  ## speed and memory of both routes, printed as a table
	$(BIN)/python -m pip install --quiet -e ".[bench]" || echo "(JAX not installable here: its column is skipped)"
	$(BIN)/python benchmarks/bench_matmul.py; routes=$$?; \
	$(BIN)/python benchmarks/bench_widgets.py; widgets=$$?; \
	$(BIN)/python benchmarks/bench_widget_memory.py; memory=$$?; \
	$(BIN)/python benchmarks/bench_checks.py; checks=$$?; \
	exit $$(( routes || widgets || memory || checks ))

execute: $(READY)  ## re-run every notebook in place after changing utils
	$(BIN)/python tools/execute_notebooks.py

nav: $(READY)  ## regenerate the Colab cells, navigation cells (prev | contents | next), slide types
	$(BIN)/python tools/colab_setup.py
	$(BIN)/python tools/navigation.py
	$(BIN)/python tools/slide_metadata.py

$(DELIVERY): $(READY) pyproject.toml
	$(BIN)/python -m pip install --quiet -e ".[test,delivery]"
	touch $(DELIVERY)

slides: $(DELIVERY)  ## a reveal.js deck per notebook and the lecture deck in build/slides/, offline
	$(BIN)/python tools/build_site.py slides

html: $(DELIVERY)  ## every notebook with its stored outputs in build/html/, viewable offline
	$(BIN)/python tools/build_site.py html

test-browser: slides html  ## JupyterLab, Voila, the decks and the site in Chromium (needs $(CHROMIUM))
	COURSE_BROWSER_TESTS=1 CHROMIUM=$(CHROMIUM) $(BIN)/python -m pytest -n 0 -s tests/browser

lint: $(READY)  ## ruff over the package, tests, tools and notebooks
	$(BIN)/ruff check .

clean:  ## remove every .venv*, build output and caches
	rm -rf .venv .venv-* build .hypothesis
