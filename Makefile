# Partner Review — two commands on a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
export PREFECT_HOME ?= $(CURDIR)/.venv/prefect-home
export DO_NOT_TRACK := 1
export PREFECT_SERVER_ANALYTICS_ENABLED := false

.PHONY: run test lint format bench system-deps check-weasyprint clean

# The demo's dates are pinned so that it reads the same whatever today's date.
DEMO_AS_OF   ?= 2026-11-16
DEMO_QUARTER ?= 2026-Q3

run: $(STAMP) check-weasyprint
	$(BIN)/partner-review run nightly --as-of $(DEMO_AS_OF) --inputs inputs --outputs outputs
	$(BIN)/partner-review run quarterly --quarter $(DEMO_QUARTER) --inputs inputs --outputs outputs
	@echo "Reports: outputs/index.html   Emails: outputs/outbox/"

test: $(STAMP) system-deps check-weasyprint lint
	$(BIN)/python -m pytest -q

lint: $(STAMP)
	$(BIN)/ruff format --check partner_review transforms flows tests benchmarks scripts
	$(BIN)/ruff check partner_review transforms flows tests benchmarks scripts
	$(BIN)/mypy partner_review transforms flows

format: $(STAMP)
	$(BIN)/ruff format partner_review transforms flows tests benchmarks scripts
	$(BIN)/ruff check --fix partner_review transforms flows tests benchmarks scripts

bench: $(STAMP) check-weasyprint
	$(BIN)/python -m benchmarks.run --size M

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' || \
		{ echo "Partner Review needs Python 3.11 or newer (found: $$($(PYTHON) --version))"; exit 2; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[dev]'
	@touch $(STAMP)

# WeasyPrint needs pango from the system; say which package instead of failing obscurely.
check-weasyprint: $(STAMP)
	@$(BIN)/python -c 'import weasyprint' 2>/dev/null || { \
		if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
			echo "Installing pango for WeasyPrint (Debian: libpango-1.0-0 libpangoft2-1.0-0)"; \
			apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
				libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core >/dev/null; \
		else \
			echo "WeasyPrint cannot load pango. Install it: sudo apt-get install libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core"; \
			exit 2; \
		fi; }

# The tests use a real browser (Debian's chromium) and pdftotext (poppler-utils).
system-deps:
	@command -v chromium >/dev/null && command -v pdftotext >/dev/null || { \
		if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
			echo "Installing chromium and poppler-utils for the tests"; \
			apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
				chromium poppler-utils fonts-dejavu-core >/dev/null; \
		else \
			echo "The tests need chromium and poppler-utils: sudo apt-get install chromium poppler-utils"; \
			exit 2; \
		fi; }

clean:
	rm -rf outputs .pytest_cache .mypy_cache .ruff_cache
