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

.PHONY: help lab test test-install test-lowest bench execute nav lint clean slides html \
        present test-browser links class hub test-hub bench-hub
.DEFAULT_GOAL := help

help:  ## list these commands (`make` alone does the same)
	@awk -F ':[^#]*## ' '/^[a-z-]+:.*## / { printf "  make %-13s %s\n", $$1, $$2 }' \
	  $(MAKEFILE_LIST) | sed -e 's|$$(CHROMIUM)|$(CHROMIUM)|g' -e 's|$$(HOST)|$(HOST)|g' \
	  -e 's|$$(PORT)|$(PORT)|g' -e 's|$$(PRESENT_PORT)|$(PRESENT_PORT)|g' 

$(READY): pyproject.toml
	@test -n "$(PYTHON_EXE)" || { echo "$(PYTHON) does not run here: give a Python >= 3.10, \
	  e.g. make test PYTHON=/path/to/python3.12" >&2; exit 1; }
	@$(PYTHON_EXE) -c 'import sys; v = sys.version_info; sys.exit(0 if v >= (3, 10) else \
	  "This course needs Python >= 3.10; $(PYTHON) is %d.%d. Run: make PYTHON=python3.12 ..." % v[:2])'
	test -x $(BIN)/python || $(PYTHON_EXE) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[test]"
	touch $(READY)

# `make lab` ends by printing the address with its token (JUPYTER_TOKEN if set, else a new one).
lab: $(READY)  ## open the course in JupyterLab at http://$(HOST):$(PORT) (prints the address with its token)
	@token=$${JUPYTER_TOKEN:-$$($(BIN)/python -c 'import secrets; print(secrets.token_hex(16))')}; \
	(cd notebooks && exec ../$(BIN)/jupyter lab --ip=$(HOST) --port=$(PORT) --ServerApp.port_retries=0 \
	  $(ROOT_FLAG) --IdentityProvider.token=$$token 00-start-here.ipynb) & server=$$!; \
	trap 'kill $$server 2>/dev/null' INT TERM; \
	for _ in $$(seq 240); do \
	  $(BIN)/python -c "import urllib.request as u; u.urlopen('http://$(HOST):$(PORT)/api/status?token=$$token', timeout=2)" \
	    2>/dev/null && break; kill -0 $$server 2>/dev/null || break; sleep 0.5; done; \
	kill -0 $$server 2>/dev/null && printf '\nJupyterLab is running. Open (Ctrl-C stops it):\n  %s\n\n' \
	  "http://$(HOST):$(PORT)/lab/tree/00-start-here.ipynb?token=$$token"; \
	wait $$server

test: $(READY)  ## unit tests + every notebook under nbval (strict: stored outputs compared)
	$(BIN)/python -m pytest

test-install: $(READY)  ## `pip install .` (not editable) in a fresh venv, then 05 run from a copy
	COURSE_INSTALL_TEST=1 $(BIN)/python -m pytest -n 0 tests/test_install.py

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
	$(BIN)/python benchmarks/bench_hvp.py; hvp=$$?; \
	$(BIN)/python benchmarks/bench_checks.py; checks=$$?; \
	exit $$(( routes || widgets || memory || hvp || checks ))

execute: $(READY)  ## re-run every notebook in place after changing utils
	$(BIN)/python tools/execute_notebooks.py

nav: $(READY)  ## regenerate the Colab cells, navigation cells (prev | contents | next), slide types
	$(BIN)/python tools/colab_setup.py
	$(BIN)/python tools/navigation.py
	$(BIN)/python tools/slide_metadata.py

$(DELIVERY): $(READY) pyproject.toml
	$(BIN)/python -m pip install --quiet -e ".[test,delivery]"
	touch $(DELIVERY)

slides: $(DELIVERY)  ## the three session decks (reveal.js) in build/slides/, offline
	$(BIN)/python tools/build_site.py slides

html: $(DELIVERY)  ## every notebook with its stored outputs in build/html/, viewable offline
	$(BIN)/python tools/build_site.py html

# Live slides: Voila runs every cell of a deck on opening and presents it with reveal.js, so the
# explorers are live widgets. Only the widget manager's extensions are loaded into Voila's page.
PRESENT_PORT ?= 8866
DECK ?= lecture-deck
# Voila and the widget extension live in their own environment, pinned to a pair that agree
# (pyproject's `present` extra), so the course's .venv keeps the newest ipywidgets.
PRESENT_EXTENSIONS := ["@voila-dashboards/widgets-manager8", "@jupyter-widgets/jupyterlab-manager"]
PRESENT_VENV  := $(VENV)-present
PRESENT_READY := $(PRESENT_VENV)/.installed

