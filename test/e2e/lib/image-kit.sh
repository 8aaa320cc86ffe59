#!/usr/bin/env bash
# Helpers that make a container image without a Docker engine, sourced by lib/images.sh and
# lib/test-images.sh: a root directory filled from this machine's files, written by mkimage as
# a docker-archive tarball into $OUT.partial (listed in its index), working files in $WORK.

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
