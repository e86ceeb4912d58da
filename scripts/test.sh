#!/usr/bin/env bash
# The test command: builds blurd (the CLI tests run the real binary) and runs every test.
set -euo pipefail
cd "$(dirname "$0")/.."
swift build --product blurd
swift test
