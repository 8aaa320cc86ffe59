#!/usr/bin/env bash
# Build the lab's container images from the cached binaries, without a Docker engine:
# each image is a docker-archive tarball (one layer tar + an image config JSON whose
# rootfs.diff_ids holds the layer's sha256 + manifest.json with RepoTags), which
# `ctr -n k8s.io images import` accepts under the name in RepoTags.
#   bash test/e2e/lib/images.sh      -> prints the directory holding the *.tar files
# Tarballs are cached in $LAB_CACHE/images@<key>/, key = hash of every input.
set -euo pipefail
E2E_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# shellcheck source=../lab-versions.env
. "$E2E_DIR/lab-versions.env"
LAB_CACHE=${LAB_CACHE:-$HOME/.cache/mini-kubeadm-lab}
K8S_BIN=$LAB_CACHE/kubernetes@$K8S_VERSION/bin
ETCD_BIN=$LAB_CACHE/etcd@$ETCD_VERSION/bin
log() { echo "[images $(date +%T)] $*" >&2; }

key=$( { cat "${BASH_SOURCE[0]}" "$E2E_DIR/lib/image-kit.sh" "$E2E_DIR/lab-versions.env" "$E2E_DIR/images/pause.c";
         for d in kubernetes@$K8S_VERSION etcd@$ETCD_VERSION coredns@$COREDNS_VERSION flanneld@$FLANNEL_VERSION \
                  cni-flannel@$CNI_PLUGINS_FLANNEL_VERSION pause@$PAUSE_TAG; do cat "$LAB_CACHE/$d/.done"; done;
         dpkg-query -W iptables busybox-static conntrack libxtables12 libnftnl11 libmnl0 2>/dev/null; } | sha256sum | cut -c1-12)
OUT=$LAB_CACHE/images@$key
if [[ -f $OUT/.done ]]; then echo "$OUT"; exit 0; fi

WORK=$(mktemp -d "$LAB_CACHE/.images-work.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
mkdir -p "$OUT.partial"

. "$E2E_DIR/lib/image-kit.sh"

R=$IMG_REGISTRY
for c in kube-apiserver kube-controller-manager kube-scheduler; do
  r=$(new_root "$c"); add_file "$K8S_BIN/$c" "$r/usr/local/bin/$c"
  mkimage "$R/$c:$K8S_VERSION" "$r" "[\"/usr/local/bin/$c\"]" null
done

r=$(new_root kube-proxy); add_file "$K8S_BIN/kube-proxy" "$r/usr/local/bin/kube-proxy"; add_iptables "$r"
mkimage "$R/kube-proxy:$K8S_VERSION" "$r" '["/usr/local/bin/kube-proxy"]' null

r=$(new_root etcd); add_file "$ETCD_BIN/etcd" "$r/usr/local/bin/etcd"; add_file "$ETCD_BIN/etcdctl" "$r/usr/local/bin/etcdctl"
mkdir -p "$r/var/lib/etcd"
mkimage "$R/etcd:$ETCD_IMAGE_TAG" "$r" '["/usr/local/bin/etcd"]' null

r=$(new_root coredns); add_file "$LAB_CACHE/coredns@$COREDNS_VERSION/bin/coredns" "$r/coredns"
mkimage "$R/coredns/coredns:$COREDNS_VERSION" "$r" '["/coredns"]' null

r=$(new_root pause); add_file "$LAB_CACHE/pause@$PAUSE_TAG/bin/pause" "$r/pause"
mkimage "$R/pause:$PAUSE_TAG" "$r" '["/pause"]' null

r=$(new_root flannel); add_file "$LAB_CACHE/flanneld@$FLANNEL_VERSION/bin/flanneld" "$r/opt/bin/flanneld"
add_iptables "$r"; add_busybox "$r"; mkdir -p "$r/etc/kube-flannel" "$r/run/flannel"
mkimage "$IMG_FLANNEL" "$r" '["/opt/bin/flanneld"]' null

r=$(new_root flannel-cni); add_file "$LAB_CACHE/cni-flannel@$CNI_PLUGINS_FLANNEL_VERSION/bin/flannel" "$r/flannel"
add_busybox "$r"
mkimage "$IMG_FLANNEL_CNI" "$r" null '["/bin/sh"]'

r=$(new_root test); add_busybox "$r"; add_file "$K8S_BIN/kubectl" "$r/usr/local/bin/kubectl"
mkimage "$IMG_TEST" "$r" null '["/bin/sh"]'

date -u +%FT%TZ > "$OUT.partial/.done"
rm -rf "$OUT"; mv "$OUT.partial" "$OUT"
# older image sets (other inputs) are never used again
for old in "$LAB_CACHE"/images@*; do [[ $old == "$OUT" ]] || rm -rf "$old"; done
log "images ready in $OUT"
echo "$OUT"
