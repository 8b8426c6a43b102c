#!/usr/bin/env bash
# `make deps`: npm ci only when package-lock.json's content differs from what node_modules was installed from.
# A content stamp, not file times: a git checkout, merge or second worktree touches the lockfile's mtime
# without changing it, and an mtime rule would then wipe and reinstall node_modules under running processes.
set -euo pipefail
cd "$(dirname "$0")/.."
want=$(sha256sum package-lock.json | cut -d' ' -f1)
stamp=node_modules/.lockfile-sha256
if [ -d node_modules ] && [ "$(cat "$stamp" 2>/dev/null)" = "$want" ]; then exit 0; fi
npm ci --no-audit --no-fund
echo "$want" > "$stamp"
