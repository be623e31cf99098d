// Self-hosted registries: the pull counter pullwatch's webhook keeps for them, sampled like any other counter.
import { UpstreamError } from '../errors.ts';
import type { RegistryCounters } from '../ports.ts';
import type { Ref } from '../refs.ts';
import type { Collected, Source } from './context.ts';

export class SelfHostedSource implements Source {
  /** No counters: the webhook is not set up where this runs. */
  constructor(
    private readonly counters: Pick<RegistryCounters, 'repository'> | undefined,
    private readonly now: () => Date,
  ) {}

  async collect(ref: Ref): Promise<Collected> {
    const name = `registry:${ref.path}`;
    if (!this.counters) throw new UpstreamError('not_found', name, 'no webhook counters are configured here');
    const counts = await this.counters.repository(name);
    // No event yet is not a count of 0: the webhook may not be set up for this repository.
    if (!counts) throw new UpstreamError('not_found', name, 'no registry notification received for this repository yet');
    return { samples: [{ registry: 'registry', repo: ref.path, collectedAt: this.now().toISOString(), pullCount: counts.pulls }] };
  }
}
