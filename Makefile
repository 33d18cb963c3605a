# bedboard developer tasks. The first `make run` / `make test` creates .venv; later ones reuse it
# and only reinstall when pyproject.toml changes.
PYTHON ?= python3
SIZE ?= default
HISTORY ?= full
ARGS ?=
PYTEST_ARGS ?=

VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
LINT_PATHS := $(wildcard bedboard tests migrations benchmarks tools hatch_build.py)

.PHONY: venv run demo test check bench clean distclean messages catalogs

venv: $(STAMP)

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -e '.[dev]'
	touch $@

run: venv catalogs
	$(BIN)/bedboard $(ARGS)

demo: venv
	$(BIN)/bedboard demo

test: venv catalogs
	$(BIN)/python -m pytest -n auto $(PYTEST_ARGS)
	$(MAKE) --no-print-directory check

# Texts to translate: extract what the code marks with _(), N_() and ngettext(), merge it into
# bedboard/locale/sv/LC_MESSAGES/bedboard.po, compile, and list what still lacks Swedish.
messages: venv
	$(BIN)/python -m tools.catalogs all

# Compile the .po files into the .mo files the program reads (the wheel build does it too).
catalogs: venv
	$(BIN)/python -m tools.catalogs compile

check: venv
	$(BIN)/ruff check $(LINT_PATHS)
	$(BIN)/ruff format --check $(LINT_PATHS)
	$(BIN)/mypy
	$(BIN)/lint-imports

bench: venv
	$(BIN)/python -m benchmarks.run --size $(SIZE) --history $(HISTORY)

clean:
	rm -rf .pytest_cache .mypy_cache .ruff_cache build dist
	find . -path ./$(VENV) -prune -o -name __pycache__ -type d -prune -exec rm -rf {} +

distclean: clean
	rm -rf $(VENV)
