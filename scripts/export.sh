#!/usr/bin/env bash
# Writes every deployment output from the AppHost's model, in publish mode (container form of every resource):
#   aspire-manifest.json            for azd, aspirate and other manifest readers
#   deploy/docker-compose.prod.yml  the production Compose file, and deploy/.env.prod.example, the variables it reads
# A test fails when the committed files differ from a fresh export: run this after changing the AppHost, and commit.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/prerequisites.sh

require_dotnet
output="${1:-$PWD}"
dotnet build Birthday.AppHost -c Debug -nologo -clp:ErrorsOnly
dotnet run --project Birthday.AppHost --no-build -c Debug --no-launch-profile -- \
  --operation publish --step publish-compose --output-path "$(realpath "$output")"
echo "Exported to $output: aspire-manifest.json, deploy/docker-compose.prod.yml, deploy/.env.prod.example"
