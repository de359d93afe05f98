# The README's two commands: `make booklet` and `make test`. Both set up .venv themselves.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: booklet test lint bench verify clean system-deps

booklet: $(STAMP)
	$(BIN)/booklet build

test: $(STAMP)
	$(BIN)/python -m pytest -q

# ruff (lint and format check) and mypy, configured in pyproject.toml; CI runs this after the tests.
lint: $(VENV)/.lint-installed
	$(BIN)/ruff check booklet tests
	$(BIN)/ruff format --check booklet tests
	$(BIN)/mypy

$(VENV)/.lint-installed: $(STAMP)
	$(BIN)/python -m pip install -q -e '.[test,lint]'
	@touch $@

system-deps:
	@sh tools/system-deps.sh

$(STAMP): pyproject.toml | system-deps
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[test]'
	@touch $(STAMP)

clean:
	rm -rf $(VENV) output/*.pdf output/*.html .pytest_cache
