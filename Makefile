# `make demo` and `make test` set everything up themselves on a fresh machine.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: setup demo test bench lint format release clean

setup: $(STAMP)

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --upgrade pip
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[dev,jupyter]'
	touch $(STAMP)

demo: setup
	$(BIN)/nnkit demo

test: setup
	$(BIN)/ruff check .
	$(BIN)/nnkit release --check
	$(BIN)/python -m pytest

bench: export NNKIT_SECRET ?= nnkit-bench-secret
bench: setup
	$(BIN)/python bench/run.py
	$(BIN)/python bench/xor_settings.py
	$(BIN)/python bench/public_tests.py

lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: setup
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

release: setup
	$(BIN)/nnkit release

clean:
	rm -rf $(VENV) build .pytest_cache
