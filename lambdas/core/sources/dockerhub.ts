// Docker Hub: the repository API's lifetime pull_count.
import { z } from 'zod';
import { UpstreamError } from '../errors.ts';
import { getUpstream, parseJsonBody } from '../http.ts';
import type { Sample } from '../samples.ts';
import { hostOf, type SourceContext } from './context.ts';

const repositorySchema = z.object({
  pull_count: z.number().int().nonnegative(),
  star_count: z.number().int().nonnegative().nullish(),
  last_updated: z.string().nullish(),
});

/** Reads one repository (`namespace/name`); official images are `library/<name>`. */
export async function fetchDockerHubRepository(path: string, ctx: SourceContext): Promise<Sample> {
  const [namespace, name] = path.split('/');
  const url = `${ctx.urls.dockerhub}/v2/repositories/${namespace}/${name}/`;
  const response = await getUpstream(
    { url, accept: 'application/json', allowedHosts: [hostOf(ctx.urls.dockerhub)] },
    ctx.http,
  );
  return parseDockerHubRepository(parseJsonBody(response), path, url, ctx.now());
}

export function parseDockerHubRepository(body: unknown, path: string, url: string, collectedAt: Date): Sample {
  const parsed = repositorySchema.safeParse(body);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new UpstreamError('format_changed', url, `repository JSON: ${issue?.path.join('.') || 'body'} ${issue?.message ?? 'invalid'}`);
  }
  const { pull_count, star_count, last_updated } = parsed.data;
  return {
    registry: 'dockerhub',
    repo: path,
    collectedAt: collectedAt.toISOString(),
    pullCount: pull_count,
    ...(star_count != null && { starCount: star_count }),
    ...(last_updated != null && { lastUpdated: last_updated }),
  };
}
