#!/usr/bin/env bash
# Runs every fuzz target for a bounded time (default 60 s each), seeding its corpus from the real
# 1C captures and the adapters' fixtures. Usage: fuzz/run.sh [seconds] [target...]
# Needs cargo-fuzz (`cargo install cargo-fuzz`) and a nightly toolchain (`rustup toolchain install
# nightly`); without nightly, RUSTC_BOOTSTRAP=1 with `--sanitizer none` works on stable.
set -euo pipefail
cd "$(dirname "$0")"
secs="${1:-60}"
shift || true
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
    mapfile -t targets < <(cargo fuzz list)
fi
shared=../conformance/onec/ut11-trade-demo
fixtures=../adapters/core/tests/fixtures
okdesk_fixtures=../okdesk-client/tests/fixtures

seed() {
    local target=$1
    mkdir -p "corpus/$target"
    case "$target" in
        edmx) cp -n "$shared"/msg001_metadata.xml "corpus/$target/" ;;
        atom) cp -n "$shared"/msg00[2-6]_*.xml "corpus/$target/" ;;
        json_feed) cp -n "$fixtures"/odata/*.json "$fixtures"/odata/*.html "corpus/$target/" ;;
        xml_exchange) cp -n "$fixtures"/xml/*.xml "corpus/$target/" ;;
        okdesk_models) [ -d "$okdesk_fixtures" ] && find "$okdesk_fixtures" -name '*.json' -exec cp -n {} "corpus/$target/" \; ;;
    esac
    return 0
}

toolchain=+nightly
if ! rustup run nightly rustc --version >/dev/null 2>&1; then
    export RUSTC_BOOTSTRAP=1
    toolchain=
fi
for target in "${targets[@]}"; do
    seed "$target"
    echo "== $target: ${secs}s"
    # -max_len 65536 lets the real captures (up to 250 KB) mutate in their first 64 KiB.
    cargo $toolchain fuzz run "$target" "corpus/$target" -- \
        -max_total_time="$secs" -max_len=65536 -rss_limit_mb=2048 -print_final_stats=1 2>&1 |
        tee "run-$target.log" | grep -E '^(stat::|==|SUMMARY|Done|INFO: Running|.*panicked)' || true
done
