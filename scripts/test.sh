#!/usr/bin/env bash
# Runs every test: unit tests and the integration tests that boot the whole application (host mode, fresh state).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/prerequisites.sh

require_dotnet
INFRASTRUCTURE_MODE=host ensure_host_servers
ensure_debian_packages docker-compose
dotnet build Birthday.sln -c Debug -nologo -clp:ErrorsOnly
dotnet test Birthday.sln -c Debug --no-build -nologo "$@"
