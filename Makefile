.PHONY: run test test-postgres bench lint

run:            ## set up everything and start the portal with demo data on SQLite
	bash scripts/run.sh

test:           ## lint + the whole test suite (SQLite; DATABASE_URL=postgres://… for PostgreSQL)
	bash scripts/test.sh

bench:          ## search and procedure-detail load benchmark (see bench/README.md)
	bash bench/run.sh

lint:
	.venv/bin/ruff check . && .venv/bin/ruff format --check .
