// Every default pullwatch runs with, in one place: local mode, the Lambda handlers and the stack read these.

export const DEFAULTS = {
  /** Upstream base URLs; tests point them at local fake servers. */
  dockerhubApiUrl: 'https://hub.docker.com',
  ghcrUrl: 'https://github.com',
  quayApiUrl: 'https://quay.io',

  /** How often the counters are sampled. */
  pollMinutes: 60,

  /** Every upstream call: give up after this long, read at most this much. */
  upstreamTimeoutMs: 15_000,
  upstreamMaxBytes: 2 * 1024 * 1024,
  userAgent: 'pullwatch/0.1 (+container pull statistics)',
  /** Pause between two GHCR page requests from one collector (FACTS: pace 2–5 s). */
  ghcrRequestGapMs: 3_000,

  /** Receives of one queue message before it is dead-lettered (SQS maxReceiveCount). */
  maxReceives: 3,

  /** Local mode. */
  port: 8080,
  dataDir: './data',
  /** Local stand-in for the queue's visibility timeout: how long a failed message waits before redelivery. */
  localRedeliveryMs: 5_000,
} as const;
