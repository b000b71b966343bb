# Berth — run `make help` for the targets. Every tool version is pinned in versions.env.
SHELL := bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help
MAKEFLAGS += --no-print-directory

include versions.env

ROOT      := $(CURDIR)
BIN       := $(ROOT)/bin
VENV      := $(ROOT)/.venv
PYTHON    := $(VENV)/bin/python
BERTH     := $(VENV)/bin/berth
PROFILE   ?= default
# Extra pytest arguments, e.g. `make test PYTEST_ARGS="-k operator"`.
PYTEST_ARGS ?=

# Tools live in bin/ under versioned names; the unversioned names are symlinks, so a changed pin
# installs the new version next to the old one and flips the link.
HELM3     := $(BIN)/helm3-$(HELM3_VERSION)
HELM4     := $(BIN)/helm4-$(HELM4_VERSION)
KUBECTL   := $(BIN)/kubectl-$(KUBECTL_VERSION)
KUSTOMIZE := $(BIN)/kustomize-$(KUSTOMIZE_VERSION)
PROMTOOL  := $(BIN)/promtool-$(PROMTOOL_VERSION)
ISTIOCTL  := $(BIN)/istioctl-$(ISTIOCTL_VERSION)
APISERVER := $(BIN)/kube-apiserver-$(KUBERNETES_VERSION)
KCM       := $(BIN)/kube-controller-manager-$(KUBERNETES_VERSION)
ETCD      := $(BIN)/etcd-$(ETCD_VERSION)
CONTROLPLANE_MODULE := scripts/tools/controlplane
VENV_STAMP := $(VENV)/.installed
CRDS_STAMP := $(BIN)/.upstream-crds-$(shell sha256sum versions.env | cut -c1-12)

