#!/usr/bin/env bash
# The packed tarball as users install it, from the npm registry:
#   1. "lint only" (the README's first install line) beside the latest eslint and parser: installs
#      with no peer conflict; prints the size of node_modules, and the size without this plugin;
#   2. "lint plus typed" beside the latest eslint, typescript-eslint and TypeScript 5.9: no peer
#      conflict (npm fails on ERESOLVE), ESLint runs the typed preset, the codemod bin runs;
#   3. the tarball ships LICENSE, README and the rule docs, and no developer-only docs.
# Usage: bash scripts/pack-check.sh [tarball]   (default: npm pack of this checkout, built)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
work="$(mktemp -d "${TMPDIR:-/tmp}/otel-pack-check.XXXXXX")"
trap 'rm -rf "$work"' EXIT
tarball="${1:-}"
if [ -z "$tarball" ]; then
  (cd "$root" && npm run build >/dev/null)
  tarball="$work/$(cd "$root" && npm pack --silent --pack-destination "$work" | tail -n 1)"
fi
echo "tarball: $(basename "$tarball") ($(du -k "$tarball" | cut -f1) kB packed)"

listing="$(tar -tzf "$tarball")"
for must in package/LICENSE package/README.md package/docs/rules/no-unbound-timer.md package/dist/codemods/no-unbound-timer.cjs; do
  grep -qx "$must" <<<"$listing" || { echo "FAIL: the tarball lacks $must"; exit 1; }
done
for mustnot in package/docs/architecture.md package/docs/benchmarks.md; do
  if grep -qx "$mustnot" <<<"$listing"; then echo "FAIL: the tarball ships $mustnot"; exit 1; fi
done
echo "contents: LICENSE, README, rule docs, jscodeshift entries; no developer docs"

install() { # dir, packages...
  local dir=$1; shift
  mkdir -p "$dir"
  (cd "$dir" && echo '{"name":"user-app","version":"1.0.0","private":true,"type":"module"}' > package.json \
    && npm install --no-audit --no-fund --loglevel=error "$@" >/dev/null)
}
size() { du -sk "$1/node_modules" | cut -f1; }

install "$work/lint" "$tarball" eslint@latest @typescript-eslint/parser@latest
install "$work/lint-base" eslint@latest @typescript-eslint/parser@latest
lint=$(size "$work/lint"); base=$(size "$work/lint-base")
echo "lint only: node_modules $lint kB; without the plugin $base kB; the plugin adds $((lint - base)) kB"
if [ -d "$work/lint/node_modules/jscodeshift" ]; then echo "FAIL: lint only installs jscodeshift"; exit 1; fi

install "$work/typed" "$tarball" eslint@latest typescript-eslint@latest typescript@~5.9
(cd "$work/typed" && node -e '
  for (const p of ["eslint", "typescript-eslint", "@typescript-eslint/parser", "@typescript-eslint/utils", "typescript"]) {
    console.log(`  ${p} ${require(require.resolve(p + "/package.json", { paths: [process.cwd()] })).version}`);
  }')
mkdir -p "$work/typed/src"
cat > "$work/typed/tsconfig.json" <<'JSON'
{ "compilerOptions": { "strict": true, "module": "NodeNext", "target": "ES2022", "noEmit": true }, "include": ["src"] }
JSON
cat > "$work/typed/eslint.config.js" <<'JS'
import { defineConfig } from 'eslint/config';
import tseslint from 'typescript-eslint';
import otelContext from 'eslint-plugin-otel-context';
export default defineConfig([
  tseslint.configs.base,
  { languageOptions: { parserOptions: { projectService: true } } },
  otelContext.configs.recommended,
  otelContext.configs['recommended-type-checked'],
  { files: ['**/*.{js,cjs,mjs}'], ...otelContext.configs['disable-type-checked'] },
  { settings: { 'otel-context': { contextManager: 'stack' } } },
]);
JS
cat > "$work/typed/src/app.ts" <<'TS'
import { trace } from '@opentelemetry/api';
const tracer = trace.getTracer('x');
export function handle(): void {
  tracer.startActiveSpan('job', (span) => {
    setTimeout(() => tracer.startSpan('tick').end(), 10);
    span.end();
  });
}
TS
printf "const x = require('node:fs');\nmodule.exports = { x };\n" > "$work/typed/src/legacy.cjs"
(cd "$work/typed" && npm install --no-audit --no-fund --loglevel=error @opentelemetry/api >/dev/null)
out="$(cd "$work/typed" && npx eslint src 2>&1 || true)"
grep -q "otel-context/no-unbound-timer" <<<"$out" || { echo "FAIL: eslint did not report no-unbound-timer:"; echo "$out"; exit 1; }
echo "typed: eslint reports otel-context/no-unbound-timer on src/app.ts and lints src/legacy.cjs without stopping"
(cd "$work/typed" && npx otel-context-codemod all src --dry >/dev/null 2>"$work/codemod.txt") || { cat "$work/codemod.txt"; echo "FAIL: codemod"; exit 1; }
grep -q "Files that would change: 1" "$work/codemod.txt" || { cat "$work/codemod.txt"; echo "FAIL: codemod did not follow the config"; exit 1; }
echo "codemod: follows eslint.config.js (contextManager stack): 1 file would change"
echo "pack-check: ok"
