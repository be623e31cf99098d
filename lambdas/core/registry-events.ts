// Registry v2 notification envelopes: parsing, and which events count as pulls, version checks, pushes or deletes.
import * as z from 'zod/mini';

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

const text = z.string();
const eventSchema = z.object({
  id: text.check(z.minLength(1), z.maxLength(256)),
  timestamp: text,
  action: text,
  target: z.optional(
    z.object({
      mediaType: z.optional(text),
      digest: z.optional(text),
      repository: z.optional(text),
      tag: z.optional(text),
    }),
  ),
  request: z.optional(z.object({ method: z.optional(text), host: z.optional(text), useragent: z.optional(text) })),
  actor: z.optional(z.object({ name: z.optional(text) })),
});
const envelopeSchema = z.object({ events: z.array(eventSchema) });

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

export type Classification = { counted: CountedEvent } | { ignored: string };

export class EnvelopeError extends Error {
  override readonly name = 'EnvelopeError';
}

/** Parses a notification body; throws EnvelopeError naming the first problem. */
export function parseEnvelope(body: unknown): RegistryEvent[] {
  const parsed = envelopeSchema.safeParse(body);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new EnvelopeError(`not a registry notification envelope: ${issue?.path.join('.') || 'body'} ${issue?.message ?? 'invalid'}`);
  }
  return parsed.data.events;
}

/**
 * A GET of a manifest is one pull (of the tag too, when the event names one); a HEAD of a manifest is a version
 * check, as clients poll for updates that way; blob fetches and mounts are parts of pulls and pushes, not events
 * of their own. A delete counts when it names a tag or a manifest. `registryName`, when set, replaces the request's host in the ref (a registry behind a proxy).
 */
export function classifyEvent(event: RegistryEvent, registryName?: string): Classification {
  const repository = event.target?.repository;
  const host = (registryName ?? event.request?.host ?? '').toLowerCase();
  if (!repository) return { ignored: 'no target repository' };
  if (!host) return { ignored: 'no request host and no REGISTRY_NAME to name the registry' };
  const at = Number.isNaN(Date.parse(event.timestamp)) ? undefined : new Date(event.timestamp).toISOString();
  if (!at) return { ignored: `timestamp ${JSON.stringify(event.timestamp)} is not a time` };

  const manifest = MANIFEST_MEDIA_TYPES.has(event.target?.mediaType ?? '');
  const method = event.request?.method?.toUpperCase();
  let kind: EventKind | undefined;
  if (event.action === 'pull' && manifest) kind = method === 'HEAD' ? 'version_check' : method === 'GET' || method === undefined ? 'pull' : undefined;
  else if (event.action === 'push' && manifest) kind = 'push';
  // Delete events carry no media type (distribution 2.8): a blob's and a manifest's look alike. Deleting a tagged
  // manifest also sends one event naming the tag, so counting those counts each deletion once, blobs never.
  else if (event.action === 'delete' && (event.target?.tag || manifest)) kind = 'delete';
  if (!kind) return { ignored: `${event.action} of ${manifest ? 'a manifest' : (event.target?.mediaType ?? 'a blob')}${method ? ` by ${method}` : ''}` };

  const tag = event.target?.tag;
  const actor = event.actor?.name;
  return {
    counted: {
      id: event.id,
      kind,
      ref: `registry:${host}/${repository}`,
      at,
      ...(tag && { tag }),
      ...(actor && { actor }),
    },
  };
}
