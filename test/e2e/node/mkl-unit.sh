# Shared by mkl-supervise and systemctl inside a lab node: where unit state lives and
# how a unit file (plus drop-ins) is read. Sourced, not run.
MKL_UNITS=/run/mkl/units
MKL_UNIT_PATH=(/etc/systemd/system /usr/local/lib/systemd/system /lib/systemd/system)
MKL_PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin

unit_name() { local u=${1%.service}; echo "$u"; }

# unit_files UNIT: the unit file then its drop-ins (*.conf, sorted by name), like systemd
unit_files() {
  local u=$1 d f main="" drops=()
  for d in "${MKL_UNIT_PATH[@]}"; do
    if [[ -z $main && -f $d/$u.service ]]; then main=$d/$u.service; fi
  done
  [[ -n $main ]] || return 1
  echo "$main"
  for d in "${MKL_UNIT_PATH[@]}"; do
    for f in "$d/$u.service.d"/*.conf; do [[ -f $f ]] && drops+=("$(basename "$f") $f"); done
  done
  printf '%s\n' "${drops[@]}" | sort | awk 'NF{print $2}'
}

# strip_quotes 'VALUE'
strip_quotes() { local v=$1; if [[ $v == \"*\" || $v == \'*\' ]]; then v=${v:1:${#v}-2}; fi; printf '%s' "$v"; }

# read_unit UNIT: sets UNIT_ENV (assoc), UNIT_EXEC (string), UNIT_PRE (array),
# UNIT_RESTART_SEC (seconds, may be fractional), UNIT_NOFILE. EnvironmentFile= is read now,
# so a file written by kubeadm (kubeadm-flags.env) is picked up at each (re)start.
read_unit() {
  local u=$1 f line key val tok
  declare -gA UNIT_ENV=(); UNIT_EXEC=""; UNIT_PRE=(); UNIT_RESTART_SEC=0.1; UNIT_NOFILE=""
  while IFS= read -r f; do
    while IFS= read -r line || [[ -n $line ]]; do
      line=${line#"${line%%[![:space:]]*}"}
      [[ -z $line || $line == \#* || $line == \;* || $line == \[* ]] && continue
      key=${line%%=*}; val=${line#*=}
      case $key in
        Environment)
          # one or more assignments, each optionally double-quoted
          while [[ -n $val ]]; do
            val=${val#"${val%%[![:space:]]*}"}; [[ -z $val ]] && break
            if [[ $val == \"* ]]; then tok=${val:1}; tok=${tok%%\"*}; val=${val:${#tok}+2}
            else tok=${val%%[[:space:]]*}; val=${val:${#tok}}; fi
            UNIT_ENV[${tok%%=*}]=${tok#*=}
          done ;;
        EnvironmentFile)
          local opt=0 ef=$val; [[ $ef == -* ]] && { opt=1; ef=${ef#-}; }
          if [[ -f $ef ]]; then
            local l
            while IFS= read -r l || [[ -n $l ]]; do
              l=${l#"${l%%[![:space:]]*}"}; [[ -z $l || $l == \#* || $l != *=* ]] && continue
              UNIT_ENV[${l%%=*}]=$(strip_quotes "${l#*=}")
            done < "$ef"
          elif [[ $opt == 0 ]]; then echo "EnvironmentFile $ef missing" >&2; return 1; fi ;;
        ExecStart) UNIT_EXEC=$val ;;
        ExecStartPre) [[ -z $val ]] && UNIT_PRE=() || UNIT_PRE+=("$val") ;;
        RestartSec) val=${val%s}; [[ $val == *m ]] && val=0.$(printf '%03d' "${val%m}"); UNIT_RESTART_SEC=$val ;;
        LimitNOFILE) UNIT_NOFILE=$val ;;
      esac
    done < "$f"
  done < <(unit_files "$u")
}

# expand_exec 'LINE': prints one argv word per line. $VAR splits on whitespace and ${VAR}
# stays one word, as systemd does; a leading '-' (ignore failure) is dropped.
expand_exec() {
  local line=${1#-} w name
  for w in $line; do
    if [[ $w =~ ^\$\{([A-Za-z_][A-Za-z0-9_]*)\}$ ]]; then
      printf '%s\n' "${UNIT_ENV[${BASH_REMATCH[1]}]-}"
    elif [[ $w =~ ^\$([A-Za-z_][A-Za-z0-9_]*)$ ]]; then
      name=${BASH_REMATCH[1]}
      for x in ${UNIT_ENV[$name]-}; do printf '%s\n' "$x"; done
    else
      printf '%s\n' "$w"
    fi
  done
}
