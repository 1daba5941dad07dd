#!/usr/bin/env bash
# What can be checked of the container image (deploy/container/Containerfile) on a machine
# that cannot build it (no container engine runs here, docker is only a client):
#
#   container_test.sh libraries BIN CONTAINERFILE
#     every library BIN links (ldd) belongs to a package the runtime stage installs, or to
#     one those bring with them (their Depends, from dpkg's database: the image is Debian 12
#     as this machine is); and every lib* package it installs is one the binary links.
#   container_test.sh refusals BIN CONTAINERFILE
#     the check above refuses a copy without the libsodium package, and one with a library
#     package the binary does not link.
#   container_test.sh commands BIN CONTAINERFILE CONFIG
#     the port, volume, user and stop signal agree with CONFIG (the image's deliverer.toml),
#     which `config check` accepts; CMD is `serve` on that file; and the HEALTHCHECK command,
#     run as written against a real `serve` on the image's configuration, exits 0, then 1
#     once serve has stopped.
set -euo pipefail
mode=$1 bin=$2 containerfile=$3
fail=0
problem() { echo "FAIL: $*" >&2; fail=1; }
installed() { [[ $(dpkg-query -W -f='${Status}' "$1" 2>/dev/null) == "install ok installed" ]]; }

# The Containerfile with its continuation lines joined.
joined=$(sed -e ':a' -e '/\\$/N; s/\\\n//; ta' "$containerfile")

