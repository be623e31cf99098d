// From an image name as a build file writes it (`${{ env.REGISTRY }}/${{ github.repository }}:v1`) to a tracked ref,
// or to the reason it cannot be one: GitHub expressions and shell variables resolved from what the file itself says.
import { refString, tryParseRef } from '../refs.ts';

/** What a build file's names may refer to: the repository it lives in, and the env values in scope. */
export interface NameScope {
  owner: string;
  repo: string;
  /** Innermost scope last: workflow env, then job env, then step env (and shell assignments in a run step). */
  env: ReadonlyArray<Readonly<Record<string, string>>>;
}

export type ImageName = { ok: true; ref: string } | { ok: false; reason: string };

/** Registries whose counters pullwatch reads; any other host is reported, not tracked. */
const TRACKED_REGISTRIES = new Set(['dockerhub', 'ghcr', 'quay']);
/** Env values naming other env values: a chain this deep is a loop, not a name. */
const MAX_RESOLVE_DEPTH = 8;
/** Bounded, so a line of `${{` without its close (the files are anyone's) costs linear time, not a backtracking storm. */
const EXPRESSION = /\$\{\{([^}]{0,256})\}\}/g;
const SHELL_VARIABLE = /\$(?:\{([A-Za-z_][A-Za-z0-9_]*)\}|([A-Za-z_][A-Za-z0-9_]*))/g;
/** Stands for a part that could not be resolved; never part of a real name. */
const UNRESOLVED = '\u0000';

/**
 * Resolves `${{ … }}` expressions (and, with `shell`, `$NAME`/`${NAME}`) in a text; returns the text with unresolved
 * parts marked, and the first unresolved part as written.
 */
function resolveText(text: string, scope: NameScope, shell = false, depth = 0): { text: string; unresolved?: string } {
  let unresolved: string | undefined;
  const mark = (written: string) => {
    unresolved ??= written;
    return UNRESOLVED;
  };
  const lookup = (name: string, written: string): string => {
    const value = envValue(scope, name);
    if (value === undefined || depth >= MAX_RESOLVE_DEPTH) return mark(written);
    const inner = resolveText(value, scope, shell, depth + 1);
    if (inner.unresolved !== undefined) unresolved ??= inner.unresolved;
    return inner.text;
  };
  let resolved = text.replace(EXPRESSION, (written, inner: string) => {
    const expression = inner.trim();
    const value = contextValue(expression, scope);
    if (value !== undefined) return value;
    const env = /^env\.([A-Za-z_][A-Za-z0-9_]*)$/.exec(expression);
    return env ? lookup(env[1]!, written) : mark(written);
  });
  if (shell) {
    resolved = resolved.replace(SHELL_VARIABLE, (written, braced: string | undefined, bare: string | undefined) => {
      const name = (braced ?? bare)!;
      return SHELL_DEFAULTS[name]?.(scope) ?? lookup(name, written);
    });
  }
  return { text: resolved, ...(unresolved !== undefined && { unresolved }) };
}

/** An image reference (`host/path:tag@digest`) as a tracked ref, or why it is not one. */
export function imageRef(written: string, scope: NameScope, shell = false): ImageName {
  const { text, unresolved } = resolveText(written.trim(), scope, shell);
  const name = withoutTagOrDigest(text);
  if (name.includes(UNRESOLVED)) return { ok: false, reason: `${unresolved} cannot be resolved from the repository's files` };
  // Registries store names in lowercase; metadata-action and the starter workflow lowercase `github.repository` too.
  const parsed = tryParseRef(name.toLowerCase());
  if (!parsed.ok) return { ok: false, reason: parsed.error.reason };
  if (parsed.ref.wildcard) return { ok: false, reason: 'a wildcard is not an image' };
  if (!TRACKED_REGISTRIES.has(parsed.ref.registry)) return { ok: false, reason: `${name.split('/')[0]} is not Docker Hub, GHCR or Quay` };
  return { ok: true, ref: refString(parsed.ref) };
}

/** `ghcr.io/o/app:v1@sha256:…` → `ghcr.io/o/app`; a port (`localhost:5000/app`) stays, as its colon precedes a slash. */
function withoutTagOrDigest(image: string): string {
  const untagged = image.split('@')[0]!;
  const lastSlash = untagged.lastIndexOf('/');
  const colon = untagged.indexOf(':', lastSlash + 1);
  return colon === -1 ? untagged : untagged.slice(0, colon);
}

function contextValue(expression: string, scope: NameScope): string | undefined {
  // Context names are case-insensitive in GitHub expressions.
  switch (expression.toLowerCase()) {
    case 'github.repository':
      return `${scope.owner}/${scope.repo}`;
    case 'github.repository_owner':
    case 'github.event.repository.owner.login':
      return scope.owner;
    case 'github.event.repository.name':
      return scope.repo;
    default:
      return undefined;
  }
}

/** Variables every GitHub runner sets, as a run step's shell sees them. */
const SHELL_DEFAULTS: Record<string, (scope: NameScope) => string> = {
  GITHUB_REPOSITORY: (scope) => `${scope.owner}/${scope.repo}`,
  GITHUB_REPOSITORY_OWNER: (scope) => scope.owner,
};

function envValue(scope: NameScope, name: string): string | undefined {
  for (let i = scope.env.length - 1; i >= 0; i--) {
    const value = scope.env[i]![name];
    if (value !== undefined) return value;
  }
  return undefined;
}
