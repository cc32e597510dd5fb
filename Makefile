# `make demo` and `make test` set everything up themselves on a fresh machine.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
# The environment is reused while pyproject.toml's content is unchanged (its hash names the
# stamp), however often git rewrites the file's time.
STAMP := $(VENV)/.installed-$(shell cksum < pyproject.toml | cut -d' ' -f1)

.PHONY: setup demo test bench lint format release clean

setup: $(STAMP)

$(STAMP):
	rm -f $(VENV)/.installed*
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --upgrade pip
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[dev,jupyter]'
	touch $(STAMP)

demo: setup
	$(BIN)/nnkit demo

# The suite on every core, then the tests marked `serial` alone (see tests/conftest.py).
TEST_JOBS ?= auto
test: setup
	$(BIN)/ruff check .
	$(BIN)/nnkit release --check
	$(BIN)/python -m pytest -n $(TEST_JOBS) --dist loadgroup -m "not serial"
	$(BIN)/python -m pytest -m serial

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
