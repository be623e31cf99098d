// Registry v2 notification envelopes: decoding, each event checked against distribution's grammar before anything is
// written, and which events count as pulls, version checks, pushes or deletes.
import * as z from 'zod/mini';
import { FIRST_YEAR, LAST_YEAR, instantMs } from './days.ts';
import { COMPONENT, HOST, MAX_PATH_BYTES, refString, tryParseRef } from './refs.ts';

/** Manifest media types: fetching one of these is pulling an image; blobs are its layers. */
export const MANIFEST_MEDIA_TYPES: ReadonlySet<string> = new Set([
  'application/vnd.docker.distribution.manifest.v2+json',
  'application/vnd.docker.distribution.manifest.list.v2+json',
  'application/vnd.oci.image.manifest.v1+json',
  'application/vnd.oci.image.index.v1+json',
  // Schema 1, gone since distribution v3 but still sent by older registries.
  'application/vnd.docker.distribution.manifest.v1+json',
  'application/vnd.docker.distribution.manifest.v1+prettyjws',
]);

/** The content types registries send notifications with (v2.8, v3) and plain JSON. */
export const ENVELOPE_CONTENT_TYPES = [
  'application/vnd.docker.distribution.events.v1+json',
  'application/vnd.docker.distribution.events.v2+json',
  'application/json',
] as const;

/** Distribution sends UUIDs; anything longer than this is not one of its ids. */
const MAX_EVENT_ID_LENGTH = 256;
const MAX_ACTOR_LENGTH = 256;
const MAX_TIMESTAMP_LENGTH = 64;

// Distribution's reference grammar (FACTS): tags, digests (sha256 and sha512 have fixed lengths), and media types as
// RFC 6838 restricted names.
const TAG = /^\w[\w.-]{0,127}$/;
const DIGEST = /^[a-z0-9]+(?:[.+_-][a-z0-9]+)*:[a-zA-Z0-9=_-]+$/;
const DIGEST_LENGTHS: Record<string, number> = { sha256: 64, sha512: 128 };
const HEX = /^[a-f0-9]+$/;
const MEDIA_TYPE = /^[a-z0-9][\w!#$&^.+-]{0,126}\/[a-z0-9][\w!#$&^.+-]{0,126}$/i;
/** Lone UTF-16 surrogates: DynamoDB (UTF-8) would store any two of them as the same U+FFFD. */
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;
const CONTROL = /[\u0000-\u001f\u007f]/;
const ACTIONS = new Set(['pull', 'push', 'mount', 'delete']);
const METHODS = new Set(['GET', 'HEAD', 'PUT', 'POST', 'PATCH', 'DELETE']);

const text = z.optional(z.string());
/** Only the types are checked here; what each field may hold is checked by classifyEvent, with a reason. */
const eventSchema = z.object({
  id: z.string(),
  timestamp: z.string(),
  action: z.string(),
  target: z.optional(z.object({ mediaType: text, digest: text, repository: text, tag: text })),
  request: z.optional(z.object({ method: text, host: text })),
  actor: z.optional(z.object({ name: text })),
});
const envelopeSchema = z.object({ events: z.array(z.unknown()) });

export type RegistryEvent = z.infer<typeof eventSchema>;

export type EventKind = 'pull' | 'version_check' | 'push' | 'delete';

/** One event that changes a counter, with everything the counters need. */
export interface CountedEvent {
  id: string;
  kind: EventKind;
  /** Canonical ref of the repository: `registry:<host>/<repository>`. */
  ref: string;
  tag?: string;
  at: string;
  actor?: string;
}

/**
 * `counted`: an event that changes counters. `ignored`: a well-formed event that counts nothing (blob fetches, mounts).
 * `invalid`: an event that breaks the grammar, skipped. Invalid reasons never quote the input, so there are few distinct
 * ones; ignored ones name at most a media type that passed the grammar.
 */
export type Classification = { counted: CountedEvent } | { ignored: string } | { invalid: string };

/** A body that is not a notification envelope at all: answered 400. */
export class EnvelopeError extends Error {
  override readonly name = 'EnvelopeError';
}

/** An envelope with more events than one request may carry: answered 413. */
export class TooManyEventsError extends EnvelopeError {
  constructor(
    readonly events: number,
    readonly maxEvents: number,
  ) {
    super(`the envelope holds ${events} events, more than the ${maxEvents} one request may carry (registries send a few at a time)`);
  }
}

export interface DecodedEnvelope {
  /** Each event as sent, checked by classifyEvent. */
  events: readonly unknown[];
  /**
   * The body was not valid UTF-8 and was decoded with U+FFFD in place of the bad bytes: two different ids could then
   * read alike, so events showing U+FFFD are skipped.
   */
  lossy: boolean;
}

/** One-shot decode() calls keep no state between them: one decoder of each kind serves every envelope. */
const STRICT_UTF8 = new TextDecoder('utf-8', { fatal: true });
const LOSSY_UTF8 = new TextDecoder('utf-8');

/** Decodes a notification body; throws EnvelopeError when it is no envelope, TooManyEventsError above `maxEvents`. */
export function decodeEnvelope(body: Uint8Array, maxEvents: number): DecodedEnvelope {
  let lossy = false;
  let source: string;
  try {
    source = STRICT_UTF8.decode(body);
  } catch {
    source = LOSSY_UTF8.decode(body);
    lossy = true;
  }
  let json: unknown;
  try {
    json = JSON.parse(source);
  } catch (error) {
    throw new EnvelopeError(`body is not JSON: ${(error as Error).message.slice(0, 200)}`);
  }
  const parsed = envelopeSchema.safeParse(json);
  if (!parsed.success) throw new EnvelopeError('not a registry notification envelope: expected an object with an "events" array');
  if (parsed.data.events.length > maxEvents) throw new TooManyEventsError(parsed.data.events.length, maxEvents);
  return { events: parsed.data.events, lossy };
}

export interface ClassifyOptions {
  /** Replaces the request's host in refs (a registry behind a proxy, or reached under several names). */
  registryName?: string;
  /** From DecodedEnvelope: the body had bytes that were not UTF-8. */
  lossy?: boolean;
}

/**
 * A GET of a manifest is one pull (of the tag too, when the event names one); a HEAD of a manifest is a version
 * check, as clients poll for updates that way; blob fetches and mounts are parts of pulls and pushes, not events
 * of their own. A delete counts when it names a tag or a manifest. Every field pullwatch keeps is checked first.
 */
export function classifyEvent(raw: unknown, options: ClassifyOptions = {}): Classification {
  const parsed = eventSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return { invalid: `${issue?.path.length ? issue.path.join('.') : 'event'} is missing or not of the right type` };
  }
  const event = parsed.data;
  const problem = fieldProblem(event, options);
  if (problem) return { invalid: problem };

  const at = new Date(instantMs(event.timestamp)).toISOString();
  const host = (options.registryName ?? event.request!.host!).toLowerCase();
  const ref = tryParseRef(`registry:${host}/${event.target!.repository!}`);
  if (!ref.ok) return { invalid: `request.host and target.repository make no ref (at most ${MAX_PATH_BYTES} bytes together)` };

  if (!ACTIONS.has(event.action)) return { ignored: 'an action other than pull, push, mount or delete' };
  const mediaType = event.target?.mediaType || undefined;
  const manifest = MANIFEST_MEDIA_TYPES.has(mediaType ?? '');
  const method = event.request?.method?.toUpperCase() || undefined;
  let kind: EventKind | undefined;
  if (event.action === 'pull' && manifest) kind = method === 'HEAD' ? 'version_check' : method === 'GET' || method === undefined ? 'pull' : undefined;
  else if (event.action === 'push' && manifest) kind = 'push';
  // Delete events carry no media type (distribution 2.8): a blob's and a manifest's look alike. Deleting a tagged
  // manifest also sends one event naming the tag, so counting those counts each deletion once, blobs never.
  else if (event.action === 'delete' && (event.target?.tag || manifest)) kind = 'delete';
  if (!kind) {
    const by = method === undefined ? '' : METHODS.has(method) ? ` by ${method}` : ' by another method';
    return { ignored: `${event.action} of ${manifest ? 'a manifest' : (mediaType ?? 'a blob')}${by}` };
  }

  const tag = event.target?.tag;
  const actor = event.actor?.name;
  return { counted: { id: event.id, kind, ref: refString(ref.ref), at, ...(tag && { tag }), ...(actor && { actor }) } };
}

