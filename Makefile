# alicloud-operator: `make dev` runs the whole stack locally; `make test` sets up and runs every tier.
SHELL := /bin/bash
.DEFAULT_GOAL := help
BIN_DIR := $(CURDIR)/.cache/bin/k8s-v1.33.13
export PATH := $(BIN_DIR):$(PATH)
export K8S_BIN_DIR := $(BIN_DIR)
export NPM_CONFIG_UPDATE_NOTIFIER := false

.PHONY: help deps bins build chart lint typecheck docs docs-check test test-unit test-integration test-e2e dev dev-down bench clean

help:
	@echo "make dev        local control plane + cloud emulator + operator, in the foreground (Ctrl-C stops all)"
	@echo "                REPLICAS=2 (controller replicas), EMULATOR_RPS= EMULATOR_QUOTAS= EMULATOR_THROTTLE_RATE= ..."
	@echo "make test       all set-up, lint, typecheck, unit, integration and e2e tests"
	@echo "make bench      benchmarks; results in bench/results/"
	@echo "make dev-down   stop a stack that 'make dev' left behind"
	@echo "make chart      the Helm chart: dist/alicloud-operator-<version>.tgz"

deps:
	@scripts/ensure-deps.sh

bins:
	@scripts/build-k8s-bins.sh >/dev/null

build: deps
	npx --offline pepr build
	npx tsx scripts/package-chart.ts

# The installable chart: dist/alicloud-operator-<version>.tgz (CRDs included; README "Install").
chart: deps bins build
	npx tsx scripts/package-chart.ts --package

lint: deps
	npx eslint --max-warnings 0 .
	npx prettier --check --log-level warn "**/*.ts"

typecheck: deps
	npx tsc -p tsconfig.json --noEmit

docs: deps
	npx tsx scripts/gen-annotation-docs.ts
	npx tsx scripts/gen-crd-types.ts

docs-check: deps
	npx tsx scripts/gen-annotation-docs.ts --check
	npx tsx scripts/gen-crd-types.ts --check

test-unit: deps
	scripts/run-tests.sh unit

test-integration: deps bins build
	scripts/run-tests.sh integration

test-e2e: deps bins build
	scripts/run-tests.sh e2e

test: deps bins
	@rm -rf .cache/test-results
	$(MAKE) --no-print-directory lint typecheck docs-check
	$(MAKE) --no-print-directory build
	scripts/run-tests.sh unit; u=$$?; \
	scripts/run-tests.sh integration; i=$$?; \
	scripts/run-tests.sh e2e; e=$$?; \
	scripts/test-summary.sh && [ $$u -eq 0 ] && [ $$i -eq 0 ] && [ $$e -eq 0 ]

# make dev REPLICAS=2 EMULATOR_RPS=5 EMULATOR_QUOTAS='{"slbPerAccount":3}' EMULATOR_THROTTLE_RATE=0.1
# EMULATOR_ERROR_RATE=0.05 EMULATOR_LATENCY_MS=50 (src/config.ts DEV_DEFAULTS)
REPLICAS ?=
EMULATOR_RPS ?=
EMULATOR_QUOTAS ?=
EMULATOR_THROTTLE_RATE ?=
EMULATOR_ERROR_RATE ?=
EMULATOR_LATENCY_MS ?=
dev: deps bins build
	REPLICAS='$(REPLICAS)' EMULATOR_RPS='$(EMULATOR_RPS)' EMULATOR_QUOTAS='$(EMULATOR_QUOTAS)' \
	  EMULATOR_THROTTLE_RATE='$(EMULATOR_THROTTLE_RATE)' EMULATOR_ERROR_RATE='$(EMULATOR_ERROR_RATE)' \
	  EMULATOR_LATENCY_MS='$(EMULATOR_LATENCY_MS)' npx tsx scripts/dev.ts

dev-down:
	npx tsx scripts/dev.ts --down

bench: deps bins build
	ONLY=$(ONLY) npx tsx bench/run-all.ts

clean:
	rm -rf dist .dev .cache/test-results
