# The two commands a newcomer runs: `make demo` and `make test`. Both set up .venv first.
VENV ?= .venv
PY := $(VENV)/bin/python
DATA ?= .data

.PHONY: setup demo test clean

$(VENV)/.installed: pyproject.toml constraints.txt
	python3 -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -c constraints.txt -e '.[test]'
	touch $@

setup: $(VENV)/.installed

demo: setup
	$(VENV)/bin/report-assistant ingest --data-dir $(DATA) assistant/samples
	$(VENV)/bin/report-assistant files --data-dir $(DATA)

test: setup
	$(PY) -m pytest

clean:
	rm -rf $(VENV) $(DATA) .pytest_cache
