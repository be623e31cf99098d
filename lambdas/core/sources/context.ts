// What a source is, and what it needs to reach its registry: base URL, HTTP settings, the registry's pacer and a clock.
import type { HttpSettings } from '../http.ts';
import type { Pacer } from '../pacing.ts';
import type { Ref } from '../refs.ts';
import type { Sample } from '../samples.ts';

export interface Collected {
  samples: Sample[];
  /** Refs found behind a wildcard whose listing carries no counts: each is collected on its own. */
  expand?: string[];
  /** Something the user should know although the collection succeeded (e.g. a cut listing). */
  warnings?: string[];
  /** Reads one repository's tag count (Docker Hub), through the same pacer; collect asks only for counts that are due. */
  readTagCount?: (path: string) => Promise<number>;
}

/** Reads one registry; each source owns what its registry needs kept between calls (pacer, token). */
export interface Source {
  collect(ref: Ref): Promise<Collected>;
}

export interface Endpoint {
  baseUrl: string;
  http: HttpSettings;
  /** Every request to this registry waits its turn here. */
  pacer: Pacer;
  now: () => Date;
}

/** host[:port] of a base URL, for the redirect allow-list. */
export function hostOf(baseUrl: string): string {
  return new URL(baseUrl).host;
}
