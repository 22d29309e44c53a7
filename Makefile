# Picket: the two set-up commands are `make demo` and `make test` (see README.md).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: install demo test unit integration e2e bench kafka-up kafka-down kafka-status clean

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Picket needs Python 3.11 or newer: found " + sys.version.split()[0] + " at $(PYTHON); run make PYTHON=/path/to/python3.11")'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	@touch $(STAMP)

install: $(STAMP)

demo: install
	$(BIN)/picket demo

test: install
	$(BIN)/pytest tests/unit tests/e2e tests/integration

unit: install
	$(BIN)/pytest tests/unit

integration: install
	$(BIN)/pytest tests/integration

e2e: install
	$(BIN)/pytest tests/e2e

bench: install
	$(BIN)/pip install --quiet -e '.[bench]'
	$(BIN)/python -m bench.run

kafka-up: install
	$(BIN)/picket kafka up

kafka-down: install
	$(BIN)/picket kafka down

kafka-status: install
	$(BIN)/picket kafka status

clean:
	rm -rf $(VENV) .cache .pytest_cache
