#!/usr/bin/env bash
# Runs a benchmark against the whole application (host mode, every replica, Release build) and writes its figures to
# docs/benchmarks/<name>.{json,md}. Examples:
#   ./scripts/bench.sh delivery --messages 100000 --error-rate 0
#   ./scripts/bench.sh users --users 1000000 --connections 64 --seconds 20
#   ./scripts/bench.sh steady --per-second 10 --seconds 180 --worker-skew-ms -500
#   ./scripts/bench.sh crud --connections 10,64 --seconds 20
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/prerequisites.sh

require_dotnet
INFRASTRUCTURE_MODE=host ensure_host_servers
dotnet build Birthday.Benchmarks -c Release -nologo -clp:ErrorsOnly
dotnet run --project Birthday.Benchmarks -c Release --no-build -- "$@"
