// Routes a ref to the source that can read its registry.
import type { Ref } from '../refs.ts';
import type { Sample } from '../samples.ts';
import type { SourceContext } from './context.ts';
import { fetchDockerHubRepository } from './dockerhub.ts';

export type { SourceContext, UpstreamUrls } from './context.ts';

export class UnsupportedRefError extends Error {
  override readonly name = 'UnsupportedRefError';
}

/** Reads the current counts a ref stands for: one sample per repository. */
export async function fetchSamples(ref: Ref, ctx: SourceContext): Promise<Sample[]> {
  if (ref.registry === 'dockerhub' && !ref.wildcard) return [await fetchDockerHubRepository(ref.path, ctx)];
  throw new UnsupportedRefError(`${ref.registry}${ref.wildcard ? ' wildcard' : ''} refs are not collected by this version`);
}
