import { describe, expect, it } from 'vitest';
import { isGitHubRef, parseGitHubRef } from '../../../lambdas/core/discovery/targets.ts';
import { RefError } from '../../../lambdas/core/errors.ts';

describe('github: refs', () => {
  it('reads an owner, a repository and the forks option, in canonical lowercase', () => {
    expect(parseGitHubRef('github:Acme/*')).toEqual({ ref: 'github:acme/*', target: { owner: 'acme', forks: false } });
    expect(parseGitHubRef(' GitHub:acme/My.Repo_1 ')).toEqual({ ref: 'github:acme/my.repo_1', target: { owner: 'acme', repo: 'my.repo_1', forks: false } });
    expect(parseGitHubRef('github:acme/*?forks=true')).toEqual({ ref: 'github:acme/*?forks=true', target: { owner: 'acme', forks: true } });
    expect(parseGitHubRef('github:acme/*?forks=false').ref).toBe('github:acme/*');
  });

  it.each([
    ['github:acme', 'github:<owner>/*'],
    ['github:acme/', 'github:<owner>/*'],
    ['github:acme/a/b', 'github:<owner>/*'],
    ['github:-acme/*', 'not a GitHub user or organisation name'],
    ['github:ac--me/*', 'not a GitHub user or organisation name'],
    [`github:${'a'.repeat(40)}/*`, 'not a GitHub user or organisation name'],
    ['github:acme/..', 'not a GitHub repository name'],
    ['github:acme/a b', 'not a GitHub repository name'],
    ['github:acme/*?archived=true', 'the one option is ?forks=true'],
    ['github:acme/api?forks=true', 'forks=true is for github:<owner>/*'],
  ])('rejects %s, saying why', (input, reason) => {
    expect(() => parseGitHubRef(input)).toThrow(RefError);
    expect(() => parseGitHubRef(input)).toThrow(reason);
  });

  it('tells GitHub refs from registry refs', () => {
    expect(isGitHubRef('github:acme/*')).toBe(true);
    expect(isGitHubRef('ghcr.io/acme/api')).toBe(false);
  });
});
