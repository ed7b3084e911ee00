# Two commands set up a fresh machine (see README):
#   make demo   creates .venv, installs the project, runs the demo cycle
#   make test   creates/reuses .venv and runs the whole test suite (notebooks included)
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed-stamp

.PHONY: demo test lint notebooks data clean-venv

$(STAMP): pyproject.toml
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	@touch $(STAMP)

demo: $(STAMP)
	$(VENV)/bin/pdca demo

test: $(STAMP)
	$(VENV)/bin/ruff check lib tests data notebooks conftest.py
	$(PY) -m pytest

lint: $(STAMP)
	$(VENV)/bin/ruff check lib tests data notebooks conftest.py

# Re-execute the notebook templates with their default parameters so the
# committed outputs (compared by nbval) match the current library.
notebooks: $(STAMP)
	$(PY) -m pdcakit.templates refresh

# Regenerate the bundled demo data (seeded, byte-identical).
data: $(STAMP)
	$(PY) data/generate_demo.py

clean-venv:
	rm -rf $(VENV)
