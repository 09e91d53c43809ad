# Two commands do all the set-up on a fresh machine (Python 3.11+ and make):
#   make report   builds the HTML reports from the seed stories into reports/
#   make test     runs the unit tests and the nbval notebook regression tests
# Both create the virtual environment .venv and install what they need on first use.

PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
CORPUS ?=
ARGS ?=

.PHONY: report test notebooks lab lint format clean install

install: $(STAMP)

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11+ is required")'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[dev,embeddings]"
	@touch $(STAMP)

report: $(STAMP)
	$(BIN)/python -m analysis.report $(CORPUS) $(ARGS)

test: $(STAMP)
	$(BIN)/python -m pytest $(ARGS)

# Re-execute the notebooks in place on the seeds: the outputs nbval compares against.
notebooks: $(STAMP)
	$(BIN)/python -m analysis.report --store

lab: $(STAMP)
	$(BIN)/jupyter lab --notebook-dir=notebooks $(if $(filter 0,$(shell id -u)),--allow-root,)

lint: $(STAMP)
	$(BIN)/ruff check analysis tests benchmarks
	$(BIN)/ruff format --check analysis tests benchmarks

format: $(STAMP)
	$(BIN)/ruff format analysis tests benchmarks
	$(BIN)/ruff check --fix analysis tests benchmarks

clean:
	rm -rf reports/*.html reports/*.ipynb reports/assets .cache
