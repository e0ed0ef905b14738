# ooo.cloud: the two commands are `make deploy` and `make test`; each installs what it needs.
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

VENV        := .venv
PY          := $(VENV)/bin/python
BIN         := $(VENV)/bin
BUILD       := .build
COLLECTIONS := $(BUILD)/collections
INVENTORY   ?= inventories/lab
LAB         := $(PY) lab/lab.py -i $(INVENTORY)
PLAYBOOK    := $(BIN)/ansible-playbook -i $(INVENTORY)
# Named explicitly, installed without recommends: podman alone would bring the CNI plugins, not
# netavark (only a Recommends), and the lab's bridges would get no address on the host.
# iproute2 and iputils-ping: lab.py checks the bridges with `ip`, the tests ping the nodes.
# chromium and chromium-driver: the dashboard's browser tests (tests/overcloud/test_dashboard.py).
# openssl: the TLS tests verify each public endpoint with `openssl s_client` (test_tls.py).
APT_PACKAGES := podman runc netavark aardvark-dns debootstrap zstd openssh-client iptables \
                iproute2 iputils-ping rsync git chromium chromium-driver openssl

export ANSIBLE_COLLECTIONS_PATH := $(CURDIR)/$(COLLECTIONS)
export ANSIBLE_CONFIG := $(CURDIR)/ansible.cfg
export CONTAINERS_CONF := $(CURDIR)/lab/containers.conf
export PATH := $(CURDIR)/$(VENV)/bin:$(PATH)

.PHONY: help deploy test static lint sanity unit e2e lab-up lab-down lab-status lab-validate test-lab \
        deps venv tempest-venv collection clean bench bench-modules bench-transport scale-down

help: ## List the targets
	@grep -hE '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F ':.*## ' '{printf "  make %-16s %s\n", $$1, $$2}'

deploy: lab-up ## Create the lab if needed; deploy the undercloud, the overcloud and a demo tenant (idempotent)
	$(PLAYBOOK) playbooks/deploy.yml

# The static checks need no lab, so they run beside the end-to-end tests (a cold deploy leaves
# about 40% of the two cores idle while it waits on the nodes); their output comes at the end.
test: deps venv tempest-venv collection ## Lint, sanity, unit tests and the end-to-end tests on the lab
	@mkdir -p .cache; \
	$(MAKE) --no-print-directory static > .cache/static.log 2>&1 & static=$$!; \
	e2e_rc=0; tests/e2e/run.sh 2>&1 | tee .cache/e2e-output.log || e2e_rc=$$?; \
	static_rc=0; wait $$static || static_rc=$$?; \
	echo "=== make test: lint, sanity and unit tests (run beside the end-to-end tests)"; \
	cat .cache/static.log; \
	[ $$static_rc = 0 ] || echo "make test: lint, sanity or unit tests FAILED (output above)"; \
	if [ $$e2e_rc != 0 ]; then \
	  echo "=== make test: the end of the end-to-end tests' output again, last where CI shows it"; \
	  grep -v '^[[:space:]]*$$' .cache/e2e-output.log | cut -c1-400 | tail -n 80; \
	  echo "make test: the end-to-end tests FAILED (the failed stage and the stage durations above)"; \
	fi; \
	[ $$static_rc = 0 ] && [ $$e2e_rc = 0 ]

static: lint sanity unit ## Lint, sanity and unit tests (no lab needed)

# --- what the targets need -------------------------------------------------------------
# apt packages, once: skipped when all are installed already; checked again when the list changes.
$(BUILD)/deps.stamp: Makefile
	@mkdir -p $(BUILD)
	@missing=$$(for p in $(APT_PACKAGES); do dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q 'ok installed' || echo $$p; done); \
	if [ -n "$$missing" ]; then \
	  echo "Installing apt packages: $$missing"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $$missing; \
	fi
	@touch $@
deps: $(BUILD)/deps.stamp ## Install the apt packages the lab needs

