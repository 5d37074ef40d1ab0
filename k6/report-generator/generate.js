#!/usr/bin/env node
// Usage: node k6/report-generator/generate.js [--out report.html] [--title "…"] results/*.json
// Reads k6 handleSummary JSON files (the k6 scripts write results/<script>.json) and writes one self-contained HTML
// report: overview, charts (throughput, latency percentiles, error rates, the scripts' own trends), thresholds.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { readSummary } from './lib/summaries.js';
import { renderReport } from './lib/report.js';

const USAGE = 'usage: node generate.js [--out report.html] [--title TEXT] SUMMARY.json...';

function main() {
  let parsed;
  try {
    parsed = parseArgs({
      allowPositionals: true,
      options: {
        out: { type: 'string', short: 'o', default: 'report.html' },
        title: { type: 'string', default: 'Birthday load tests' },
        help: { type: 'boolean', short: 'h', default: false },
      },
    });
  } catch (error) {
    return fail(`${error instanceof Error ? error.message : error}\n${USAGE}`);
  }

  if (parsed.values.help) {
    console.log(USAGE);
    return 0;
  }

  if (parsed.positionals.length === 0) {
    return fail(`no summary files given.\n${USAGE}`);
  }

  let tests;
  try {
    tests = parsed.positionals.map(readSummary);
  } catch (error) {
    return fail(error instanceof Error ? error.message : String(error));
  }

  const out = resolve(parsed.values.out);
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, renderReport(tests, { title: parsed.values.title, generatedAt: new Date().toISOString() }));
  const failed = tests.filter((t) => t.thresholds.some((th) => !th.ok)).map((t) => t.name);
  console.log(`report: ${out} (${tests.length} test${tests.length === 1 ? '' : 's'}; `
    + `${failed.length === 0 ? 'every threshold passed' : `thresholds failed in ${failed.join(', ')}`})`);
  return 0;
}

/** @param {string} message */
function fail(message) {
  console.error(`generate.js: ${message}`);
  return 2;
}

process.exitCode = main();
