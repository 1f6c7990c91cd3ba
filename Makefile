# JobExpressway. `make run` sets up and serves the product; `make test` runs the tests.
SHELL := /bin/bash
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell sha1sum requirements.txt | cut -c1-12)
export STREAMLIT_BROWSER_GATHER_USAGE_STATS := false
export GRADIO_ANALYTICS_ENABLED := False
export HF_HUB_OFFLINE := 1
export TRANSFORMERS_OFFLINE := 1
export TOKENIZERS_PARALLELISM := false
export PYTHONUNBUFFERED := 1

.PHONY: setup run cluster init test test-postgres demo bench ship-models clean sandbox-tools

setup: $(STAMP) sandbox-tools

$(STAMP): requirements.txt
	@test -x $(BIN)/python || $(PY) -m venv $(VENV)
	@echo ">> installing Python packages into $(VENV) (first time: a few minutes)"
	$(BIN)/pip install --progress-bar on --upgrade pip
	$(BIN)/pip install --progress-bar on -r requirements.txt
	@rm -f $(VENV)/.installed-* && touch $@

init: setup
	$(BIN)/python -m engine init --build-index

demo: init
	$(BIN)/python -m engine demo

# The code pad runs participants' code only inside bubblewrap; without it the Run button is off.
sandbox-tools:
	@command -v bwrap >/dev/null || { if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	  echo ">> installing bubblewrap (the code pad's sandbox)"; { apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends bubblewrap >/dev/null; } \
	  || echo ">> could not install bubblewrap: the code pad's Run button stays off"; \
	else echo ">> bubblewrap is missing: the code pad's Run button stays off (Debian package bubblewrap)"; fi; }

run: init
	@echo ">> serving on http://127.0.0.1:8501 (interview coach: http://127.0.0.1:7860, log data/coach-gradio.log)"
	@$(BIN)/python gradio_chat/app.py > data/coach-gradio.log 2>&1 & coach_pid=$$!; \
	trap 'kill $$coach_pid 2>/dev/null' EXIT INT TERM; \
	$(BIN)/streamlit run Home.py --server.headless true --server.address 127.0.0.1 --server.port 8501

# Several app processes behind nginx on one machine (docs/deploy.md): PostgreSQL in data/postgres, two
# Streamlit replicas (8601, 8602), the coach, nginx on :8080 with session affinity. Ctrl-C stops everything.
cluster: setup
	@command -v nginx >/dev/null || { echo ">> nginx is not installed (Debian package nginx)"; exit 2; }
	CLUSTER_INIT=1 scripts/cluster.sh run data

# The tests run twice: on SQLite (everything), then the engine and page tests on PostgreSQL (not those that
# load a real model: their SQL is the same as the fast ones'), a server of their own from the Debian package
# (scripts/postgres.sh; each test gets a fresh database). Without PostgreSQL installed the second run is
# skipped with a notice. The tests' folders and the server's files live in memory (/dev/shm) where it has
# 4 GB free: each test writes a database of its own, and on disk those writes wait on the kernel's write-back
# (a PostgreSQL test database took a median 0.21 s to copy on disk against 0.03 s in memory:
# bench/test_database_copy.py). The folders are removed after each run.
TEST_TMP ?= $(if $(shell [ -w /dev/shm ] && [ "$$(df -Pk /dev/shm | awk 'NR==2 {print $$4}')" -gt 4194304 ] && echo y),/dev/shm,/tmp)
PG_TEST_DIR ?= $(TEST_TMP)/jobexpressway-test-postgres
PG_TEST_PORT ?= 55433
test: setup
	@trap 'rm -rf $(TEST_TMP)/jobexpressway-pytest-sqlite' EXIT; \
	  $(BIN)/python -m pytest -q --basetemp=$(TEST_TMP)/jobexpressway-pytest-sqlite
	@$(MAKE) --no-print-directory test-postgres

test-postgres: setup
	@if ls -d /usr/lib/postgresql/*/bin >/dev/null 2>&1; then \
	  export JOBEXPRESSWAY_PG_PORT=$(PG_TEST_PORT); \
	  JOBEXPRESSWAY_PG_FSYNC=off scripts/postgres.sh start $(PG_TEST_DIR) >/dev/null && \
	  trap 'scripts/postgres.sh stop $(PG_TEST_DIR); rm -rf $(PG_TEST_DIR) $(TEST_TMP)/jobexpressway-pytest-postgres' EXIT && \
	  echo ">> the engine and page tests again, on PostgreSQL" && \
	  JOBEXPRESSWAY_TEST_POSTGRES="$$(scripts/postgres.sh admin-url $(PG_TEST_DIR))" \
	    $(BIN)/python -m pytest -q -m "(not browser or replicas) and not sqlite_only and not slow" \
	      --basetemp=$(TEST_TMP)/jobexpressway-pytest-postgres; \
	else echo ">> PostgreSQL is not installed (Debian package postgresql): the PostgreSQL run is skipped"; fi

# retrain Job-Rec-v1 and its classifier on ../shared/data and replace the shipped ones (docs/models.md: rare, deliberate)
ship-models: setup
	JOBEXPRESSWAY_SHARED_DATA=$${JOBEXPRESSWAY_SHARED_DATA:-../shared/data} $(BIN)/python -m engine train encoder --ship
	JOBEXPRESSWAY_SHARED_DATA=$${JOBEXPRESSWAY_SHARED_DATA:-../shared/data} $(BIN)/python -m engine train classifier --ship

bench: setup
	for f in bench/*.py; do $(BIN)/python $$f || exit 1; done

clean:
	rm -rf $(VENV) data/jobexpressway.db*
