// Local mode's one wiring, shared by `npm start` and `npm run collect`: settings from the environment, DATA_DIR opened,
// the stores, sources, in-process queue, collect and dispatch handlers, and the refs REPOS adds.
import { createCollectHandler } from '../collect/handler.ts';
import { ConfigError, type Env, parseDuration, sourcesFromEnv } from '../core/config.ts';
import { DEFAULTS } from '../core/defaults.ts';
import type { RecordedError, RepoList } from '../core/ports.ts';
import { checkRef } from '../core/refs.ts';
import { collectFromSource, type Sources } from '../core/sources/index.ts';
import { SelfHostedSource } from '../core/sources/registry.ts';
import { createDispatchHandler, type DispatchResult } from '../dispatch/handler.ts';
import { documentClient } from '../stores/dynamodb/client.ts';
import { storesFromEnv } from '../stores/from-env.ts';
import { discoveryFromEnv } from '../core/discovery/settings.ts';
import { openLocalDynamo } from './data-dir.ts';
import { localStoreEnv } from './dynamo.ts';
import { InProcessQueue } from './queue.ts';

/** What REPOS asked for: refs to track, with a hint where one may not be what was meant, and the rejected inputs. */
export interface RefsFromEnv {
  refs: { ref: string; hint?: string }[];
  rejected: { input: string; reason: string }[];
}

export interface LocalSettings {
  host: string;
  port: number;
  dataDir: string;
  /** 0: collect once at start. */
  pollMs: number;
  /** How long a failed queue message waits before redelivery (the visibility timeout's stand-in). */
  redeliveryMs: number;
  initialRefs: RefsFromEnv;
}

/** Local mode's listening address: an IP address or host name, never with a port (PORT gives that). */
const LISTEN_HOST = /^(?:[a-z0-9](?:[a-z0-9.-]*[a-z0-9])?|[0-9a-f:]*:[0-9a-f:.]*)$/i;

export function localSettingsFromEnv(env: Env): LocalSettings {
  const portText = env.PORT?.trim() || String(DEFAULTS.port);
  const port = Number(portText);
  if (!/^\d+$/.test(portText) || port > 65_535) throw new ConfigError(`PORT=${JSON.stringify(env.PORT)} is not a TCP port number (0 to 65535; 0 picks a free one)`);
  const host = env.HOST?.trim() || '127.0.0.1';
  if (/^[^:]+:\d+$/.test(host)) throw new ConfigError(`HOST=${JSON.stringify(env.HOST)} has a port: set HOST=${host.split(':')[0]} PORT=${host.split(':')[1]}`);
  if (!LISTEN_HOST.test(host)) throw new ConfigError(`HOST=${JSON.stringify(env.HOST)} is not an address to listen on: an IP address (127.0.0.1, 0.0.0.0, ::) or a host name`);
  return {
    host,
    port,
    dataDir: env.DATA_DIR || DEFAULTS.dataDir,
    pollMs: parseDuration('POLL_INTERVAL', env.POLL_INTERVAL ?? `${DEFAULTS.pollMinutes}m`),
    redeliveryMs: env.LOCAL_REDELIVERY ? parseDuration('LOCAL_REDELIVERY', env.LOCAL_REDELIVERY) : DEFAULTS.localRedeliveryMs,
    initialRefs: refsFromEnv(env.REPOS ?? ''),
  };
}

/** REPOS is read as `repos add` reads its arguments: a bad ref is reported with its reason and skipped, the others tracked. */
function refsFromEnv(text: string): RefsFromEnv {
  const refs = new Map<string, string | undefined>();
  const rejected: RefsFromEnv['rejected'] = [];
  for (const input of text.split(',').filter((part) => part.trim() !== '')) {
    const checked = checkRef(input);
    if (!checked.ok) rejected.push({ input: input.trim(), reason: checked.reason });
    else if (!refs.has(checked.ref)) refs.set(checked.ref, checked.hint);
  }
  return { refs: [...refs].map(([ref, hint]) => ({ ref, ...(hint && { hint }) })), rejected };
}

/** Told of each outcome the collect handler records, after it is recorded. */
export interface OutcomeObserver {
  success(ref: string, warnings: readonly string[]): void;
  error(ref: string, error: RecordedError): void;
}

export interface LocalWiringOptions {
  /** The command opening DATA_DIR, named to a second process that finds it taken. */
  command: string;
  /** What to tell the user when another process holds DATA_DIR. */
  busyAdvice: string;
  now?: () => Date;
  observer?: OutcomeObserver;
}

export async function openLocalPullwatch(env: Env, options: LocalWiringOptions) {
  const now = options.now ?? (() => new Date());
  const settings = localSettingsFromEnv(env);
  // Built before the store opens, so a bad upstream setting is reported without touching DATA_DIR.
  const upstreams = sourcesFromEnv(env, { now });
  const github = discoveryFromEnv(env, { now });
  const dynamo = await openLocalDynamo(settings.dataDir, { create: true, command: options.command, busyAdvice: options.busyAdvice });

  const { repos, series, readModel, discovery } = storesFromEnv(localStoreEnv(env), documentClient(dynamo.client));
  const counters = dynamo.counters;
  const sources: Sources = { ...upstreams, registry: new SelfHostedSource(counters, now) };
  const added = await repos.add(settings.initialRefs.refs.map(({ ref }) => ref));

  const { observer } = options;
  const recordingRepos: Pick<RepoList, 'recordSuccess' | 'recordError'> = observer
    ? {
        async recordSuccess(ref, at, warnings) {
          await repos.recordSuccess(ref, at, warnings);
          observer.success(ref, warnings ?? []);
        },
        async recordError(ref, error) {
          await repos.recordError(ref, error);
          observer.error(ref, error);
        },
      }
    : repos;
  // The queue feeds the collect handler, which sends wildcard expansions and rate-limited refs back to it.
  const queue: InProcessQueue = new InProcessQueue({
    deliver: (event) => collectHandler(event),
    maxReceives: DEFAULTS.maxReceives,
    redeliveryMs: settings.redeliveryMs,
  });
  const collectHandler = createCollectHandler({
    collectFromSource: (ref) => collectFromSource(ref, sources),
    repos: recordingRepos,
    series,
    readModel,
    queue,
    now,
    redelivery: { delayMs: settings.redeliveryMs, maxReceives: DEFAULTS.maxReceives },
    discovery: { ...github, states: discovery },
  });
  const dispatch: () => Promise<DispatchResult> = createDispatchHandler({ repos, queue });

  return {
    settings,
    /** Refs REPOS added to the tracked list (the others were tracked already). */
    added,
    repos,
    series,
    readModel,
    counters,
    queue,
    dispatch,
    async close() {
      await queue.close();
      await dynamo.close();
    },
  };
}

export type LocalWiring = Awaited<ReturnType<typeof openLocalPullwatch>>;
