// The rules the repos CLI applies to a tracked list: what add/remove/enable/disable/label change, which item an input
// means, and which stored refs the collector would skip.
import type { EditableRepoList, TrackedRepo } from './ports.ts';
import { checkRef } from './refs.ts';

export const CHANGE_COMMANDS = ['add', 'remove', 'enable', 'disable'] as const;
export type ChangeCommand = (typeof CHANGE_COMMANDS)[number];

/** An opened repos table, wherever it lives. */
export interface RepoStore {
  repos: EditableRepoList;
  /** Where the table is, for the summary line: `table X (stack S, eu-west-1)`, `local data in ./data`. */
  where: string;
  /** A clear message for an error this store's backend raised, when it knows one. */
  explain(error: unknown): string | undefined;
  close(): Promise<void>;
}

// --- list ---------------------------------------------------------------------------------------------------------

/** A tracked item as the collector sees it: invalid refs are skipped; non-canonical ones are collected under their canonical ref. */
export interface ListedRepo extends TrackedRepo {
  /** The canonical ref, when the stored one parses. */
  canonical?: string;
  /** Why the collector skips this item (its ref does not parse). */
  invalidReason?: string;
  /** What the stored ref may have been meant as (`dockerhub:bigorg` typed by hand for `dockerhub:bigorg/*`). */
  hint?: string;
}

export function checkRepos(repos: readonly TrackedRepo[]): ListedRepo[] {
  return repos.map((repo) => {
    const checked = checkRef(repo.ref);
    if (!checked.ok) return { ...repo, invalidReason: checked.reason };
    // The webhook adds self-hosted items itself: a hint on how they are fed would only be noise in a listing.
    const hint = checked.ref.startsWith('registry:') ? undefined : checked.hint;
    return { ...repo, canonical: checked.ref, ...(hint && { hint }) };
  });
}

/** A note for items that are not collected as stored: invalid, or stored in a form other than the canonical one. */
export function problemOf(repo: ListedRepo): string | undefined {
  if (repo.invalidReason !== undefined) return `invalid ref: ${repo.invalidReason}; the collector skips it`;
  if (repo.canonical !== repo.ref) {
    const advice = `not in canonical form: collected as ${repo.canonical}, whose outcome is not recorded on this item; add ${repo.canonical} and remove "${repo.ref}"`;
    return repo.hint ? `${advice} (${repo.hint})` : advice;
  }
  return undefined;
}

// --- add, remove, enable, disable, label ----------------------------------------------------------------------------

export type ChangeStatus = 'added' | 'removed' | 'enabled' | 'disabled' | 'labelled' | 'unlabelled' | 'unchanged' | 'invalid' | 'not_tracked';

export interface ChangeResult {
  /** What the user typed. */
  input: string;
  /** The stored ref it stands for (canonical for add; as stored for the others). */
  ref?: string;
  status: ChangeStatus;
  detail?: string;
}

export async function applyChange(command: ChangeCommand, inputs: readonly string[], repos: EditableRepoList): Promise<ChangeResult[]> {
  return command === 'add' ? addRefs(inputs, repos) : changeTracked(command, inputs, repos);
}

/** Valid refs are added in canonical form even when others are invalid; already tracked ones are reported unchanged. */
async function addRefs(inputs: readonly string[], repos: EditableRepoList): Promise<ChangeResult[]> {
  const entries: ({ input: string; ref: string; hint?: string } | { input: string; invalid: string })[] = [];
  const seen = new Set<string>();
  for (const input of inputs) {
    const checked = checkRef(input);
    if (!checked.ok) {
      entries.push({ input, invalid: checked.reason });
      continue;
    }
    if (seen.has(checked.ref)) continue;
    seen.add(checked.ref);
    entries.push({ input, ref: checked.ref, ...(checked.hint && { hint: checked.hint }) });
  }
  const added = new Set(await repos.add(entries.flatMap((entry) => ('ref' in entry ? [entry.ref] : []))));
  return entries.map((entry): ChangeResult => {
    if ('invalid' in entry) return { input: entry.input, status: 'invalid', detail: entry.invalid };
    const notes = [added.has(entry.ref) ? undefined : 'already tracked', entry.hint].filter(Boolean).join('; ');
    return { input: entry.input, ref: entry.ref, status: added.has(entry.ref) ? 'added' : 'unchanged', ...(notes && { detail: notes }) };
  });
}

