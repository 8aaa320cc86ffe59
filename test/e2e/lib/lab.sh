# Shared by e2e.sh, bench-lab.sh, faults.sh, join.sh, status.sh, certs.sh, cis.sh and conformance.sh (sourced): the tool
# under test, node helpers, waits, diagnostics, dependency setup.
E2E_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# the mini-kubeadm checkout whose build the nodes get (E2E_REPO: another worktree's build)
REPO=${E2E_REPO:-$(cd "$E2E_DIR/../.." && pwd)}
# shellcheck source=../lab-versions.env
. "$E2E_DIR/lab-versions.env"
export LAB_CACHE=${LAB_CACHE:-$HOME/.cache/mini-kubeadm-lab}
NODE_SH=$E2E_DIR/node.sh
NODE=${LAB_NODE:-node-a}
E2E_TOOL=${E2E_TOOL:-kubeadm}
# how mini-kubeadm reaches a node: package (bin, dist, templates, node_modules, run by the host's
# node) or sea (the single executable dist/sea/mini-kubeadm alone, in a node without node)
E2E_INSTALL=${E2E_INSTALL:-package}

now() { date +%s.%N; }
since() { awk -v a="$1" -v b="$(now)" 'BEGIN{printf "%.1f", b-a}'; }
log() { echo "[lab $(date +%T)] $*" >&2; }

# ---- the one tool-specific part: the command lines for init, join and reset, run in the node
# (E2E_PROFILE=NAME: mini-kubeadm's init runs with --profile NAME; kubeadm has no profiles)
# (join: the arguments follow, kubeadm's CLI: HOST:PORT --token T --discovery-token-ca-cert-hash sha256:H)
tool_cmd() {
  case $E2E_TOOL:$1 in
    kubeadm:init)       [[ -z ${E2E_PROFILE:-} ]] || { echo "E2E_PROFILE=$E2E_PROFILE: kubeadm has no --profile (use E2E_TOOL=mini-kubeadm)" >&2; return 2; }
                        echo "kubeadm init --config /root/init-config.yaml" ;;
    kubeadm:join)       echo "kubeadm join" ;;
    kubeadm:reset)      echo "kubeadm reset --force" ;;
    mini-kubeadm:init)  echo "$(mk_in_node) init --config /root/init-config.yaml${E2E_PROFILE:+ --profile $E2E_PROFILE}" ;;
    mini-kubeadm:join)  echo "$(mk_in_node) join" ;;
    mini-kubeadm:reset) echo "$(mk_in_node) reset --force" ;;
    *) echo "unknown E2E_TOOL=$E2E_TOOL (kubeadm|mini-kubeadm)" >&2; return 2 ;;
  esac
}
# can the tool run at all? (mini-kubeadm needs `npm run build` first)
tool_available() {
  case $E2E_TOOL in
    kubeadm) return 0 ;;
    mini-kubeadm) case $E2E_INSTALL in
        package) [[ -f $REPO/dist/src/main.js ]] && node "$REPO/bin/mini-kubeadm" init --help >/dev/null 2>&1 ;;
        sea) "$REPO/dist/sea/mini-kubeadm" init --help >/dev/null 2>&1 ;;
        *) echo "unknown E2E_INSTALL=$E2E_INSTALL (package|sea)" >&2; return 1 ;;
      esac ;;
    *) return 1 ;;
  esac
}

