#!/usr/bin/env bash
# Runs every test of the solution: bash build/test.sh [--fast] [extra dotnet test arguments]
#
# - --fast leaves out the slow kinds (trait Category: Browser, Postgres, SqlServer, Process; see
#   tests/VpnPortal.Testing/TestCategories.cs) for the inner loop, and starts no PostgreSQL; CI runs everything.
# - Uses the PostgreSQL server named by VPNPORTAL_TEST_POSTGRES if set; otherwise starts a throwaway
#   server (Debian's postgresql package) on a free loopback port and removes it on exit.
# - Points browser tests at Debian's chromium through VPNPORTAL_TEST_CHROMIUM when it is installed.
# - Ends with one line "N passed, N failed, N skipped" summed over every test project; exits non-zero
#   when the build or any test failed.
# Set VPNPORTAL_TEST_RESULTS_DIR to a folder to keep the TRX files (one subfolder per test project,
# see tests/Directory.Build.props); otherwise they go to a temporary folder removed on exit.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

pg_bin=""
pg_dir=""
pg_user=""
results_dir=""
keep_results=false

cleanup() {
  if [[ -n $pg_dir ]]; then
    # immediate: the data is thrown away, so there is nothing to flush.
    as_pg "$pg_bin/pg_ctl" stop -D "$pg_dir/data" -m immediate >/dev/null 2>&1 || true
    rm -rf "$pg_dir"
  fi
  if [[ -n $results_dir && $keep_results == false ]]; then
    rm -rf "$results_dir"
  fi
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# Runs a command as the user that owns the throwaway server (PostgreSQL refuses to run as root).
as_pg() {
  if [[ -n $pg_user ]]; then
    (cd / && runuser -u "$pg_user" -- "$@")
  else
    "$@"
  fi
}

# A loopback port nobody listens on. Another process may take it before the server does, so the
# caller retries with a new port when the start fails.
free_port() {
  local port
  for _ in $(seq 1 100); do
    port=$((20000 + RANDOM % 40000))
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
      echo "$port"
      return 0
    fi
  done
  echo "no free loopback port found" >&2
  return 1
}

start_postgres() {
  if [[ -d /usr/lib/postgresql ]]; then
    pg_bin=$(find /usr/lib/postgresql -mindepth 2 -maxdepth 2 -name bin -type d | sort -V | tail -n 1)
  fi
  if [[ -z $pg_bin || ! -x $pg_bin/initdb ]]; then
    pg_bin=""
    echo "== PostgreSQL is not installed (no /usr/lib/postgresql/*/bin/initdb):"
    echo "== PostgreSQL tests will be SKIPPED (on CI, with CI=true, they fail instead)."
    echo "== Install it with: apt-get install -y postgresql"
    return 0
  fi

  if [[ $(id -u) -eq 0 ]]; then
    pg_user=postgres
    if ! id -u "$pg_user" >/dev/null 2>&1; then
      pg_user=vpnportal-pg
      if ! id -u "$pg_user" >/dev/null 2>&1; then
        useradd --system --user-group --no-create-home --home-dir /nonexistent --shell /usr/sbin/nologin "$pg_user"
      fi
    fi
    # Under /tmp, not $TMPDIR: the server's user must be able to reach the folder.
    pg_dir=$(mktemp -d /tmp/vpnportal-pg.XXXXXX)
    chown "$pg_user:" "$pg_dir"
  else
    pg_dir=$(mktemp -d "${TMPDIR:-/tmp}/vpnportal-pg.XXXXXX")
  fi

  as_pg "$pg_bin/initdb" -D "$pg_dir/data" -U postgres --auth=trust -E UTF8 --no-locale --no-sync \
    >"$pg_dir/initdb.log" 2>&1 || { cat "$pg_dir/initdb.log" >&2; return 1; }
  # Trust only the server's own private socket folder and loopback TCP.
  printf '%s\n' 'local all all trust' 'host all all 127.0.0.1/32 trust' \
    | as_pg tee "$pg_dir/data/pg_hba.conf" >/dev/null

  local port attempt
  for attempt in 1 2 3; do
    port=$(free_port)
    if as_pg "$pg_bin/pg_ctl" start -D "$pg_dir/data" -w -t 60 -l "$pg_dir/server.log" \
      -o "-p $port -k '$pg_dir' -c listen_addresses=127.0.0.1 -c max_connections=200 -c fsync=off -c synchronous_commit=off -c full_page_writes=off" \
      >/dev/null; then
      export VPNPORTAL_TEST_POSTGRES="Host=127.0.0.1;Port=$port;Username=postgres;Database=postgres"
      echo "== PostgreSQL $("$pg_bin/postgres" --version | awk '{print $3}') started on 127.0.0.1:$port (data in $pg_dir, removed on exit)"
      return 0
    fi
    echo "== PostgreSQL did not start on port $port (attempt $attempt):" >&2
    tail -n 5 "$pg_dir/server.log" >&2 || true
  done
  return 1
}

# Counts the test results (one per test case, theory rows included) whose outcome matches, over every TRX file.
count() {
  find "$results_dir" -name '*.trx' -print0 \
    | xargs -0 -r grep -oh '<UnitTestResult [^>]*' \
    | grep -cE " outcome=\"($1)\"" || true
}

fast=false
if [[ ${1:-} == --fast ]]; then
  fast=true
  shift
  set -- --filter "Category!=Browser&Category!=Postgres&Category!=SqlServer&Category!=Process" "$@"
  echo "== --fast: browser, PostgreSQL, SQL Server and outside-process tests are left out"
fi

dotnet tool restore >/dev/null

if [[ $fast == true ]]; then
  :
elif [[ -n ${VPNPORTAL_TEST_POSTGRES:-} ]]; then
  echo "== PostgreSQL tests use the server in VPNPORTAL_TEST_POSTGRES"
else
  start_postgres
fi

# The test OpenID Connect provider's packages, from its lockfile, before test processes start in parallel.
if [[ $fast == true ]]; then
  :
elif command -v npm >/dev/null; then
  echo "== npm ci (tests/oidc-provider)"
  (cd tests/oidc-provider && npm ci --no-audit --no-fund --loglevel=error)
else
  echo "== Node.js is not installed: the sign-in tests will be SKIPPED (on CI, with CI=true, they fail instead)."
  echo "== Install it with: apt-get install -y nodejs npm"
fi

if [[ -z ${VPNPORTAL_TEST_CHROMIUM:-} && -x /usr/bin/chromium ]]; then
  export VPNPORTAL_TEST_CHROMIUM=/usr/bin/chromium
fi
if [[ -z ${VPNPORTAL_TEST_CHROMIUM:-} ]]; then
  echo "== Chromium is not installed (/usr/bin/chromium): browser tests cannot run. Install it with: apt-get install -y chromium"
fi

if [[ -n ${VPNPORTAL_TEST_RESULTS_DIR:-} ]]; then
  results_dir=$VPNPORTAL_TEST_RESULTS_DIR
  keep_results=true
  mkdir -p "$results_dir"
  find "$results_dir" -name '*.trx' -delete
else
  results_dir=$(mktemp -d "${TMPDIR:-/tmp}/vpnportal-test-results.XXXXXX")
fi
results_dir=$(cd "$results_dir" && pwd)
export VPNPORTAL_TEST_RESULTS_DIR=$results_dir

status=0
# Built once; then the web tests (the longest project, about two thirds of the test time) run beside all the others
# one after another. Left to itself, dotnet test on the solution runs two projects at a time in an order of MSBuild's
# choosing, and often leaves the browser journeys until the web tests are done, with a core idle meanwhile.
dotnet build VpnPortal.sln --nologo || status=$?
if [[ $status -eq 0 ]]; then
  web_status=0
  dotnet test tests/VpnPortal.Web.Tests --no-build --logger trx "$@" &
  web_pid=$!
  # Every other test project (the browser journeys, the longest of them, first).
  for project in tests/VpnPortal.Web.BrowserTests $(ls -d tests/VpnPortal.*Tests | grep -vxE 'tests/VpnPortal\.Web\.(Browser)?Tests'); do
    dotnet test "$project" --no-build --logger trx "$@" || status=$?
  done
  wait "$web_pid" || web_status=$?
  if [[ $status -eq 0 ]]; then
    status=$web_status
  fi
fi

passed=$(count Passed)
failed=$(count 'Failed|Error|Timeout|Aborted')
# Skipped tests (xunit's Assert.Skip, [Fact(Skip=...)]) are "NotExecuted" in TRX.
skipped=$(count NotExecuted)

if [[ $status -ne 0 && $failed -eq 0 ]]; then
  echo "== dotnet test exited with $status (build failure or crashed test host): see above"
fi
echo "$passed passed, $failed failed, $skipped skipped"

if [[ $status -ne 0 || $failed -ne 0 ]]; then
  exit 1
fi
