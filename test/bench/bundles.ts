// Benchmark: each Lambda bundle as the stack builds it (size, gzip) and its cold import time in a fresh Node process.
import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { synthesize } from '../lib/synth.ts';

/** Inside node_modules, so that a bundle with external imports would still resolve them (the SDK is bundled now). */
const BUNDLE_DIR = fileURLToPath(new URL('../../node_modules/.cache/pullwatch-bench-bundles', import.meta.url));
const IMPORTS_PER_BUNDLE = 5;

export interface BundleReport {
  bytes: number;
  gzipBytes: number;
  /** Median over fresh processes of `await import(bundle)`, SDK clients included. */
  coldImportMs: number;
}

/** Each function's bundle as the stack builds it for `store` (the Timestream store needs a region that has it). */
export async function benchBundles(store: 'dynamodb' | 'timestream' = 'dynamodb'): Promise<Record<string, BundleReport>> {
  rmSync(BUNDLE_DIR, { recursive: true, force: true });
  mkdirSync(BUNDLE_DIR, { recursive: true });
  try {
    synthesize({ bundle: true, copyBundlesTo: BUNDLE_DIR, context: { store }, region: 'us-east-1' });
    const report: Record<string, BundleReport> = {};
    for (const name of readdirSync(BUNDLE_DIR).map((file) => file.replace(/\.mjs$/, '')).sort()) {
      const file = join(BUNDLE_DIR, `${name}.mjs`);
      const code = readFileSync(file);
      const times = Array.from({ length: IMPORTS_PER_BUNDLE }, () => importMs(file)).sort((a, b) => a - b);
      report[name] = { bytes: code.length, gzipBytes: gzipSync(code).length, coldImportMs: times[Math.floor(times.length / 2)]! };
    }
    return report;
  } finally {
    rmSync(BUNDLE_DIR, { recursive: true, force: true });
  }
}

function importMs(file: string): number {
  const script = `const t = performance.now(); await import(${JSON.stringify(file)}); console.log(performance.now() - t);`;
  const result = spawnSync(process.execPath, ['--input-type=module', '-e', script], {
    encoding: 'utf8',
    env: { ...process.env, AWS_REGION: 'us-east-1', AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
  });
  if (result.status !== 0) throw new Error(`importing ${file} failed: ${result.stderr}`);
  return Math.round(Number(result.stdout.trim()) * 10) / 10;
}
