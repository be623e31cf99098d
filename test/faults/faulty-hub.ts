// A fake Docker Hub repository API that fails on purpose, from a seeded script, and logs every answer it gave.
import type { ServerResponse } from 'node:http';
import { RateWindow } from '../fakes/rate-window.ts';
import { type FakeUpstream, dockerHubRepository, json } from '../fakes/upstream.ts';

/**
 * What the fake did with one request:
 * - `ok`: a complete, well-formed 200 carrying a count no other answer carried.
 * - `server_error`: 500, 502 or 503. `reset`: the connection closed halfway through a 200's body.
 * - `hang`: no answer until long past the collector's timeout; the late 200 carries a fresh count of its own.
 * - `throttled`: 429 with `Retry-After: 1`, alone or inside a burst.
 * - `not_a_number`: 200 with `{"pull_count":"many"}`. `truncated`: 200 whose JSON stops halfway (HTTP-complete).
 */
export type Answer = 'ok' | 'server_error' | 'reset' | 'hang' | 'throttled' | 'not_a_number' | 'truncated';

export interface ServedAnswer {
  /** `namespace/name`. */
  repo: string;
  /** Which collection (set by the test before each) the request arrived in. */
  collection: number;
  /** The repository's nth request, from 0. */
  attempt: number;
  answer: Answer;
  /** For `ok` and `hang`: the pull_count written (for a hang, only after the collector gave up). */
  count?: number;
  arrivedAt: number;
}

export interface FaultyHub {
  readonly answers: readonly ServedAnswer[];
  /** Tags the requests that follow with this collection number. */
  collection: number;
  /** Stops the late answers still pending. */
  stop(): void;
}

export interface FaultPlan {
  seed: number;
  /** The late answer of a hang is written this long after the request arrived. */
  hangMs: number;
  /** A burst answers 429 to this many requests in a row, whichever repositories they are for. */
  burstLength: number;
  /** Answers fixed in advance for a repository's nth request (`namespace/name#n`), so every fault shows up whatever the seed. */
  forced?: Record<string, Answer>;
}

/** Shares of each scripted answer; what is left over is `ok`. A burst starts at a `throttled` draw. */
const SHARES: [Exclude<Answer, 'ok'>, number][] = [
  ['server_error', 0.3],
  ['hang', 0.1],
  ['throttled', 0.04],
  ['not_a_number', 0.03],
  ['truncated', 0.03],
  ['reset', 0.02],
];

/**
 * The draw for a repository's nth request depends only on the seed, the repository and n, so a failure reproduces
 * with the same seed whatever order concurrent batches reach the fake in. Only which requests a burst catches
 * depends on arrival order.
 */
export function scriptedAnswer(seed: number, repo: string, attempt: number): Answer {
  let u = unitHash(`${seed}:${repo}:${attempt}`);
  for (const [answer, share] of SHARES) {
    if (u < share) return answer;
    u -= share;
  }
  return 'ok';
}

/** FNV-1a, then a mulberry32 round for mixing: a number in [0, 1). */
function unitHash(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  h = (h + 0x6d2b79f5) | 0;
  let t = Math.imul(h ^ (h >>> 15), 1 | h);
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
  return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
}

export function installFaultyHub(fake: FakeUpstream, plan: FaultPlan): FaultyHub {
  const answers: ServedAnswer[] = [];
  const attempts = new Map<string, number>();
  const late = new Set<NodeJS.Timeout>();
  let burstLeft = 0;
  // Every count is fresh and none is 0, so a stored count names the one answer it came from.
  let nextCount = 1_000_000;
  const hub: FaultyHub = { answers, collection: 0, stop: () => late.forEach(clearTimeout) };
  const budget = new RateWindow('rolling', 1_000_000, 60_000);

  fake.route(/^\/v2\/repositories\/[^/]+\/[^/]+\/$/, (_request, response: ServerResponse, url) => {
    const [, , , namespace, name] = url.pathname.split('/') as [string, string, string, string, string];
    const repo = `${namespace}/${name}`;
    const attempt = attempts.get(repo) ?? 0;
    attempts.set(repo, attempt + 1);
    let answer = plan.forced?.[`${repo}#${attempt}`] ?? scriptedAnswer(plan.seed, repo, attempt);
    if (answer === 'throttled') burstLeft = plan.burstLength;
    if (burstLeft > 0) {
      burstLeft--;
      answer = 'throttled';
    }
    const served: ServedAnswer = { repo, collection: hub.collection, attempt, answer, arrivedAt: Date.now() };
    answers.push(served);
    // Docker Hub announces its budget on every answer; without one the collector would pace by the real 180 a minute.
    if (answer !== 'throttled') for (const [header, value] of Object.entries(budget.admit(served.arrivedAt).headers)) response.setHeader(header, value);

    switch (answer) {
      case 'ok':
        served.count = nextCount++;
        return json(response, 200, dockerHubRepository(namespace, name, served.count));
      case 'server_error':
        return json(response, [500, 502, 503][attempt % 3]!, { message: 'upstream trouble' });
      case 'throttled':
        return json(response, 429, { message: 'too many requests' }, { 'retry-after': '1' });
      case 'not_a_number':
        return json(response, 200, { ...dockerHubRepository(namespace, name, 1), pull_count: 'many' });
      case 'truncated': {
        const body = JSON.stringify(dockerHubRepository(namespace, name, nextCount++));
        return response.writeHead(200, { 'content-type': 'application/json' }).end(body.slice(0, Math.floor(body.length / 2)));
      }
      case 'reset': {
        const body = JSON.stringify(dockerHubRepository(namespace, name, nextCount++));
        response.writeHead(200, { 'content-type': 'application/json', 'content-length': String(body.length) });
        response.write(body.slice(0, 40));
        // Let the headers and the first bytes leave, then drop the connection mid-body.
        setTimeout(() => response.destroy(), 5);
        return;
      }
      case 'hang': {
        const timer = setTimeout(() => {
          late.delete(timer);
          served.count = nextCount++;
          if (!response.destroyed) json(response, 200, dockerHubRepository(namespace, name, served.count));
        }, plan.hangMs);
        late.add(timer);
        return;
      }
    }
  });
  return hub;
}

/** The kind of error the collector records for an answer that is not `ok`. */
export function expectedKind(answer: Answer): 'transient' | 'rate_limited' | 'format_changed' | undefined {
  switch (answer) {
    case 'ok':
      return undefined;
    case 'server_error':
    case 'reset':
    case 'hang':
      return 'transient';
    case 'throttled':
      return 'rate_limited';
    case 'not_a_number':
    case 'truncated':
      return 'format_changed';
  }
}
