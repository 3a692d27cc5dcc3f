# Balmorex storefront. `make run` serves the shop; `make test` runs every check.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
PORT   ?= 5000
FLASK  := $(BIN)/flask --app shop
STAMP  := $(VENV)/.installed

.PHONY: install run test lint typecheck pytest bench clean

install: $(STAMP)

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

run: install
	$(FLASK) db upgrade
	$(FLASK) seed
	$(FLASK) first-admin-hint
	PORT=$(PORT) $(BIN)/python -m shop.devserver

lint: install
	$(BIN)/ruff check shop tests migrations
	$(BIN)/ruff format --check shop tests migrations

typecheck: install
	$(BIN)/mypy

# The suite runs on SQLite, then again on PostgreSQL when SHOP_TEST_DATABASE_URL is set.
# Two workers: each gets its own SQLite file or PostgreSQL schema, servers on free ports.
PYTEST := $(BIN)/pytest -q -p no:cacheprovider -n $(or $(TEST_WORKERS),2)

pytest: install
	env -u SHOP_TEST_DATABASE_URL $(PYTEST)
	@if [ -n "$$SHOP_TEST_DATABASE_URL" ]; then \
		echo "--- again on PostgreSQL ($${SHOP_TEST_DATABASE_URL%%@*}@...)"; \
		$(PYTEST); \
	else \
		echo "SHOP_TEST_DATABASE_URL not set: PostgreSQL run skipped"; \
	fi

test: lint typecheck pytest

bench: install
	$(BIN)/python bench/run.py

clean:
	rm -rf $(VENV) instance .pytest_cache .mypy_cache .ruff_cache
