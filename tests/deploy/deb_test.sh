#!/usr/bin/env bash
# The Debian package, installed on this machine as an operator would (apt-get install
# ./deliverer_*.deb), then `serve` started as the package's user on the package's data
# folder; removed and purged afterwards. Needs root: exit 77 (skipped) otherwise.
# Usage: deb_test.sh BUILD_DIR
set -euo pipefail
build=$1
if [[ $(id -u) -ne 0 ]]; then echo "needs root to install a package: skipped"; exit 77; fi
export DEBIAN_FRONTEND=noninteractive
work=$(mktemp -d)
pid=""
cleanup() {
  [[ -n "$pid" ]] && kill -KILL "$pid" 2>/dev/null || true
  apt-get purge -y -qq deliverer >/dev/null 2>&1 || true
  rm -rf /var/lib/deliverer "$work"
}
trap cleanup EXIT
fail() { echo "FAIL: $*" >&2; [[ -f "$work/serve.log" ]] && tail -20 "$work/serve.log" >&2; exit 1; }

apt-get purge -y -qq deliverer >/dev/null 2>&1 || true
rm -rf /var/lib/deliverer
(cd "$build" && cpack -G DEB -B "$work/pkg" >/dev/null) || fail "cpack could not build the package"
deb=$(ls "$work"/pkg/deliverer_*.deb)
chmod 0755 "$work" "$work/pkg"; chmod 0644 "$deb"  # apt's sandbox user reads it
apt-get install -y -qq "$deb" >"$work/apt.log" 2>&1 || { cat "$work/apt.log" >&2; fail "apt-get install"; }

# What the package put in place.
[[ -x /usr/bin/deliverer ]] || fail "no /usr/bin/deliverer"
getent passwd deliverer >/dev/null || fail "no deliverer user"
[[ $(stat -c '%U %a' /var/lib/deliverer) == "deliverer 700" ]] || fail "data folder: $(stat -c '%U %a' /var/lib/deliverer)"
[[ $(stat -c '%U:%G %a' /etc/deliverer/deliverer.toml) == "root:deliverer 640" ]] || fail "config: $(stat -c '%U:%G %a' /etc/deliverer/deliverer.toml)"
[[ $(stat -c '%a %s' /etc/deliverer/webhook-secret) == "640 64" ]] || fail "webhook secret: $(stat -c '%a %s' /etc/deliverer/webhook-secret)"
[[ -f /lib/systemd/system/deliverer.service ]] || fail "no unit"
out=$(systemd-analyze verify /lib/systemd/system/deliverer.service 2>&1) || fail "systemd-analyze verify: $out"
[[ -z "$out" ]] || fail "systemd-analyze verify: $out"
/usr/bin/deliverer config check --config /etc/deliverer/deliverer.toml >/dev/null || fail "the packaged config does not check"

# serve as the package's user, on its data folder (a free port instead of 8080).
sed 's/^listen = "127.0.0.1:8080"/listen = "127.0.0.1:0"/' /etc/deliverer/deliverer.toml > "$work/serve.toml"
chgrp deliverer "$work/serve.toml"; chmod 0640 "$work/serve.toml"
cd /var/lib/deliverer
setpriv --reuid deliverer --regid deliverer --init-groups /usr/bin/deliverer serve --config "$work/serve.toml" \
  >"$work/serve.log" 2>&1 &
pid=$!
url=""
for _ in $(seq 1 300); do
  url=$(grep -o 'listening on http://[0-9.:]*' "$work/serve.log" | head -1 | sed 's/listening on //') || true
  [[ -n "$url" ]] && break
  kill -0 "$pid" 2>/dev/null || fail "serve exited"
  sleep 0.1
done
[[ -n "$url" ]] || fail "serve never listened"
[[ $(curl -s -o /dev/null -w '%{http_code}' "$url/healthz") == 200 ]] || fail "/healthz"
[[ $(stat -c '%U' /var/lib/deliverer/deliverer.db) == deliverer ]] || fail "the database is not the service user's"
kill -TERM "$pid"
wait "$pid" || fail "serve did not stop cleanly"
pid=""
echo "package installed, served as deliverer, removed"
