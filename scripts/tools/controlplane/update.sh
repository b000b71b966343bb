#!/usr/bin/env bash
# Regenerate this module's go.mod/go.sum for the KUBERNETES_VERSION and ETCD_VERSION in versions.env.
# k8s.io/kubernetes replaces its staging modules with local paths; a module that imports it must replace
# each of them with the published version (v0.N.P for Kubernetes v1.N.P) instead.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../../.." && pwd)
# shellcheck disable=SC1091
source <(grep -E '^(KUBERNETES_VERSION|ETCD_VERSION)=' "$root/versions.env")
staging="v0.${KUBERNETES_VERSION#v1.}"
modfile=$(GOFLAGS=-mod=mod go mod download -json "k8s.io/kubernetes@$KUBERNETES_VERSION" | python3 -c 'import json,sys; print(json.load(sys.stdin)["GoMod"])')
cd "$here"
{
  sed -n '1,/^module /p' go.mod
  printf '\ngo %s\n\nrequire (\n\tgo.etcd.io/etcd/server/v3 %s\n\tk8s.io/kubernetes %s\n)\n\nreplace (\n' \
    "$(awk '/^go /{print $2; exit}' "$modfile")" "$ETCD_VERSION" "$KUBERNETES_VERSION"
  awk -v v="$staging" '/=> \.\/staging\/src\//{printf "\t%s => %s %s\n", $1, $1, v}' "$modfile"
  printf ')\n'
} > go.mod.new
mv go.mod.new go.mod
GOFLAGS=-mod=mod go mod tidy
echo "go.mod pins k8s.io/kubernetes $KUBERNETES_VERSION (staging $staging) and etcd $ETCD_VERSION"
