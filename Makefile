# homecrm — two commands: `make run` and `make test`. Both bootstrap everything they need.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
PORT   ?= 8501
DEMO   ?= 1

.PHONY: run test bench system browser-deps venv venv-dev i18n migration clean

run: system venv
	$(BIN)/homecrm init $(if $(filter 1,$(DEMO)),--demo-if-new,)
	$(BIN)/homecrm serve --address 127.0.0.1 --port $(PORT)

test: system venv-dev browser-deps
	$(BIN)/python -m pytest -n 2

bench: system venv
	$(BIN)/python benchmarks/receipts_pdf.py
	$(BIN)/python benchmarks/candidates.py

system:
	@$(PYTHON) scripts/check_system.py --pdf

browser-deps:
	@$(PYTHON) scripts/check_system.py --browser

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	@touch $@

$(VENV)/.installed-dev: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	@touch $@ $(VENV)/.installed

venv: $(VENV)/.installed
venv-dev: $(VENV)/.installed-dev

# Maintenance helpers (not needed to run or test).
i18n: venv
	$(BIN)/python -m homecrm.i18n.extract

migration: venv
	@test -n "$(MSG)" || (echo 'usage: make migration MSG="what changed"'; exit 2)
	$(BIN)/python -m homecrm.store.autogenerate "$(MSG)"

clean:
	rm -rf $(VENV) .pytest_cache build *.egg-info
