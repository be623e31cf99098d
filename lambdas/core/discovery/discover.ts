// One discovery run for a `github:` ref: list the owner's repositories, read each one's tree and build files, and turn
// what they publish into candidate images. Progress is a plain state object, advanced request by request and handed to
// `checkpoint` after each repository, so a run cut short by GitHub's budget, a failure or a crash resumes where it
// stopped: a backlog that drains, never a restart.
import { UpstreamError } from '../errors.ts';
import type { RecordedError } from '../ports.ts';
import { tryParseRef } from '../refs.ts';
import { type SkippedName, isBuildFile, isDockerfile, readBuildFile } from './build-files.ts';
import { GitHubParked, type GitHubClient, type ListedRepository } from './github.ts';

/** What a `github:` ref names: every public repository of an owner, or one repository. */
export interface GitHubTarget {
  owner: string;
  /** Absent: every repository of the owner (`github:owner/*`). */
  repo?: string;
  /** Forks are skipped unless asked for (`github:owner/*?forks=true`). */
  forks: boolean;
}

export interface Candidate {
  ref: string;
  /** Where it was found: `github:acme/api .github/workflows/release.yml`, or `github:acme/api Dockerfile` for a guess. */
  foundIn: string;
}

interface RepositoryInProgress extends ListedRepository {
  /** Build files left to read; absent until the tree is read. */
  files?: string[];
  dockerfile?: string;
  /** Runs that failed on this repository: past MAX_ATTEMPTS it is skipped, so one repository cannot stall the owner. */
  attempts?: number;
}

/** A pass over the owner's repositories, saved between runs. */
export interface DiscoveryPass {
  startedAt: string;
  /** The listing page to read next; absent once the listing is read (or for a single repository). */
  listing?: { next?: string; done: boolean };
  pending: RepositoryInProgress[];
  repositoriesRead: number;
  candidates: Candidate[];
  /** Names that could not become refs, a few kept as examples. */
  skipped: SkippedName[];
  skippedCount: number;
}

export interface DiscoveryState {
  pass?: DiscoveryPass;
  /** The last complete pass: what the ref tracks until the next one completes. */
  last?: { completedAt: string; repositoriesRead: number; candidates: Candidate[]; skipped: SkippedName[]; skippedCount: number };
  /** No request before this (GitHub's budget is spent). */
  parkedUntil?: string;
  /** The next pass starts at this time. */
  nextRunAt?: string;
  /** Why the last run stopped early, when a request failed. */
  lastError?: RecordedError;
  /** Requests spent by the runs of the current pass. */
  requests?: number;
  /** Candidates that turned out not to exist: not probed again until the next pass completes. */
  misses?: string[];
}

export interface DiscoveryRun {
  state: DiscoveryState;
  /** Set when this run completed a pass. */
  completed: boolean;
  requests: number;
}

const SKIPPED_EXAMPLES = 5;
/** Runs a repository may fail before it is skipped for this pass, with the failure as the reason. */
const MAX_ATTEMPTS = 3;
/** Images kept per pass: bounds the state kept on the ref's item (DynamoDB items hold 400 KB). */
export const MAX_CANDIDATES = 1_000;

export interface DiscoveryOptions {
  now: () => Date;
  /** Time from one completed pass to the next. */
  intervalMs: number;
  /** Requests one run may send (a function's time is bounded); the pass goes on in the next run. */
  maxRequests?: number;
  /** Keeps the state as it stands: called after each repository and listing page. */
  checkpoint?: (state: DiscoveryState) => Promise<void>;
}

/** Runs discovery until the pass completes, GitHub's budget is spent or `maxRequests` are sent; `before` is not modified. */
export async function discover(target: GitHubTarget, before: DiscoveryState, github: GitHubClient, options: DiscoveryOptions): Promise<DiscoveryRun> {
  const state: DiscoveryState = structuredClone(before);
  const now = options.now();
  const spent = github.requests;
  const result = (completed: boolean): DiscoveryRun => {
    const requests = github.requests - spent;
    state.requests = (state.requests ?? 0) + requests;
    return { state, completed, requests };
  };
  if (state.parkedUntil && Date.parse(state.parkedUntil) > now.getTime()) return result(false);
  delete state.parkedUntil;
  if (!state.pass) {
    if (state.nextRunAt && Date.parse(state.nextRunAt) > now.getTime()) return result(false);
    state.requests = 0;
    state.pass = newPass(target, now);
  }
  const pass = state.pass;
  // This run's own failure, if any, is what the ref shows; an earlier one is over once a run starts.
  delete state.lastError;
  try {
    // A page at a time, its repositories read before the next page: the saved state stays within one page.
    while (pass.pending.length > 0 || (pass.listing && !pass.listing.done)) {
      if (github.requests - spent >= (options.maxRequests ?? Infinity)) return result(false);
      const read = pass.repositoriesRead;
      const listing = pass.pending.length === 0;
      if (listing) await readListingPage(target, pass, github);
      else await readRepository(target.owner, pass, github);
      if (listing || pass.repositoriesRead !== read) await options.checkpoint?.(state);
    }
  } catch (error) {
    if (error instanceof GitHubParked) state.parkedUntil = new Date(error.until).toISOString();
    else if (error instanceof UpstreamError) {
      // A failed request ends the run; the next one retries it, with everything read so far kept.
      state.lastError = { kind: error.kind, message: error.message, at: options.now().toISOString() };
      const failing = pass.pending[0];
      if (failing && (failing.attempts = (failing.attempts ?? 0) + 1) >= MAX_ATTEMPTS) {
        addSkipped(pass, [{ file: failing.name, written: `github:${target.owner}/${failing.name}`, reason: `skipped after ${MAX_ATTEMPTS} failed runs: ${error.message}` }]);
        pass.pending.shift();
        pass.repositoriesRead++;
      }
    } else throw error;
    return result(false);
  }
  delete state.misses;
  state.last = { completedAt: options.now().toISOString(), repositoriesRead: pass.repositoriesRead, candidates: pass.candidates, skipped: pass.skipped, skippedCount: pass.skippedCount };
  delete state.pass;
  state.nextRunAt = new Date(now.getTime() + options.intervalMs).toISOString();
  return result(true);
}

