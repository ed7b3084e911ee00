# Two commands set up a fresh machine (see README):
#   make demo   creates .venv, installs the project, runs the demo cycle
#   make test   creates/reuses .venv and runs the whole test suite (notebooks included)
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed-stamp
# Extras installed with the project: EXTRAS=dev,spark adds pyspark, so the Spark equality
# tests run (they need Java 17+ too; .ci/run installs both).
EXTRAS ?= dev

.PHONY: demo test lint notebooks data bench bench-full clean-venv catalogues

$(STAMP): pyproject.toml
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[$(EXTRAS)]'
	@touch $(STAMP)

demo: $(STAMP)
	$(VENV)/bin/pdca demo

# The suite runs on every core (pytest-xdist): one worker a core, each test file whole on
# one worker (a notebook's cells in one kernel), heaviest first (see conftest.py).
# TEST_WORKERS=0 runs it in one process, as `$(PY) -m pytest` alone does.
TEST_WORKERS ?= auto

test: $(STAMP)
	$(VENV)/bin/ruff check lib tests data notebooks benchmarks conftest.py
	$(PY) -m pytest -n $(TEST_WORKERS) --dist loadfile --no-loadscope-reorder

lint: $(STAMP)
	$(VENV)/bin/ruff check lib tests data notebooks benchmarks conftest.py

# Performance harness (not part of `make test`): 100k and 1M tickets; bench-full adds 5M.
# Prints a table and writes benchmarks/results/<stamp>.json.
bench: $(STAMP)
	$(PY) -m pip install --quiet -e '.[dev,bench]'
	$(PY) benchmarks/run.py

bench-full: $(STAMP)
	$(PY) -m pip install --quiet -e '.[dev,bench]'
	$(PY) benchmarks/run.py --full

# Re-execute the notebook templates with their default parameters so the
# committed outputs (compared by nbval) match the current library.
notebooks: $(STAMP)
	$(PY) -m pdcakit.run.templates refresh

# Regenerate the bundled demo data (seeded, byte-identical): tickets and small tables, the
# registers (feedback, complaint cases), the tickets after adoption (pdca monitor).
data: $(STAMP)
	$(PY) data/generate_demo.py
	$(PY) data/generate_registers.py
	$(PY) data/generate_demo_since_adoption.py

clean-venv:
	rm -rf $(VENV)

# Message catalogues (pdcakit.words): extract every marked message of lib/pdcakit, and the
# prose of the stage notebooks' Markdown cells (words/babel.cfg), into
# the template and merge it into each language's .po (then translate the new entries;
# tests/test_words.py fails while one lacks a translation).
CATALOGUES := lib/pdcakit/words/locale
catalogues: $(STAMP)
	$(VENV)/bin/pybabel extract -F lib/pdcakit/words/babel.cfg -k N_ -k ngettext:1,2 \
	    --no-location --sort-output --project pdca-workbook -o $(CATALOGUES)/pdcakit.pot \
	    lib/pdcakit notebooks
	$(VENV)/bin/pybabel update -D pdcakit -i $(CATALOGUES)/pdcakit.pot -d $(CATALOGUES) \
	    -l zh_CN --no-fuzzy-matching --ignore-obsolete
	$(PY) -m pdcakit.words.flags
