#!/usr/bin/env bash
# Benchmarks of 教工之家 (ARCHITECTURE.md "Benchmarks"). Prints one line per scenario, the ratio
# first and then the raw figures, and writes the lines to bench/results/latest.txt.
#
#   scenario-1  logged-in member list page (50 rows of 2,000) vs bare axum /hello and vs a
#               minimal handler running the same query returning JSON (/json); p99 of the page
#               at 64 connections; peak RSS of the server during the load.
#   scenario-4  60,000-row roster .xlsx imported end to end by the CLI vs calamine reading the
#               same file plus a raw batched INSERT (64 rows per statement, `?` placeholders)
#               into a plain table of a fresh SQLite file; the two alternate BENCH_IMPORT_RUNS
#               times and the ratio is of their medians.
#   startup     spawn `jiaogong serve` on the existing database until /healthz answers.
#   scenario-2  1,000 voters (ballots_setup: members, an open poll, one API token each) cast
#               through POST /api/v1/polls/{id}/ballots: "burst" (as fast as possible, 64 in
#               flight; its ballots/s is the ratio) and "window" (spread over BENCH_WINDOW s);
#               vs raw_insert (durable single-row INSERTs, WAL + synchronous=FULL, one per
#               transaction) on the same disk; p99; acked/lost/doubled counted in the store. The
#               server first takes one unmeasured burst on a poll of its own (its connections and
#               prepared statements, as a server that has been running has); so does the one on
#               PostgreSQL (BENCH_PG_URL), whose burst is compared with raw inserts there.
#   scenario-3  p99 of the chair's turnout page while the 1,000 voters of scenario 2 cast within
#               BENCH_WINDOW s vs idle (the same page read just before, on the same poll). The
#               page is read on a fixed schedule, BENCH_TURNOUT_RATE reads/s (open loop: the chair's
#               screen refreshes every 3 s, so this is ~3,000 screens), latency from each send.
#               The ratio is the window's (ADR 019). Shown beside it: the same paced reads during
#               the burst, and BENCH_TURNOUT_CONNS closed loops (each read as soon as the last is
#               answered) during the window and during the burst.
#   scenario-5  proposals_growth: the public proposals list through the whole router in process
#               at N and 10×N proposals of a session; requests/s ratio 1×/10× and SQL statements
#               per request (sqlx's per-statement events) at both sizes, which must be equal.
#   scenario-library  library_search: the library's two-character search (福利, 工会) at
#               BENCH_LIBRARY_DOCS documents of ~5 pages (default 10,000) and at 10x that, in
#               process (query parser + indexed store search, limit 50): p99 at 1x (target
#               <= 50 ms) and p99(10x)/p99(1x) (target <= 2.0: the index is not scanned).
#               BENCH_LIBRARY=0 skips it (building 110,000 documents takes a while).
#   scenario-signups  member_bursts: 1,000 members sign up for a 100-seat activity through the
#               API, one server on SQLite and two on one PostgreSQL database; vs raw_insert on the
#               same database; scenario-notice-reads: 1,000 read receipts of one notice within 10 s,
#               p99 vs 200 receipts one at a time. BENCH_SIGNUPS=0 skips both.
#   scenario-finance-reports  finance_reports: 收入支出表 and 资产负债表 over 10 years of books
#               (BENCH_FINANCE_VOUCHERS, 20,000 vouchers, 100,000 lines) vs a raw GROUP BY (<=2.0 both);
#               the ledger page's SQL statements at 1x and 10x the books (equal). With BENCH_PG_URL,
#               scenario-voucher-entry-pg: 50 preparers post vouchers through two servers on one
#               PostgreSQL for BENCH_VOUCHER_SECS (30) s: no gap, no duplicate, p99 <= 200 ms.
#               BENCH_FINANCE=0 skips both.
#   scenario-care  care_dashboard: the care dashboard page over 10 years of events (BENCH_CARE_EVENTS,
#               20,000; 18,000 visited) p99 vs the same figures by hand-written SQL (<=2.0), and its
#               statements at 1x and 10x (equal). BENCH_CARE=0 skips it.
#   scenario-summary-draft  summary_draft: drafting the year-end summary vs the raw counts behind
#               its figures (<=2.0) and the .docx through the router (<=1000 ms). BENCH_SUMMARY=0 skips it.
#   scenario-6  tally_bench: parse_bulletin + tally + bulletin JSON written, 100,000 election
#               ballots, vs a raw SQLite GROUP BY over 100,000 rows plus a raw write of the rows; and
#               the server's path (stored rows packed by one statement, checked, tallied, written).
#
# Servers run pinned to core 0, the load generator (wrk) to core 1.
# Environment: BENCH_DURATION (s, default 10), BENCH_CONNS (64), BENCH_MEMBERS (2000),
# BENCH_IMPORT_ROWS (60000), BENCH_IMPORT_RUNS (3), BENCH_STARTUP_RUNS (5), BENCH_KEEP=1 keeps the work directory,
# BENCH_WINDOW (s, default 20), BENCH_TURNOUT_RATE (1000), BENCH_TURNOUT_CONNS (4), BENCH_TALLY_BALLOTS (100000),
# BENCH_PG_URL=postgres://user@host/db also runs scenario 2 on PostgreSQL, BENCH_BALLOTS=0 skips
# scenarios 2 and 3, BENCH_TALLY=0 skips scenario 6, BENCH_PROPOSALS=0 skips scenario 5 (BENCH_PROPOSALS_N proposals at 1×, default 200),
# BENCH_NO_BUILD=1 skips the cargo build, BENCH_DIAG=1 adds the diagnosis of the page's database
# calls (page_queries) and of the import's phases (import_phases), CARGO_TARGET_DIR as usual.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
TARGET_DIR="${CARGO_TARGET_DIR:-$ROOT/target}"
BIN="$TARGET_DIR/release"
DURATION="${BENCH_DURATION:-10}"
CONNS="${BENCH_CONNS:-64}"
MEMBERS="${BENCH_MEMBERS:-2000}"
IMPORT_ROWS="${BENCH_IMPORT_ROWS:-60000}"
STARTUP_RUNS="${BENCH_STARTUP_RUNS:-5}"
IMPORT_RUNS="${BENCH_IMPORT_RUNS:-3}"
WINDOW="${BENCH_WINDOW:-20}"
TURNOUT_CONNS="${BENCH_TURNOUT_CONNS:-4}"
TURNOUT_RATE="${BENCH_TURNOUT_RATE:-1000}"
TALLY_BALLOTS="${BENCH_TALLY_BALLOTS:-100000}"
SERVER_CPU=0
LOAD_CPU=1
RESULTS="$ROOT/bench/results"
WORK="$(mktemp -d "${TMPDIR:-/tmp}/jiaogong-bench.XXXXXX")"
PIDS=()

