# matstats: `make report` and `make test` each set up .venv on a fresh machine.
# Re-running is fast: the environment is rebuilt only when pyproject.toml or
# constraints.txt change, and report outputs only when their inputs change.

PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.matstats-installed
NBS    := $(sort $(wildcard notebooks/*.ipynb))
HTML   := $(patsubst notebooks/%.ipynb,reports/%.html,$(NBS))
SRC    := $(shell find src/matstats -name '*.py' 2>/dev/null) $(wildcard data/*.csv) $(wildcard data/*.json)
NBVAL  := --nbval --nbval-current-env --nbval-sanitize-with notebooks/nbval_sanitize.cfg
export OMP_NUM_THREADS := 1
export OPENBLAS_NUM_THREADS := 1
export PYTHONHASHSEED := 0

.PHONY: all report test unit nbval venv notebooks clean

all: report

$(STAMP): pyproject.toml constraints.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -c constraints.txt -e ".[dev]"
	touch $(STAMP)

venv: $(STAMP)

## make test: unit tests, then strict nbval on every notebook
test: unit nbval

unit: $(STAMP)
	$(PY) -m pytest tests

nbval: $(STAMP)
	$(PY) -m pytest $(NBVAL) -o filterwarnings= -p no:cacheprovider notebooks/

## make report: evidence tables + every notebook executed into browsable HTML
report: reports/index.html

reports/tables/.stamp: $(STAMP) $(SRC)
	$(PY) -m matstats tables --out reports/tables
	touch $@

reports/%.html: notebooks/%.ipynb $(STAMP) $(SRC)
	@mkdir -p reports
	$(PY) -m jupyter nbconvert --to html --execute --ExecutePreprocessor.timeout=1800 \
	    --ExecutePreprocessor.kernel_name=python3 --output-dir reports $<

reports/index.html: reports/tables/.stamp $(HTML)
	$(PY) -m matstats report-index --out reports

## make notebooks: regenerate the stored outputs in the pinned environment
notebooks: $(STAMP)
	for nb in $(NBS); do \
	    $(PY) -m jupyter nbconvert --to notebook --execute --inplace \
	        --ExecutePreprocessor.record_timing=False --ExecutePreprocessor.timeout=1800 \
	        --ExecutePreprocessor.kernel_name=python3 $$nb || exit 1; \
	done

clean:
	rm -rf reports .pytest_cache
