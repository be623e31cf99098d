// GitHub discovery's cost for an organisation of 120 repositories (test/core/discovery/organisation.ts) against the fake
// GitHub: requests and runs, anonymously (60 an hour, parked until each reset) and with a token (5,000 an hour).
import { discover, type DiscoveryState } from '../../lambdas/core/discovery/discover.ts';
import { GitHubClient } from '../../lambdas/core/discovery/github.ts';
import { acmeRepositories } from '../core/discovery/organisation.ts';
import { installFakeGitHub } from '../fakes/github.ts';
import { startFakeUpstream } from '../fakes/upstream.ts';

export async function benchDiscovery(): Promise<Record<string, unknown>> {
  const fake = await startFakeUpstream();
  let time = Date.parse('2026-12-01T10:00:00Z');
  installFakeGitHub(fake, { owners: new Map([['acme', { kind: 'org', repositories: acmeRepositories() }]]), tokens: new Set(['t']), now: () => time });
  const http = { timeoutMs: 5_000, maxBytes: 1 << 20, userAgent: 'pullwatch-bench' };
  const pass = async (token?: string) => {
    const github = new GitHubClient({ baseUrl: fake.url, http, now: () => new Date(time), ...(token && { token }) });
    const runs: number[] = [];
    const started = time;
    let state: DiscoveryState = {};
    for (;;) {
      const run = await discover({ owner: 'acme', forks: false }, state, github, { now: () => new Date(time), intervalMs: 86_400_000 });
      runs.push(run.requests);
      state = run.state;
      if (run.completed) break;
      time = Date.parse(state.parkedUntil!);
    }
    const result = { repositories: acmeRepositories().length, requests: runs.reduce((a, b) => a + b, 0), runs: runs.length, requestsPerRun: runs, hoursParked: (time - started) / 3_600_000, images: state.last!.candidates.length };
    time += 7 * 86_400_000;
    return result;
  };
  try {
    return { anonymous: await pass(), token: await pass('t') };
  } finally {
    await fake.close();
  }
}
