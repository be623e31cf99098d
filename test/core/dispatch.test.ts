import { describe, expect, it } from 'vitest';
import { decodeRefMessage, encodeRefMessage, planDispatch } from '../../lambdas/core/dispatch.ts';
import { RefError } from '../../lambdas/core/errors.ts';

const enabled = (...refs: string[]) => refs.map((ref) => ({ ref, enabled: true }));

describe('planDispatch', () => {
  it('folds explicit Docker Hub refs into their owner wildcard, so they cost no extra request', () => {
    const plan = planDispatch(enabled('dockerhub:myorg/app', 'dockerhub:myorg/*', 'dockerhub:myorg/tool', 'dockerhub:other/app'));
    expect(plan.messages).toEqual([
      { ref: 'dockerhub:myorg/*', covers: ['dockerhub:myorg/app', 'dockerhub:myorg/tool'] },
      { ref: 'dockerhub:other/app' },
    ]);
  });

  it('collects explicit refs of fan-out wildcards on their own, and tells the wildcard to skip them', () => {
    const plan = planDispatch(enabled('ghcr:o/*', 'ghcr:o/p', 'quay:ns/*', 'quay:ns/r', 'quay:other/r'));
    expect(plan.messages).toEqual([
      { ref: 'ghcr:o/*', skip: ['ghcr:o/p'] },
      { ref: 'quay:ns/*', skip: ['quay:ns/r'] },
      { ref: 'ghcr:o/p' },
      { ref: 'quay:ns/r' },
      { ref: 'quay:other/r' },
    ]);
  });

  it('remembers how an item was typed, so its outcome is recorded on it', () => {
    expect(planDispatch(enabled('nginx', 'quay:a/b')).messages).toEqual([{ ref: 'dockerhub:library/nginx', item: 'nginx' }, { ref: 'quay:a/b' }]);
    expect(planDispatch(enabled('nginx', 'dockerhub:library/nginx')).messages).toEqual([{ ref: 'dockerhub:library/nginx' }]);
  });

  it('skips disabled items and reports invalid ones without stopping', () => {
    const plan = planDispatch([
      { ref: 'nginx', enabled: false },
      { ref: 'Bad/Ref', enabled: true },
      { ref: 'redis', enabled: true },
    ]);
    expect(plan.messages).toEqual([{ ref: 'dockerhub:library/redis', item: 'redis' }]);
    expect(plan.rejected.map((error) => error.input)).toEqual(['Bad/Ref']);
  });
});

describe('ref messages', () => {
  it('round-trip through the queue body', () => {
    const message = { ref: 'dockerhub:o/*', covers: ['dockerhub:o/a'], parent: 'x', attempt: 2 };
    expect(decodeRefMessage(encodeRefMessage(message))).toEqual(message);
  });

  it.each(['not json', '{}', '{"ref":""}', '{"ref":"a","attempt":-1}', '[1]'])('rejects the body %j with a RefError', (body) => {
    expect(() => decodeRefMessage(body)).toThrowError(RefError);
  });
});