# Library path → owning package, for every library `ldd` finds in BIN: one dpkg -S for all
# (it is slow per call), by each library's real path; dpkg may know a path only without
# the /usr of a merged /usr, so those it missed are asked again that way.
declare -A owner_of=()
find_owners() {
  local -a libs=("$@") real=() missed=()
  local lib line
  for lib in "${libs[@]}"; do real+=("$(readlink -f "$lib")"); done
  while IFS= read -r line; do
    [[ "$line" == *": /"* ]] && owner_of[${line##*: }]=${line%%:*}
  done < <(dpkg -S "${real[@]}" 2>/dev/null || true)
  for lib in "${real[@]}"; do [[ -z ${owner_of[$lib]:-} ]] && missed+=("$lib"); done
  for lib in "${missed[@]}"; do
    line=$(dpkg -S "${lib#/usr}" 2>/dev/null | head -1) || continue
    owner_of[$lib]=${line%%:*}
  done
}

check_libraries() {
  mapfile -t listed < <(awk '/^FROM /{runtime = ($2 == "debian:12-slim")}
                             runtime && /^ +[a-z0-9][a-z0-9.+-]+ \\$/ {print $1}' "$containerfile")
  [[ ${#listed[@]} -gt 0 ]] || { problem "no runtime packages found in $containerfile"; return; }
  # What the listed packages bring with them, from dpkg's database.
  declare -A closure=()
  local queue=("${listed[@]}") p dep
  while ((${#queue[@]} > 0)); do
    p=${queue[0]%%:*}; queue=("${queue[@]:1}")
    [[ -n ${closure[$p]:-} ]] && continue
    if ! installed "$p"; then problem "$p (Containerfile) is not an installed package here: misspelt?"; continue; fi
    closure[$p]=1
    while read -r dep; do
      dep=${dep%%:*}
      [[ -n "$dep" ]] && installed "$dep" && queue+=("$dep")
    done < <(dpkg-query -W -f='${Depends}, ${Pre-Depends}' "$p" | tr ',|' '\n\n' | sed 's/(.*)//; s/^ *//; s/ *$//')
  done

  declare -A linked=()
  local lib pkg
  mapfile -t libs < <(ldd "$bin" | sed -n 's/.*=> \(\/[^ ]*\).*/\1/p; s/^\s*\(\/[^ ]*\) (.*/\1/p')
  find_owners "${libs[@]}"
  for lib in "${libs[@]}"; do
    pkg=${owner_of[$(readlink -f "$lib")]:-}
    if [[ -z "$pkg" ]]; then problem "$lib: no package owns it"; continue; fi
    linked[$pkg]=1
    [[ -n ${closure[$pkg]:-} ]] || problem "$lib comes from $pkg, which the runtime stage does not install"
  done
  [[ ${#linked[@]} -gt 0 ]] || problem "ldd found no library in $bin"
  for p in "${listed[@]}"; do
    [[ $p == lib* && -z ${linked[$p]:-} ]] && problem "$p (Containerfile) holds no library the binary links"
  done
  [[ $fail -eq 0 ]] && echo "${#linked[@]} packages of linked libraries, all installed by ${#listed[@]} runtime packages"
  return 0
}

# The check above must refuse a Containerfile that lacks a library the binary links, and one
# that installs a library it does not.
check_refusals() {
  local work copy pkg
  work=$(mktemp -d)
  trap 'rm -rf "$work"' RETURN
  pkg=$(awk '/^FROM /{runtime = ($2 == "debian:12-slim")} runtime && /^ +libsodium[0-9]* \\$/ {print $1}' "$containerfile")
  [[ -n "$pkg" ]] || { problem "no libsodium package in the runtime stage to leave out"; return; }
  sed "/^ *$pkg \\\\\$/d" "$containerfile" >"$work/without"
  # An image library, installed here (Chromium's) and never one a gateway links.
  sed "s/^\( *\)$pkg \\\\\$/&\n\1libpng16-16 \\\\/" "$containerfile" >"$work/extra"
  for copy in without extra; do
    if "$0" libraries "$bin" "$work/$copy" >"$work/$copy.log" 2>&1; then
      problem "a Containerfile $copy a package was not refused"
    else
      echo "refused as expected ($copy): $(grep FAIL "$work/$copy.log" | head -1)"
    fi
  done
}

check_commands() {
  local config=$1 work pid="" url="" port
  work=$(mktemp -d)
  trap 'if [[ -n "$pid" ]]; then kill -KILL "$pid" 2>/dev/null || true; fi; rm -rf "$work"' RETURN
  port=$(sed -n 's/^listen = "[^"]*:\([0-9]*\)".*/\1/p' "$config")
  grep -Eq "^EXPOSE $port\$" <<<"$joined" || problem "EXPOSE is not the configured port $port"
  local data
  data=$(sed -n 's/^path = "\([^"]*\)".*/\1/p' "$config")
  grep -Fq "VOLUME [\"$data\"]" <<<"$joined" || problem "VOLUME is not the configured [storage] path $data"
  grep -Eq '^USER [1-9][0-9]*:[1-9][0-9]*$' <<<"$joined" || problem "USER must be a numeric non-root user:group"
  grep -Eq '^STOPSIGNAL SIGTERM$' <<<"$joined" || problem "STOPSIGNAL must be SIGTERM (serve drains on it)"
  grep -Fq "COPY deploy/container/deliverer.toml /etc/deliverer/deliverer.toml" <<<"$joined" ||
    problem "the configuration is not copied to /etc/deliverer/deliverer.toml"
  grep -Fq 'CMD ["serve", "--config", "/etc/deliverer/deliverer.toml"]' <<<"$joined" ||
    problem "CMD is not serve on /etc/deliverer/deliverer.toml"
  export DELIVERER_WEBHOOK_SECRET=container-test-secret-0123456789
  "$bin" config check --config "$config" >"$work/check.log" 2>&1 || problem "config check: $(cat "$work/check.log")"

  # The HEALTHCHECK's exec form, word by word.
  mapfile -t health < <(grep '^HEALTHCHECK' <<<"$joined" | sed 's/.* CMD \[//; s/\]$//' | grep -o '"[^"]*"' | tr -d '"')
  [[ ${#health[@]} -gt 1 && ${health[0]} == /usr/bin/deliverer && ${health[1]} == health ]] ||
    { problem "HEALTHCHECK is not \`/usr/bin/deliverer health …\`: ${health[*]:-none}"; return; }
  [[ " ${health[*]} " == *"127.0.0.1:$port/healthz"* ]] || problem "HEALTHCHECK does not probe port $port's /healthz"

  # A real serve on the image's configuration (its own folder, a free port), probed as written.
  sed -e "s#^listen = \"[^\"]*\"#listen = \"127.0.0.1:0\"#" -e "s#^path = \"[^\"]*\"#path = \"$work/data\"#" \
    "$config" >"$work/serve.toml"
  "$bin" serve --config "$work/serve.toml" >"$work/serve.log" 2>&1 &
  pid=$!
  for _ in $(seq 1 300); do
    url=$(grep -o 'listening on http://[0-9.:]*' "$work/serve.log" | head -1 | sed 's/listening on //') || true
    [[ -n "$url" ]] && break
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  [[ -n "$url" ]] || { problem "serve did not start: $(tail -5 "$work/serve.log")"; return; }
  local probe=("$bin" "${health[@]:1}")
  probe=("${probe[@]/127.0.0.1:$port/${url#http://}}")
  "${probe[@]}" >"$work/health.log" 2>&1 || problem "the HEALTHCHECK failed against serve: $(cat "$work/health.log")"
  kill -TERM "$pid"
  wait "$pid" || problem "serve did not stop cleanly on SIGTERM"
  pid=""
  local code=0
  "${probe[@]}" >"$work/health.log" 2>&1 || code=$?
  [[ $code -eq 1 ]] || problem "the HEALTHCHECK exits $code once serve stopped, not 1: $(cat "$work/health.log")"
  echo "HEALTHCHECK (${health[*]}) is healthy while serve runs and unhealthy once it stopped"
}

case "$mode" in
  libraries) check_libraries ;;
  refusals) check_refusals ;;
  commands) check_commands "$4" ;;
  *) echo "usage: $0 libraries|refusals|commands BIN CONTAINERFILE [CONFIG]" >&2; exit 2 ;;
esac
exit $fail
