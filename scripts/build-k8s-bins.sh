#!/usr/bin/env bash
# Builds kube-apiserver, kube-controller-manager, etcd and helm from Go modules into a cache folder
# keyed by version. Idempotent: a binary that already exists is not rebuilt.
set -euo pipefail
cd "$(dirname "$0")/.."
K8S=v1.33.13 ETCD=v3.5.21 HELM=v3.18.6
OUT=${K8S_BIN_DIR:-$PWD/.cache/bin/k8s-$K8S}
mkdir -p "$OUT"
export GOTOOLCHAIN=local GOWORK=off CGO_ENABLED=0 GOFLAGS="-trimpath -buildvcs=false -mod=readonly"
VER="-X k8s.io/component-base/version.gitVersion=$K8S -X k8s.io/component-base/version.gitMajor=1 \
 -X k8s.io/component-base/version.gitMinor=33 -X k8s.io/component-base/version.gitTreeState=clean \
 -X k8s.io/component-base/version.gitCommit=0000000000000000000000000000000000000000 \
 -X k8s.io/component-base/version.buildDate=2025-01-01T00:00:00Z \
 -X k8s.io/client-go/pkg/version.gitVersion=$K8S -X k8s.io/client-go/pkg/version.gitMajor=1 \
 -X k8s.io/client-go/pkg/version.gitMinor=33"
build_k8s() { # $1 = command name
  [ -x "$OUT/$1" ] && return 0
  echo "building $1 $K8S (first time only; several minutes)" >&2
  ( cd tools/k8s-bins && go build -p 2 -ldflags "-s -w $VER" -o "$OUT/$1.tmp" "k8s.io/kubernetes/cmd/$1" )
  mv "$OUT/$1.tmp" "$OUT/$1"
}
build_k8s kube-apiserver
if [ ! -x "$OUT/etcd" ]; then
  echo "building etcd $ETCD" >&2
  ( cd tools/etcd-bin && go build -p 2 -ldflags "-s -w" -o "$OUT/etcd.tmp" go.etcd.io/etcd/server/v3 )
  mv "$OUT/etcd.tmp" "$OUT/etcd"
fi
if [ ! -x "$OUT/helm" ]; then
  echo "building helm $HELM" >&2
  ( cd tools/helm-bin && go build -p 2 -ldflags "-s -w -X helm.sh/helm/v3/internal/version.version=$HELM \
    -X helm.sh/helm/v3/pkg/chartutil.k8sVersionMajor=1 -X helm.sh/helm/v3/pkg/chartutil.k8sVersionMinor=33 \
    -X helm.sh/helm/v3/pkg/lint/rules.k8sVersionMajor=1 -X helm.sh/helm/v3/pkg/lint/rules.k8sVersionMinor=33" \
    -o "$OUT/helm.tmp" helm.sh/helm/v3/cmd/helm )
  mv "$OUT/helm.tmp" "$OUT/helm"
fi
if [ "${WITH_KCM:-1}" = 1 ]; then build_k8s kube-controller-manager; fi
echo "$OUT"
