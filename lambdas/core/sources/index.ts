// Routes a ref to the source that reads its registry.
import type { Ref, Registry } from '../refs.ts';
import type { Collected, Source } from './context.ts';

export type { Collected } from './context.ts';

export type Sources = Readonly<Record<Registry, Source>>;

export function collectFromSource(ref: Ref, sources: Sources): Promise<Collected> {
  return sources[ref.registry].collect(ref);
}
