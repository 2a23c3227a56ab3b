# The course's commands. `make lab` opens the course, `make test` runs every test.
# Both create .venv on first use and install the course into it.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
READY  := $(VENV)/.installed
HOST   ?= 127.0.0.1
PORT   ?= 8888

.PHONY: lab test bench execute nav lint clean

$(READY): pyproject.toml
	@$(PYTHON) -c 'import sys; v = sys.version_info; sys.exit(0 if v >= (3, 10) else \
	  "This course needs Python >= 3.10; $(PYTHON) is %d.%d. Run: make PYTHON=python3.12 ..." % v[:2])'
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[test]"
	touch $(READY)

lab: $(READY)  ## open the course in JupyterLab
	$(BIN)/jupyter lab --ip=$(HOST) --port=$(PORT) --notebook-dir=notebooks notebooks/00-start-here.ipynb

test: $(READY)  ## unit tests + every notebook under nbval (strict: stored outputs compared)
	$(BIN)/python -m pytest

bench: $(READY)  ## speed and memory of both routes, printed as a table
	$(BIN)/python -m pip install --quiet -e ".[bench]" || echo "(JAX not installable here: its column is skipped)"
	$(BIN)/python benchmarks/bench_matmul.py
	$(BIN)/python benchmarks/bench_widgets.py

execute: $(READY)  ## re-run every notebook in place after changing utils
	$(BIN)/python tools/execute_notebooks.py

nav: $(READY)  ## regenerate the navigation cells (prev | contents | next)
	$(BIN)/python tools/navigation.py

lint: $(READY)
	$(BIN)/ruff check .

clean:
	rm -rf $(VENV) build .hypothesis
