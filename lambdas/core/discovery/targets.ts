// `github:` refs: what users write to have an owner's (or one repository's) published images discovered and tracked.
import { RefError } from '../errors.ts';
import type { GitHubTarget } from './discover.ts';

/** GitHub's login grammar: alphanumerics and single hyphens inside, at most 39 characters. */
const OWNER = /^[a-z0-9](?:[a-z0-9]|-(?=[a-z0-9])){0,38}$/;
/** Repository names: letters, digits, `.`, `_`, `-`, at most 100 characters, never `.` or `..`. */
const REPOSITORY = /^(?!\.\.?$)[a-z0-9._-]{1,100}$/;

export function isGitHubRef(input: string): boolean {
  return input.trim().toLowerCase().startsWith('github:');
}

/**
 * `github:acme/*` (every public repository, forks with `?forks=true`) or `github:acme/api`; GitHub names are
 * case-insensitive, so the canonical form is lowercase. Throws RefError naming the input and the reason.
 */
export function parseGitHubRef(input: string): { ref: string; target: GitHubTarget } {
  const text = input.trim();
  const match = /^github:([^?]*)(?:\?(.*))?$/i.exec(text);
  if (!match) throw new RefError(input, 'a GitHub ref is github:<owner>/* or github:<owner>/<repository>');
  const [owner = '', repo, ...rest] = match[1]!.toLowerCase().split('/');
  if (repo === undefined || repo === '' || rest.length > 0) throw new RefError(input, 'a GitHub ref is github:<owner>/* or github:<owner>/<repository>');
  if (!OWNER.test(owner)) throw new RefError(input, `"${owner}" is not a GitHub user or organisation name`);
  if (repo !== '*' && !REPOSITORY.test(repo)) throw new RefError(input, `"${repo}" is not a GitHub repository name`);
  const forks = forksOption(input, match[2]);
  if (forks && repo !== '*') throw new RefError(input, 'forks=true is for github:<owner>/*');
  const ref = `github:${owner}/${repo}${forks ? '?forks=true' : ''}`;
  return { ref, target: { owner, ...(repo !== '*' && { repo }), forks } };
}

function forksOption(input: string, query: string | undefined): boolean {
  if (query === undefined) return false;
  if (/^forks=(true|false)$/i.test(query)) return query.toLowerCase() === 'forks=true';
  throw new RefError(input, `"?${query}" is not an option; the one option is ?forks=true`);
}
