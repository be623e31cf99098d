import { afterEach, describe, expect, it, vi } from 'vitest';
import { synthesize } from './synth.ts';

afterEach(() => {
  vi.restoreAllMocks();
  vi.unstubAllEnvs();
});

describe('function bundles', () => {
  it('builds an ESM bundle with a source map for dispatch, collect, api, ingest and the store guard', { timeout: 60_000 }, () => {
    vi.spyOn(process.stderr, 'write').mockImplementation(() => true); // aws-cdk-lib's "Bundling asset ..." lines
    vi.stubEnv('npm_config_loglevel', 'error'); // esbuild runs through npx, which would print npm's config warnings
    const { bundles } = synthesize({ bundle: true });

    expect(Object.keys(bundles).sort()).toEqual([
      'Pullwatch/Collector/Collect',
      'Pullwatch/Collector/Dispatch',
      'Pullwatch/Query/Api',
      'Pullwatch/StoreGuard/Function',
      'Pullwatch/Webhook/Ingest',
    ]);
    for (const files of Object.values(bundles)) {
      expect(files['index.mjs']).toBeGreaterThan(0);
      expect(files['index.mjs.map']).toBeGreaterThan(0);
    }
  });
});
