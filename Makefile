# The README's commands. `make run` brings govhub up with demo data; `make test` runs the tests.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
HOST   ?= 127.0.0.1
PORT   ?= 8000

.PHONY: run test test-postgres lint bench clean translations

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip uv
	$(BIN)/uv pip install --quiet --python $(BIN)/python -e ".[test]"
	@touch $(STAMP)

run: $(STAMP)
	$(BIN)/govhub migrate
	$(BIN)/govhub seed-demo
	$(BIN)/govhub serve --host $(HOST) --port $(PORT)

# Two test processes (pytest-xdist), each on its own SQLite file and embedded queue. As root,
# the PDF tests' Debian packages are installed first (.ci/system-packages); else they are left
# out with one line saying what to install.
test: $(STAMP)
	$(BIN)/ruff check src tests
	$(BIN)/lint-imports
	@bash .ci/system-packages
	$(BIN)/pytest -n 2

# The same suite on PostgreSQL and Redis (both on this machine): see .ci/run.
test-postgres: $(STAMP)
	bash .ci/postgres-redis-tests

# Every figure of bench/RESULTS.md, end to end (not part of `make test`): see bench/run.py.
bench: $(STAMP)
	@command -v wrk >/dev/null || { echo "Installing wrk (apt-get)"; \
	  { DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null 2>&1 || \
	    { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk; }; } \
	  && command -v wrk >/dev/null; } || { echo "FAIL: wrk is needed: apt-get install wrk" >&2; exit 1; }
	$(BIN)/python bench/run.py

lint: $(STAMP)
	$(BIN)/ruff check src tests
	$(BIN)/ruff format --check src tests

# After changing translatable text: extract it, merge it into the Bengali catalogue (new
# messages arrive untranslated; tests/unit/test_translations.py says which), and compile the
# .mo files, which are committed so a fresh clone needs no build step.
translations: $(STAMP)
	$(BIN)/pybabel extract -F babel.cfg -k N_ --project=govhub -c "Translators:" \
	  --copyright-holder="Tower Hamlets Partnership" -o src/govhub/locale/messages.pot .
	$(BIN)/pybabel update -i src/govhub/locale/messages.pot -d src/govhub/locale -D messages -w 100
	$(BIN)/pybabel compile -d src/govhub/locale -D messages --statistics

clean:
	rm -rf $(VENV) var .pytest_cache .ruff_cache
