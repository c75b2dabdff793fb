# The README's two commands: `make demo` and `make test`. Each sets up what it needs.
PYTHON ?= python3
VENV   ?= .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed
DEMO_HOME ?= .dossier-demo

.PHONY: demo test setup system-deps fixtures clean-demo paddle

$(STAMP): pyproject.toml constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -c constraints.txt -e '.[test]'
	touch $(STAMP)

setup: $(STAMP)

# The optional paddleocr engine in an environment of its own: paddlex pins numpy, PyYAML and an
# OpenCV build that the main environment must not get. CI builds it for the paddleocr tests.
PADDLE_VENV = .venv-paddle
$(PADDLE_VENV)/.installed: pyproject.toml constraints-paddle.txt
	$(PYTHON) -m venv $(PADDLE_VENV)
	$(PADDLE_VENV)/bin/python -m pip install --quiet --upgrade pip
	$(PADDLE_VENV)/bin/python -m pip install --quiet -c constraints-paddle.txt -e '.[paddle]'
	touch $@

paddle: $(PADDLE_VENV)/.installed

# Debian packages the tests and the fixture generator need (CJK font, redis-server).
system-deps:
	@bash .ci/system-deps

demo: $(STAMP)
	rm -rf $(DEMO_HOME)
	DOSSIER_HOME=$(DEMO_HOME) $(VENV)/bin/dossier ingest fixtures/sample-upgrade
	DOSSIER_HOME=$(DEMO_HOME) $(VENV)/bin/dossier status sample-upgrade
	DOSSIER_HOME=$(DEMO_HOME) $(VENV)/bin/dossier check sample-upgrade
	@# sample-upgrade carries seeded defects: the gate refuses a clean packet (exit 6), so the
	@# demo binds a draft, stamped 草稿 on every page, with the findings in report.html.
	DOSSIER_HOME=$(DEMO_HOME) $(VENV)/bin/dossier build sample-upgrade --draft --out $(DEMO_HOME)/packet

# Much of the suite waits (Celery workers starting, Redis restarting, a browser, a killed reader's
# claim going stale) rather than computes, so two processes finish it in little more than half the
# time even on two cores. Whole files go to one process, so module fixtures (an OCR'd site, a
# built packet) are made once. `make test TEST_JOBS=` runs it in one process.
TEST_JOBS ?= -n auto --maxprocesses=4 --dist loadfile

test: $(STAMP) system-deps
	$(PY) -m pytest $(TEST_JOBS) $(PYTEST_ARGS)

fixtures: $(STAMP) system-deps
	$(PY) -m fixtures.generate --seed 7 --out fixtures/
