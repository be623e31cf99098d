// What `npm start` and `npm run collect` say about REPOS: the refs it added, hints, and the inputs skipped with their reason.
import type { RefsFromEnv } from '../lambdas/local/wiring.ts';

export function reposEnvLines(fromEnv: RefsFromEnv, added: readonly string[]): string[] {
  return [
    ...(added.length > 0 ? [`REPOS: tracking ${added.join(', ')}`] : []),
    ...fromEnv.refs.flatMap(({ ref, hint }) => (hint ? [`REPOS: ${ref}: ${hint}`] : [])),
    ...fromEnv.rejected.map(({ input, reason }) => `REPOS: skipped ${JSON.stringify(input)}: ${reason}`),
  ];
}
