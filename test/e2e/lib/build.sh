#!/usr/bin/env bash
# Build every lab binary from the Go module proxy into the cache (idempotent).
#   bash test/e2e/lib/build.sh [component...]   (default: all)
# Each component lands in $LAB_CACHE/<component>@<version>/bin and is marked
# complete by a .done file; a cached component is skipped in milliseconds.
set -euo pipefail
E2E_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# shellcheck source=../lab-versions.env
. "$E2E_DIR/lab-versions.env"
LAB_CACHE=${LAB_CACHE:-$HOME/.cache/mini-kubeadm-lab}
export PATH=/usr/local/go/bin:$PATH
export GOFLAGS=-buildvcs=false
export GOTOOLCHAIN=local

log() { echo "[build $(date +%T)] $*" >&2; }

# run_cached NAME VERSION FUNC: FUNC gets $out (a fresh staging dir) and must fill $out/bin
run_cached() {
  local name=$1 ver=$2 fn=$3 dest="$LAB_CACHE/$1@$2"
  if [[ -f $dest/.done ]]; then log "$name@$ver cached"; return 0; fi
  local out="$dest.partial.$$" t0=$SECONDS
  rm -rf "$out"; mkdir -p "$out/bin" "$out/src"
  log "$name@$ver building"
  "$fn" "$out"
  rm -rf "$dest"; mv "$out" "$dest"
  echo "built $(date -u +%FT%TZ) in $((SECONDS - t0))s" > "$dest/.done"
  log "$name@$ver done in $((SECONDS - t0))s"
}

