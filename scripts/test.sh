#!/usr/bin/env bash
# Runs every test: the k6 suite's checks, unit tests, the export checks, and the integration tests that boot the whole
# application (host mode, fresh state).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/prerequisites.sh

require_dotnet
INFRASTRUCTURE_MODE=host ensure_host_servers
ensure_debian_packages docker-compose
# The k6 suite (k6 itself is not installable here): scripts type-checked, the report generated and rendered in Chromium.
bash scripts/check-k6.sh
dotnet build Birthday.sln -c Debug -nologo -clp:ErrorsOnly
dotnet test Birthday.sln -c Debug --no-build -nologo "$@"
