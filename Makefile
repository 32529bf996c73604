# Every target is one call of a Python command; on Windows run the command itself.
PYTHON ?= python
SEED ?= 42
SCALE ?= 1
PORT ?= 8000

.PHONY: setup generate ingest report query run test serve docs profile export bench example clean docker-build docker-run

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

bench:        ## the benchmark (bench/results.md)
	$(PYTHON) bench/run.py

example:      ## regenerate example_run.md from a real run
	$(PYTHON) project/example_run.py

clean:        ## remove generated files only (never source)
	$(PYTHON) project/clean.py

docker-build: ## build the image (needs a Docker engine)
	docker build -t ecommerce-kit .

docker-run:   ## run the pipeline and serve the dashboard on port $(PORT)
	docker run --rm -p $(PORT):8000 ecommerce-kit
