#!/usr/bin/env bash
# Exercises docs/deploy/: `systemd-analyze verify` on the unit, and the nginx example with a
# self-signed certificate in front of two real app servers (one SQLite database, two processes),
# with requests through nginx answered by both upstreams. Takes a few seconds.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT="$PWD"
BIN="${CARGO_TARGET_DIR:-$ROOT/target}/debug/jiaogong"
[ -x "$BIN" ] || cargo build -q -p jiaogong
WORK="$(mktemp -d /tmp/jiaogong-deploy.XXXXXX)"
PIDS=()
cleanup() {
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
  [ -f "$WORK/nginx.pid" ] && kill "$(cat "$WORK/nginx.pid")" 2>/dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT

# systemd unit.
if command -v systemd-analyze >/dev/null 2>&1; then
  sed "s|/usr/local/bin/jiaogong|$BIN|g" docs/deploy/jiaogong.service >"$WORK/jiaogong.service"
  out="$(systemd-analyze verify "$WORK/jiaogong.service" 2>&1 || true)"
  # Only the unit's own problems count (the host may lack the jiaogong user or other units).
  if echo "$out" | grep -v "jiaogong.env\|User=\|Group=\|/var/backups" | grep -qi "jiaogong.service"; then
    echo "$out" >&2
    echo "systemd-analyze verify found problems in docs/deploy/jiaogong.service" >&2
    exit 1
  fi
  echo "deploy: systemd unit verified"
else
  echo "deploy: SKIPPED systemd-analyze (not installed)"
fi

# nginx.
if ! command -v nginx >/dev/null 2>&1; then
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nginx-light >/dev/null
fi
openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj "/CN=union.example.edu.cn" \
  -keyout "$WORK/privkey.pem" -out "$WORK/fullchain.pem" >/dev/null 2>&1
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
P1="$(free_port)"; P2="$(free_port)"; HTTPS="$(free_port)"; HTTP="$(free_port)"
sed -e "s|127.0.0.1:18081|127.0.0.1:$P1|; s|127.0.0.1:18082|127.0.0.1:$P2|" \
    -e "s|/etc/jiaogong/tls/|$WORK/|g" \
    -e "s|listen 443 ssl http2;|listen 127.0.0.1:$HTTPS ssl http2;|; s|listen 80;|listen 127.0.0.1:$HTTP;|" \
    -e "/listen \[::\]/d" docs/deploy/nginx.conf >"$WORK/site.conf"
cat >"$WORK/nginx-main.conf" <<CONF
pid $WORK/nginx.pid;
error_log $WORK/nginx-error.log;
events { worker_connections 64; }
http {
  access_log $WORK/nginx-access.log;
  client_body_temp_path $WORK/body; proxy_temp_path $WORK/proxy;
  fastcgi_temp_path $WORK/fcgi; uwsgi_temp_path $WORK/uwsgi; scgi_temp_path $WORK/scgi;
  include $WORK/site.conf;
}
CONF
nginx -t -q -c "$WORK/nginx-main.conf" -p "$WORK"
echo "deploy: nginx -t ok"

TOKEN=deploy-check
KEY=0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef
for P in "$P1" "$P2"; do
  JIAOGONG_SECRET_KEY=$KEY "$BIN" serve --data "$WORK/data" --bind "127.0.0.1:$P" --metrics-token $TOKEN \
    --log-format json >"$WORK/app-$P.log" 2>&1 &
  PIDS+=($!)
  for _ in $(seq 1 100); do "$BIN" healthcheck --url "http://127.0.0.1:$P" >/dev/null 2>&1 && break; sleep 0.1; done
done
nginx -c "$WORK/nginx-main.conf" -p "$WORK"
for _ in $(seq 1 50); do [ -f "$WORK/nginx.pid" ] && break; sleep 0.1; done

ok=0
for _ in $(seq 1 10); do
  code="$(curl -sk -o /dev/null -w '%{http_code}' --resolve "union.example.edu.cn:$HTTPS:127.0.0.1" "https://union.example.edu.cn:$HTTPS/healthz")"
  [ "$code" = 200 ] && ok=$((ok + 1))
done
[ "$ok" = 10 ] || { echo "deploy: only $ok of 10 requests through nginx answered 200" >&2; cat "$WORK/nginx-error.log" >&2; exit 1; }
code="$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$HTTP/login")"
[ "$code" = 301 ] || { echo "deploy: http did not redirect to https ($code)" >&2; exit 1; }
for P in "$P1" "$P2"; do
  n="$(curl -s -H "Authorization: Bearer $TOKEN" "http://127.0.0.1:$P/metrics" | grep '^jiaogong_http_requests_total{group="healthz"' | awk '{s+=$2} END {print s+0}')"
  [ "${n%.*}" -gt 0 ] || { echo "deploy: upstream $P got no request through nginx" >&2; exit 1; }
  grep -q '^{"timestamp"' "$WORK/app-$P.log" || { echo "deploy: --log-format json wrote no JSON log line" >&2; cat "$WORK/app-$P.log" >&2; exit 1; }
done
echo "deploy: 10 HTTPS requests through nginx answered by both upstreams; JSON logs ok"
