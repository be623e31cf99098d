// Dispatch: which tracked refs a poll collects, and the queue message that carries each.
import { z } from 'zod';
import { RefError } from './errors.ts';
import type { TrackedRepo } from './ports.ts';
import { refString, tryParseRef } from './refs.ts';

export interface DispatchPlan {
  refs: string[];
  /** Items whose ref does not parse: reported and skipped, never fatal for the others. */
  rejected: RefError[];
}

export function planDispatch(items: readonly TrackedRepo[]): DispatchPlan {
  const refs = new Set<string>();
  const rejected: RefError[] = [];
  for (const item of items) {
    if (!item.enabled) continue;
    const parsed = tryParseRef(item.ref);
    if (parsed.ok) refs.add(refString(parsed.ref));
    else rejected.push(parsed.error);
  }
  return { refs: [...refs], rejected };
}

const refMessageSchema = z.object({ ref: z.string().min(1) });

export function encodeRefMessage(ref: string): string {
  return JSON.stringify({ ref });
}

/** Reads a queue message body; throws RefError naming the body when it is not a ref message. */
export function decodeRefMessage(body: string): string {
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    throw new RefError(body, 'queue message is not JSON');
  }
  const parsed = refMessageSchema.safeParse(json);
  if (!parsed.success) throw new RefError(body, 'queue message has no "ref" string');
  return parsed.data.ref;
}
