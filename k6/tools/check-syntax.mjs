// Parses every script k6 runs at the language level k6 0.48 takes, so syntax that an old k6 cannot compile fails here
// rather than at `k6 run`. k6 0.48 compiles every ES module with Babel 6, whose parser knows ES2017 and nothing later:
// `a?.b` and `a ?? b` are a SyntaxError there ("Unexpected token"), and the type check does not notice, since
// TypeScript takes any modern syntax. ES2018 and ES2019 syntax (object spread, `catch {}` without a binding) is refused
// too: it reached Babel's parser as plugins or in Babel 7, so the scripts do not rely on it.
//
// Usage: node k6/tools/check-syntax.mjs            (from anywhere; checks k6/*.js and k6/lib/**/*.js)
import { parse } from 'acorn';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const ECMA_VERSION = 2017;
const k6Dir = join(dirname(fileURLToPath(import.meta.url)), '..');

// Not run by k6: Node tooling (the report generator, this check), run output, fixtures and type declarations.
const NOT_K6 = new Set(['node_modules', 'report-generator', 'results', 'samples', 'tools', 'types']);

/** @returns {{ message: string, line: number } | undefined} the parse error, or undefined when the source is accepted */
function syntaxError(source) {
  try {
    parse(source, { ecmaVersion: ECMA_VERSION, sourceType: 'module', allowHashBang: false });
    return undefined;
  } catch (e) {
    return { message: e.message, line: e.loc?.line ?? 0 };
  }
}

// The pin is what the check rests on: if the parser took these, it would prove nothing about the scripts.
const MUST_REJECT = {
  'optional chaining': 'const x = a?.b;',
  'optional call': 'f?.();',
  'nullish coalescing': 'const x = a ?? b;',
  'logical assignment': 'a ||= b;',
  'numeric separator': 'const n = 1_000;',
  'BigInt literal': 'const n = 1n;',
  'class field': 'class A { x = 1; }',
  'object spread': 'const o = { ...p };',
  'catch without binding': 'try { f(); } catch { g(); }',
};
// What the scripts do use, which k6 0.48 runs: modules, async functions, destructuring, templates, exponent.
const MUST_ACCEPT =
  "import http from 'k6/http';\n" +
  'export const options = { vus: 1 };\n' +
  'export default async function () { const { a, b = 2 ** 3 } = await f(); return `${a}${b}`; }\n';

let failed = false;
for (const [what, snippet] of Object.entries(MUST_REJECT)) {
  if (syntaxError(snippet) === undefined) {
    console.error(`self-test: the parser accepts ${what} (${snippet}); it is not pinned to ES${ECMA_VERSION}`);
    failed = true;
  }
}
const acceptError = syntaxError(MUST_ACCEPT);
if (acceptError !== undefined) {
  console.error(`self-test: the parser refuses syntax k6 0.48 runs: ${acceptError.message}`);
  failed = true;
}

/** @returns {string[]} */
function scripts(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      return NOT_K6.has(entry.name) && dir === k6Dir ? [] : scripts(path);
    }
    return entry.isFile() && entry.name.endsWith('.js') ? [path] : [];
  });
}

const files = scripts(k6Dir).sort();
for (const file of files) {
  const source = readFileSync(file, 'utf8');
  const error = syntaxError(source);
  if (error !== undefined) {
    const text = error.line > 0 ? `\n    ${source.split('\n')[error.line - 1].trim()}` : '';
    console.error(`k6/${relative(k6Dir, file)}: ${error.message}: not ES${ECMA_VERSION}, which k6 0.48 needs${text}`);
    failed = true;
  }
}

if (failed) {
  process.exit(1);
}
console.log(`${files.length} scripts parse as ES${ECMA_VERSION} modules (k6 0.48's language level)`);