# ---- node helpers -------------------------------------------------------------------
nx() { bash "$NODE_SH" exec -- "$@"; }                          # run in the node
kc() { nx kubectl --kubeconfig /etc/kubernetes/admin.conf "$@"; } # kubectl as admin, in the node
on() { local n=$1; shift; LAB_NODE=$n bash "$NODE_SH" exec -- "$@"; }  # run in the node named
# mini-kubeadm is installed into each node as a user would install it (the built package under
# /opt), so the node never depends on where the checkout lives (CI clones under /tmp, which a
# node does not see: it gets a fresh /tmp)
MK_IN_NODE=/opt/mini-kubeadm
# the command line that runs mini-kubeadm in a node, as node_install_tool installed it
mk_in_node() { if [[ $E2E_INSTALL == sea ]]; then echo "$MK_IN_NODE/mini-kubeadm"; else echo "node $MK_IN_NODE/bin/mini-kubeadm"; fi; }
node_install_tool() {
  [[ $E2E_TOOL == mini-kubeadm ]] || return 0
  local dest; dest="$(node_state_dir)$MK_IN_NODE"
  mkdir -p "$dest"
  if [[ $E2E_INSTALL == sea ]]; then
    # the one file, and no Node.js: the node's /usr is an overlay over the host's, so the host's
    # node is removed in the node's upper layer only (a whiteout there; the host keeps its node)
    install -m 0755 "$REPO/dist/sea/mini-kubeadm" "$dest/mini-kubeadm"
    nx sh -c 'for n in $(which -a node); do rm -f "$n"; done; ! command -v node' >/dev/null \
      || { echo "node is still on the PATH in node $NODE" >&2; return 1; }
  else
    cp -a "$REPO/package.json" "$REPO/bin" "$REPO/dist" "$REPO/templates" "$REPO/node_modules" "$dest/"
  fi
}
node_up() { bash "$NODE_SH" up && node_install_tool; }
node_down() { bash "$NODE_SH" down; }
node_state_dir() { echo "${LAB_STATE_ROOT:-/var/lib/mini-kubeadm-lab}/$NODE"; }
# put a file into the node's /root (a fresh home, per node)
node_put_root_file() { install -m 0600 /dev/stdin "$(node_state_dir)/root/$1"; }
render_init_config() { sed "s|@K8S_VERSION@|$K8S_VERSION|" "$E2E_DIR/manifests/init-config.yaml"; }
render_flannel() { sed -e "s|@FLANNEL_IMAGE@|$IMG_FLANNEL|" -e "s|@FLANNEL_CNI_IMAGE@|$IMG_FLANNEL_CNI|" "$E2E_DIR/manifests/kube-flannel.yaml"; }
# the lab's init on the node (manifests/init-config.yaml), its output into OUT; init's exit code
lab_init() { render_init_config | node_put_root_file init-config.yaml; nx sh -c "$(tool_cmd init)" > "$1" 2>&1; }

# the test image sleeping, tolerating every taint: a pod spec's fields, indented by $1 spaces
sleeper_spec() {
  sed "s/^/$(printf '%*s' "$1" '')/" <<EOM
terminationGracePeriodSeconds: 1
tolerations: [{operator: Exists}]
containers:
- {name: t, image: $IMG_TEST, imagePullPolicy: Never, command: [sleep, "3600"]}
EOM
}
# a Pod NAME in namespace NS of the sleeping test image
apply_sleeper_pod() {
  kc apply -f - > /dev/null <<EOM
apiVersion: v1
kind: Pod
metadata: {name: $1, namespace: $2}
spec:
$(sleeper_spec 2)
EOM
}
# a DaemonSet NAME in kube-system (label app=NAME) of the sleeping test image, on every node
apply_sleeper_ds() {
  kc apply -f - > /dev/null <<EOM
apiVersion: apps/v1
kind: DaemonSet
metadata: {name: $1, namespace: kube-system}
spec:
  selector: {matchLabels: {app: $1}}
  template:
    metadata: {labels: {app: $1}}
    spec:
$(sleeper_spec 6)
EOM
}

# wait_until SECONDS CMD...: poll CMD every 0.5 s until it succeeds
wait_until() {
  local end=$(( $(date +%s) + $1 )); shift
  until "$@" >/dev/null 2>&1; do (( $(date +%s) < end )) || return 1; sleep 0.5; done
}

