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

system-deps:
	@sh tools/system-deps.sh

$(STAMP): pyproject.toml | system-deps
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[test]'
	@touch $(STAMP)

clean:
	rm -rf $(VENV) output/*.pdf output/*.html .pytest_cache