function newPass(target: GitHubTarget, now: Date): DiscoveryPass {
  const pass: DiscoveryPass = { startedAt: now.toISOString(), pending: [], repositoriesRead: 0, candidates: [], skipped: [], skippedCount: 0 };
  // One repository: its default branch comes from its own record, read first.
  if (target.repo) pass.pending.push({ name: target.repo, defaultBranch: '', archived: false, fork: false });
  else pass.listing = { done: false };
  return pass;
}

async function readListingPage(target: GitHubTarget, pass: DiscoveryPass, github: GitHubClient): Promise<void> {
  const page = await github.repositories(target.owner, pass.listing!.next);
  const wanted = page.repositories.filter((repository) => !repository.archived && (target.forks || !repository.fork));
  const known = new Set(pass.pending.map((repository) => repository.name));
  pass.pending.push(...wanted.filter((repository) => !known.has(repository.name)));
  pass.listing = page.next ? { next: page.next, done: false } : { done: true };
}

/** Reads the first pending repository one request further; it leaves the queue once all its files are read. */
async function readRepository(owner: string, pass: DiscoveryPass, github: GitHubClient): Promise<void> {
  const repository = pass.pending[0]!;
  const done = () => {
    pass.pending.shift();
    pass.repositoriesRead++;
  };
  try {
    if (repository.defaultBranch === '') {
      Object.assign(repository, await github.repository(owner, repository.name));
      if (repository.archived) done();
      return;
    }
    if (!repository.files) {
      const tree = await github.files(owner, repository.name, repository.defaultBranch);
      repository.files = tree.paths.filter(isBuildFile).sort();
      const dockerfile = tree.paths.filter(isDockerfile).sort((a, b) => a.split('/').length - b.split('/').length || a.localeCompare(b))[0];
      if (dockerfile) repository.dockerfile = dockerfile;
      if (repository.files.length === 0) finish(owner, repository, pass, done);
      return;
    }
    const path = repository.files[0]!;
    const text = await github.file(owner, repository.name, path, repository.defaultBranch);
    const reading = text === undefined ? { images: [], skipped: [{ file: path, written: path, reason: 'larger than GitHub serves through the contents API (1 MB)' }] } : readBuildFile(path, text, { owner, repo: repository.name });
    for (const image of reading.images) addCandidate(pass, { ref: image.ref, foundIn: `github:${owner}/${repository.name} ${image.file}` });
    addSkipped(pass, reading.skipped);
    repository.files.shift();
    if (repository.files.length === 0) finish(owner, repository, pass, done);
  } catch (error) {
    // A repository gone or emptied since the listing (409: no commits) is nothing to read; other failures end the run.
    if (error instanceof UpstreamError && (error.kind === 'not_found' || error.kind === 'format_changed')) {
      addSkipped(pass, [{ file: repository.name, written: `github:${owner}/${repository.name}`, reason: error.message }]);
      done();
      return;
    }
    throw error;
  }
}

/** A repository with a Dockerfile whose build files publish nothing yields the two likely names, to be probed. */
function finish(owner: string, repository: RepositoryInProgress, pass: DiscoveryPass, done: () => void): void {
  const source = `github:${owner}/${repository.name}`;
  const publishes = pass.candidates.some((candidate) => candidate.foundIn.startsWith(`${source} `));
  if (!publishes && repository.dockerfile) {
    const name = `${owner}/${repository.name}`.toLowerCase();
    // A repository name is not always an image name (`My_Repo.`): only valid ones are guessed.
    for (const ref of [`dockerhub:${name}`, `ghcr:${name}`]) if (tryParseRef(ref).ok) addCandidate(pass, { ref, foundIn: `${source} ${repository.dockerfile}` });
  }
  done();
}

function addCandidate(pass: DiscoveryPass, candidate: Candidate): void {
  if (pass.candidates.some((known) => known.ref === candidate.ref)) return;
  if (pass.candidates.length < MAX_CANDIDATES) pass.candidates.push(candidate);
  else addSkipped(pass, [{ file: candidate.foundIn, written: candidate.ref, reason: `more than ${MAX_CANDIDATES} images found; the rest are not tracked` }]);
}

function addSkipped(pass: DiscoveryPass, skipped: SkippedName[]): void {
  pass.skippedCount += skipped.length;
  pass.skipped.push(...skipped.slice(0, Math.max(0, SKIPPED_EXAMPLES - pass.skipped.length)));
}
