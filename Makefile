# OncoParcours — `make demo` and `make test` work on a fresh machine with Python >= 3.11 and make.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed
PYTEST_ARGS ?=

.PHONY: setup demo serve test test-postgres lint format messages bench clean

$(BIN)/python:
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "OncoParcours needs Python >= 3.11 (found " + sys.version.split()[0] + ")")'
	$(PYTHON) -m venv $(VENV)

$(INSTALLED): pyproject.toml constraints.txt | $(BIN)/python
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --upgrade pip
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -c constraints.txt -e '.[dev]'
	touch $@

setup: $(INSTALLED)
	$(BIN)/oncoparcours compile_catalogs

demo: setup
	$(BIN)/oncoparcours migrate --noinput
	$(BIN)/oncoparcours demo --seed 42 --patients 2000
	$(BIN)/oncoparcours prognosis_recompute
	@echo "Serving http://$${BIND:-127.0.0.1:8000} (web + background worker). Ctrl-C to stop."
	$(BIN)/oncoparcours serve --with-worker

test: setup
	$(BIN)/pytest $(PYTEST_ARGS)

test-postgres: setup
	DATABASE_URL=$${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/test} $(BIN)/pytest $(PYTEST_ARGS)

lint: setup
	$(BIN)/ruff check oncoparcours e2e bench conftest.py
	$(BIN)/mypy oncoparcours

format: setup
	$(BIN)/ruff check --fix oncoparcours e2e bench conftest.py

messages: setup
	cd oncoparcours && ../$(BIN)/oncoparcours makemessages --locale fr --no-obsolete --ignore 'testing/*' --ignore '*/tests/*'
	$(BIN)/oncoparcours compile_catalogs

bench: setup
	$(BIN)/python bench/http_patients.py

clean:
	rm -rf $(VENV) var
