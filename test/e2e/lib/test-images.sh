#!/usr/bin/env bash
# Build the images the conformance subset (conformance.sh) runs, under the names e2e.test of
# K8S_VERSION expects (test/utils/image/manifest.go): agnhost and its previous tag (the Go
# program of that Kubernetes version, with busybox, curl, dig, getent and netcat beside it),
# busybox, and glibc-dns-testing (dig and getent on glibc). pause is the lab's own image set's.
#   bash test/e2e/lib/test-images.sh      -> prints the directory holding the *.tar files
# Needs e2e-test@K8S_VERSION built (build.sh e2e-test) and the Debian packages of
# CONFORMANCE_PACKAGES; tarballs are cached in $LAB_CACHE/test-images@<key>/, key = hash of every input.
set -euo pipefail
E2E_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# shellcheck source=../lab-versions.env
. "$E2E_DIR/lab-versions.env"
LAB_CACHE=${LAB_CACHE:-$HOME/.cache/mini-kubeadm-lab}
AGNHOST=$LAB_CACHE/e2e-test@$K8S_VERSION/bin/agnhost
log() { echo "[test-images $(date +%T)] $*" >&2; }
[[ -x $AGNHOST ]] || { echo "agnhost missing: run bash test/e2e/lib/build.sh e2e-test" >&2; exit 1; }

key=$( { cat "${BASH_SOURCE[0]}" "$E2E_DIR/lib/image-kit.sh" "$E2E_DIR/lab-versions.env" "$LAB_CACHE/e2e-test@$K8S_VERSION/.done";
         dpkg-query -W busybox-static curl bind9-dnsutils netcat-openbsd libc-bin dash 2>/dev/null; } | sha256sum | cut -c1-12)
OUT=$LAB_CACHE/test-images@$key
if [[ -f $OUT/.done ]]; then echo "$OUT"; exit 0; fi

WORK=$(mktemp -d "$LAB_CACHE/.test-images-work.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
mkdir -p "$OUT.partial"
. "$E2E_DIR/lib/image-kit.sh"

# OpenBSD's netcat as nc, run by dash as /bin/sh: the Services tests run `sh -c '... | nc -v -t -w 2 ...'`
# in agnhost and busybox pods, and Debian's static busybox sh runs its own nc applet (which has no
# -v) before any nc on the PATH
add_nc_and_sh() {
  local root=$1
  add_file /bin/nc.openbsd "$root/usr/bin/nc"; add_libs "$root" /bin/nc.openbsd
  rm -f "$root/bin/sh"; add_file /bin/dash "$root/bin/sh"; add_libs "$root" /bin/dash
}

add_dns_tools() { # busybox, curl, dig, getent and netcat with their libraries; resolving as glibc does
  local root=$1 b
  add_busybox "$root"
  for b in /usr/bin/curl /usr/bin/dig /usr/bin/getent; do add_file "$b" "$root$b"; add_libs "$root" "$b"; done
  add_nc_and_sh "$root"
  printf 'hosts: files dns\n' > "$root/etc/nsswitch.conf"
  cp /etc/protocols /etc/services "$root/etc/"
}

E=$E2E_TEST_IMG_REGISTRY
# the previous agnhost tag (rollouts change the image to it) is the same program with its own
# /VERSION, so that the two are different images
for tag in "$E2E_AGNHOST_TAG" "$E2E_AGNHOST_PREV_TAG"; do
  r=$(new_root "agnhost-$tag"); add_file "$AGNHOST" "$r/agnhost"; add_dns_tools "$r"; echo "$tag" > "$r/VERSION"
  mkimage "$E/agnhost:$tag" "$r" '["/agnhost"]' '["pause"]'
done

r=$(new_root busybox); add_busybox "$r"; add_nc_and_sh "$r"   # the Services tests' exec pods run `nc -v` here too
mkimage "$E/busybox:$E2E_BUSYBOX_TAG" "$r" null '["sh"]'

r=$(new_root glibc-dns); add_dns_tools "$r"
mkimage "$E/glibc-dns-testing:$E2E_GLIBC_DNS_TAG" "$r" null '["sh"]'

date -u +%FT%TZ > "$OUT.partial/.done"
rm -rf "$OUT"; mv "$OUT.partial" "$OUT"
for old in "$LAB_CACHE"/test-images@*; do [[ $old == "$OUT" ]] || rm -rf "$old"; done
log "test images ready in $OUT"
echo "$OUT"
