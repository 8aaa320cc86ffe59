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

key=$( { cat "${BASH_SOURCE[0]}" "$E2E_DIR/lab-versions.env" "$E2E_DIR/images/pause.c";
         for d in kubernetes@$K8S_VERSION etcd@$ETCD_VERSION coredns@$COREDNS_VERSION flanneld@$FLANNEL_VERSION \
                  cni-flannel@$CNI_PLUGINS_FLANNEL_VERSION pause@$PAUSE_TAG; do cat "$LAB_CACHE/$d/.done"; done;
         dpkg-query -W iptables busybox-static conntrack libxtables12 libnftnl11 libmnl0 2>/dev/null; } | sha256sum | cut -c1-12)
OUT=$LAB_CACHE/images@$key
if [[ -f $OUT/.done ]]; then echo "$OUT"; exit 0; fi

WORK=$(mktemp -d "$LAB_CACHE/.images-work.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
mkdir -p "$OUT.partial"

# ---- rootfs helpers -------------------------------------------------------
new_root() { local r=$WORK/root-$1; rm -rf "$r"; mkdir -p "$r"/{etc,tmp,usr/local/bin,bin,var/run,root}; chmod 1777 "$r/tmp"; echo "$r"; }
add_file() { install -D -m "${3:-0755}" "$1" "$2"; }
add_libs() { # copy the shared libraries ldd lists for binary $2 into root $1
  local root=$1 bin=$2 lib
  for lib in $(ldd "$bin" | grep -oE '/[^ ]+\.so[^ ]*'); do
    [[ -e $root$lib ]] || install -D -m 0755 "$(readlink -f "$lib")" "$root$lib"
  done
}
add_iptables() { # Debian's nft-backed iptables, its libs and extensions
  local root=$1 n
  add_file /usr/sbin/xtables-nft-multi "$root/usr/sbin/xtables-nft-multi"
  add_libs "$root" /usr/sbin/xtables-nft-multi
  mkdir -p "$root/usr/lib/x86_64-linux-gnu"
  cp -a /usr/lib/x86_64-linux-gnu/xtables "$root/usr/lib/x86_64-linux-gnu/"
  # the extensions' own libraries: libxt_statistic needs libm, and kube-proxy loads it as soon
  # as a Service has two endpoints (CoreDNS's two pods): without it every sync failed
  local ext; for ext in "$root"/usr/lib/x86_64-linux-gnu/xtables/*.so; do add_libs "$root" "$ext"; done
  for n in iptables iptables-save iptables-restore ip6tables ip6tables-save ip6tables-restore \
           iptables-nft iptables-nft-save iptables-nft-restore ip6tables-nft ip6tables-nft-save ip6tables-nft-restore; do
    ln -sf xtables-nft-multi "$root/usr/sbin/$n"
  done
  add_file /usr/sbin/conntrack "$root/usr/sbin/conntrack"
  add_libs "$root" /usr/sbin/conntrack
  cp /etc/protocols /etc/services "$root/etc/"
}
add_busybox() { # busybox-static with an applet link for every command it has
  local root=$1 a
  add_file /bin/busybox "$root/bin/busybox"
  for a in $(/bin/busybox --list); do [[ -e $root/bin/$a ]] || ln -s busybox "$root/bin/$a"; done
}

# ---- docker-archive writer -----------------------------------------------
# mkimage NAME:TAG ROOT ENTRYPOINT_JSON CMD_JSON
mkimage() {
  local ref=$1 root=$2 entry=$3 cmd=$4 d=$WORK/img
  rm -rf "$d"; mkdir -p "$d"
  tar --sort=name --owner=0 --group=0 --numeric-owner --mtime=@0 -C "$root" -cf "$d/layer.tar" .
  local diff; diff=$(sha256sum "$d/layer.tar" | cut -d' ' -f1)
  mkdir -p "$d/$diff"; mv "$d/layer.tar" "$d/$diff/layer.tar"
  cat > "$d/config.json" <<EOJ
{"architecture":"amd64","os":"linux","created":"1970-01-01T00:00:00Z",
 "config":{"Env":["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin:/opt/bin"],"Entrypoint":$entry,"Cmd":$cmd,"WorkingDir":"/"},
 "rootfs":{"type":"layers","diff_ids":["sha256:$diff"]},
 "history":[{"created":"1970-01-01T00:00:00Z","created_by":"mini-kubeadm lab: test/e2e/lib/images.sh"}]}
EOJ
  local cfg; cfg=$(sha256sum "$d/config.json" | cut -d' ' -f1)
  mv "$d/config.json" "$d/$cfg.json"
  printf '[{"Config":"%s.json","RepoTags":["%s"],"Layers":["%s/layer.tar"]}]\n' "$cfg" "$ref" "$diff" > "$d/manifest.json"
  local file; file=$(echo "$ref" | tr '/:' '__').tar
  tar --sort=name --owner=0 --group=0 --numeric-owner --mtime=@0 -C "$d" -cf "$OUT.partial/$file" manifest.json "$cfg.json" "$diff"
  echo "$ref $file" >> "$OUT.partial/index"
  log "$ref ($(du -h "$OUT.partial/$file" | cut -f1))"
}

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
