# The two commands of the README. Both run scripts/setup.sh first (idempotent).
.PHONY: run test setup

run:
	@bash scripts/setup.sh
	.venv/bin/corpus600m run

test:
	@bash scripts/setup.sh --test
	.venv/bin/python -m pytest

setup:
	@bash scripts/setup.sh --test