k8s_ldflags() {
  local minor=${K8S_VERSION#v1.}; minor=${minor%%.*}
  echo "-s -w -X k8s.io/component-base/version.gitVersion=$K8S_VERSION -X k8s.io/component-base/version.gitMajor=1 -X k8s.io/component-base/version.gitMinor=$minor -X k8s.io/component-base/version.gitTreeState=clean -X k8s.io/component-base/version.buildDate=1970-01-01T00:00:00Z"
}

# k8s_gomod SRC: a go.mod in SRC requiring k8s.io/kubernetes with its staging modules pinned
k8s_gomod() {
  local src=$1
  go mod download -json "k8s.io/kubernetes@$K8S_VERSION" >/dev/null
  local kdir; kdir=$(go env GOMODCACHE)/k8s.io/kubernetes@$K8S_VERSION
  {
    echo "module lab/kubernetes"
    echo
    grep -E '^go [0-9]' "$kdir/go.mod"
    echo
    echo "require k8s.io/kubernetes $K8S_VERSION"
    echo
    echo "replace ("
    grep -E '=> \./staging/' "$kdir/go.mod" | awk -v v="$K8S_STAGING_VERSION" '{print "\t" $1 " => " $1 " " v}'
    echo ")"
  } > "$src/go.mod"
  (cd "$src" && go mod download k8s.io/kubernetes && go get "k8s.io/kubernetes@$K8S_VERSION")
}

build_kubernetes() {
  local out=$1 src=$1/src
  k8s_gomod "$src"
  (cd "$src" && go get k8s.io/kubernetes/cmd/kubeadm k8s.io/kubernetes/cmd/kubelet k8s.io/kubernetes/cmd/kube-apiserver \
          k8s.io/kubernetes/cmd/kube-controller-manager k8s.io/kubernetes/cmd/kube-scheduler k8s.io/kubernetes/cmd/kube-proxy \
          k8s.io/kubernetes/cmd/kubectl)
  local c
  for c in kubeadm kubelet kube-apiserver kube-controller-manager kube-scheduler kube-proxy kubectl; do
    local t=$SECONDS
    (cd "$src" && CGO_ENABLED=0 go build -trimpath -ldflags "$(k8s_ldflags)" -o "$out/bin/$c" "k8s.io/kubernetes/cmd/$c")
    log "  $c built in $((SECONDS - t))s"
  done
}

# e2e.test (the conformance suite) and agnhost, its test image's program; not built by default
build_e2e_test() {
  local out=$1 src=$1/src
  k8s_gomod "$src"
  (cd "$src" && go get -t k8s.io/kubernetes/test/e2e k8s.io/kubernetes/test/images/agnhost)
  local t=$SECONDS
  (cd "$src" && CGO_ENABLED=0 go test -c -vet=off -trimpath -ldflags "$(k8s_ldflags)" -o "$out/bin/e2e.test" k8s.io/kubernetes/test/e2e)
  log "  e2e.test built in $((SECONDS - t))s"
  t=$SECONDS
  (cd "$src" && CGO_ENABLED=0 go build -trimpath -ldflags "-s -w" -o "$out/bin/agnhost" k8s.io/kubernetes/test/images/agnhost)
  log "  agnhost built in $((SECONDS - t))s"
}

build_etcd() {
  local out=$1 src=$1/src
  mkdir -p "$src/etcd" "$src/etcdctl"
  cat > "$src/go.mod" <<EOM
module lab/etcd

go 1.25
EOM
  cat > "$src/etcd/main.go" <<'EOM'
package main

import (
	"os"

	"go.etcd.io/etcd/server/v3/etcdmain"
)

func main() { etcdmain.Main(os.Args) }
EOM
  cat > "$src/etcdctl/main.go" <<'EOM'
package main

import "go.etcd.io/etcd/etcdctl/v3/ctlv3"

func main() { ctlv3.MustStart() }
EOM
  (cd "$src" && go get "go.etcd.io/etcd/server/v3@$ETCD_VERSION" "go.etcd.io/etcd/etcdctl/v3@$ETCD_VERSION" && go mod tidy \
    && CGO_ENABLED=0 go build -trimpath -ldflags "-s -w" -o "$out/bin/etcd" ./etcd \
    && CGO_ENABLED=0 go build -trimpath -ldflags "-s -w" -o "$out/bin/etcdctl" ./etcdctl)
}

build_crictl() {
  local out=$1
  CGO_ENABLED=0 GOBIN="$out/bin" go install -trimpath \
    -ldflags "-s -w -X sigs.k8s.io/cri-tools/pkg/version.Version=$CRICTL_VERSION" \
    "sigs.k8s.io/cri-tools/cmd/crictl@$CRICTL_VERSION"
}

build_coredns() {
  local out=$1
  CGO_ENABLED=0 GOBIN="$out/bin" go install -trimpath -ldflags "-s -w" "github.com/coredns/coredns@$COREDNS_VERSION"
}

build_flannel() {
  local out=$1 src=$1/src
  go mod download -json "github.com/flannel-io/flannel@$FLANNEL_VERSION" >/dev/null
  local fdir; fdir=$(go env GOMODCACHE)/github.com/flannel-io/flannel@$FLANNEL_VERSION
  # The module's own main package, minus the tencentvpc backend (its SDK is not on the
  # proxy) and the udp backend (needs cgo); the lab uses the vxlan backend.
  grep -v -E '_ "github.com/flannel-io/flannel/pkg/backend/(tencentvpc|udp)"' "$fdir/main.go" > "$src/main.go"
  {
    echo "module lab/flanneld"
    echo
    grep -E '^go [0-9]' "$fdir/go.mod"
    echo
    echo "require github.com/flannel-io/flannel $FLANNEL_VERSION"
    # keep the module's own replace directives (if any)
    sed -n '/^replace (/,/^)/p; /^replace [^(]/p' "$fdir/go.mod"
  } > "$src/go.mod"
  (cd "$src" && go mod tidy \
    && CGO_ENABLED=0 go build -trimpath -ldflags "-s -w -X github.com/flannel-io/flannel/pkg/version.Version=$FLANNEL_VERSION" -o "$out/bin/flanneld" .)
}

build_cni_flannel() {
  local out=$1
  CGO_ENABLED=0 GOBIN="$out/bin" go install -trimpath -ldflags "-s -w" \
    "github.com/containernetworking/plugins/plugins/meta/flannel@$CNI_PLUGINS_FLANNEL_VERSION"
}

build_pause() {
  local out=$1
  cp "$E2E_DIR/images/pause.c" "$out/src/pause.c"
  gcc -Os -static -o "$out/bin/pause" "$out/src/pause.c"
  strip "$out/bin/pause"
}

# kube-bench and its benchmark definitions (cfg/) from the module source: test:cis copies both into a node.
build_kube_bench() {
  local out=$1 src=$1/src
  go mod download -json "github.com/aquasecurity/kube-bench@$KUBE_BENCH_VERSION" >/dev/null
  # built from a copy of the module source (go install MODULE@V asks the proxy for the module's
  # version list, which this proxy refuses)
  cp -r "$(go env GOMODCACHE)/github.com/aquasecurity/kube-bench@$KUBE_BENCH_VERSION/." "$src/"
  chmod -R u+w "$src"
  (cd "$src" && CGO_ENABLED=0 nice -n 10 go build -trimpath \
    -ldflags "-s -w -X github.com/aquasecurity/kube-bench/cmd.KubeBenchVersion=${KUBE_BENCH_VERSION#v}" -o "$out/bin/kube-bench" .)
  cp -r "$src/cfg" "$out/cfg"
  rm -rf "$src"
}

all=(kubernetes etcd crictl coredns flannel cni-flannel pause)
want=("$@"); [[ ${#want[@]} -gt 0 ]] || want=("${all[@]}")
for c in "${want[@]}"; do
  case $c in
    kubernetes)  run_cached kubernetes "$K8S_VERSION" build_kubernetes ;;
    etcd)        run_cached etcd "$ETCD_VERSION" build_etcd ;;
    crictl)      run_cached crictl "$CRICTL_VERSION" build_crictl ;;
    coredns)     run_cached coredns "$COREDNS_VERSION" build_coredns ;;
    flannel)     run_cached flanneld "$FLANNEL_VERSION" build_flannel ;;
    cni-flannel) run_cached cni-flannel "$CNI_PLUGINS_FLANNEL_VERSION" build_cni_flannel ;;
    pause)       run_cached pause "$PAUSE_TAG" build_pause ;;
    kube-bench)  run_cached kube-bench "$KUBE_BENCH_VERSION" build_kube_bench ;;
    e2e-test)    run_cached e2e-test "$K8S_VERSION" build_e2e_test ;;
    *) echo "unknown component $c" >&2; exit 2 ;;
  esac
done
log "all requested components ready in $LAB_CACHE"
