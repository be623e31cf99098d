// Ref syntax `<registry>:<path>`: parsing, validation and normalisation of what users type or paste after `docker pull`.
import { isGitHubRef, parseGitHubRef } from './discovery/targets.ts';
import { RefError } from './errors.ts';

export const REGISTRIES = ['dockerhub', 'ghcr', 'quay', 'registry'] as const;
export type Registry = (typeof REGISTRIES)[number];

export interface Ref {
  registry: Registry;
  /** Path within the registry: `library/nginx`, `owner/nested/pkg`, `host:5000/team/app`, or `owner/*`. */
  path: string;
  /** `owner/*`: every repository of the owner. */
  wildcard: boolean;
}

/** Distribution's path-component grammar: lowercase alphanumerics joined by `.`, `_`, `__` or runs of `-`. */
export const COMPONENT = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/;
/** A registry host as refs name it: a DNS name with a dot, or localhost, and an optional port. */
export const HOST = /^(?:localhost|[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)+)(?::[0-9]{1,5})?$/;
export const MAX_PATH_BYTES = 255;

/** Hosts users paste that mean one of the public registries. */
const KNOWN_HOSTS: Record<string, Exclude<Registry, 'registry'>> = {
  'docker.io': 'dockerhub',
  'index.docker.io': 'dockerhub',
  'registry-1.docker.io': 'dockerhub',
  'ghcr.io': 'ghcr',
  'quay.io': 'quay',
};

export function refString(ref: Ref): string {
  return `${ref.registry}:${ref.path}`;
}

/** The owner (namespace) of a ref: first path segment, or the host plus first segment for self-hosted registries. */
export function refOwner(ref: Ref): string {
  const segments = ref.path.split('/');
  return ref.registry === 'registry' ? segments.slice(0, 2).join('/') : segments[0]!;
}

/** Parses a canonical ref or a pasted image name; throws RefError naming the input and the reason. */
export function parseRef(input: string): Ref {
  const text = input.trim();
  if (text === '') throw new RefError(input, 'empty');
  if (/\s/.test(text)) throw new RefError(input, 'contains white space');

  if (isGitHubRef(text)) throw new RefError(input, 'a github: ref stands for the images its repositories publish, not for one image');
  const prefixed = /^(dockerhub|ghcr|quay|registry):(.*)$/.exec(text);
  if (prefixed) return validate(input, prefixed[1] as Registry, prefixed[2]!);

  const segments = text.split('/');
  const first = segments[0]!;
  if (segments.length > 1 && (first.includes('.') || first.includes(':') || first === 'localhost')) {
    const host = first.toLowerCase();
    const rest = segments.slice(1).join('/');
    const known = KNOWN_HOSTS[host];
    if (known) return validate(input, known, rest);
    return validate(input, 'registry', `${host}/${rest}`);
  }
  return validate(input, 'dockerhub', text);
}

export type ParsedRef = { ok: true; ref: Ref } | { ok: false; error: RefError };

export function tryParseRef(input: string): ParsedRef {
  try {
    return { ok: true, ref: parseRef(input) };
  } catch (error) {
    if (error instanceof RefError) return { ok: false, error };
    throw error;
  }
}

/** Parses many refs; keeps each canonical ref once, in first-seen order, and collects the rejects. */
export function parseRefs(inputs: Iterable<string>): { refs: Ref[]; errors: RefError[] } {
  const refs = new Map<string, Ref>();
  const errors: RefError[] = [];
  for (const input of inputs) {
    const parsed = tryParseRef(input);
    if (!parsed.ok) errors.push(parsed.error);
    else if (!refs.has(refString(parsed.ref))) refs.set(refString(parsed.ref), parsed.ref);
  }
  return { refs: [...refs.values()], errors };
}

/** Where the README explains how a self-hosted registry feeds pullwatch. */
const WEBHOOK_GUIDE = 'README, "Self-hosted registries"';

