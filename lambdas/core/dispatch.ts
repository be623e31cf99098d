// Dispatch: which tracked refs a poll collects, and the queue message that carries each.
import * as z from 'zod/mini';
import { isGitHubRef, parseGitHubRef } from './discovery/targets.ts';
import { RefError } from './errors.ts';
import type { TrackedRepo } from './ports.ts';
import { type Ref, refOwner, refString, tryParseRef } from './refs.ts';

/** One unit of collection work on the queue. */
export interface RefMessage {
  ref: string;
  /** Explicit refs a wildcard's listing already answers: recorded from it, at no extra request. */
  covers?: string[];
  /** Explicit refs collected on their own: a wildcard that fans out does not queue them again. */
  skip?: string[];
  /** The wildcard this ref was found behind; its failures are shown there too. */
  parent?: string;
  /** How many times a rate limit has sent this ref back to the queue. */
  attempt?: number;
  /** The tracked item's ref as stored, when it is not the canonical form (`nginx` typed in the console). */
  item?: string;
  /** A `github:` ref's discovery carried on from the message before, which already sent the images it knew. */
  continues?: boolean;
}

export interface DispatchPlan {
  messages: RefMessage[];
  /** Items whose ref does not parse: reported and skipped, never fatal for the others. */
  rejected: RefError[];
}

export function planDispatch(items: readonly TrackedRepo[]): DispatchPlan {
  const refs = new Map<string, Ref>();
  /** Canonical ref → the item's ref as stored, where they differ: outcomes are recorded on the item. */
  const storedAs = new Map<string, string>();
  const rejected: RefError[] = [];
  const github = new Map<string, RefMessage>();
  for (const item of items) {
    if (!item.enabled) continue;
    if (isGitHubRef(item.ref)) {
      try {
        const { ref } = parseGitHubRef(item.ref);
        if (!github.has(ref) || ref === item.ref) github.set(ref, { ref, ...(ref !== item.ref && { item: item.ref }) });
      } catch (error) {
        if (!(error instanceof RefError)) throw error;
        rejected.push(error);
      }
      continue;
    }
    const parsed = tryParseRef(item.ref);
    if (!parsed.ok) {
      rejected.push(parsed.error);
      continue;
    }
    const canonical = refString(parsed.ref);
    if (refs.has(canonical)) {
      if (canonical === item.ref) storedAs.delete(canonical);
      continue;
    }
    refs.set(canonical, parsed.ref);
    if (canonical !== item.ref) storedAs.set(canonical, item.ref);
  }
  const message = (ref: string): RefMessage => ({ ref, ...(storedAs.has(ref) && { item: storedAs.get(ref)! }) });

  const wildcards = new Map<string, RefMessage>();
  const messages: RefMessage[] = [];
  for (const ref of refs.values()) {
    if (!ref.wildcard) continue;
    const wildcard = message(refString(ref));
    wildcards.set(`${ref.registry}:${refOwner(ref)}`, wildcard);
    messages.push(wildcard);
  }
  for (const ref of refs.values()) {
    if (ref.wildcard) continue;
    const wildcard = wildcards.get(`${ref.registry}:${refOwner(ref)}`);
    // Docker Hub's owner listing carries the counts themselves; other wildcards fan out, one page per repository.
    if (wildcard && ref.registry === 'dockerhub') {
      (wildcard.covers ??= []).push(refString(ref));
      continue;
    }
    if (wildcard) (wildcard.skip ??= []).push(refString(ref));
    messages.push(message(refString(ref)));
  }
  // Discovered images that are tracked on their own, or behind a wildcard, are collected there, not again.
  const tracked = [...refs.keys()];
  for (const message of github.values()) messages.push({ ...message, ...(tracked.length > 0 && { skip: tracked }) });
  return { messages, rejected };
}

const refText = z.string().check(z.minLength(1));
const refMessageSchema = z.object({
  ref: refText,
  covers: z.optional(z.array(refText)),
  skip: z.optional(z.array(refText)),
  parent: z.optional(refText),
  attempt: z.optional(z.int().check(z.nonnegative())),
  item: z.optional(refText),
  continues: z.optional(z.boolean()),
});

export function encodeRefMessage(message: RefMessage): string {
  return JSON.stringify(message);
}

/** Reads a queue message body; throws RefError naming the body when it is not a ref message. */
export function decodeRefMessage(body: string): RefMessage {
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    throw new RefError(body, 'queue message is not JSON');
  }
  const parsed = refMessageSchema.safeParse(json);
  if (!parsed.success) throw new RefError(body, 'queue message is not a ref message ({"ref": "..."})');
  return parsed.data;
}
