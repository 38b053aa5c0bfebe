# The two commands: `make run` and `make test`. Everything else is a step they use.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test install lint format migrate seed vendor messages check-deploy audit bench bench-scale clean

$(STAMP): requirements.txt requirements-dev.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $(STAMP)

install: $(STAMP)

# Web server, Celery worker and Celery beat together; Ctrl-C stops all three.
run: install
	mkdir -p var/celery-broker/processed var/celery-broker/control var/mail
	$(BIN)/python manage.py migrate --no-input
	$(BIN)/python manage.py vapid_keys --dev
	$(BIN)/python manage.py seed_demo
	$(BIN)/honcho --procfile Procfile.dev start

# Lint, the import layers, types, migrations check and the whole suite. Browser tests need
# Chromium and the axe-core package, HTML validation Java and vnu-jar (both npm); where one is
# missing those tests skip and say why (CI makes that a failure).
test: install
	@if command -v npm >/dev/null 2>&1 && [ ! -f node_modules/.package-lock.json -o package-lock.json -nt node_modules/.package-lock.json ]; then npm ci --no-audit --no-fund --silent; fi
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/djlint templates --lint
	$(BIN)/lint-imports
	$(BIN)/mypy
	$(BIN)/python manage.py makemigrations --check --dry-run
	@# Two pytest runs, each given PYTEST_ARGS (so no -m there): the unit and browser tests in
	@# parallel, a pytest-xdist worker per core with its own test database, live server and SMTP
	@# port (`--dist load` keeps pytest-django's order on each, see tests/conftest.py); then the
	@# integration tests, two at a time (they mostly wait for their worker, beat and web
	@# processes; each has its own queue, and a Redis of its own where it stops or flushes
	@# one), work-stealing (they all commit, so need no particular order, and their lengths
	@# differ from 1 s to 70 s). Both always run; the target fails if either does. pytest
	@# exits 5 when it collected no test: say so instead of failing obscurely.
	@run() { $(BIN)/pytest "$$@" $(PYTEST_ARGS); rc=$$?; \
	  if [ $$rc -eq 5 ]; then echo "pytest collected no tests"; rc=0; fi; return $$rc; }; \
	run -n auto --dist load -m "not integration"; parallel=$$?; \
	run -n 2 --dist worksteal -m integration; integration=$$?; \
	[ $$parallel -eq 0 ] && [ $$integration -eq 0 ]

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/djlint templates --lint

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

migrate: install
	$(BIN)/python manage.py migrate

seed: install
	$(BIN)/python manage.py seed_demo

# Refresh the vendored htmx from the pinned npm package.
vendor:
	npm ci --no-audit --no-fund
	cp node_modules/htmx.org/dist/htmx.min.js static/vendor/htmx/htmx.min.js
	cp node_modules/htmx.org/LICENSE static/vendor/htmx/LICENSE

# The production configuration must pass Django's deployment checks with no warning.
# The translation catalogues (locale/): collect every marked string into each language's .po
# (new ones arrive untranslated: tests/test_catalogue.py fails until they are translated),
# then compile the .mo files the site reads. Needs GNU gettext (apt-get install gettext).
MESSAGES_IGNORE = --ignore=.venv --ignore=node_modules --ignore=var --ignore=tests --ignore=bench --ignore=demo --ignore=static/vendor
messages: install
	$(BIN)/python manage.py makemessages --all --no-obsolete -e html,txt,py,js $(MESSAGES_IGNORE) --ignore=static
	$(BIN)/python manage.py makemessages --all --no-obsolete -d djangojs $(MESSAGES_IGNORE) --ignore=templates
	$(BIN)/python manage.py compilemessages --ignore=.venv --ignore=node_modules

check-deploy: install
	DEBUG=0 SECRET_KEY=$$($(BIN)/python -c 'import secrets; print(secrets.token_urlsafe(50))') \
	ALLOWED_HOSTS=kinship.example.org $(BIN)/python manage.py check --deploy --fail-level WARNING

# The pinned packages against the known-vulnerability databases (PyPI's and OSV, over the
# network; not part of `make test`). The npm packages are test tools only: `npm audit`.
audit: install
	$(BIN)/pip-audit --requirement requirements-dev.txt --strict

bench: install
	$(BIN)/python bench/pages.py
	$(BIN)/python bench/directory.py
	$(BIN)/python bench/meetings.py
	$(BIN)/python bench/reminders.py
	$(BIN)/python bench/search.py

# Every main page at the size of a national federation (5,000 groups, 100,000 members), under
# wrk against gunicorn beside a trivial view, with the targets of issue 16. Needs PostgreSQL
# (DATABASE_URL names the server; the bench keeps a database of its own on it), Redis and
# Debian's wrk. The first run builds the data (a few minutes); later runs reuse it.
bench-scale: install
	cd bench && ../$(BIN)/python scale.py

clean:
	rm -rf $(VENV) var node_modules .pytest_cache .ruff_cache
