// What every CLI of pullwatch's (repos, import, export) answers with: its exit status, and the error for bad usage.

/** 0 done; 1 the store or stack could not be reached; 2 bad usage, or some of what was asked was refused. */
export const EXIT = { ok: 0, unreachable: 1, rejected: 2 } as const;

/** Bad arguments: the message says which; the CLI prints it with its usage line and exits 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}