log() { echo "[bench] $*" >&2; }
die() { echo "[bench] error: $*" >&2; exit 1; }

stop_pid() {
    local pid="$1"
    kill -0 "$pid" 2>/dev/null || return 0
    kill -INT "$pid" 2>/dev/null || true
    for _ in $(seq 1 100); do
        kill -0 "$pid" 2>/dev/null || { wait "$pid" 2>/dev/null || true; return 0; }
        sleep 0.05
    done
    kill -KILL "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
}

cleanup() {
    local pid
    for pid in "${PIDS[@]+"${PIDS[@]}"}"; do
        stop_pid "$pid"
    done
    if [[ "${BENCH_KEEP:-0}" == 1 ]]; then
        log "work directory kept: $WORK"
    else
        rm -rf "$WORK"
    fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# --- tools -------------------------------------------------------------------------------------
if ! command -v wrk >/dev/null; then
    if [[ "$(id -u)" == 0 ]] && command -v apt-get >/dev/null; then
        log "installing wrk"
        apt-get install -y wrk >/dev/null 2>&1 || { apt-get update >/dev/null && apt-get install -y wrk >/dev/null; }
    fi
    command -v wrk >/dev/null || die "wrk is needed (apt-get install wrk)"
fi
for t in taskset curl awk; do command -v "$t" >/dev/null || die "$t is needed"; done
if [[ "$(nproc --all)" -lt 2 ]]; then
    die "needs 2 cores (server on core $SERVER_CPU, load generator on core $LOAD_CPU)"
fi

# --- build -------------------------------------------------------------------------------------
if [[ "${BENCH_NO_BUILD:-0}" != 1 ]]; then
    log "building release binaries into $TARGET_DIR"
    CARGO_TARGET_DIR="$TARGET_DIR" cargo build --release -q -p jiaogong -p bench
fi
for b in jiaogong baseline seed gen_roster import_baseline startup ballots_setup ballots_load raw_insert tally_bench proposals_growth library_search member_bursts district_scale; do
    [[ -x "$BIN/$b" ]] || die "missing $BIN/$b"
done

# --- helpers -----------------------------------------------------------------------------------
free_port() {
    local p
    for _ in $(seq 1 200); do
        p=$((20000 + RANDOM % 40000))
        if ! ss -Htln "sport = :$p" 2>/dev/null | grep -q . && ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then
            echo "$p"
            return 0
        fi
    done
    die "no free port found"
}

# start_server LOGNAME CMD...: starts CMD pinned to the server core; sets SERVER_PID.
start_server() {
    local name="$1"
    shift
    taskset -c "$SERVER_CPU" "$@" >"$WORK/$name.log" 2>&1 &
    SERVER_PID=$!
    PIDS+=("$SERVER_PID")
}

wait_http() {
    local url="$1"
    for _ in $(seq 1 600); do
        kill -0 "$SERVER_PID" 2>/dev/null || { cat "$WORK"/*.log >&2; die "server exited while waiting for $url"; }
        curl -fs -o /dev/null "$url" && return 0
        sleep 0.05
    done
    die "$url did not answer"
}

# to_ms VALUE_WITH_UNIT: wrk's 512.00us / 12.34ms / 1.20s / 1.00m -> milliseconds.
to_ms() {
    awk -v v="$1" 'BEGIN {
        n = v + 0; u = v; sub(/^[0-9.]+/, "", u);
        if (u == "us") n /= 1000; else if (u == "s") n *= 1000; else if (u == "m") n *= 60000;
        printf "%.2f", n }'
}

# load NAME URL [COOKIE]: warm-up, then the measured wrk run; sets RPS and P99_MS.
load() {
    local name="$1" url="$2" cookie="${3:-}"
    local hdr=()
    [[ -n "$cookie" ]] && hdr=(-H "Cookie: $cookie")
    taskset -c "$LOAD_CPU" wrk -t1 -c"$CONNS" -d2s "${hdr[@]+"${hdr[@]}"}" "$url" >"$WORK/wrk-$name-warm.txt"
    taskset -c "$LOAD_CPU" wrk -t1 -c"$CONNS" -d"${DURATION}s" --latency "${hdr[@]+"${hdr[@]}"}" "$url" >"$WORK/wrk-$name.txt"
    local out="$WORK/wrk-$name.txt"
    if grep -q "Non-2xx or 3xx" "$out"; then
        cat "$out" >&2
        die "$name: error responses under load"
    fi
    RPS="$(awk '/^Requests\/sec:/ {printf "%.0f", $2}' "$out")"
    P99_MS="$(to_ms "$(awk '$1 == "99%" {print $2}' "$out")")"
    [[ -n "$RPS" && "$RPS" -gt 0 ]] || { cat "$out" >&2; die "$name: no throughput figure"; }
    log "$name: $RPS req/s, p99 $P99_MS ms ($(grep -m1 'requests in' "$out" | sed 's/^ *//'))"
}

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", (b > 0 ? a / b : 0) }'; }
# ok VALUE OP LIMIT -> 1 when the target is met
ok() { awk -v v="$1" -v l="$3" -v op="$2" 'BEGIN { print ((op == ">=" ? v >= l : v <= l) ? 1 : 0) }'; }
now_ns() { date +%s%N; }

LINES=()
MISSED=()
check() { # NAME VALUE OP LIMIT
    [[ "$(ok "$2" "$3" "$4")" == 1 ]] || MISSED+=("$1=$2 (target $3$4)")
}

LOAD_AT_START="$(cut -d' ' -f1-3 /proc/loadavg)"
if awk -v l="${LOAD_AT_START%% *}" 'BEGIN { exit !(l > 0.5) }'; then
    log "warning: load average $LOAD_AT_START before the run: other work on this machine skews the figures"
fi

# --- data --------------------------------------------------------------------------------------
DATA="$WORK/data"
log "preparing $DATA: demo school + members up to $MEMBERS"
"$BIN/jiaogong" demo --data "$DATA" >"$WORK/demo.log" 2>&1 || { cat "$WORK/demo.log" >&2; die "demo failed"; }
"$BIN/seed" --data "$DATA" --school demo --total "$MEMBERS" >&2

# --- scenario 1: page vs hello vs json -------------------------------------------------------
PORT="$(free_port)"
BASE="http://127.0.0.1:$PORT"
start_server serve "$BIN/jiaogong" serve --data "$DATA" --bind "127.0.0.1:$PORT"
APP_PID=$SERVER_PID
wait_http "$BASE/healthz"

JAR="$WORK/cookies.txt"
curl -fs -c "$JAR" -o /dev/null "$BASE/login"
PRE="$(awk '$6 == "jg_pre" {print $7}' "$JAR")"
[[ -n "$PRE" ]] || die "no jg_pre cookie from GET /login"
code="$(curl -s -b "$JAR" -c "$JAR" -o /dev/null -w '%{http_code}' \
    --data-urlencode "_csrf=$PRE" --data-urlencode "username=chair" --data-urlencode "password=jiaogong-demo" "$BASE/login")"
SESSION="$(awk '$6 == "jg_session" {print $7}' "$JAR")"
[[ "$code" == 303 && -n "$SESSION" ]] || die "login failed (HTTP $code)"
COOKIE="jg_session=$SESSION"
PAGE_URL="$BASE/s/demo/members"
read -r code size < <(curl -s -H "Cookie: $COOKIE" -o "$WORK/page.html" -w '%{http_code} %{size_download}\n' "$PAGE_URL")
[[ "$code" == 200 ]] || die "member list answered HTTP $code"
rows="$(grep -o '/s/demo/members/[0-9a-f]\{32\}"' "$WORK/page.html" | sort -u | wc -l)"
log "member list: HTTP 200, $size bytes, $rows member links"

load page "$PAGE_URL" "$COOKIE"
PAGE_RPS=$RPS
PAGE_P99=$P99_MS
code="$(curl -s -H "Cookie: $COOKIE" -o /dev/null -w '%{http_code}' "$PAGE_URL")"
[[ "$code" == 200 ]] || die "member list answered HTTP $code after the load (session lost?)"
PEAK_KB="$(awk '/^VmHWM:/ {print $2}' "/proc/$APP_PID/status")"
PEAK_MB="$(awk -v k="$PEAK_KB" 'BEGIN { printf "%.1f", k / 1024 }')"
stop_pid "$APP_PID"

PORT="$(free_port)"
BASE="http://127.0.0.1:$PORT"
start_server baseline "$BIN/baseline" --data "$DATA" --school demo --bind "127.0.0.1:$PORT"
BASE_PID=$SERVER_PID
wait_http "$BASE/hello"
read -r code jsize < <(curl -s -o "$WORK/json.json" -w '%{http_code} %{size_download}\n' "$BASE/json")
[[ "$code" == 200 ]] || die "/json answered HTTP $code"
log "baseline /json: $jsize bytes"
load hello "$BASE/hello"
HELLO_RPS=$RPS
load json "$BASE/json"
JSON_RPS=$RPS
JSON_P99=$P99_MS
stop_pid "$BASE_PID"

if [[ "${BENCH_DIAG:-0}" == 1 ]]; then
    log "diagnosis: the page's database calls"
    taskset -c "$SERVER_CPU" "$BIN/page_queries" --data "$DATA" --session "$SESSION" --n 300 >&2
fi

R_HELLO="$(ratio "$PAGE_RPS" "$HELLO_RPS")"
R_JSON="$(ratio "$PAGE_RPS" "$JSON_RPS")"
check page/hello "$R_HELLO" ">=" 0.25
check page/json "$R_JSON" ">=" 0.6
check p99_ms "$PAGE_P99" "<=" 20
check peak_rss_mb "$PEAK_MB" "<=" 80
LINES+=("scenario-1 page/hello=$R_HELLO page/json=$R_JSON page_rps=$PAGE_RPS hello_rps=$HELLO_RPS json_rps=$JSON_RPS p99_ms=$PAGE_P99 json_p99_ms=$JSON_P99 peak_rss_mb=$PEAK_MB page_bytes=$size members=$MEMBERS conns=$CONNS (targets: >=0.25, >=0.6, <=20ms, <=80MB)")
echo "${LINES[-1]}"

# --- start-up ----------------------------------------------------------------------------------
PORT="$(free_port)"
ST="$("$BIN/startup" --addr "127.0.0.1:$PORT" --runs "$STARTUP_RUNS" -- \
    taskset -c "$SERVER_CPU" "$BIN/jiaogong" serve --data "$DATA" --bind "127.0.0.1:$PORT")"
ST_MS="$(sed -n 's/.*median_ms=\([0-9.]*\).*/\1/p' <<<"$ST")"
check startup_ms "$ST_MS" "<=" 300
LINES+=("startup startup/target=$(ratio "$ST_MS" 300) startup_ms=$ST_MS $ST members=$MEMBERS (target: <=300ms)")
echo "${LINES[-1]}"

# --- scenario 4: import ------------------------------------------------------------------------
ROSTER="$WORK/roster-$IMPORT_ROWS.xlsx"
"$BIN/gen_roster" --out "$ROSTER" --rows "$IMPORT_ROWS" >&2
# Import and baseline alternate IMPORT_RUNS times (each import into a fresh demo database, each
# baseline into a fresh file); the ratio is of the medians, as one run on a shared machine can
# stray by a fifth either way.
IMPORT_TIMES=()
BASE_TIMES=()
BDB="$WORK/baseline-import.db"
for run in $(seq 1 "$IMPORT_RUNS"); do
    IMP="$WORK/import-$run"
    "$BIN/jiaogong" demo --data "$IMP" >"$WORK/demo-import.log" 2>&1 || { cat "$WORK/demo-import.log" >&2; die "demo failed"; }
    sync
    t0="$(now_ns)"
    taskset -c "$SERVER_CPU" /usr/bin/time -f "%M" -o "$WORK/import.rss" \
        "$BIN/jiaogong" members import "$ROSTER" --school demo --json --data "$IMP" >"$WORK/import.json" 2>"$WORK/import.err" \
        || { cat "$WORK/import.err" "$WORK/import.json" >&2; die "import failed"; }
    t1="$(now_ns)"
    IMPORT_TIMES+=($(((t1 - t0) / 1000000)))
    created="$(grep -o '"created":[0-9]*' "$WORK/import.json" | cut -d: -f2)"
    rejected="$(grep -o '"rejected":\[[^]]*\]' "$WORK/import.json" | grep -o '"row"' | wc -l || true)"
    [[ "$created" == "$IMPORT_ROWS" ]] || { cat "$WORK/import.json" >&2; die "import created ${created:-?} of $IMPORT_ROWS rows"; }
    IMPORT_RSS_MB="$(awk '{ printf "%.1f", $1 / 1024 }' "$WORK/import.rss")"
    rm -rf "$IMP"

    rm -f "$BDB"*
    sync
    t0="$(now_ns)"
    BOUT="$(taskset -c "$SERVER_CPU" "$BIN/import_baseline" --file "$ROSTER" --db "$BDB")"
    t1="$(now_ns)"
    BASE_TIMES+=($(((t1 - t0) / 1000000)))
    grep -q "rows=$IMPORT_ROWS " <<<"$BOUT" || die "baseline wrote: $BOUT"
done
median() { printf '%s\n' "$@" | sort -n | awk '{ v[NR] = $1 } END { print (NR % 2 ? v[(NR + 1) / 2] : int((v[NR / 2] + v[NR / 2 + 1]) / 2)) }'; }
IMPORT_MS="$(median "${IMPORT_TIMES[@]}")"
BASE_MS="$(median "${BASE_TIMES[@]}")"
log "import runs (ms): ${IMPORT_TIMES[*]}; baseline runs (ms): ${BASE_TIMES[*]}"
R_IMPORT="$(ratio "$IMPORT_MS" "$BASE_MS")"
check import/baseline "$R_IMPORT" "<=" 2.0
LINES+=("scenario-4 import/baseline=$R_IMPORT import_ms=$IMPORT_MS baseline_ms=$BASE_MS runs=$IMPORT_RUNS import_runs_ms=$(IFS=,; echo "${IMPORT_TIMES[*]}") baseline_runs_ms=$(IFS=,; echo "${BASE_TIMES[*]}") rows=$IMPORT_ROWS created=$created rejected=$rejected import_peak_rss_mb=$IMPORT_RSS_MB baseline[$BOUT] (target: <=2.0)")
echo "${LINES[-1]}"

if [[ "${BENCH_DIAG:-0}" == 1 ]]; then
    log "diagnosis: import phases (fresh demo databases; default page cache, then 256 MiB)"
    for cache in "" 256; do
        rm -rf "$WORK/import-diag"
        "$BIN/jiaogong" demo --data "$WORK/import-diag" >/dev/null 2>&1
        taskset -c "$SERVER_CPU" "$BIN/import_phases" --data "$WORK/import-diag" --file "$ROSTER" ${cache:+--cache-mb "$cache"} >&2
    done
    for args in "--batch 64" "--batch 400" "--batch 16 --named" "--batch 64 --named" "--batch 400 --named"; do
        rm -f "$BDB"*
        # shellcheck disable=SC2086 # word splitting of $args is intended
        log "baseline $args: $(taskset -c "$SERVER_CPU" "$BIN/import_baseline" --file "$ROSTER" --db "$BDB" $args)"
    done
fi

# --- scenarios 2 and 3: ballots, reads while voting -------------------------------------------
# kv KEY LINE: the value of KEY=... in a line of key=value pairs.
kv() { sed -n "s/.* $1=\([^ ]*\).*/\1/p" <<<" $2"; }

if [[ "${BENCH_BALLOTS:-1}" != 0 ]]; then
    TOKENS="$WORK/ballot-tokens.txt"
    "$BIN/ballots_setup" --data "$DATA" --out "$TOKENS" --voters 1000 --polls 5 >&2
    PORT="$(free_port)"
    BASE="http://127.0.0.1:$PORT"
    start_server serve-ballots "$BIN/jiaogong" serve --data "$DATA" --bind "127.0.0.1:$PORT"
    APP_PID=$SERVER_PID
    wait_http "$BASE/healthz"
    TURNOUT_URL="$BASE/s/demo/polls/{poll}/turnout"
    code="$(curl -s -H "Cookie: $COOKIE" -o /dev/null -w '%{http_code}' "${TURNOUT_URL/\{poll\}/$(head -1 "$TOKENS" | cut -d' ' -f1)}")"
    [[ "$code" == 200 ]] || die "turnout page answered HTTP $code"
    # Poll 1: the burst with paced reads (scenario 2's ballots/s); poll 2: the window with paced
    # reads (scenario 3's ratio); polls 3 and 4: the window and the burst with closed-loop reads.
    # Each first reads the page idle for 5 s. Poll 5 takes an unmeasured burst first, so that the
    # server has its connections and prepared statements, as one that has been running has.
    voters() { # POLL MODE READS...
        local poll="$1" mode="$2"
        shift 2
        taskset -c "$LOAD_CPU" "$BIN/ballots_load" --base "$BASE" --tokens "$TOKENS" --poll "$poll" --mode "$mode" \
            --conc "$CONNS" --window "$WINDOW" --data "$DATA" --turnout-url "$TURNOUT_URL" --cookie "$COOKIE" --idle-secs 5 "$@"
    }
    taskset -c "$LOAD_CPU" "$BIN/ballots_load" --base "$BASE" --tokens "$TOKENS" --poll 4 --mode burst --conc "$CONNS" \
        --dups 0 >/dev/null
    BURST="$(voters 0 burst --turnout-rate "$TURNOUT_RATE")"
    log "burst, paced reads: $BURST"
    WIN="$(voters 1 window --turnout-rate "$TURNOUT_RATE")"
    log "window, paced reads: $WIN"
    CL_WIN="$(voters 2 window --turnout-conns "$TURNOUT_CONNS")"
    log "window, closed-loop reads: $CL_WIN"
    CL_BURST="$(voters 3 burst --turnout-conns "$TURNOUT_CONNS")"
    log "burst, closed-loop reads: $CL_BURST"
    stop_pid "$APP_PID"
    RDB="$WORK/raw-insert.db"
    rm -f "$RDB"*
    sync
    RAW="$(taskset -c "$SERVER_CPU" "$BIN/raw_insert" --db "$RDB" --rows 1000)"
    log "raw insert: $RAW"
    RAW_PS="$(kv rows_per_s "$RAW")"
    B_PS="$(kv ballots_per_s "$BURST")"
    B_P99="$(kv p99_ms "$BURST")"
    W_P99="$(kv p99_ms "$WIN")"
    RUNS4=("$BURST" "$WIN" "$CL_WIN" "$CL_BURST")
    sum4() { local t=0 r; for r in "${RUNS4[@]}"; do t=$((t + $(kv "$1" "$r"))); done; echo "$t"; }
    ACKED="$(sum4 acked)"
    LOST="$(sum4 lost)"
    DOUBLED="$(sum4 doubled)"
    R_BALLOTS="$(ratio "$B_PS" "$RAW_PS")"
    P99_MAX="$(for r in "${RUNS4[@]}"; do kv p99_ms "$r"; done | sort -g | tail -1)"
    check ballots/raw_insert "$R_BALLOTS" ">=" 1.0
    check ballot_p99_ms "$P99_MAX" "<=" 1000
    check acked "$ACKED" ">=" 4000
    check lost "$LOST" "<=" 0
    check doubled "$DOUBLED" "<=" 0
    LINES+=("scenario-2 ballots/raw_insert=$R_BALLOTS ballots_per_s=$B_PS raw_insert_per_s=$RAW_PS p99_ms=$B_P99 acked=$ACKED/4000 lost=$LOST doubled=$DOUBLED window_s=$WINDOW window_ballots_per_s=$(kv ballots_per_s "$WIN") window_p50_ms=$(kv p50_ms "$WIN") window_p99_ms=$W_P99 window_max_ms=$(kv max_ms "$WIN") burst_p50_ms=$(kv p50_ms "$BURST") burst_max_ms=$(kv max_ms "$BURST") burst_secs=$(kv secs "$BURST") conns=$CONNS reads_during_burst=${TURNOUT_RATE}/s closed_loop_burst_ballots_per_s=$(kv ballots_per_s "$CL_BURST") conflicts=$(sum4 conflicts) errors=$(sum4 errors) second_ballot_409=$(for r in "${RUNS4[@]}"; do kv second_ballot_409 "$r"; done | paste -sd,) stored=$(for r in "${RUNS4[@]}"; do kv stored "$r"; done | paste -sd,) voted=$(for r in "${RUNS4[@]}"; do kv voted "$r"; done | paste -sd,) (targets: >=1.0, p99<=1000ms, all acked, 0 lost, 0 doubled)")
    echo "${LINES[-1]}"
    # busy/idle p99 of one run
    r3() { ratio "$(kv turnout_busy_p99_ms "$1")" "$(kv turnout_idle_p99_ms "$1")"; }
    R_WIN="$(r3 "$WIN")"
    check window_busy/idle_p99 "$R_WIN" "<=" 2.0
    LINES+=("scenario-3 window_busy/idle_p99=$R_WIN busy_p99_ms=$(kv turnout_busy_p99_ms "$WIN") idle_p99_ms=$(kv turnout_idle_p99_ms "$WIN") busy_p50_ms=$(kv turnout_busy_p50_ms "$WIN") idle_p50_ms=$(kv turnout_idle_p50_ms "$WIN") busy_n=$(kv turnout_busy_n "$WIN") idle_n=$(kv turnout_idle_n "$WIN") reads_per_s=$TURNOUT_RATE window_s=$WINDOW electorate=1000 burst_busy/idle_p99=$(r3 "$BURST") burst_busy_p99_ms=$(kv turnout_busy_p99_ms "$BURST") burst_idle_p99_ms=$(kv turnout_idle_p99_ms "$BURST") burst_busy_n=$(kv turnout_busy_n "$BURST") closed_loop_window_busy/idle_p99=$(r3 "$CL_WIN") closed_loop_burst_busy/idle_p99=$(r3 "$CL_BURST") closed_loop_burst_busy_p99_ms=$(kv turnout_busy_p99_ms "$CL_BURST") closed_loop_idle_p99_ms=$(kv turnout_idle_p99_ms "$CL_BURST") closed_loop_conns=$TURNOUT_CONNS (target: window <=2.0)")
    echo "${LINES[-1]}"
fi

# --- scenario 2 on PostgreSQL (BENCH_PG_URL: a server URL whose user may create databases) --------
# The same burst of 1,000 voters against a server on a fresh PostgreSQL database, vs the raw loop of
# single-row committed inserts on that PostgreSQL. PostgreSQL's own processes are not pinned.
if [[ -n "${BENCH_PG_URL:-}" && "${BENCH_BALLOTS:-1}" != 0 ]]; then
    PGDB="jiaogong_bench_$$"
    psql "$BENCH_PG_URL" -qc "CREATE DATABASE $PGDB" >/dev/null || die "cannot create database $PGDB"
    PGURL="${BENCH_PG_URL%/*}/$PGDB"
    PGDIR="$WORK/pg-data"
    JIAOGONG_DATABASE_URL="$PGURL" "$BIN/jiaogong" demo --data "$PGDIR" >"$WORK/demo-pg.log" 2>&1 \
        || { cat "$WORK/demo-pg.log" >&2; die "demo on PostgreSQL failed"; }
    PGTOKENS="$WORK/pg-ballot-tokens.txt"
    JIAOGONG_DATABASE_URL="$PGURL" "$BIN/ballots_setup" --data "$PGDIR" --out "$PGTOKENS" --voters 1000 --polls 2 >&2
    PORT="$(free_port)"
    BASE="http://127.0.0.1:$PORT"
    start_server serve-pg env JIAOGONG_DATABASE_URL="$PGURL" "$BIN/jiaogong" serve --data "$PGDIR" --bind "127.0.0.1:$PORT"
    APP_PID=$SERVER_PID
    wait_http "$BASE/healthz"
    # An unmeasured burst on the second poll first (connections, prepared statements), as above.
    taskset -c "$LOAD_CPU" "$BIN/ballots_load" --base "$BASE" --tokens "$PGTOKENS" --poll 1 --mode burst --conc "$CONNS" \
        --dups 0 >/dev/null
    PGB="$(JIAOGONG_DATABASE_URL="$PGURL" taskset -c "$LOAD_CPU" "$BIN/ballots_load" --base "$BASE" --tokens "$PGTOKENS" --poll 0 \
        --mode burst --conc "$CONNS" --data "$PGDIR")"
    log "postgres burst: $PGB"
    stop_pid "$APP_PID"
    PGRAW="$("$BIN/raw_insert" --pg "$PGURL" --rows 1000)"
    log "postgres raw insert: $PGRAW"
    psql "$BENCH_PG_URL" -qc "DROP DATABASE $PGDB" >/dev/null || log "could not drop $PGDB"
    R_PG="$(ratio "$(kv ballots_per_s "$PGB")" "$(kv rows_per_s "$PGRAW")")"
    check pg_ballots/raw_insert "$R_PG" ">=" 1.0
    check pg_ballot_p99_ms "$(kv p99_ms "$PGB")" "<=" 1000
    check pg_lost "$(kv lost "$PGB")" "<=" 0
    check pg_doubled "$(kv doubled "$PGB")" "<=" 0
    LINES+=("scenario-2-pg ballots/raw_insert=$R_PG ballots_per_s=$(kv ballots_per_s "$PGB") raw_insert_per_s=$(kv rows_per_s "$PGRAW") p99_ms=$(kv p99_ms "$PGB") acked=$(kv acked "$PGB")/1000 lost=$(kv lost "$PGB") doubled=$(kv doubled "$PGB") conflicts=$(kv conflicts "$PGB") errors=$(kv errors "$PGB") second_ballot_409=$(kv second_ballot_409 "$PGB") stored=$(kv stored "$PGB") voted=$(kv voted "$PGB") (targets: >=1.0, p99<=1000ms, 0 lost, 0 doubled)")
    echo "${LINES[-1]}"
fi

# --- activities: the sign-up burst and the notice's read receipts ------------------------------
# member_bursts setup: 1,200 members with API tokens, a 100-seat activity, a notice asking for
# acknowledgement. Sign-ups: 1,000 members through POST /api/v1/activities/{id}/signup, 64 in
# flight: on SQLite one server; on PostgreSQL (BENCH_PG_URL) two servers on one database, the
# requests alternating between them. Exactly 100 confirmed and 900 waitlisted in arrival order,
# 0 lost; sign-ups/s vs the raw durable single-row insert loop on the same database (as scenario
# 2's). Read receipts (SQLite): 200 members acknowledge one at a time (idle), then 1,000 within
# 10 s; p99 busy/idle. BENCH_SIGNUPS=0 skips it.
if [[ "${BENCH_SIGNUPS:-1}" != 0 ]]; then
    SDATA="$WORK/signup-data"
    "$BIN/jiaogong" demo --data "$SDATA" >"$WORK/demo-signups.log" 2>&1 || { cat "$WORK/demo-signups.log" >&2; die "demo failed"; }
    STOKENS="$WORK/signup-tokens.txt"
    "$BIN/member_bursts" setup --data "$SDATA" --out "$STOKENS" --members 1200 --seats 100 >&2
    PORT="$(free_port)"
    BASE="http://127.0.0.1:$PORT"
    start_server serve-signups "$BIN/jiaogong" serve --data "$SDATA" --bind "127.0.0.1:$PORT"
    APP_PID=$SERVER_PID
    wait_http "$BASE/healthz"
    SIGN="$(taskset -c "$LOAD_CPU" "$BIN/member_bursts" signups --base "$BASE" --tokens "$STOKENS" --n 1000 --conc "$CONNS" --data "$SDATA")"
    log "sign-ups, SQLite: $SIGN"
    READS="$(taskset -c "$LOAD_CPU" "$BIN/member_bursts" reads --base "$BASE" --tokens "$STOKENS" --n 1000 --idle 200 --window 10 --data "$SDATA")"
    log "notice read receipts: $READS"
    stop_pid "$APP_PID"
    SRDB="$WORK/raw-insert-signups.db"
    rm -f "$SRDB"*
    sync
    SRAW="$(taskset -c "$SERVER_CPU" "$BIN/raw_insert" --db "$SRDB" --rows 1000)"
    R_SIGN="$(ratio "$(kv signups_per_s "$SIGN")" "$(kv rows_per_s "$SRAW")")"
    check signups/raw_insert "$R_SIGN" ">=" 1.0
    check signup_p99_ms "$(kv p99_ms "$SIGN")" "<=" 1000
    check signup_confirmed "$(kv confirmed "$SIGN")" ">=" 100
    check signup_confirmed "$(kv confirmed "$SIGN")" "<=" 100
    check signup_waitlisted "$(kv waitlisted "$SIGN")" ">=" 900
    check signup_lost "$(kv lost "$SIGN")" "<=" 0
    [[ "$(kv arrival_order "$SIGN")" == true ]] || MISSED+=("signups arrival_order=$(kv arrival_order "$SIGN") (target: true)")
    LINES+=("scenario-signups signups/raw_insert=$R_SIGN signups_per_s=$(kv signups_per_s "$SIGN") raw_insert_per_s=$(kv rows_per_s "$SRAW") p99_ms=$(kv p99_ms "$SIGN") secs=$(kv secs "$SIGN") confirmed=$(kv confirmed "$SIGN") waitlisted=$(kv waitlisted "$SIGN") lost=$(kv lost "$SIGN") arrival_order=$(kv arrival_order "$SIGN") mismatched_answers=$(kv mismatched_answers "$SIGN") errors=$(kv errors "$SIGN") second_signup_status=$(kv second_signup_status "$SIGN") servers=1 db=sqlite (targets: >=1.0, p99<=1000ms, 100/900, 0 lost, arrival order)")
    echo "${LINES[-1]}"
    R_READS="$(sed -n 's|.*busy/idle_p99=\([^ ]*\).*|\1|p' <<<"$READS")"
    check notice_reads_busy/idle_p99 "$R_READS" "<=" 2.0
    LINES+=("scenario-notice-reads $READS (target: busy/idle_p99 <=2.0)")
    echo "${LINES[-1]}"

    if [[ -n "${BENCH_PG_URL:-}" ]]; then
        SPGDB="jiaogong_bench_signups_$$"
        psql "$BENCH_PG_URL" -qc "CREATE DATABASE $SPGDB" >/dev/null || die "cannot create database $SPGDB"
        SPGURL="${BENCH_PG_URL%/*}/$SPGDB"
        SPGDIR="$WORK/pg-signup-data"
        JIAOGONG_DATABASE_URL="$SPGURL" "$BIN/jiaogong" demo --data "$SPGDIR" >"$WORK/demo-pg-signups.log" 2>&1 \
            || { cat "$WORK/demo-pg-signups.log" >&2; die "demo on PostgreSQL failed"; }
        SPGTOKENS="$WORK/pg-signup-tokens.txt"
        JIAOGONG_DATABASE_URL="$SPGURL" "$BIN/member_bursts" setup --data "$SPGDIR" --out "$SPGTOKENS" --members 1200 --seats 100 >&2
        PORT_A="$(free_port)"
        start_server serve-signups-pg-a env JIAOGONG_DATABASE_URL="$SPGURL" "$BIN/jiaogong" serve --data "$SPGDIR" --bind "127.0.0.1:$PORT_A"
        PID_A=$SERVER_PID
        wait_http "http://127.0.0.1:$PORT_A/healthz"
        PORT_B="$(free_port)"
        start_server serve-signups-pg-b env JIAOGONG_DATABASE_URL="$SPGURL" "$BIN/jiaogong" serve --data "$SPGDIR" --bind "127.0.0.1:$PORT_B"
        PID_B=$SERVER_PID
        wait_http "http://127.0.0.1:$PORT_B/healthz"
        SPG="$(JIAOGONG_DATABASE_URL="$SPGURL" taskset -c "$LOAD_CPU" "$BIN/member_bursts" signups \
            --base "http://127.0.0.1:$PORT_A,http://127.0.0.1:$PORT_B" --tokens "$SPGTOKENS" --n 1000 --conc "$CONNS" --data "$SPGDIR")"
        log "sign-ups, PostgreSQL, two servers: $SPG"
        stop_pid "$PID_A"
        stop_pid "$PID_B"
        SPGRAW="$("$BIN/raw_insert" --pg "$SPGURL" --rows 1000)"
        psql "$BENCH_PG_URL" -qc "DROP DATABASE $SPGDB" >/dev/null || log "could not drop $SPGDB"
        R_SPG="$(ratio "$(kv signups_per_s "$SPG")" "$(kv rows_per_s "$SPGRAW")")"
        check pg_signups/raw_insert "$R_SPG" ">=" 1.0
        check pg_signup_p99_ms "$(kv p99_ms "$SPG")" "<=" 1000
        check pg_signup_confirmed "$(kv confirmed "$SPG")" "<=" 100
        check pg_signup_confirmed "$(kv confirmed "$SPG")" ">=" 100
        check pg_signup_waitlisted "$(kv waitlisted "$SPG")" ">=" 900
        check pg_signup_lost "$(kv lost "$SPG")" "<=" 0
        [[ "$(kv arrival_order "$SPG")" == true ]] || MISSED+=("pg signups arrival_order=$(kv arrival_order "$SPG") (target: true)")
        LINES+=("scenario-signups-pg signups/raw_insert=$R_SPG signups_per_s=$(kv signups_per_s "$SPG") raw_insert_per_s=$(kv rows_per_s "$SPGRAW") p99_ms=$(kv p99_ms "$SPG") secs=$(kv secs "$SPG") confirmed=$(kv confirmed "$SPG") waitlisted=$(kv waitlisted "$SPG") lost=$(kv lost "$SPG") arrival_order=$(kv arrival_order "$SPG") mismatched_answers=$(kv mismatched_answers "$SPG") errors=$(kv errors "$SPG") second_signup_status=$(kv second_signup_status "$SPG") servers=2 db=postgres (targets: >=1.0, p99<=1000ms, 100/900, 0 lost, arrival order)")
        echo "${LINES[-1]}"
    fi
fi

# --- scenario 5: proposals at 10x the data ---------------------------------------------------
if [[ "${BENCH_PROPOSALS:-1}" != 0 ]]; then
    GROWTH="$(taskset -c "$SERVER_CPU" "$BIN/proposals_growth" --dir "$WORK/proposals" --n "${BENCH_PROPOSALS_N:-200}" --secs "$DURATION")"
    R_GROWTH="$(sed -n 's/.*proposals\/10x=\([^ ]*\).*/\1/p' <<<"$GROWTH")"
    check proposals/10x "$R_GROWTH" "<=" 1.5
    S1="$(kv statements_1x "$GROWTH")"
    S10="$(kv statements_10x "$GROWTH")"
    [[ "$S1" == "$S10" ]] || MISSED+=("proposals statements_1x=$S1 statements_10x=$S10 (target: equal)")
    LINES+=("$GROWTH")
    echo "${LINES[-1]}"
fi

# --- library search at 10x the documents -----------------------------------------------------
if [[ "${BENCH_LIBRARY:-1}" != 0 ]]; then
    LIB="$(taskset -c "$SERVER_CPU" "$BIN/library_search" --dir "$WORK/library" --docs "${BENCH_LIBRARY_DOCS:-10000}")"
    check library_p99_10x/1x "$(sed -n 's/.*p99_10x\/p99_1x=\([^ ]*\).*/\1/p' <<<"$LIB")" "<=" 2.0
    check library_p99_ms "$(kv p99_ms "$LIB")" "<=" 50
    LINES+=("$LIB")
    echo "${LINES[-1]}"
fi

# --- finance: reports at scale, the ledger's statements at 10x, voucher entry under load -------
if [[ "${BENCH_FINANCE:-1}" != 0 ]]; then
    FINR="$(taskset -c "$SERVER_CPU" "$BIN/finance_reports" --dir "$WORK/finance" --vouchers "${BENCH_FINANCE_VOUCHERS:-20000}" --runs 5)"
    check ie/raw "$(sed -n 's|.*ie/raw=\([^ ]*\).*|\1|p' <<<"$FINR")" "<=" 2.0
    check bs/raw "$(sed -n 's|.*bs/raw=\([^ ]*\).*|\1|p' <<<"$FINR")" "<=" 2.0
    [[ "$(kv ledger_statements_1x "$FINR")" == "$(kv ledger_statements_10x "$FINR")" ]] \
        || MISSED+=("ledger statements_1x=$(kv ledger_statements_1x "$FINR") statements_10x=$(kv ledger_statements_10x "$FINR") (target: equal)")
    LINES+=("scenario-finance-reports $FINR")
    echo "${LINES[-1]}"
    if [[ -n "${BENCH_PG_URL:-}" ]]; then
        VPGDB="jiaogong_bench_vouchers_$$"
        psql "$BENCH_PG_URL" -qc "CREATE DATABASE $VPGDB" >/dev/null || die "cannot create database $VPGDB"
        VPGURL="${BENCH_PG_URL%/*}/$VPGDB"
        VPGDIR="$WORK/pg-voucher-data"
        JIAOGONG_DATABASE_URL="$VPGURL" "$BIN/jiaogong" demo --data "$VPGDIR" >"$WORK/demo-pg-vouchers.log" 2>&1 \
            || { cat "$WORK/demo-pg-vouchers.log" >&2; die "demo on PostgreSQL failed"; }
        VTOKENS="$WORK/pg-voucher-tokens.txt"
        JIAOGONG_DATABASE_URL="$VPGURL" "$BIN/voucher_entry" setup --data "$VPGDIR" --out "$VTOKENS" --preparers 50
        PORT_A="$(free_port)"
        start_server serve-vouchers-pg-a env JIAOGONG_DATABASE_URL="$VPGURL" "$BIN/jiaogong" serve --data "$VPGDIR" --bind "127.0.0.1:$PORT_A"
        PID_A=$SERVER_PID
        wait_http "http://127.0.0.1:$PORT_A/healthz"
        PORT_B="$(free_port)"
        start_server serve-vouchers-pg-b env JIAOGONG_DATABASE_URL="$VPGURL" "$BIN/jiaogong" serve --data "$VPGDIR" --bind "127.0.0.1:$PORT_B"
        PID_B=$SERVER_PID
        wait_http "http://127.0.0.1:$PORT_B/healthz"
        VENTRY="$(JIAOGONG_DATABASE_URL="$VPGURL" taskset -c "$LOAD_CPU" "$BIN/voucher_entry" run \
            --base "http://127.0.0.1:$PORT_A,http://127.0.0.1:$PORT_B" --tokens "$VTOKENS" --secs "${BENCH_VOUCHER_SECS:-30}" --data "$VPGDIR")"
        stop_pid "$PID_A"
        stop_pid "$PID_B"
        psql "$BENCH_PG_URL" -qc "DROP DATABASE $VPGDB" >/dev/null || log "could not drop $VPGDB"
        check voucher_p99_ms "$(kv p99_ms "$VENTRY")" "<=" 200
        check voucher_gaps "$(kv gaps "$VENTRY")" "<=" 0
        check voucher_duplicates "$(kv duplicates "$VENTRY")" "<=" 0
        check voucher_lost "$(kv lost "$VENTRY")" "<=" 0
        LINES+=("scenario-voucher-entry-pg $VENTRY db=postgres (targets: p99<=200ms, 0 gaps, 0 duplicates, 0 lost)")
        echo "${LINES[-1]}"
    fi
fi

# --- care dashboard at 10 years of events ------------------------------------------------------
if [[ "${BENCH_CARE:-1}" != 0 ]]; then
    CARE="$(taskset -c "$SERVER_CPU" "$BIN/care_dashboard" --dir "$WORK/care" --events "${BENCH_CARE_EVENTS:-20000}")"
    check care_page/raw_p99 "$(sed -n 's|.*page/raw_p99=\([^ ]*\).*|\1|p' <<<"$CARE")" "<=" 2.0
    [[ "$(kv statements_1x "$CARE")" == "$(kv statements_10x "$CARE")" ]] \
        || MISSED+=("care statements_1x=$(kv statements_1x "$CARE") statements_10x=$(kv statements_10x "$CARE") (target: equal)")
    LINES+=("$CARE")
    echo "${LINES[-1]}"
fi

# --- the year-end summary ----------------------------------------------------------------------
if [[ "${BENCH_SUMMARY:-1}" != 0 ]]; then
    SUMM="$(taskset -c "$SERVER_CPU" "$BIN/summary_draft" --dir "$WORK/summary" --runs 50)"
    check summary_draft/raw "$(sed -n 's|.*ratio \([^ ]*\).*|\1|p' <<<"$SUMM")" "<=" 2.0
    check summary_docx_ms "$(sed -n 's|.*docx \([^ ]*\) ms.*|\1|p' <<<"$SUMM")" "<=" 1000
    LINES+=("scenario-$SUMM")
    echo "${LINES[-1]}"
fi

# --- scenario 6: tally and export --------------------------------------------------------------
if [[ "${BENCH_TALLY:-1}" != 0 ]]; then
    TALLY="$(taskset -c "$SERVER_CPU" "$BIN/tally_bench" --dir "$WORK/tally" --ballots "$TALLY_BALLOTS" --runs 3)"
    R_TALLY="$(kv ratio "$TALLY")"
    check tally/raw "$R_TALLY" "<=" 2.0
    check tally_ms "$(kv tally_ms "$TALLY")" "<=" 1000
    # The server's path (stored rows read and checked, tallied, bulletin written) against the same baseline.
    check server/raw "$(kv server_ratio "$TALLY")" "<=" 2.0
    LINES+=("scenario-6 tally/raw=$R_TALLY server/raw=$(kv server_ratio "$TALLY") $TALLY (targets: <=2.0 both, <=1000ms)")
    echo "${LINES[-1]}"
fi

# --- scenario-district: 1,000 schools x 1,000 members on PostgreSQL ------------------------------
# district_scale: `demo --schools N --members M` (time, database size), the summaries' refresh
# (first, and the tick after one change: the dashboard's lag), a school's roster page p99 vs the
# same school alone in its own database (target <= 1.2x), the district dashboard p99 for all
# schools (target <= 500 ms). Needs BENCH_PG_URL; BENCH_DS_SCHOOLS / BENCH_DS_MEMBERS (default
# 1000 each) for smaller runs; BENCH_DISTRICT=0 skips it.
if [[ -n "${BENCH_PG_URL:-}" && "${BENCH_DISTRICT:-1}" != 0 ]]; then
    DS="$(BENCH_PG_URL="$BENCH_PG_URL" taskset -c "$SERVER_CPU" "$BIN/district_scale" --bin "$BIN/jiaogong")"
    echo "$DS" | grep -v '^district-scale-kv'
    DSKV="$(grep '^district-scale-kv' <<<"$DS")"
    check district_roster_ratio "$(kv roster_ratio "$DSKV")" "<=" 1.2
    check district_dashboard_p99_ms "$(kv dashboard_p99_ms "$DSKV")" "<=" 500
    while IFS= read -r l; do LINES+=("scenario-district $l"); done < <(grep -v '^district-scale-kv' <<<"$DS")
fi

# --- results -----------------------------------------------------------------------------------
mkdir -p "$RESULTS"
{
    echo "# $(date -u +%Y-%m-%dT%H:%M:%SZ) $(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo '?')$(git -C "$ROOT" status --porcelain -- crates 2>/dev/null | grep -q . && echo '+uncommitted') $(uname -m) $(nproc --all) cores; wrk $CONNS connections ${DURATION}s; server core $SERVER_CPU, load core $LOAD_CPU; loadavg at start $LOAD_AT_START, at end $(cut -d' ' -f1-3 /proc/loadavg)"
    printf '%s\n' "${LINES[@]}"
    if [[ ${#MISSED[@]} -gt 0 ]]; then
        echo "missed: ${MISSED[*]}"
    else
        echo "all targets met"
    fi
} >"$RESULTS/latest.txt"
if [[ ${#MISSED[@]} -gt 0 ]]; then
    echo "missed: ${MISSED[*]}"
else
    echo "all targets met"
fi
log "written to bench/results/latest.txt"