# The venv is rebuilt when requirements.txt changes.
$(VENV)/.installed: requirements.txt
	@test -x $(PY) || python3 -m venv $(VENV)
	$(PY) -m pip install -q -r requirements.txt
	@touch $@
venv: $(VENV)/.installed ## Create .venv from the pinned requirements

# Tempest and python-tempestconf in a venv of their own: their pins are not the deploy host's.
$(BUILD)/tempest-venv/.installed: tests/tempest/requirements.txt
	@test -x $(BUILD)/tempest-venv/bin/python || python3 -m venv $(BUILD)/tempest-venv
	$(BUILD)/tempest-venv/bin/python -m pip install -q -r tests/tempest/requirements.txt
	@touch $@
tempest-venv: $(BUILD)/tempest-venv/.installed ## Create .build/tempest-venv (tempest, python-tempestconf)

# Ansible finds the collection as ansible_collections/ooo/cloud -> this checkout.
$(COLLECTIONS)/ansible_collections/ooo/cloud:
	@mkdir -p $(COLLECTIONS)/ansible_collections/ooo
	@ln -sfn ../../../.. $@
collection: $(COLLECTIONS)/ansible_collections/ooo/cloud

# --- lint and unit tests ----------------------------------------------------------------
lint: venv collection ## yamllint and ansible-lint (production profile)
	$(BIN)/yamllint -s .
	$(BIN)/ansible-lint -q

sanity: venv ## ansible-test sanity over the collection's plugins
	@$(PY) tests/sanity/prepare.py
	cd $(BUILD)/sanity/ansible_collections/ooo/cloud && \
	  $(CURDIR)/$(BIN)/ansible-test sanity --local --python 3.11

unit: venv collection ## Unit tests (pytest, no lab needed)
	$(BIN)/pytest -q -n 2 tests/unit

# --- the lab ----------------------------------------------------------------------------
lab-validate: venv collection ## Check inventories/lab without changing anything
	$(LAB) validate

lab-up: deps venv collection ## Build the node image if needed and start the lab's nodes
	$(LAB) up

lab-down: ## Remove the lab's nodes, networks and proxy (quiet when none)
	@if [ -x $(PY) ]; then $(LAB) down; else python3 lab/lab.py -i $(INVENTORY) down; fi

scale-down: venv collection ## Remove computes from the overcloud: make scale-down NODES=overcloud-compute-1
	$(PLAYBOOK) playbooks/overcloud_scale_down.yml -e ooo_scale_down_nodes=$(NODES)

lab-status: ## Show the lab's nodes
	@$(LAB) status

# Both use a lab that is already up (and leave it), or bring one up and remove it
# afterwards, so a test never leaves behind what it started.
e2e: deps venv tempest-venv collection ## End-to-end: lab, undercloud (killed and re-run, check mode, faults, APIs), overcloud, tempest
	tests/e2e/run.sh

test-lab: deps venv collection ## Only the lab: bring it up, prepare the nodes, run its testinfra suite
	@if $(LAB) status --quiet; then started=0; else started=1; fi; \
	status=0; \
	{ $(LAB) up && $(PLAYBOOK) playbooks/prepare.yml && \
	  $(BIN)/pytest -q -p no:cacheprovider tests/lab; } || status=$$?; \
	if [ $$started = 1 ]; then $(LAB) down; fi; \
	exit $$status

bench: deps venv collection ## Benchmarks (the lab; then, on a deployed undercloud, the modules); figures go into README.md
	$(PY) tests/bench/lab_bench.py

bench-modules: venv collection ## ooo.cloud against openstack.cloud modules on the deployed undercloud
	$(PY) tests/bench/bench_http_transport.py
	$(PY) tests/bench/modules_bench.py

bench-transport: venv collection ## The modules' HTTP client against http.client on a local server (no lab)
	$(PY) tests/bench/bench_http_transport.py

clean: lab-down ## Remove the lab and every build artefact (keeps the download caches)
	rm -rf $(BUILD) $(VENV) .cache .pytest_cache
