// Fuzzes the build-file reader: any text, any YAML, any workflow-shaped data gives images or reasons, never a throw.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { readBuildFile } from '../../lambdas/core/discovery/build-files.ts';
import { parseRef } from '../../lambdas/core/refs.ts';
import { FUZZ_RUNS, mutatedText } from './arbitraries.ts';

const repository = { owner: 'acme', repo: 'api' };
const WORKFLOW = `env: { REGISTRY: ghcr.io, IMAGE_NAME: "\${{ github.repository }}" }
jobs:
  b:
    steps:
      - uses: docker/metadata-action@v5
        with: { images: "\${{ env.REGISTRY }}/\${{ env.IMAGE_NAME }}" }
      - uses: docker/build-push-action@v6
        with: { push: true, tags: "acme/app:1,quay.io/acme/app:2" }
      - run: docker buildx build --push -t "$IMAGE" . && podman push x docker://quay.io/a/b
`;
const TOKENS = ['${{', '}}', 'env.', 'github.repository', '$', '{', '}', ':', '/', '@', '"', "'", '\\\n', '\n', '  ', '- ', '&a', '*a', '<<: *a', '|', '>', '#', 'docker push ', '--push', '-t', ','];

const text = fc.oneof(
  fc.string({ maxLength: 200 }),
  fc.constant(WORKFLOW).chain((seed) => mutatedText(seed, TOKENS)),
  fc.anything().map((value) => stringify(value)),
  // Workflow-shaped data whose leaves are arbitrary: the reader must type-check every key it reads.
  fc
    .record({
      env: fc.oneof(fc.anything(), fc.dictionary(fc.string({ maxLength: 8 }), fc.oneof(fc.string(), fc.integer()))),
      step: fc.record({
        uses: fc.oneof(fc.anything(), fc.constantFrom('docker/build-push-action@v6', 'docker/metadata-action@v5')),
        with: fc.oneof(fc.anything(), fc.record({ push: fc.anything(), tags: fc.oneof(fc.string(), fc.array(fc.string())), images: fc.anything() })),
        run: fc.oneof(fc.anything(), fc.string().map((s) => `docker push ${s}`)),
      }),
    })
    .map(({ env, step }) => stringify({ env, jobs: { a: { env, steps: [step, null, 3] } } })),
);

describe('build-file reader fuzz', () => {
  it('gives images that are tracked refs, or reasons; never throws', () => {
    fc.assert(
      fc.property(fc.constantFrom('.github/workflows/x.yml', '.goreleaser.yml'), text, (file, body) => {
        const reading = readBuildFile(file, body, repository);
        for (const image of reading.images) {
          const ref = parseRef(image.ref);
          expect(['dockerhub', 'ghcr', 'quay']).toContain(ref.registry);
          expect(ref.wildcard).toBe(false);
        }
        for (const skipped of reading.skipped) expect(skipped.reason).not.toBe('');
      }),
      { numRuns: FUZZ_RUNS },
    );
  });
});
