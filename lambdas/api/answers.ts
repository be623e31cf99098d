// Answers tied to the data: the read model's views loaded once per generation, rendered answers kept per ETag, and
// how long a cache may keep them (until the next collection is due).
import { createHash } from 'node:crypto';
import type { Generation, ReadModel } from '../core/ports.ts';
import type { SeriesView } from '../core/read-model.ts';

/** Rendered answers kept per generation; a dashboard asks for a handful of URLs, a Grafana board a few dozen. */
const KEPT_ANSWERS = 256;
/** A collection lands over a minute or two: right after a write, answers are kept only briefly. */
const SETTLE_SECONDS = 120;
/** Shortest time a cache may keep an answer, unless the poll interval is shorter still. */
const MIN_CACHE_SECONDS = 60;

interface StoredAnswer {
  status: number;
  headers: [string, string][];
  body: ArrayBuffer;
}

export interface CurrentAnswers {
  generation: Generation;
  views(): Promise<SeriesView[]>;
  /** The ETag of a request's answer: the generation, the UTC day (windows roll at midnight) and what was asked. */
  tag(url: string, accept: string | undefined, today: string): string;
  /** A copy of the answer rendered before for this tag, if any. */
  response(tag: string): Response | undefined;
  keep(tag: string, response: Response): Promise<void>;
}

export class AnswerCache {
  private loaded?: { generation: number; views: Promise<SeriesView[]>; answers: Map<string, StoredAnswer> };
  /** The generation read in flight: requests arriving meanwhile share it instead of each reading the item. */
  private reading?: Promise<Generation>;

  constructor(private readonly readModel: Pick<ReadModel, 'generation' | 'views'>) {}

  /** One cheap read (the generation item) per request, or per burst of them; the views only when it moved. */
  async current(): Promise<CurrentAnswers> {
    this.reading ??= this.readModel.generation().finally(() => (this.reading = undefined));
    const generation = await this.reading;
    if (this.loaded?.generation !== generation.value) {
      const views = this.readModel.views();
      const loaded = { generation: generation.value, views, answers: new Map<string, StoredAnswer>() };
      // A failed read is not kept: the next request reads again.
      views.catch(() => {
        if (this.loaded === loaded) this.loaded = undefined;
      });
      this.loaded = loaded;
    }
    const { views, answers } = this.loaded;
    return {
      generation,
      views: () => views,
      tag: (url, accept, today) => {
        const { pathname, search } = new URL(url);
        const digest = createHash('sha256').update(`${pathname}${search} ${accept?.includes('text/csv') ? 'csv' : ''}`).digest('base64url').slice(0, 16);
        return `"${generation.value}-${today}-${digest}"`;
      },
      response: (tag) => {
        const answer = answers.get(tag);
        return answer && new Response(answer.body.slice(0), { status: answer.status, headers: answer.headers });
      },
      keep: async (tag, response) => {
        const body = await response.clone().arrayBuffer();
        if (answers.size >= KEPT_ANSWERS) answers.delete(answers.keys().next().value!);
        answers.set(tag, { status: response.status, headers: [...response.headers], body });
      },
    };
  }
}

/**
 * `Cache-Control` for an answer: public, kept until the next collection is due (the last write plus the poll
 * interval), never longer than the poll interval, and only briefly while a collection is landing or overdue.
 */
export function cacheControl(pollMinutes: number, generation: Generation | undefined, now: Date): string {
  const poll = Math.max(1, Math.floor(pollMinutes * 60));
  const floor = Math.min(MIN_CACHE_SECONDS, poll);
  let seconds = floor;
  if (generation?.writtenAt) {
    const since = (now.getTime() - Date.parse(generation.writtenAt)) / 1000;
    if (since >= SETTLE_SECONDS) seconds = Math.max(floor, Math.min(poll, Math.floor(poll - since)));
  }
  return `public, max-age=${seconds}`;
}

/** The max-age an answer gets on average when views arrive at random between collections: half the poll interval. */
export function typicalCacheSeconds(pollMinutes: number): number {
  return Math.max(Math.min(MIN_CACHE_SECONDS, pollMinutes * 60), Math.floor((pollMinutes * 60) / 2));
}