/** A note on a ref that parsed but may not be what the user meant, or that is fed differently from the others. */
export function refHint(input: string, ref: Ref): string | undefined {
  if (ref.registry === 'registry') {
    return `counted from the registry's webhook notifications, not polled: configure the registry to notify pullwatch (${WEBHOOK_GUIDE})`;
  }
  // `dockerhub:bigorg` is written like a canonical ref but names one segment: the official image, as `nginx` does.
  const official = officialName(ref);
  if (official && /^dockerhub:[^/]+$/.test(input.trim())) return `tracked as the official image library/${official}; did you mean dockerhub:${official}/*?`;
  return undefined;
}

/** A typed ref as every entry point (REPOS, `repos add`, the repos table) takes it: canonical, with a hint, or refused. */
export type CheckedRef = { ok: true; ref: string; hint?: string } | { ok: false; reason: string };

/** Registry refs and `github:` refs (images discovered from GitHub) alike. */
export function checkRef(input: string): CheckedRef {
  if (isGitHubRef(input)) {
    try {
      return { ok: true, ref: parseGitHubRef(input).ref };
    } catch (error) {
      if (error instanceof RefError) return { ok: false, reason: error.reason };
      throw error;
    }
  }
  const parsed = tryParseRef(input);
  if (!parsed.ok) return { ok: false, reason: parsed.error.reason };
  const hint = refHint(input, parsed.ref);
  return { ok: true, ref: refString(parsed.ref), ...(hint && { hint }) };
}

/** What to suggest when a ref's repository was not found: an owner typed without `/*` becomes an official image. */
export function notFoundHint(ref: Ref): string | undefined {
  const official = officialName(ref);
  return official && `did you mean dockerhub:${official}/* (every repository of ${official})?`;
}

function officialName(ref: Ref): string | undefined {
  return ref.registry === 'dockerhub' && !ref.wildcard && ref.path.startsWith('library/') ? ref.path.slice('library/'.length) : undefined;
}

function validate(input: string, registry: Registry, rawPath: string): Ref {
  const fail = (reason: string): never => {
    throw new RefError(input, reason);
  };
  if (/[@#?%\\]/.test(rawPath)) fail('tags, digests, queries and escapes are not part of a ref');
  if (new TextEncoder().encode(rawPath).length > MAX_PATH_BYTES) fail(`path is longer than ${MAX_PATH_BYTES} bytes`);

  let segments = rawPath.split('/');
  let host: string | undefined;
  if (registry === 'registry') {
    host = segments.shift()!.toLowerCase();
    if (!HOST.test(host)) fail(`"${host}" is not a registry host name (host or host:port)`);
  }
  if (segments.some((s) => s === '')) fail('empty path segment');

  const wildcard = segments.includes('*');
  if (wildcard) {
    if (registry === 'registry') fail('wildcards are for dockerhub, ghcr and quay owners; self-hosted repositories are added by the webhook');
    if (segments.length !== 2 || segments[1] !== '*') fail('a wildcard is written owner/*');
    segments = segments.slice(0, 1);
  }

  for (const segment of segments) {
    if (segment.includes(':')) fail(`"${segment}" has a tag; pullwatch counts whole repositories, drop ":${segment.split(':')[1]}"`);
    if (segment !== segment.toLowerCase()) fail(`"${segment}" must be lowercase ("${segment.toLowerCase()}")`);
    if (!COMPONENT.test(segment)) fail(`"${segment}" is not a valid name: lowercase letters, digits and single separators (. _ __ -) between them`);
  }

  if (registry === 'dockerhub' && !wildcard) {
    if (segments.length === 1) segments = ['library', segments[0]!];
    if (segments.length !== 2) fail('a Docker Hub repository is namespace/name');
  }
  if (registry === 'quay' && !wildcard && segments.length !== 2) fail('a Quay repository is namespace/name');
  if (registry === 'ghcr' && !wildcard && segments.length < 2) fail('a GHCR package is owner/package');
  if (registry === 'registry' && segments.length < 1) fail('a self-hosted ref is host/name');

  const path = [...(host ? [host] : []), ...segments, ...(wildcard ? ['*'] : [])].join('/');
  // Checked again once `library/` is added: a canonical ref must parse again, as dispatch re-reads stored refs.
  if (new TextEncoder().encode(path).length > MAX_PATH_BYTES) fail(`path is longer than ${MAX_PATH_BYTES} bytes (as ${registry}:${path.slice(0, 40)}…)`);
  return { registry, path, wildcard };
}
