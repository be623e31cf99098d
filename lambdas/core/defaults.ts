// Every default pullwatch runs with, in one place: local mode, the Lambda handlers and the stack read these.

export const DEFAULTS = {
  /** Upstream base URLs; tests point them at local fake servers. */
  dockerhubApiUrl: 'https://hub.docker.com',
  ghcrUrl: 'https://github.com',
  quayApiUrl: 'https://quay.io',

  /** GitHub discovery (`github:` refs): the REST API, how often an owner is read again, requests per collection. */
  githubApiUrl: 'https://api.github.com',
  githubDiscoveryIntervalMs: 86_400_000,
  /** A run past this many requests goes on in another message: a collect function's minute holds about this many. */
  githubRequestsPerRun: 100,

  /** How often the counters are sampled. */
  pollMinutes: 60,
  /** The CloudFormation stack `npx cdk deploy` creates (`-c stackName=`) and the repos CLI looks for (`--stack`). */
  stackName: 'Pullwatch',

  /** Every upstream call: give up after this long, read at most this much. */
  upstreamTimeoutMs: 15_000,
  upstreamMaxBytes: 2 * 1024 * 1024,
  userAgent: 'pullwatch/0.1 (+container pull statistics)',
  /** Pause between two GHCR page requests (FACTS: pace 2–5 s). */
  ghcrRequestGapMs: 3_000,
  /** Pause between two Quay requests: Quay's own nginx limits an IP to 5 requests a second on its strictest zone. */
  quayRequestGapMs: 200,
  /** Docker Hub's anonymous API budget (FACTS), paced by until its first answer announces the real one. */
  dockerhubAssumedBudget: { limit: 180, windowMs: 60_000 },
  /** Share of an announced budget left to the other clients behind the same IP (5 %: 9 of Docker Hub's 180 a minute). */
  rateReserveShare: 0.05,
  /**
   * Docker Hub tag counts read per collected message, at most (each is due once a day per repository): a large owner's
   * counts arrive over a few polls instead of stretching one collection towards the function's timeout.
   */
  tagCountsPerCollection: 20,
  /** Longest pause for a request's turn taken inside a collection; a longer one sends the ref back to the queue. */
  maxInlineWaitMs: 10_000,
  /** Slots one collector reserves at once on the shared schedule (one reservation is one DynamoDB write): a batch. */
  sharedScheduleSlots: 10,

  /** Receives of one queue message before it is dead-lettered (SQS maxReceiveCount). */
  maxReceives: 3,

  /** Local mode. */
  port: 8080,
  dataDir: './data',
  /** Local stand-in for the queue's visibility timeout: how long a failed message waits before redelivery. */
  localRedeliveryMs: 5_000,

  /** Self-hosted registries' webhook. */
  /** Events one envelope may carry (distribution sends a few at a time); more is answered 413. */
  ingestMaxEvents: 1_000,
  /** Self-hosted repositories the webhook tracks by itself (`INGEST_MAX_REPOSITORIES`, `-c ingestMaxRepositories`). */
  ingestMaxRepositories: 200,
  /** How long the ingest function trusts the tracked refs it read, and the token secret (so a rotation takes effect). */
  trackedRefsMaxAgeMs: 5 * 60_000,
  ingestTokenMaxAgeMs: 5 * 60_000,
  /** Days an event id is kept: longer than a registry keeps redelivering while pullwatch is away. */
  eventIdRetentionDays: 8,
  /** Local mode: the counters' journal is folded into its snapshot once it grows past this. */
  counterJournalMaxBytes: 8 * 1024 * 1024,
} as const;