async function changeTracked(command: Exclude<ChangeCommand, 'add'>, inputs: readonly string[], repos: EditableRepoList): Promise<ChangeResult[]> {
  const tracked = await repos.list();
  const results: ChangeResult[] = [];
  const handled = new Set<string>();
  for (const input of inputs) {
    const match = findTracked(input, tracked);
    if ('invalid' in match) {
      results.push({ input, status: 'invalid', detail: match.invalid });
      continue;
    }
    if (match.items.length === 0) {
      results.push({ input, ...(match.canonical && { ref: match.canonical }), status: 'not_tracked' });
      continue;
    }
    for (const item of match.items) {
      if (handled.has(item.ref)) continue;
      handled.add(item.ref);
      results.push(await changeOne(command, input, item, repos));
    }
  }
  return results;
}

async function changeOne(command: Exclude<ChangeCommand, 'add'>, input: string, item: TrackedRepo, repos: EditableRepoList): Promise<ChangeResult> {
  const { ref } = item;
  const gone: ChangeResult = { input, ref, status: 'not_tracked', detail: 'removed meanwhile' };
  if (command === 'remove') return (await repos.remove(ref)) ? { input, ref, status: 'removed' } : gone;
  const enabled = command === 'enable';
  if (item.enabled === enabled) return { input, ref, status: 'unchanged', detail: `already ${command}d` };
  return (await repos.setEnabled(ref, enabled)) ? { input, ref, status: command === 'enable' ? 'enabled' : 'disabled' } : gone;
}

/** Sets the display label of the items an input means; an empty text clears it. */
export async function labelTracked(input: string, text: string, repos: EditableRepoList): Promise<ChangeResult[]> {
  const match = findTracked(input, await repos.list());
  if ('invalid' in match) return [{ input, status: 'invalid', detail: match.invalid }];
  if (match.items.length === 0) return [{ input, ...(match.canonical && { ref: match.canonical }), status: 'not_tracked' }];
  const label = text.trim();
  const results: ChangeResult[] = [];
  for (const item of match.items) {
    const { ref } = item;
    if ((item.label ?? '') === label) results.push({ input, ref, status: 'unchanged', detail: label ? `already labelled "${label}"` : 'has no label' });
    else if (!(await repos.setLabel(ref, label || undefined))) results.push({ input, ref, status: 'not_tracked', detail: 'removed meanwhile' });
    else results.push({ input, ref, status: label ? 'labelled' : 'unlabelled', ...(label && { detail: `"${label}"` }) });
  }
  return results;
}

/**
 * The tracked items an input means: the item stored exactly as typed; else the item stored under the input's canonical
 * ref; else items stored in another form of that ref. An input that matches nothing literally must parse.
 */
export function findTracked(input: string, tracked: readonly TrackedRepo[]): { items: TrackedRepo[]; canonical?: string } | { invalid: string } {
  const text = input.trim();
  const literal = tracked.filter((repo) => repo.ref === text);
  if (literal.length > 0) return { items: literal };
  const checked = checkRef(text);
  if (!checked.ok) return { invalid: checked.reason };
  const canonical = checked.ref;
  const exact = tracked.filter((repo) => repo.ref === canonical);
  if (exact.length > 0) return { items: exact, canonical };
  const sameRef = tracked.filter((repo) => {
    const other = checkRef(repo.ref);
    return other.ok && other.ref === canonical;
  });
  return { items: sameRef, canonical };
}
