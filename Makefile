# matstats: `make report` and `make test` each set up .venv on a fresh machine.
# Re-running is fast: the environment is rebuilt only when pyproject.toml or
# constraints.txt change, and report outputs only when their inputs change.

PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.matstats-installed
NBS    := $(sort $(wildcard notebooks/*.ipynb))
SRC    := $(shell find src/matstats -name '*.py' 2>/dev/null) $(wildcard data/*.csv) $(wildcard data/*.json)
# what a notebook's outputs depend on besides itself: the library, every data file, the pins
NB_INPUTS := $(shell find src/matstats data -type f -not -path '*/__pycache__/*' 2>/dev/null) constraints.txt
SITE_SRC  := reports/site-src
EXECUTED  := $(patsubst notebooks/%.ipynb,$(SITE_SRC)/notebooks/%.ipynb,$(NBS))
NB_JOBS   ?= 2
# pytest workers for the unit and slow suites (pytest-xdist; a test file stays on one worker)
TEST_JOBS ?= 2
XDIST     := -n $(TEST_JOBS) --dist loadfile
DOCS      := $(shell find docs -type f -not -path '*/__pycache__/*' 2>/dev/null)
NBVAL  := --nbval --nbval-current-env --nbval-sanitize-with notebooks/nbval_sanitize.cfg
export OMP_NUM_THREADS := 1
export OPENBLAS_NUM_THREADS := 1
export PYTHONHASHSEED := 0
# this checkout's library first, whichever checkout the venv was installed from
export PYTHONPATH := $(CURDIR)/src$(if $(PYTHONPATH),:$(PYTHONPATH))

.PHONY: all report test unit doctest slow nbval browser venv notebooks clean executed-notebooks site

all: report

$(STAMP): pyproject.toml constraints.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -c constraints.txt -e ".[dev]"
	touch $(STAMP)

venv: $(STAMP)

## make test: the quick unit tests, the docstring examples, the slow (Monte Carlo, calibration,
## property) tests, strict nbval on every notebook, then the site in headless Chromium
test: unit doctest slow nbval browser

## make unit: the quick inner loop (every test except the slow and browser ones), on
## TEST_JOBS workers (default 2; TEST_JOBS=1 make unit runs it in one process)
unit: $(STAMP)
	$(PY) -m pytest $(XDIST) -m "not browser and not slow" tests

## make doctest: every Examples section in the library's docstrings runs and gives its output
doctest: $(STAMP)
	MPLBACKEND=Agg $(PY) -m pytest --doctest-modules -p no:cacheprovider src

## make slow: long Monte Carlo / calibration checks and the hypothesis property suite
slow: $(STAMP)
	$(PY) -m pytest $(XDIST) -m "slow and not browser" tests

nbval: $(STAMP)
	$(PY) -m pytest $(NBVAL) -o filterwarnings= -p no:cacheprovider notebooks/

## make browser: build the site (if anything changed), then drive it in headless Chromium
browser: report
	$(PY) -m pytest -m browser -p no:cacheprovider tests/browser

## make report: the reader site in reports/site/index.html (its path is printed every time).
## A notebook is re-executed only when it, the library, data/ or the pins changed since the
## last build, and not at all when they are unchanged since `make notebooks` stored its outputs
## (notebooks/fingerprints.json); when its outputs equal the stored ones the site shows the
## stored notebook itself. Sphinx renders the outputs without executing.
report:
	@$(MAKE) --no-print-directory -j$(NB_JOBS) executed-notebooks
	@$(MAKE) --no-print-directory site
	@echo "site: $(CURDIR)/reports/site/index.html"

executed-notebooks: $(EXECUTED)
	@:

site: reports/site/index.html
	@:

$(SITE_SRC)/notebooks/%.ipynb: notebooks/%.ipynb $(NB_INPUTS) docs/_tools/execute_notebook.py docs/_tools/fingerprint.py $(wildcard notebooks/fingerprints.json) $(STAMP)
	@mkdir -p $(@D)
	$(PY) docs/_tools/execute_notebook.py $< $@

reports/site/index.html: $(EXECUTED) $(DOCS) $(NB_INPUTS) $(STAMP)
	$(PY) docs/_tools/stage.py docs $(SITE_SRC)
	$(PY) -m sphinx -b html -q -W --keep-going -d reports/.doctrees $(SITE_SRC) reports/site
	@touch $@

## make notebooks: regenerate the stored outputs in the pinned environment, then record the
## fingerprint of every notebook's inputs (notebooks/fingerprints.json; commit it with them)
notebooks: $(STAMP)
	for nb in $(NBS); do \
	    $(PY) -m jupyter nbconvert --to notebook --execute --inplace \
	        --ExecutePreprocessor.record_timing=False --ExecutePreprocessor.timeout=1800 \
	        --ExecutePreprocessor.kernel_name=python3 $$nb || exit 1; \
	done
	$(PY) docs/_tools/fingerprint.py write notebooks

clean:
	rm -rf reports .pytest_cache
