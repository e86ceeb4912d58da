#!/usr/bin/env bash
# The test command: builds blurd (the CLI tests run the real binary) and runs every test.
set -euo pipefail
cd "$(dirname "$0")/.."
swift build --product blurd
# The suite is XCTest only; without Swift Testing's empty run, XCTest's summary is the last line.
swift test --disable-swift-testing
