#!/usr/bin/env bash
# Build the reference kubeadm of one Kubernetes version from the Go module proxy, for the
# manifest comparison (test/compat): bash test/compat/build-kubeadm.sh v1.29.15
# Result: $LAB_CACHE/kubeadm-compat@VERSION/kubeadm (a static binary); a cached build returns at once.
# A kubeadm of that version the lab already built ($LAB_CACHE/kubernetes@VERSION/bin) is reused.
set -euo pipefail
VERSION=${1:?usage: build-kubeadm.sh vMAJOR.MINOR.PATCH}
[[ $VERSION =~ ^v1\.([0-9]+)\.([0-9]+)$ ]] || { echo "build-kubeadm.sh: version must look like v1.37.2, got $VERSION" >&2; exit 2; }
MINOR=${BASH_REMATCH[1]} PATCH=${BASH_REMATCH[2]}
STAGING=v0.$MINOR.$PATCH
LAB_CACHE=${LAB_CACHE:-$HOME/.cache/mini-kubeadm-lab}
DEST=$LAB_CACHE/kubeadm-compat@$VERSION
export PATH=/usr/local/go/bin:$PATH GOFLAGS=-buildvcs=false GOTOOLCHAIN=local CGO_ENABLED=0

if [[ -x $DEST/kubeadm ]]; then echo "$DEST/kubeadm"; exit 0; fi
# the lab's build of the same version (complete or still building its other binaries) will do
# if it runs and reports exactly this version
for lab in "$LAB_CACHE/kubernetes@$VERSION/bin/kubeadm" "$LAB_CACHE/kubernetes@$VERSION".partial.*/bin/kubeadm; do
  if [[ -x $lab ]] && [[ $("$lab" version -o short 2>/dev/null) == "$VERSION" ]]; then
    mkdir -p "$DEST"; cp "$lab" "$DEST/kubeadm.tmp.$$"; mv "$DEST/kubeadm.tmp.$$" "$DEST/kubeadm"
    echo "$DEST/kubeadm"; exit 0
  fi
done

work=$DEST/src
mkdir -p "$work"
go mod download -json "k8s.io/kubernetes@$VERSION" >/dev/null
kmod=$(go env GOMODCACHE)/k8s.io/kubernetes@$VERSION/go.mod
{
  echo "module compat/kubeadm"
  echo
  grep -E '^go [0-9]' "$kmod"
  echo
  echo "require k8s.io/kubernetes $VERSION"
  echo
  echo "replace ("
  # every staging module (k8s.io/X => ./staging/src/k8s.io/X) becomes its published copy
  awk -v v="$STAGING" '$2 == "=>" && $3 ~ /^\.\/staging\// {print "\t" $1 " => " $1 " " v}' "$kmod"
  echo ")"
} > "$work/go.mod"
cd "$work"
go get "k8s.io/kubernetes/cmd/kubeadm@$VERSION"
t0=$SECONDS
go build -trimpath -ldflags "-s -w \
  -X k8s.io/component-base/version.gitVersion=$VERSION \
  -X k8s.io/component-base/version.gitMajor=1 \
  -X k8s.io/component-base/version.gitMinor=$MINOR \
  -X k8s.io/component-base/version.gitTreeState=clean \
  -X k8s.io/component-base/version.buildDate=1970-01-01T00:00:00Z" \
  -o "$DEST/kubeadm.tmp.$$" k8s.io/kubernetes/cmd/kubeadm
mv "$DEST/kubeadm.tmp.$$" "$DEST/kubeadm"
echo "built $VERSION in $((SECONDS - t0))s" >&2
echo "$DEST/kubeadm"
