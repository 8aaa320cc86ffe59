# The host must be as it was before a lab run (sourced).
#   host_snapshot DIR       record the host's state into DIR
#   host_compare BEFORE AFTER   print differences; return 1 when the lab changed the host
# Recorded: /tmp listing, /sys/fs/cgroup mounts and flags and cgroup directories, the
# host's mount table, iptables rules (legacy and nft, v4 and v6), links, lab processes,
# the kernel knobs the kubelet and kube-proxy would retune, paths a node must never
# create on the host, and lab networks (lib/labnet.sh): their holder processes and every
# network namespace on the machine that holds a lab bridge (br-NAME) or node link (v-NODE).
# HOSTCHECK_NODES (this run's nodes), HOSTCHECK_SENTINEL (this run's own /tmp file) and
# LAB_NETS_OURS (this run's lab networks) tell this run's changes from other users' (info). Other people may use this machine at the same time, so changes that
# cannot come from the lab (a new /tmp entry of another test, another session's process)
# are printed as info; everything the lab could have caused fails.
LAB_PROC_RE='^(kubelet|containerd|containerd-shim.*|etcd|etcdctl|kube-apiserver|kube-controller|kube-scheduler|kube-proxy|flanneld|coredns|pause|systemd|runc|mkl-supervise)$'
HOST_PATHS=(/etc/kubernetes /var/lib/kubelet /var/lib/etcd /var/lib/containerd /var/lib/cni /etc/cni /opt/cni /opt/containerd
            /usr/lib/modules /run/containerd /run/flannel /run/netns /var/log/pods /var/log/containers /root/.kube /var/run/kubernetes)

host_snapshot() {
  local d=$1 t
  mkdir -p "$d"
  ls -A /tmp | sort > "$d/tmp"
  stat -c '%a %U %G %m' /tmp > "$d/tmp-dir"
  awk '{ split($0, a, " - "); n=split(a[1], f, " "); print f[5], f[6], a[2] }' /proc/self/mountinfo | sort > "$d/mounts"
  grep '^/sys/fs/cgroup' "$d/mounts" > "$d/cgroup-mounts" || true
  # cgroups at the roots of every hierarchy and below this process's own cgroup
  { find /sys/fs/cgroup -mindepth 2 -maxdepth 2 -type d; 
    while IFS=: read -r _ c p; do [[ $p == / ]] && continue; find "/sys/fs/cgroup/${c#name=}$p" -mindepth 1 -maxdepth 3 -type d 2>/dev/null; done < /proc/self/cgroup
  } | { grep -v '/process_api$' || true; } | sort -u > "$d/cgroups"
  for t in iptables-legacy-save ip6tables-legacy-save iptables-nft-save ip6tables-nft-save; do
    command -v "$t" >/dev/null && "$t" 2>/dev/null | grep -v '^#' | sed -E 's/\[[0-9]+:[0-9]+\]/[]/' > "$d/$t" || true
  done
  ip -o link show | awk -F': ' '{print $2}' | sed 's/@.*//' | sort > "$d/links"
  ip -o addr show | awk '{print $2, $3, $4}' | sort > "$d/addrs"
  ip route show table all | sort > "$d/routes"
  # each lab process with the node whose cgroup holds it, else whether it runs in the host's PID
  # namespace (a node's processes never do: they die with their node's PID 1)
  local pid comm node hostpid; hostpid=$(readlink /proc/self/ns/pid)
  ps -eo pid=,comm= | awk -v re="$LAB_PROC_RE" '$1 != 1 && $2 ~ re' | while read -r pid comm; do
    node=$( { grep -oE 'mini-kubeadm-lab-[A-Za-z0-9.-]+' "/proc/$pid/cgroup" 2>/dev/null || true; } | head -1)
    if [[ -n $node ]]; then echo "$pid $comm node=${node#mini-kubeadm-lab-}"
    elif [[ $(readlink "/proc/$pid/ns/pid" 2>/dev/null) == "$hostpid" ]]; then echo "$pid $comm host-pidns"
    # gone between ps and these reads (another run's kubelet restarting every 10 s): nothing to judge
    elif [[ ! -e /proc/$pid ]]; then continue
    else echo "$pid $comm"; fi
  done | sort > "$d/lab-procs"
  ps -eo pid=,comm= | sort > "$d/procs"
  { for t in vm/overcommit_memory vm/panic_on_oom kernel/panic kernel/panic_on_oops kernel/keys/root_maxkeys \
             kernel/keys/root_maxbytes net/netfilter/nf_conntrack_max net/ipv4/ip_forward net/bridge/bridge-nf-call-iptables; do
      echo "$t=$(cat /proc/sys/$t 2>/dev/null)"; done
    echo "nf_conntrack.hashsize=$(cat /sys/module/nf_conntrack/parameters/hashsize 2>/dev/null)"; } > "$d/sysctls"
  for t in "${HOST_PATHS[@]}"; do if [[ -e $t || -L $t ]]; then echo "$t"; fi; done > "$d/paths"
  lab_nets > "$d/lab-nets"
}

