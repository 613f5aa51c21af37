# escalade: two commands on a fresh machine with Python 3.11 and make.
#   make demo   install into .venv and run the main job on a built-in scenario
#   make test   install into .venv and run the whole test suite
#   make serve  install into .venv and open the web app on http://127.0.0.1:8765/
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cksum pyproject.toml | cut -d' ' -f1)
DEMO_RUNS ?= 20000

.PHONY: install demo serve test lint bench browser clean

install: $(STAMP)

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev,discover]'
	rm -f $(VENV)/.installed-*
	touch $(STAMP)

demo: install
	$(BIN)/escalade run april-2024 --runs $(DEMO_RUNS) --seed 1
	$(BIN)/escalade report latest --out escalade-report.html

serve: install
	$(BIN)/escalade serve

browser:
	@bash scripts/ensure-browser.sh

test: install browser
	$(BIN)/pytest -q -n auto --dist loadgroup

lint: install
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/mypy

bench: install
	$(BIN)/python benchmarks/bench_engine.py

clean:
	rm -rf $(VENV) escalade-runs .pytest_cache .mypy_cache .ruff_cache
