// Self-hosted registries: the pull counter pullwatch's webhook keeps for them, sampled like any other counter.
import { UpstreamError } from '../errors.ts';
import type { Sample } from '../samples.ts';
import type { SourceContext } from './context.ts';

export async function readRegistryCounters(path: string, ctx: SourceContext): Promise<Sample> {
  const ref = `registry:${path}`;
  if (!ctx.registryCounters) throw new UpstreamError('not_found', ref, 'no webhook counters are configured here');
  const counts = await ctx.registryCounters.repository(ref);
  // No event yet is not a count of 0: the webhook may not be set up for this repository.
  if (!counts) throw new UpstreamError('not_found', ref, 'no registry notification received for this repository yet');
  return { registry: 'registry', repo: path, collectedAt: ctx.now().toISOString(), pullCount: counts.pulls };
}
