# The README's two commands: `make booklet` and `make test`. Both set up .venv themselves.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: booklet test lint bench verify clean system-deps messages ace

# The default booklet and every audience in content/audiences.yaml; unchanged ones are skipped.
booklet: $(STAMP)
	$(BIN)/booklet build --all

test: $(STAMP)
	@# As root (CI), also install Debian's chromium so the HTML edition's browser tests run; elsewhere they skip.
	@if [ "$$(id -u)" = 0 ]; then BOOKLET_BROWSER_TESTS=1 sh tools/system-deps.sh; fi
	@# The EPUB edition's checkers: EPUBCheck and npm (as root), then DAISY Ace into .ace/ wherever npm is.
	@if [ "$$(id -u)" = 0 ]; then BOOKLET_EPUB_TESTS=1 sh tools/system-deps.sh; fi
	@if command -v npm >/dev/null; then $(MAKE) --no-print-directory ace; fi
	$(BIN)/python -m pytest -q

# ruff (lint and format check), mypy and import-linter's contracts (the pipeline's one-way
# dependencies), configured in pyproject.toml; CI runs this after the tests.
lint: $(VENV)/.lint-installed
	$(BIN)/ruff check booklet tests bench
	$(BIN)/ruff format --check booklet tests bench
	$(BIN)/mypy
	$(BIN)/lint-imports

$(VENV)/.lint-installed: $(STAMP)
	$(BIN)/python -m pip install -q -e '.[test,lint]'
	@touch $@

# Prints every figure of docs/benchmarks.md and rewrites its generated block (takes a few minutes).
bench: $(VENV)/.bench-installed
	$(BIN)/python bench/run.py

$(VENV)/.bench-installed: $(STAMP)
	$(BIN)/python -m pip install -q -e '.[test,bench]'
	@touch $@

# After changing an interface word in a template or in Python: refresh the catalogue template and
# the Welsh catalogue (then translate every new empty msgstr; tests/test_language.py fails until you do).
messages: $(STAMP)
	$(BIN)/pybabel extract -F babel.cfg -k _ -k N_ --no-location --sort-output --project=booklet -o booklet/locale/booklet.pot .
	$(BIN)/pybabel update -D booklet -i booklet/locale/booklet.pot -d booklet/locale --no-fuzzy-matching --width 120

system-deps:
	@sh tools/system-deps.sh

# DAISY Ace (the EPUB accessibility checker) from npm into .ace/ (git-ignored). It runs in Debian's
# chromium, so neither puppeteer's nor electron's own browser is downloaded.
ACE_VERSION := 1.4.6
ACE := .ace/node_modules/.bin/ace-puppeteer
ace: $(ACE)

$(ACE):
	@mkdir -p .ace
	PUPPETEER_SKIP_DOWNLOAD=1 ELECTRON_SKIP_BINARY_DOWNLOAD=1 npm install --prefix .ace --no-audit --no-fund \
		--loglevel=error @daisy/ace@$(ACE_VERSION)

$(STAMP): pyproject.toml | system-deps
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[test]'
	@touch $(STAMP)

# Build every print variant into output/ and open each PDF there in three independent readers:
# qpdf (pikepdf), pdfium (pypdfium2) and poppler (pdftoppm); then run the print tests.
verify: $(STAMP)
	$(BIN)/booklet build --force -q
	$(BIN)/booklet build --force -q --format a5
	$(BIN)/booklet build --force -q --imposition saddle
	$(BIN)/booklet build --force -q --print-ready
	$(BIN)/booklet build --force -q --print-ready --format a5
	$(BIN)/booklet build --force -q --duplex
	$(BIN)/booklet build --force -q --pdf-standard a-2a
	$(BIN)/booklet build --force -q --pdf-standard a-3a
	$(BIN)/python -m tests.pdf.test_print_variants output/*.pdf
	$(BIN)/python -m pytest -q tests/pdf/test_imposition.py tests/pdf/test_finish.py tests/pdf/test_print_variants.py

clean:
	rm -rf $(VENV) output/*.pdf output/*.html .pytest_cache
