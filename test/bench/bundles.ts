// Benchmark: each Lambda bundle as the stack builds it (size, gzip) and its cold import time in a fresh Node process.
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { synthesize } from '../lib/synth.ts';

/** Inside node_modules so the bundles' external `@aws-sdk/*` imports resolve, as the Lambda runtime provides them. */
const BUNDLE_DIR = fileURLToPath(new URL('../../node_modules/.cache/pullwatch-bench-bundles', import.meta.url));
const IMPORTS_PER_BUNDLE = 5;

export interface BundleReport {
  bytes: number;
  gzipBytes: number;
  /** Median over fresh processes of `await import(bundle)`, SDK clients included. */
  coldImportMs: number;
}

export async function benchBundles(): Promise<Record<string, BundleReport>> {
  rmSync(BUNDLE_DIR, { recursive: true, force: true });
  mkdirSync(BUNDLE_DIR, { recursive: true });
  try {
    const { bundles } = synthesize({ bundle: true, copyBundlesTo: BUNDLE_DIR });
    const report: Record<string, BundleReport> = {};
    for (const path of Object.keys(bundles).sort()) {
      const name = path.split('/').at(-1)!.toLowerCase();
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
