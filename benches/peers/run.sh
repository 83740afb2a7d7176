#!/usr/bin/env bash
# Builds the side-by-side harness (its own workspace, target dir benches/peers/target) and runs
# every implementation on keripy's 1k and 10k single-key KELs and its 2,000-identifier stream,
# keripy and the `keri` binary (built here from the root workspace, or $KERI_BIN) included,
# printing one Markdown table. Extra arguments go to `peers run` (e.g. `--runs-1k 3 --only ours-mem,keri-rs`;
# see src/main.rs). The report is also written to benches/peers/target/results.md.
#
# keripy: $KERIPY_PYTHON if set, else the venv `cargo xtask interop` builds
# (target/interop-venv), else a venv made here under ${TMPDIR:-/tmp} from
# interop/keripy/requirements.txt (needs Debian's libsodium23).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
export CARGO_TARGET_DIR="$here/target"
mkdir -p "$CARGO_TARGET_DIR"

cargo build --release --manifest-path "$here/Cargo.toml"
# The `keri` binary for the whole-process jobs, from the root workspace (its own target dir).
keri="${KERI_BIN:-}"
if [ -z "$keri" ]; then
  (cd "$root" && env -u CARGO_TARGET_DIR cargo build --release --locked -p dkms-cli)
  keri="$root/target/release/keri"
fi

python="${KERIPY_PYTHON:-}"
if [ -z "$python" ]; then
  if [ -x "$root/target/interop-venv/bin/python" ]; then
    python="$root/target/interop-venv/bin/python"
  else
    venv="${TMPDIR:-/tmp}/dkms-peers-keripy-venv"
    if [ ! -x "$venv/bin/python" ]; then
      python3 -m venv "$venv"
      "$venv/bin/pip" install --quiet -r "$root/interop/keripy/requirements.txt"
    fi
    python="$venv/bin/python"
  fi
fi
"$python" -c 'import keri; assert keri.__version__ == "1.1.17", keri.__version__'

{
  echo "harness: $(rustc --version), $(cargo --version)"
  echo "project: $(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo '?')," \
    "$(git -C "$root" status --porcelain -- crates 2>/dev/null | wc -l) changed files under crates/ (uncommitted, measured as built)"
  echo "keri binary: $keri"
  echo
  "$CARGO_TARGET_DIR/release/peers" run --keripy-python "$python" --keri "$keri" "$@"
} | tee "$CARGO_TARGET_DIR/results.md"
