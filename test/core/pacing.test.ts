// Pins the pacer's promise on virtual time: against a rolling or a fixed window, with random latencies, answers out of
// order and two pacers sharing one schedule, no request goes past the limit and a poll takes the budget's time, ±10 %.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DEFAULTS } from '../../lambdas/core/defaults.ts';
import { UpstreamError } from '../../lambdas/core/errors.ts';
import { InProcessSchedule, Pacer, type PacerOptions } from '../../lambdas/core/pacing.ts';
import type { RequestSchedule } from '../../lambdas/core/ports.ts';
import { RateWindow, type WindowKind } from '../fakes/rate-window.ts';
import { VirtualClock } from '../fakes/virtual-clock.ts';

const START = Date.parse('2026-11-23T10:00:00Z');
const URL_ = 'https://hub.example/v2/repositories/solo/app/';

/** Deterministic per seed, so a failing case replays exactly. */
function randomFrom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/** Docker Hub's pacer as config.ts builds it; `shared`: on a schedule with other collectors, as in AWS. */
function dockerHubPacer(clock: VirtualClock, schedule?: RequestSchedule): Pacer {
  const options: PacerOptions = {
    registry: 'dockerhub',
    assumed: DEFAULTS.dockerhubAssumedBudget,
    clock,
    ...(schedule && { schedule, slotsPerReservation: DEFAULTS.sharedScheduleSlots }),
  };
  return new Pacer(options);
}

/** A shared schedule behind a store that takes a while to answer, like DynamoDB. */
function remoteSchedule(clock: VirtualClock, latencyMs: () => number): RequestSchedule {
  const store = new InProcessSchedule();
  return {
    async reserve(registry, request) {
      await clock.sleep(latencyMs());
      return store.reserve(registry, request);
    },
  };
}

interface Poll {
  kind: WindowKind;
  limit: number;
  windowMs: number;
  requests: number;
  /** Collector instances, each with its own pacer; two share one schedule. */
  instances: 1 | 2;
  /** Requests each instance has waiting at once. */
  concurrency: number;
  maxLatencyMs: number;
  /** Where in the registry's fixed window the poll starts. */
  offsetMs: number;
  seed: number;
}

/**
 * Sends `requests` requests through the pacers to a registry enforcing the window. Each request travels up and back
 * with its own random latency, so answers arrive out of order; a refused request waits as the queue would, then retries.
 */
async function simulate(poll: Poll) {
  const clock = new VirtualClock(START + poll.offsetMs);
  const registry = new RateWindow(poll.kind, poll.limit, poll.windowMs);
  const random = randomFrom(poll.seed);
  const latency = () => Math.floor(random() * poll.maxLatencyMs);
  const schedule = poll.instances > 1 ? remoteSchedule(clock, () => 5 + Math.floor(random() * 40)) : undefined;
  const pacers = Array.from({ length: poll.instances }, () => dockerHubPacer(clock, schedule));
  let waiting = poll.requests;
  let heldBack = 0;

  const send = async (pacer: Pacer): Promise<void> => {
    for (;;) {
      let turn;
      try {
        turn = await pacer.turn(URL_);
      } catch (error) {
        if (!(error instanceof UpstreamError) || error.retryAt === undefined) throw error;
        heldBack++;
        await clock.sleep(error.retryAt - clock.now());
        continue;
      }
      await clock.sleep(latency());
      const admission = registry.admit(clock.now());
      await clock.sleep(latency());
      const retryAt = admission.admitted ? undefined : clock.now() + Number(admission.headers['retry-after']) * 1000;
      turn.answered(new Headers(admission.headers), retryAt);
      if (retryAt === undefined) return;
      await clock.sleep(retryAt - clock.now());
    }
  };
  const worker = async (pacer: Pacer): Promise<void> => {
    while (waiting > 0) {
      waiting--;
      await send(pacer);
    }
  };
  const started = clock.now();
  await clock.run(Promise.all(pacers.flatMap((pacer) => Array.from({ length: poll.concurrency }, () => worker(pacer)))));
  return { refused: registry.refused, busiest: registry.busiest, heldBack, elapsedMs: clock.now() - started };
}

const polls = (instances: fc.Arbitrary<1 | 2>): fc.Arbitrary<Poll> =>
  fc
    .record({
      // A rolling window of any length is learned from the first answer; a fixed one only once a reset has passed, so
      // a fixed window keeps Docker Hub's minute, the length assumed until then.
      window: fc.oneof(
        fc.record({ kind: fc.constant<WindowKind>('rolling'), windowMs: fc.integer({ min: 1, max: 5 }).map((minutes) => minutes * 60_000) }),
        fc.record({ kind: fc.constant<WindowKind>('fixed'), windowMs: fc.constant(60_000) }),
      ),
      limit: fc.integer({ min: 60, max: 600 }),
      windows: fc.integer({ min: 3, max: 5 }),
      instances,
      // Two batches of ten in flight, as the collector runs: enough that the pacer, not the round trip, sets the pace.
      concurrency: fc.constant(20),
      maxLatencyMs: fc.integer({ min: 0, max: 1_000 }),
      offsetMs: fc.integer({ min: 0, max: 299_999 }),
      seed: fc.integer(),
    })
    .map(({ window, windows, ...poll }) => ({ ...poll, ...window, requests: windows * poll.limit }));