api_healthy() { nx curl -sk --max-time 2 "https://${LAB_NODE_IP:-172.31.0.2}:6443/readyz" 2>/dev/null | grep -qx ok; }
node_ready() { [[ $(kc get node "$NODE" -o 'jsonpath={.status.conditions[?(@.type=="Ready")].status}' 2>/dev/null) == True ]]; }
# every pod in the namespaces given is Running and Ready (and there is at least one)
pods_ready() {
  local ns out
  for ns in "$@"; do
    out=$(kc get pods -n "$ns" --no-headers -o 'custom-columns=P:.status.phase,R:.status.conditions[?(@.type=="Ready")].status' 2>/dev/null) || return 1
    [[ -n $out ]] || return 1
    echo "$out" | awk '$1!="Running" || $2!="True" {bad=1} END {exit bad}' || return 1
  done
}
# the Ready state of a fresh cluster: node Ready, every kube-system and kube-flannel pod Ready, kube-dns answers
cluster_ready() { node_ready && pods_ready kube-system kube-flannel && dns_answers; }
dns_answers() { # kube-dns answers for the kubernetes Service, asked from the node
  nx busybox nslookup kubernetes.default.svc.cluster.local 10.96.0.10 2>/dev/null | grep -q '10\.96\.0\.1$'
}

# ---- diagnostics ---------------------------------------------------------------------
diagnose() {
  echo "======== diagnostics (node $NODE) ========"
  bash "$NODE_SH" status || true
  echo "---- kubelet log (last 60 lines)"; bash "$NODE_SH" logs kubelet 2>/dev/null | tail -n 60
  echo "---- containerd log (last 15 lines)"; bash "$NODE_SH" logs containerd 2>/dev/null | tail -n 15
  echo "---- pods"; kc get pods -A -o wide 2>&1 | head -40
  echo "---- events"; kc get events -A --sort-by=.lastTimestamp 2>&1 | tail -n 20
  echo "---- containers"; nx crictl ps -a 2>&1 | head -40
  echo "---- DNS: kube-dns endpoints, the node's NAT rules for 10.96.0.10, a query from the node"
  kc get endpointslices -n kube-system -l kubernetes.io/service-name=kube-dns -o wide 2>&1 | head -5
  nx sh -c 'iptables-save -t nat 2>/dev/null | grep -E "10\.96\.0\.10|KUBE-SEP" | head -20'
  nx busybox nslookup kubernetes.default.svc.cluster.local 10.96.0.10 2>&1 | head -8
  echo "---- kube-proxy log (last 20 lines)"; kc logs -n kube-system -l k8s-app=kube-proxy --tail 20 2>&1
  local id name
  # logs of every container that is not running, or has restarted
  while read -r id name; do
    echo "---- log of container $name ($id), last 30 lines"; nx crictl logs --tail 30 "$id" 2>&1
  done < <(nx crictl ps -a -o json 2>/dev/null | jq -r '.containers[] | select(.state != "CONTAINER_RUNNING" or ((.annotations["io.kubernetes.container.restartCount"] // "0") != "0")) | "\(.id) \(.metadata.name)"' 2>/dev/null | head -8)
  echo "======== end of diagnostics ========"
}

# the join command init printed: ENDPOINT --token T --discovery-token-ca-cert-hash sha256:H
join_args_from() {
  local f=$1 ep tok hash
  ep=$(grep -oE 'join [0-9.]+:[0-9]+' "$f" | head -1 | cut -d' ' -f2)
  tok=$(grep -oE -- '--token [a-z0-9]{6}\.[a-z0-9]{16}' "$f" | head -1 | cut -d' ' -f2)
  hash=$(grep -oE 'sha256:[0-9a-f]{64}' "$f" | head -1)
  [[ -n $ep && -n $tok && -n $hash ]] || return 1
  echo "$ep --token $tok --discovery-token-ca-cert-hash $hash"
}

# ---- dependencies: Debian packages, builds, images ----------------------------------
ensure_packages() { # the Debian packages named (one word list) that are not installed yet
  local missing=() p
  for p in $1; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
  done
  ((${#missing[@]})) || return 0
  log "installing Debian packages: ${missing[*]}"
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
}
ensure_deps() {
  local t0=$SECONDS
  ensure_packages "$DEBIAN_PACKAGES"
  [[ -x /usr/local/go/bin/go ]] || { echo "Go is required at /usr/local/go (lab builds)" >&2; return 1; }
  bash "$E2E_DIR/lib/build.sh"
  bash "$E2E_DIR/lib/images.sh" >/dev/null
  log "dependencies ready in $((SECONDS - t0))s"
}
