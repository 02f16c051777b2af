# Stellwand: `make run` to try it, `make test` to check it. Both install what is missing.
SHELL := /bin/bash
.DEFAULT_GOAL := help

VENV := .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000
# Django 6 needs Python 3.12+: take the first interpreter that really is one.
PYTHON ?= $(shell for p in python3.13 python3.12 $$(ls -d /root/.pyenv/versions/3.1[23]*/bin/python3 2>/dev/null) python3; do \
	"$$p" -c 'import sys; sys.exit(sys.version_info < (3, 12))' 2>/dev/null && { command -v "$$p" || echo "$$p"; } && break; done)
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
# PG_TEST_URL and REDIS_TEST_URL (unset by default) switch on the PostgreSQL run and the
# scale-out tests; .ci/run sets both and STELLWAND_REQUIRE_SERVICES=1 (see tests/services.py).

.PHONY: help run test lint lock demo bench messages

help:
	@echo "make run    install, migrate, load the demo and serve on http://$(HOST):$(PORT)"
	@echo "            (make run HOST=0.0.0.0 lets phones in the room join over the network)"
	@echo "make test   install, lint, check migrations, run every test (browser tests included;"
	@echo "            PG_TEST_URL and REDIS_TEST_URL add the PostgreSQL run and the scale-out tests)"
	@echo "make lint   ruff check, ruff format --check, makemigrations --check"
	@echo "make messages  update the translation catalogues (de, en)"
	@echo "make lock   re-resolve requirements.lock from pyproject.toml"

$(VENV)/.installed: requirements.lock pyproject.toml
	@test -n "$(PYTHON)" || { echo "Python 3.12 or newer is needed (Django 6)."; exit 1; }
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	@$(PY) -m pip install --quiet --disable-pip-version-check uv
	@$(VENV)/bin/uv pip install --quiet --python $(PY) -r requirements.lock
	@touch $@

# Compiled catalogues are built, not committed.
locale/%/LC_MESSAGES/django.mo: locale/%/LC_MESSAGES/django.po $(VENV)/.installed
	@command -v msgfmt >/dev/null || $(SUDO) apt-get install -y -qq gettext >/dev/null
	@$(PY) manage.py compilemessages --ignore=.venv -v 0

MO := locale/de/LC_MESSAGES/django.mo locale/en/LC_MESSAGES/django.mo

/usr/bin/chromium:
	@echo "Installing Debian's chromium for the browser tests…"
	@$(SUDO) apt-get update -qq && $(SUDO) apt-get install -y -qq chromium >/dev/null

# What the PDF and PNG exports need from Debian: Pango and HarfBuzz for WeasyPrint, and fonts
# with real glyphs for umlauts and emoji (README, "Exports"); and OpenThesaurus (mythes-de) for
# the optional way of suggesting parallels (README, "Suggested parallels").
SYSTEM_PACKAGES := libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core fonts-noto-color-emoji mythes-de
$(VENV)/.system: Makefile
	@missing=$$(for p in $(SYSTEM_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || echo $$p; done); \
	if [ -n "$$missing" ]; then echo "Installing $$missing for the exports…"; \
	  $(SUDO) apt-get update -qq && $(SUDO) apt-get install -y -qq $$missing >/dev/null; fi
	@mkdir -p $(VENV) && touch $@

# axe-core for the browser tests' accessibility checks (pinned in tests/e2e/package-lock.json;
# used by the tests only, never served). npm keeps the tarball's old file dates: touch.
AXE := tests/e2e/node_modules/axe-core/axe.min.js
$(AXE): tests/e2e/package.json tests/e2e/package-lock.json
	@command -v npm >/dev/null || { $(SUDO) apt-get update -qq && $(SUDO) apt-get install -y -qq npm >/dev/null; }
	@npm ci --prefix tests/e2e --no-audit --no-fund --silent
	@touch $@

run: $(VENV)/.installed $(VENV)/.system $(MO)
	@$(PY) manage.py migrate --noinput -v 0
	@bin/serve "$(HOST)" "$(PORT)"

lint: $(VENV)/.installed
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(PY) manage.py makemigrations --check --dry-run

# The PostgreSQL pass runs beside the browser tests (two cores: one mostly waits on the
# database, the other on Chromium); its output follows theirs.
test: $(VENV)/.installed $(VENV)/.system $(MO) /usr/bin/chromium $(AXE) lint
	$(VENV)/bin/pytest
	@pg=""; $(PY) tests/services.py postgres; rc=$$?; \
	if [ $$rc = 0 ]; then echo "The same suite on PostgreSQL ($$PG_TEST_URL), beside the browser tests."; \
	  DATABASE_URL="$$PG_TEST_URL" $(VENV)/bin/pytest -q -p no:cacheprovider --ignore=tests/scaleout \
	    > .postgres-tests.log 2>&1 & pg=$$!; \
	elif [ $$rc != 2 ]; then exit $$rc; fi; \
	$(VENV)/bin/pytest -m e2e -p no:asyncio -W ignore::pytest.PytestConfigWarning tests/e2e; e2e=$$?; \
	pgrc=0; if [ -n "$$pg" ]; then wait $$pg; pgrc=$$?; \
	  echo "The suite on PostgreSQL:"; \
	  if [ $$pgrc = 0 ]; then tail -n 3 .postgres-tests.log; else cat .postgres-tests.log; fi; fi; \
	[ $$e2e = 0 ] && [ $$pgrc = 0 ]

messages: $(VENV)/.installed
	$(PY) manage.py makemessages -l de -l en --ignore=.venv --ignore=staticfiles --no-location
	$(PY) manage.py compilemessages --ignore=.venv -v 0

lock: $(VENV)/.installed
	$(VENV)/bin/uv pip compile --quiet pyproject.toml --extra dev -o requirements.lock

bench: $(VENV)/.installed
	$(PY) bench/run.py