/** What the issue asks: the budget's own time, requests ÷ (limit per window), give or take 10 %. */
function expectBudgetTime(poll: Poll, elapsedMs: number): void {
  const budgetMs = (poll.requests / poll.limit) * poll.windowMs;
  expect(elapsedMs).toBeGreaterThanOrEqual(0.9 * budgetMs);
  expect(elapsedMs).toBeLessThanOrEqual(1.1 * budgetMs);
}

describe('Pacer against a registry that enforces its window', () => {
  it('one collector: no request past the limit, the poll in the budget’s time', async () => {
    await fc.assert(
      fc.asyncProperty(polls(fc.constant(1)), async (poll) => {
        const { refused, busiest, elapsedMs } = await simulate(poll);
        expect(refused).toBe(0);
        expect(busiest).toBeLessThanOrEqual(poll.limit);
        expectBudgetTime(poll, elapsedMs);
      }),
      { numRuns: 40 },
    );
  });

  it('two collectors on one shared schedule: together no request past the limit, the poll in the budget’s time', async () => {
    await fc.assert(
      fc.asyncProperty(polls(fc.constant(2)), async (poll) => {
        const { refused, busiest, elapsedMs } = await simulate(poll);
        expect(refused).toBe(0);
        expect(busiest).toBeLessThanOrEqual(poll.limit);
        expectBudgetTime(poll, elapsedMs);
      }),
      { numRuns: 40 },
    );
  });
});

describe('Pacer holds and refusals', () => {
  const limitHeaders = (remaining: number, resetAtMs: number) =>
    new Headers({ 'x-ratelimit-limit': '180', 'x-ratelimit-remaining': String(remaining), 'x-ratelimit-reset': String(resetAtMs / 1000) });

  /** Takes `count` turns at once, answering each without headers; returns when each was let go. */
  async function sendTimes(pacer: Pacer, clock: VirtualClock, count: number): Promise<number[]> {
    return Promise.all(
      Array.from({ length: count }, async () => {
        const turn = await pacer.turn(URL_);
        turn.answered();
        return clock.now();
      }),
    );
  }

  async function refusal(promise: Promise<unknown>): Promise<UpstreamError> {
    const error = await promise.then(
      () => undefined,
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(UpstreamError);
    return error as UpstreamError;
  }

  it('waits out a spent window, then resumes one gap apart, never in a burst', async () => {
    const clock = new VirtualClock(START);
    const pacer = dockerHubPacer(clock);
    const times = await clock.run(
      (async () => {
        (await pacer.turn(URL_)).answered(limitHeaders(3, START + 5_000));
        return sendTimes(pacer, clock, 5);
      })(),
    );
    const gap = 60_000 / 171;
    expect(times).toEqual([0, 1, 2, 3, 4].map((index) => START + 5_000 + index * gap));
  });

  it('sends nothing before the time a 429 named', async () => {
    const clock = new VirtualClock(START);
    const pacer = dockerHubPacer(clock);
    const times = await clock.run(
      (async () => {
        (await pacer.turn(URL_)).answered(new Headers(), START + 8_000);
        return sendTimes(pacer, clock, 1);
      })(),
    );
    expect(times).toEqual([START + 8_000]);
  });

  it('sends the request back to the queue when the window resets later than it may wait, with what it believed', async () => {
    const clock = new VirtualClock(START);
    const pacer = dockerHubPacer(clock);
    const error = await clock.run(
      (async () => {
        (await pacer.turn(URL_)).answered(limitHeaders(0, START + 45_000));
        return refusal(pacer.turn(URL_));
      })(),
    );
    expect(error).toMatchObject({ kind: 'rate_limited', url: URL_, retryAt: START + 45_000 });
    expect(error.rateLimit).toEqual({ by: 'pacer', belief: expect.objectContaining({ limit: 180, remaining: 0, inFlight: 0 }) });
  });

  it('sends the request back to the queue when other collectors booked the registry further ahead than it may wait', async () => {
    const clock = new VirtualClock(START);
    const booked: RequestSchedule = { reserve: async () => ({ bookedUntil: START + 30_000 }) };
    const error = await clock.run(refusal(dockerHubPacer(clock, booked).turn(URL_)));
    expect(error).toMatchObject({ kind: 'rate_limited', retryAt: START + 30_000, message: expect.stringContaining('booked by other collectors') });
  });

  it('fails the waiting requests when the shared schedule cannot be reached, and serves the next ones once it can', async () => {
    const clock = new VirtualClock(START);
    let reachable = false;
    const store = new InProcessSchedule();
    const flaky: RequestSchedule = {
      reserve: (registry, request) => (reachable ? store.reserve(registry, request) : Promise.reject(new Error('ThrottlingException'))),
    };
    const pacer = dockerHubPacer(clock, flaky);
    await expect(clock.run(pacer.turn(URL_))).rejects.toThrow('ThrottlingException');
    reachable = true;
    expect(await clock.run(sendTimes(pacer, clock, 1))).toEqual([START]);
  });
});
