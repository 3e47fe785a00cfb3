# Two commands set everything up on a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
VENDOR := static/vendor/socket.io.esm.min.js
# make test runs the test files in this many processes (pytest-xdist), each file's tests in one of them:
# most tests wait on a server, a browser or a database, so four keep two cores busy.
TEST_PROCESSES ?= 4
# The interface's French and English catalogues: .po files in git, compiled to .mo here.
CATALOGUES := $(patsubst %.po,%.mo,$(wildcard collab/translations/*/LC_MESSAGES/messages.po))

.PHONY: run test faults rehearsal lint bench screenshots messages lock wheel clean

run: $(VENV)/.runtime $(VENDOR) $(CATALOGUES)
	$(VENV)/bin/collab serve

test: $(VENV)/.dev $(VENDOR) $(CATALOGUES)
	$(VENV)/bin/ruff check collab tests bench app.py
	$(VENV)/bin/ruff format --check collab tests bench app.py
	$(VENV)/bin/mypy
	$(PY) -m pytest -n $(TEST_PROCESSES) --dist loadfile --durations=15

# The real-server tests that take more than a minute (marker `faults`): the crash storm of 10,000
# posts, the soak (COLLAB_SOAK_SECONDS, 600 by default), the long fuzzing; .ci/run runs them after make test.
faults: $(VENV)/.dev $(VENDOR) $(CATALOGUES)
	$(PY) -m pytest -m faults -s --timeout=1800

# The whole day rehearsed on a real server: 150 phones, about a thousand cards, every phase, in
# Chromium at each surface; its screenshots go to docs/screens/day/. .ci/run runs it after make test.
rehearsal: $(VENV)/.dev $(VENDOR) $(CATALOGUES)
	$(PY) -m pytest -m rehearsal -s --timeout=900

lint: $(VENV)/.dev
	$(VENV)/bin/ruff check --fix collab tests bench app.py
	$(VENV)/bin/ruff format collab tests bench app.py

# Card round trip on a real server (durability against the NORMAL baseline); competence matching;
# what one new offer costs when every phone asks for its pairs again; the exports and plenary views of a full day;
# phones' ping delays while the organiser exports a full day and others write (the event loop);
# the others' acknowledgements while one participant floods, with and without the rate limits;
# what a phone downloads before it can write its first card (bytes over the wire, requests);
# a PostgreSQL query's pause of the worker per driver and wait; one process against two workers sharing Redis;
# a thousand phones (burst, plenary vote, 5,000 idle, ceiling) against a bare Socket.IO server.
bench: $(VENV)/.dev $(VENDOR) $(CATALOGUES)
	$(PY) -m bench.post_latency
	$(PY) -m bench.matching
	$(PY) -m bench.competences_herd
	$(PY) -m bench.plenary
	$(PY) -m bench.event_loop
	$(PY) -m bench.flood
	$(PY) -m bench.first_load
	$(PY) -m bench.pg_wait
	$(PY) -m bench.workers
	$(PY) -m bench.scale

# The README's screenshots (plenary screen and its modes, case study, competences), taken by the browser tests,
# and every screen in French and English at phone (360×640, 390×844) and projector (1280×720, 1920×1080) sizes
# in docs/screens/ (not committed; named screen-language-size), taken by the accessibility, phone and projector tests.
screenshots: $(VENV)/.dev $(VENDOR) $(CATALOGUES)
	COLLAB_SCREENSHOTS=docs $(PY) -m pytest tests/browser/test_posting.py tests/browser/test_case_study.py tests/browser/test_competences.py tests/browser/test_screen_modes.py
	COLLAB_SCREENSHOTS=docs $(PY) -m pytest tests/browser/test_a11y.py tests/browser/test_phone.py tests/browser/test_projector.py

# A language's compiled catalogue, which Flask-Babel and /i18n/<locale>.json read.
collab/translations/%/LC_MESSAGES/messages.mo: collab/translations/%/LC_MESSAGES/messages.po $(VENV)/.runtime
	$(VENV)/bin/pybabel compile --statistics -i $< -o $@

# After changing the interface's text: extract every string (babel.cfg) into the catalogues; French
# entries are their msgid, English ones arrive empty and tests/http/test_i18n.py fails until translated.
messages: $(VENV)/.runtime
	$(PY) -m collab.catalogues

# The virtual environment installs the locks, every package checked against its hash, then collab
# itself in editable mode (.venv/bin/collab runs this checkout), built by the setuptools the lock pins;
# static/vendor/ must exist by then, as every folder pyproject.toml names.
$(VENV)/.runtime: requirements.txt pyproject.toml | $(VENDOR)
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check --require-hashes -r requirements.txt
	$(PY) -m pip install --quiet --disable-pip-version-check --no-deps --no-build-isolation --editable .
	touch $@

$(VENV)/.dev: requirements.txt requirements-dev.txt pyproject.toml | $(VENDOR)
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check --require-hashes -r requirements-dev.txt
	$(PY) -m pip install --quiet --disable-pip-version-check --no-deps --no-build-isolation --editable .
	touch $@ $(VENV)/.runtime

# The locks, made from the human-edited inputs (pyproject.toml's dependencies, requirements-dev.in):
# every package pinned with its hashes, the dev lock at the runtime lock's versions. A pin stays while
# its input allows it; `make lock UPGRADE=1` moves every one to the newest release that fits.
lock: $(VENV)/.dev
	CUSTOM_COMPILE_COMMAND="make lock" $(VENV)/bin/pip-compile --quiet $(if $(UPGRADE),--upgrade) \
		--all-build-deps --output-file requirements.txt pyproject.toml
	CUSTOM_COMPILE_COMMAND="make lock" $(VENV)/bin/pip-compile --quiet $(if $(UPGRADE),--upgrade) \
		--output-file requirements-dev.txt pyproject.toml requirements-dev.in

# The wheel (dist/), to install collab elsewhere (docs/deploy.md): templates, static files, the compiled
# catalogues and the Socket.IO client inside. build/ goes first: setuptools would ship a stale copy in it.
wheel: $(VENV)/.dev $(VENDOR) $(CATALOGUES)
	rm -rf build
	$(PY) -m build --wheel --no-isolation --quiet --outdir dist .

# The Socket.IO browser client comes from npm and is served by collab itself, never from a CDN.
$(VENDOR): package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	mkdir -p static/vendor
	cp node_modules/socket.io-client/dist/socket.io.esm.min.js $@

clean:
	rm -rf $(VENV) node_modules static/vendor build dist collab.egg-info