/** The first field that breaks the grammar or a length, named with what it should be; undefined when all hold. */
function fieldProblem(event: RegistryEvent, options: ClassifyOptions): string | undefined {
  const texts = [event.id, event.target?.repository, event.target?.tag, event.target?.digest, event.target?.mediaType, event.request?.host, event.actor?.name];
  if (texts.some((value) => value !== undefined && (LONE_SURROGATE.test(value) || (options.lossy && value.includes('\ufffd'))))) {
    return 'holds text that is not valid UTF-8';
  }
  if (event.id.length === 0 || event.id.length > MAX_EVENT_ID_LENGTH) return `id is empty or longer than ${MAX_EVENT_ID_LENGTH} characters`;
  if (!isEventTime(event.timestamp)) return `timestamp is not a time between ${FIRST_YEAR} and ${LAST_YEAR}`;
  const { repository, tag, digest, mediaType } = event.target ?? {};
  if (!repository) return 'target.repository is missing';
  if (!isRepositoryName(repository)) return `target.repository is not a repository name (lowercase components, at most ${MAX_PATH_BYTES} characters)`;
  if (tag && !TAG.test(tag)) return 'target.tag is not a tag (at most 128 letters, digits, _ . -, not starting with . or -)';
  if (digest && !isDigest(digest)) return 'target.digest is not a digest (algorithm:hex)';
  if (mediaType && !MEDIA_TYPE.test(mediaType)) return 'target.mediaType is not a media type (type/subtype)';
  const host = options.registryName ?? event.request?.host;
  if (!host) return 'request.host is missing and REGISTRY_NAME is not set';
  if (!HOST.test(host.toLowerCase())) return 'request.host is not a host name (host or host:port)';
  const actor = event.actor?.name;
  if (actor && (actor.length > MAX_ACTOR_LENGTH || CONTROL.test(actor))) return `actor.name is longer than ${MAX_ACTOR_LENGTH} characters or holds control characters`;
  return undefined;
}

/** An ISO-8601 time with its zone (distribution writes RFC 3339, nanoseconds included) on a real calendar day. */
function isEventTime(timestamp: string): boolean {
  if (timestamp.length > MAX_TIMESTAMP_LENGTH) return false;
  let ms: number;
  try {
    ms = instantMs(timestamp);
  } catch {
    return false;
  }
  const year = new Date(ms).getUTCFullYear();
  return year >= FIRST_YEAR && year <= LAST_YEAR;
}

function isRepositoryName(name: string): boolean {
  return name.length <= MAX_PATH_BYTES && name.split('/').every((component) => COMPONENT.test(component));
}

function isDigest(digest: string): boolean {
  if (digest.length > 255 || !DIGEST.test(digest)) return false;
  const [algorithm, hex] = digest.split(':') as [string, string];
  const length = DIGEST_LENGTHS[algorithm];
  return length === undefined || (hex.length === length && HEX.test(hex));
}
