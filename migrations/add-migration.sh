#!/usr/bin/env bash
# Adds a migration with the same name to every provider's migrations project.
#   migrations/add-migration.sh AddSomething
set -euo pipefail
name=${1:?usage: migrations/add-migration.sh <MigrationName>}
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
dotnet tool restore >/dev/null
for provider in Sqlite SqlServer Postgres; do
  project="migrations/VpnPortal.Migrations.$provider"
  echo "== $provider"
  dotnet ef migrations add "$name" --project "$project" --startup-project "$project" --output-dir Migrations
done
dotnet format VpnPortal.sln --include migrations/ >/dev/null || true
