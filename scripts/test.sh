#!/usr/bin/env bash
# The whole test run: the local stack, static checks, then the Node and workerd
# suites against a real PostgreSQL + pgvector. `npm ci && npm test` is enough on
# a fresh Debian 12 machine.
set -euo pipefail
cd "$(dirname "$0")/.."
export WRANGLER_SEND_METRICS=false WRANGLER_HIDE_BANNER=true CLOUDFLARE_CF_FETCH_ENABLED=false
export NODE_OPTIONS="${NODE_OPTIONS:-} --no-warnings=ExperimentalWarning"

bash scripts/setup-postgres.sh
bash scripts/setup-scale-out.sh
bash scripts/setup-chromium.sh
bash scripts/setup-pgbouncer.sh
bash scripts/setup-docs-corpus.sh
# The generated Env (worker-configuration.d.ts) must match wrangler.toml: rerun `npm run types` after editing it.
echo "== wrangler types"; npx wrangler types --include-runtime=false --strict-vars=false --check
echo "== typecheck"; npx tsc --noEmit; npx tsc --noEmit -p tsconfig.workers.json
echo "== lint"; npx biome check .
echo "== imports (no cycle, no upward import; docs/architecture.md)"; npx depcruise lib functions --config .dependency-cruiser.json

mkdir -p test-artifacts
status=0
for project in node workers workers-hyperdrive workers-ingest; do
  echo "== vitest: $project"
  npx vitest run --project "$project" --reporter=default --reporter=json \
    --outputFile.json="test-artifacts/vitest-$project.json" "$@" || status=1
done
node -e '
  let passed = 0, failed = 0, skipped = 0;
  for (const p of ["node", "workers", "workers-hyperdrive", "workers-ingest"]) {
    try {
      const r = require(`./test-artifacts/vitest-${p}.json`);
      passed += r.numPassedTests; failed += r.numFailedTests; skipped += r.numPendingTests + r.numTodoTests;
    } catch { failed += 1; console.error(`no results for ${p}`); }
  }
  console.log(`${passed} passed, ${failed} failed, ${skipped} skipped`);
'
exit $status
