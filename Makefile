# Every target is one call of a Python command; on Windows run the command itself.
PYTHON ?= python
SEED ?= 42
SCALE ?= 1
PORT ?= 8000

.DEFAULT_GOAL := help
.PHONY: help setup generate ingest report query run test serve docs profile export bench bench-publish example clean docker-build docker-run

help:         ## list the targets (the default: a bare `make` runs nothing else)
	@awk 'BEGIN { FS = ":.*## " } /^[a-z][a-z-]*:.*## / { printf "  make %-13s %s\n", $$1, $$2 }' $(MAKEFILE_LIST)

setup:        ## check the Python version (there is nothing to install)
	$(PYTHON) -c "import sys; assert sys.version_info >= (3, 9), 'Python 3.9+ needed'; print('Python', sys.version.split()[0], 'is fine; nothing to install')"

generate:     ## write data/ (SEED, SCALE)
	$(PYTHON) project/generate_data.py --generate --seed $(SEED) --scale $(SCALE)

ingest:       ## build db/ecommerce.db from db/schema.sql and data/
	$(PYTHON) project/ingest.py --ingest

report:       ## write report.md and report.json
	$(PYTHON) project/ingest.py --report

query:        ## write query_result.csv and query_result.json
	$(PYTHON) project/run_query.py

run:          ## the whole pipeline
	$(PYTHON) project/run_all.py --seed $(SEED) --scale $(SCALE)

test:         ## the test suite
	$(PYTHON) -m unittest discover -s tests

serve:        ## the dashboard and API on http://127.0.0.1:$(PORT)/frontend/
	$(PYTHON) serve_frontend.py --port $(PORT)

docs:         ## regenerate docs/data_dictionary.md and example_run.md
	$(PYTHON) project/generate_docs.py && $(PYTHON) project/example_run.py

profile:      ## write docs/profile.html and docs/profile.json
	$(PYTHON) project/profile_data.py

export:       ## write every export format to exports/ and verify it
	$(PYTHON) project/export.py --format all && $(PYTHON) project/export.py --verify exports

bench:        ## the benchmark into bench/out/ (ignored by git)
	$(PYTHON) bench/run.py

bench-publish: ## the benchmark into the committed bench/results.md that the README quotes
	$(PYTHON) bench/run.py --scales 1,10,100 --workers 1,2 --runs 3 --publish

example:      ## regenerate example_run.md from a real run
	$(PYTHON) project/example_run.py

clean:        ## remove generated files only (never source)
	$(PYTHON) project/clean.py

docker-build: ## build the image (needs a Docker engine)
	docker build -t ecommerce-kit .

docker-run:   ## run the pipeline and serve the dashboard on port $(PORT)
	docker run --rm -p $(PORT):8000 ecommerce-kit