# HOSTCHECK_NODES="n1 n2": the nodes of this run. Then cgroups and lab processes of other nodes
# (another user's run on this machine) that came or went are printed as info; what belongs to
# this run's nodes, or to no node, is kept as a change. Prints what is left of the diff.
others_nodes_as_info() {
  local f=$1 line node ours=" $HOSTCHECK_NODES " left=""
  while IFS= read -r line; do
    [[ $line == [\<\>]* ]] || continue
    # a process in no lab node's cgroup, in the host's PID namespace: started on the host by
    # someone else (test/api's API server and etcd), not by a node
    if [[ $f == lab-procs && $line == *" host-pidns" ]]; then echo "info: a process outside the lab's nodes came or went: $line" >&2; continue; fi
    if [[ $f == lab-procs ]]; then node=$( { grep -oE 'node=[^ ]+' <<< "$line" || true; } ); node=${node#node=}
    else node=$( { grep -oE 'mini-kubeadm-lab-[A-Za-z0-9.-]+' <<< "$line" || true; } | head -1); node=${node#mini-kubeadm-lab-}; fi
    if [[ -n $node && $ours != *" $node "* ]]; then echo "info: $f of another run's node $node changed: $line" >&2
    else left+="$line"$'\n'; fi
  done <<< "$2"
  printf '%s' "$left"
}

# One line per lab network found: "NAME holder=PID|none netns=INODE links=..." . Found two ways,
# so a namespace that outlived its holder (a process that entered it and stays) is seen too:
# the holder processes (argv mkl-net-NAME), and every network namespace of every process
# scanned for links named like the lab network's (br-*, v-*).
lab_nets() {
  local p ns host seen=" " links name holder
  host=$(readlink /proc/self/ns/net)
  for p in /proc/[0-9]*; do
    ns=$(readlink "$p/ns/net" 2>/dev/null) || continue
    [[ $ns == "$host" || $seen == *" $ns "* ]] && continue
    seen+="$ns "
    links=$(nsenter --net="$p/ns/net" ip -o link show 2>/dev/null | awk -F': ' '{sub(/@.*/, "", $2); print $2}' | grep -E '^(br|v)-' | sort | tr '\n' ' ') || true
    [[ -n $links ]] || continue
    name=$(echo "$links" | grep -oE '(^| )br-[^ ]+' | head -1 | sed 's/^ *br-//'); name=${name:-unknown}
    holder=none
    [[ $(tr '\0' ' ' < "$p/cmdline" 2>/dev/null) == "mkl-net-$name infinity " ]] && holder=${p#/proc/}
    echo "$name holder=$holder ${ns#net:} links=${links% }"
  done
  # a holder whose namespace shows no lab link (e.g. its bridge was never made)
  while read -r p name; do
    name=${name#mkl-net-}
    [[ $seen == *" $(readlink "/proc/$p/ns/net") "* ]] && nsenter -t "$p" -n ip -o link show 2>/dev/null | grep -qE ': (br|v)-' && continue
    echo "$name holder=$p $(readlink "/proc/$p/ns/net" | sed 's/^net://') links="
  done < <(ps -eo pid=,args= | awk '$2 ~ /^mkl-net-/ && $3 == "infinity" {print $1, $2}')
  return 0
}
# lab networks that differ between two snapshots: ours (LAB_NETS_OURS, default $LAB_NET) fail,
# other people's (another helper's run on this machine) are info
lab_nets_compare() {
  local b=$1 a=$2 bad=0 line name ours=" ${LAB_NETS_OURS:-${LAB_NET:-}} "
  while read -r line; do
    [[ -n $line ]] || continue
    name=${line%% *}
    if [[ $ours == *" $name "* || $name == unknown ]]; then echo "HOST CHANGED: lab network: $line"; bad=1
    else echo "info: another lab network changed during the run: $line"; fi
  done < <({ diff <(sed -E 's/ holder=[0-9]+/ holder=P/' "$b") <(sed -E 's/ holder=[0-9]+/ holder=P/' "$a") || true; } | sed -n 's/^[<>] //p')
  return $bad
}

host_compare() {
  local b=$1 a=$2 bad=0 f diffs
  for f in tmp-dir mounts cgroup-mounts cgroups iptables-legacy-save ip6tables-legacy-save iptables-nft-save ip6tables-nft-save \
           links addrs routes lab-procs sysctls paths; do
    [[ -f $b/$f || -f $a/$f ]] || continue
    if ! diffs=$(diff "$b/$f" "$a/$f" 2>&1) && [[ -n ${HOSTCHECK_NODES:-} && ( $f == cgroups || $f == lab-procs ) ]]; then
      diffs=$(others_nodes_as_info "$f" "$diffs")   # nodes of other runs on this machine: info
      [[ -z $diffs ]] && continue
    fi
    # npm test's network namespaces (test/helpers/netns.ts: mk-*, never a lab name) come and go
    # with other sessions' test runs: info
    if [[ $f == mounts && -n $diffs ]]; then
      local theirs; theirs=$(grep -E '^[<>] .*(/run/netns/mk-| mk-reset-test)' <<< "$diffs" || true)
      [[ -n $theirs ]] && echo "info: npm test's network namespaces came or went during the run: $(echo $theirs | head -c 300)"
      diffs=$(grep -E '^[<>]' <<< "$diffs" | grep -vE '(/run/netns/mk-| mk-reset-test)' || true)
    fi
    if [[ -n $diffs ]]; then
      echo "HOST CHANGED: $f"; echo "$diffs" | sed 's/^/    /' | head -30; bad=1
    fi
  done
  if [[ -f $b/lab-nets && -f $a/lab-nets ]]; then lab_nets_compare "$b/lab-nets" "$a/lab-nets" || bad=1; fi
  # /tmp: a removed entry is what a node's systemd-tmpfiles does; entries named like a
  # node's files are the lab's; other new entries may be other people's tests (info)
  local gone new
  gone=$(comm -23 "$b/tmp" "$a/tmp"); new=$(comm -13 "$b/tmp" "$a/tmp")
  if [[ -n $gone ]]; then
    local n; n=$(echo "$gone" | wc -l)
    # the sentinel (HOSTCHECK_SENTINEL: each kind of run its own, another run's end removes its own
    # only) is made before the run: gone means /tmp was emptied
    # more than 3 gone fails too, unless the run has a sentinel of its own (nobody else removes it)
    if (( n > 3 )) && [[ -z ${HOSTCHECK_SENTINEL:-} ]] || [[ ! -e ${HOSTCHECK_SENTINEL:-/tmp/.mini-kubeadm-lab-sentinel} || ${LAB_STRICT_HOST:-0} == 1 ]]; then
      echo "HOST CHANGED: /tmp lost $n entries:"; echo "$gone" | head -20 | sed 's/^/    /'; bad=1
    else echo "info: /tmp entries gone during the run (another user's cleanup?): $(echo $gone)"; fi
  fi
  if [[ -n $new ]]; then
    # names a node's components would use (a node has its own /tmp, so these mean a leak);
    # LAB_STRICT_HOST=1 (a machine nobody else uses) fails on any new entry
    local ours; ours=$(echo "$new" | grep -E '^(containerd|kubelet|kubeadm|kube-|etcd|flannel|cni|crictl|systemd-|runc|coredns|mkl|node-a)' || true)
    [[ ${LAB_STRICT_HOST:-0} == 1 ]] && ours=$new
    if [[ -n $ours ]]; then
      echo "HOST CHANGED: new /tmp entries from the lab:"; echo "$ours" | sed 's/^/    /' | head -20; bad=1
    else echo "info: new /tmp entries, not named like the lab's (other users' tests?): $(echo $new | head -c 300)"; fi
  fi
  local newp; newp=$(comm -13 "$b/procs" "$a/procs" | awk '$2 !~ /^(ps|sort|awk|bash|sh|sleep|comm|diff)$/' | head -10)
  [[ -n $newp ]] && echo "info: processes that appeared during the run and still run (not lab names): $(echo $newp)"
  return $bad
}
