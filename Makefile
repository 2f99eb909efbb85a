# The two set-up commands of the README: `make demo` and `make test`.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin

.PHONY: demo test docs lint bench-memory bench-seed

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip

# skseq is installed in editable mode, so code changes need no reinstall; a
# stamp per set of extras redoes the install only when pyproject.toml (the
# dependencies, the package data) changes, or the environment is new.
$(VENV)/.installed-demo: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install -q -e ".[keras,plot]"
	touch $@

$(VENV)/.installed-test: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install -q -e ".[test]"
	touch $@

$(VENV)/.installed-docs: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install -q -e ".[docs]"
	touch $@

demo: $(VENV)/.installed-demo
	$(BIN)/python benchmarks/demo.py

test: $(VENV)/.installed-test
	$(BIN)/python -m ruff check skseq tests benchmarks
	$(BIN)/python -m ruff format --check skseq tests benchmarks
	# One worker per core: most tests compile or train small networks, work
	# that a second process does alongside the first.
	$(BIN)/python -m pytest -n auto

# HTML in docs/_build/html (open docs/_build/html/index.html).
docs: $(VENV)/.installed-docs
	$(BIN)/python -m sphinx -W --keep-going -q -b html docs docs/_build/html

lint: $(VENV)/.installed-test
	$(BIN)/python -m ruff check skseq tests benchmarks
	$(BIN)/python -m ruff format --check skseq tests benchmarks

bench-memory: $(VENV)/.installed-demo
	$(BIN)/python benchmarks/bench_window_memory.py

bench-seed: $(VENV)/.installed-demo
	$(BIN)/python benchmarks/bench_baselines.py