$(PRESENT_READY): pyproject.toml
	@test -n "$(PYTHON_EXE)" || { echo "$(PYTHON) does not run here" >&2; exit 1; }
	test -x $(PRESENT_VENV)/bin/python || $(PYTHON_EXE) -m venv $(PRESENT_VENV)
	$(PRESENT_VENV)/bin/python -m pip install --quiet --upgrade pip
	$(PRESENT_VENV)/bin/python -m pip install --quiet -e ".[present]"
	$(PRESENT_VENV)/bin/python tools/present_versions.py
	touch $(PRESENT_READY)

present: slides $(PRESENT_READY)  ## present a session deck live (DECK=lecture-deck|backward-pass-deck|through-time-deck) at http://$(HOST):$(PRESENT_PORT)
	@printf '\nLive slides (Ctrl-C stops): http://$(HOST):$(PRESENT_PORT)/voila/render/lecture/$(DECK).ipynb\n\n'
	cd notebooks && JUPYTER_PATH=$(CURDIR)/share/jupyter $(CURDIR)/$(PRESENT_VENV)/bin/voila \
	  --no-browser --template=course_present --Voila.ip=$(HOST) --port=$(PRESENT_PORT) \
	  --VoilaConfiguration.extension_allowlist='$(PRESENT_EXTENSIONS)' $(CURDIR)/notebooks

test-browser: slides html $(PRESENT_READY)  ## JupyterLab, Voila, the decks and the site in Chromium (needs $(CHROMIUM))
	COURSE_BROWSER_TESTS=1 CHROMIUM=$(CHROMIUM) PRESENT_PYTHON=$(CURDIR)/$(PRESENT_VENV)/bin/python $(BIN)/python -m pytest -n 0 -s tests/browser

links: $(READY)  ## nbgitpuller links for a class, one per notebook: make links HUB=https://hub...
	@test -n "$(HUB)" || { echo "give the hub's address: make links HUB=https://hub.example.edu" >&2; exit 2; }
	@$(BIN)/python tools/hub_links.py "$(HUB)"

class: $(READY)  ## the hub admin's class table + build/class-progress.png: make class HOMES=/home
	@test -n "$(HOMES)" || { echo "give the folder of the students' homes: make class HOMES=/home" >&2; exit 2; }
	mkdir -p build && $(BIN)/python tools/class_progress.py "$(HOMES)" --png build/class-progress.png

# `make hub` / `make test-hub`: JupyterHub and nbgitpuller in their own environment (.venv-hub),
# so the course's own .venv is unchanged; the hub's proxy from npm in build/hub-proxy.
HUB_VENV  := .venv-hub
HUB_READY := $(HUB_VENV)/.installed
HUB_PROXY := build/hub-proxy/node_modules/.bin/configurable-http-proxy

$(HUB_READY): pyproject.toml
	@test -n "$(PYTHON_EXE)" || { echo "$(PYTHON) does not run here" >&2; exit 1; }
	test -x $(HUB_VENV)/bin/python || $(PYTHON_EXE) -m venv $(HUB_VENV)
	$(HUB_VENV)/bin/python -m pip install --quiet --upgrade pip
	$(HUB_VENV)/bin/python -m pip install --quiet -e ".[test,hub]"
	touch $(HUB_READY)

$(HUB_PROXY): deploy/package.json
	@command -v npm >/dev/null || { echo "the hub's proxy needs Node.js and npm \
	  (Debian: apt-get install nodejs npm)" >&2; exit 1; }
	mkdir -p build/hub-proxy && cp deploy/package.json build/hub-proxy/
	cd build/hub-proxy && npm install --no-audit --no-fund --loglevel=error
	touch $(HUB_PROXY)

hub: $(HUB_READY) $(HUB_PROXY)  ## a JupyterHub with the course's config on 127.0.0.1 (any name logs in)
	$(HUB_VENV)/bin/python deploy/local_hub.py

bench-hub: $(READY)  ## how many students a hub holds: N kernels run 04 at once (N=20, or N=5 ...)
	$(BIN)/python benchmarks/bench_hub_sizing.py --students $(or $(N),20)

test-hub: $(HUB_READY) $(HUB_PROXY)  ## three students on a local hub: nbgitpuller, kernels, class table
	COURSE_HUB_TESTS=1 $(HUB_VENV)/bin/python -m pytest -n 0 -s tests/test_hub.py

lint: $(READY)  ## ruff over the package, tests, tools and notebooks
	$(BIN)/ruff check .

clean:  ## remove every .venv*, build output and caches
	rm -rf .venv .venv-* build .hypothesis
