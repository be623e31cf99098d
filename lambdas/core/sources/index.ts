// Routes a ref to the source that reads its registry, and says what a wildcard expands to.
import type { Ref } from '../refs.ts';
import type { Sample } from '../samples.ts';
import type { SourceContext } from './context.ts';
import { fetchDockerHubRepository, listDockerHubOwner } from './dockerhub.ts';
import { fetchGhcrPackage, listGhcrPackages } from './ghcr.ts';
import { fetchQuayRepository, listQuayRepositories } from './quay.ts';
import { readRegistryCounters } from './registry.ts';

export type { SourceContext, UpstreamUrls } from './context.ts';

export interface Collected {
  samples: Sample[];
  /** Refs found behind a wildcard whose listing carries no counts: each is collected on its own. */
  expand?: string[];
  /** Something the user should know although the collection succeeded (e.g. a cut listing). */
  warnings?: string[];
}

export async function collectFromSource(ref: Ref, ctx: SourceContext): Promise<Collected> {
  const owner = ref.path.split('/')[0]!;
  switch (ref.registry) {
    case 'dockerhub': {
      if (!ref.wildcard) return { samples: [await fetchDockerHubRepository(ref.path, ctx)] };
      const listing = await listDockerHubOwner(owner, ctx);
      return { samples: listing.samples, ...(listing.truncated && { warnings: [listing.truncated] }) };
    }
    case 'ghcr':
      if (!ref.wildcard) return { samples: [await fetchGhcrPackage(ref.path, ctx)] };
      return { samples: [], expand: (await listGhcrPackages(owner, ctx)).map((name) => `ghcr:${owner}/${name}`) };
    case 'quay':
      if (!ref.wildcard) return { samples: await fetchQuayRepository(ref.path, ctx) };
      return { samples: [], expand: (await listQuayRepositories(owner, ctx)).map((path) => `quay:${path}`) };
    case 'registry':
      return { samples: [await readRegistryCounters(ref.path, ctx)] };
  }
}