# go-install <output> <package> <version> [ldflags]: `go install` into a scratch GOBIN (kubebuilder's
# convention), then move the binary to its versioned name. Checksums come from the Go sum database.
# The ldflags stamp the version the projects' own release builds stamp, so `<tool> version` tells.
define go-install
	@tmp=$$(mktemp -d); trap 'rm -rf "$$tmp"' EXIT; \
	echo "go install $(2)@$(3)"; \
	GOBIN=$$tmp GOFLAGS=-mod=mod go install -ldflags '-s -w $(4)' $(2)@$(3); \
	mkdir -p $(BIN); mv "$$tmp"/* $(1)
endef

##@ Main

.PHONY: render
render: tools ## Render and validate the whole platform for PROFILE (default: default) into out/
	$(BERTH) render --profile $(PROFILE) --out out

.PHONY: up
up: tools ## Install Berth on the embedded control plane (or on KUBECONFIG's cluster) and show its status
	$(BERTH) up --profile $(PROFILE)

.PHONY: down
down: $(VENV_STAMP) ## Stop the embedded control plane started by `make up`
	$(BERTH) down

.PHONY: test
test: tools ## Run the test suite (bootstraps tools on first use)
	$(PYTHON) -m pytest $(PYTEST_ARGS)

.PHONY: bench
bench: tools ## Measure render speed and CRD size into docs/benchmarks.md
	$(BERTH) bench

##@ Tools

.PHONY: tools
tools: $(HELM3) $(HELM4) $(KUBECTL) $(KUSTOMIZE) $(PROMTOOL) $(ISTIOCTL) $(APISERVER) $(KCM) $(ETCD) $(VENV_STAMP) $(CRDS_STAMP) ## Install every pinned tool into bin/ and .venv/ (idempotent)
	@for t in helm3:$(HELM3) helm4:$(HELM4) kubectl:$(KUBECTL) kustomize:$(KUSTOMIZE) promtool:$(PROMTOOL) istioctl:$(ISTIOCTL) \
	          kube-apiserver:$(APISERVER) kube-controller-manager:$(KCM) etcd:$(ETCD); do \
	  ln -sfn "$$(basename "$${t#*:}")" "$(BIN)/$${t%%:*}"; done

$(HELM3):
	$(call go-install,$@,helm.sh/helm/v3/cmd/helm,$(HELM3_VERSION),-X helm.sh/helm/v3/internal/version.version=$(HELM3_VERSION))

$(HELM4) $(KUBECTL) &:
	scripts/tools/install-kubectl-layer.sh $(BIN)

$(KUSTOMIZE):
	$(call go-install,$@,sigs.k8s.io/kustomize/kustomize/v5,$(KUSTOMIZE_VERSION))

$(PROMTOOL):
	$(call go-install,$@,github.com/prometheus/prometheus/cmd/promtool,$(PROMTOOL_VERSION),-X github.com/prometheus/common/version.Version=$(PROMETHEUS_RELEASE))

$(ISTIOCTL):
	$(call go-install,$@,istio.io/istio/istioctl/cmd/istioctl,$(ISTIO_MODULE_VERSION),-X istio.io/istio/pkg/version.buildVersion=$(ISTIOCTL_VERSION))

# The embedded control plane: built from a small tools module whose go.mod pins k8s.io/kubernetes (with
# its staging modules replaced by their published versions) and etcd; go.sum checksums every module.
# The -X flags stamp the version the API server reports (Helm checks charts' kubeVersion against it).
K8S_VERSION_PKG := k8s.io/component-base/version
K8S_SEMVER      := $(subst ., ,$(KUBERNETES_VERSION:v%=%))
APISERVER_LDFLAGS := -s -w -X $(K8S_VERSION_PKG).gitVersion=$(KUBERNETES_VERSION) -X $(K8S_VERSION_PKG).gitTreeState=clean \
  -X $(K8S_VERSION_PKG).gitMajor=$(word 1,$(K8S_SEMVER)) -X $(K8S_VERSION_PKG).gitMinor=$(word 2,$(K8S_SEMVER))
$(APISERVER): $(CONTROLPLANE_MODULE)/go.mod $(CONTROLPLANE_MODULE)/go.sum
	@echo "go build k8s.io/kubernetes/cmd/kube-apiserver@$(KUBERNETES_VERSION)"
	@mkdir -p $(BIN)
	cd $(CONTROLPLANE_MODULE) && go build -o $@ -ldflags '$(APISERVER_LDFLAGS)' k8s.io/kubernetes/cmd/kube-apiserver

$(KCM): $(CONTROLPLANE_MODULE)/go.mod $(CONTROLPLANE_MODULE)/go.sum
	@echo "go build k8s.io/kubernetes/cmd/kube-controller-manager@$(KUBERNETES_VERSION)"
	@mkdir -p $(BIN)
	cd $(CONTROLPLANE_MODULE) && go build -o $@ -ldflags '$(APISERVER_LDFLAGS)' k8s.io/kubernetes/cmd/kube-controller-manager

$(ETCD): $(CONTROLPLANE_MODULE)/go.mod $(CONTROLPLANE_MODULE)/go.sum
	@echo "go build go.etcd.io/etcd/server/v3@$(ETCD_VERSION)"
	@mkdir -p $(BIN)
	cd $(CONTROLPLANE_MODULE) && go build -o $@ -ldflags '-s -w' go.etcd.io/etcd/server/v3

$(VENV_STAMP): pyproject.toml requirements.lock
	@[ -x $(PYTHON) ] || python3 -m venv $(VENV)
	$(PYTHON) -m pip install --quiet --disable-pip-version-check -r requirements.lock
	$(PYTHON) -m pip install --quiet --disable-pip-version-check --no-deps -e .
	@touch $@

# Upstream CRDs are read from these modules in the Go module cache at test time (never copied here).
# The module list lives in scripts/berth/upstream.py.
$(CRDS_STAMP): $(VENV_STAMP)
	$(BERTH) fetch-crds
	@mkdir -p $(BIN); touch $@

.PHONY: lock
lock: ## Re-resolve requirements.lock from pyproject.toml (run after changing a dependency)
	rm -rf .venv-lock && python3 -m venv .venv-lock
	.venv-lock/bin/pip install --quiet --disable-pip-version-check -e .[test]
	.venv-lock/bin/pip freeze --exclude-editable | LC_ALL=C sort > requirements.lock
	rm -rf .venv-lock

##@ Housekeeping

.PHONY: docs
docs: $(VENV_STAMP) ## Regenerate the values tables in every chart README
	$(BERTH) docs

.PHONY: clean
clean: ## Remove rendered output and Helm dependency archives (keeps tools)
	rm -rf out dist charts/*/charts

.PHONY: distclean
distclean: clean ## Also remove bin/ and .venv/
	rm -rf bin .venv

.PHONY: help
help: ## Show this help
	@awk 'BEGIN {FS = ":.*##"} /^[a-zA-Z0-9_-]+:.*?##/ { printf "  \033[36m%-12s\033[0m %s\n", $$1, $$2 } /^##@/ { printf "\n\033[1m%s\033[0m\n", substr($$0, 5) }' $(MAKEFILE_LIST)
