#!/usr/bin/env bash
# Installs the real-workbench test tools (code-server 4.100.3 = VS Code 1.100.3, playwright-core)
# into test/e2e/node_modules from test/e2e/package-lock.json. They are large (~300 MB) and only the
# e2e tier needs them, so they live apart from the root package.
#
# code-server's install has four blockers on an offline CI machine (see README "End-to-end tests"):
#   1. as root its postinstall refuses to run unless npm_config_unsafe_perm=true;
#   2. its kerberos addon compiles against libkrb5-dev (apt);
#   3. @vscode/ripgrep downloads `rg` from GitHub: we seed its cache with Debian's rg binary;
#   4. node-pty's postinstall runs `npx node-gyp`, which asks before installing unless npm_config_yes=true.
# System packages needed: chromium libkrb5-dev ripgrep (apt-get install -y chromium libkrb5-dev ripgrep).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"

for tool in /usr/bin/chromium /usr/bin/rg; do
  if [ ! -x "$tool" ]; then
    echo "install.sh: $tool is missing; run: apt-get install -y chromium libkrb5-dev ripgrep" >&2
    exit 1
  fi
done

tmp="${TMPDIR:-/tmp}"
ripgrep_cache="$tmp/vscode-ripgrep-cache-1.15.11"
mkdir -p "$ripgrep_cache"
tar czf "$ripgrep_cache/ripgrep-v13.0.0-10-x86_64-unknown-linux-musl.tar.gz" -C /usr/bin rg

cd "$here"
export npm_config_unsafe_perm=true
export npm_config_yes=true
if [ -f package-lock.json ] && grep -q '"node_modules/code-server"' package-lock.json; then
  npm ci --no-audit --no-fund
else
  npm install --no-audit --no-fund
fi
test -x node_modules/.bin/code-server
echo "install.sh: code-server $(node -p "require('./node_modules/code-server/package.json').version") ready"
