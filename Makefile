# The two set-up commands of the README: `make demo` and `make test`.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin

.PHONY: demo test docs lint bench-memory bench-seed

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip

demo: $(BIN)/python
	$(BIN)/python -m pip install -q -e ".[keras,plot]"
	$(BIN)/python benchmarks/demo.py

test: $(BIN)/python
	$(BIN)/python -m pip install -q -e ".[test]"
	$(BIN)/python -m ruff check skseq tests benchmarks
	$(BIN)/python -m pytest

docs: $(BIN)/python
	$(BIN)/python -m pip install -q -e ".[docs]"
	$(BIN)/python -m sphinx -W --keep-going -q -b html docs docs/_build/html

lint: $(BIN)/python
	$(BIN)/python -m ruff check skseq tests benchmarks
	$(BIN)/python -m ruff format --check skseq tests benchmarks

bench-memory: $(BIN)/python
	$(BIN)/python benchmarks/bench_window_memory.py

bench-seed: $(BIN)/python
	$(BIN)/python benchmarks/bench_baselines.py
