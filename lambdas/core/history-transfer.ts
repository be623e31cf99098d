// History in and out of a store: import readings from history files without ever replacing a newer one, and export
// every reading kept, so that an export imported into an empty store answers every view the same.
import { DAY_MS, addDays, dayOf } from './days.ts';
import { type ParseOptions, type ParsedHistoryFile, parseHistoryFile } from './history-files.ts';
import type { ReadModel, SeriesStore } from './ports.ts';
import { type SeriesView, viewSamples } from './read-model.ts';
import { type Sample, bySeriesThenTime, seriesKey } from './samples.ts';

export interface HistoryFile {
  name: string;
  text: string;
}

export interface FileReport {
  file: string;
  /** Readings written: new to the store. */
  taken: number;
  /** Readings and rows not written, by reason. */
  skipped: { reason: string; count: number }[];
}

export interface TransferDeps {
  readModel: Pick<ReadModel, 'apply' | 'touch' | 'views'>;
  series: Pick<SeriesStore, 'write' | 'daily' | 'samples'>;
  now: () => Date;
}

const ALREADY = 'already stored';
const OLDER = 'older than the reading stored for its day';
const LOWER = 'lower than the count stored for its day';
/** Readings folded and written per call: a year of daily readings of a few dozen repositories. */
const WRITE_BATCH = 5_000;
/** Raw readings exported: what hourly views read (31 days and the day before), with a day to spare. */
const RAW_EXPORT_DAYS = 33;

/** Reads every file before anything is opened or written: a bad one (HistoryFileError, naming file and line) stops it all. */
export function parseHistoryFiles(files: readonly HistoryFile[], options: ParseOptions): ParsedFiles {
  return files.map((file) => [file.name, parseHistoryFile(file.name, file.text, options)]);
}

export type ParsedFiles = [name: string, file: ParsedHistoryFile][];

/**
 * A reading is taken when the store holds nothing as new for its series and day: the same reading again, an older
 * one of a day already read later, or a lower Quay count for a day, are skipped. So importing twice changes nothing.
 * Taken readings go through the read model, then the series store, as collect writes them.
 */
export async function importHistory(parsed: ParsedFiles, deps: TransferDeps): Promise<FileReport[]> {
  const all = parsed.flatMap(([, file]) => file.samples);
  if (all.length === 0) return parsed.map(([file, { left }]) => ({ file, taken: 0, skipped: left }));

  const stored = await storedDays(all, deps);
  const reports: FileReport[] = [];
  const taken: Sample[] = [];
  for (const [file, { samples, left }] of parsed) {
    const skipped = new Map<string, number>(left.map(({ reason, count }) => [reason, count]));
    let took = 0;
    for (const sample of samples) {
      const reason = skipReason(sample, stored.get(`${seriesKey(sample)} ${dayOf(sample.collectedAt)}`));
      if (reason) skipped.set(reason, (skipped.get(reason) ?? 0) + 1);
      else {
        taken.push(sample);
        took++;
      }
    }
    reports.push({ file, taken: took, skipped: [...skipped].map(([reason, count]) => ({ reason, count })) });
  }
  await write(taken, deps);
  return reports;
}

/** What the store holds per series and day: its last reading (lifetime counters) or its count (Quay). */
async function storedDays(samples: readonly Sample[], deps: TransferDeps): Promise<Map<string, [number, string]>> {
  const days = samples.map((sample) => dayOf(sample.collectedAt)).sort();
  const repos = [...new Map(samples.map((sample) => [seriesKey(sample), { registry: sample.registry, path: sample.repo }])).values()];
  const [views, daily] = await Promise.all([deps.readModel.views(), deps.series.daily(days[0]!, days.at(-1)!, { repos })]);
  const stored = new Map<string, [number, string]>();
  const keep = (key: string, day: string, count: number, at: string) => {
    const known = stored.get(`${key} ${day}`);
    if (!known || at > known[1]) stored.set(`${key} ${day}`, [count, at]);
  };
  for (const sample of daily) keep(seriesKey(sample), dayOf(sample.collectedAt), sample.pullCount, sample.collectedAt);
  for (const view of views) for (const [day, [count, at]] of Object.entries(view.days)) keep(view.key, day, count, at);
  return stored;
}

function skipReason(sample: Sample, stored: [number, string] | undefined): string | undefined {
  if (!stored) return undefined;
  const [count, at] = stored;
  if (sample.measure === 'daily_actions') return sample.pullCount === count ? ALREADY : sample.pullCount < count ? LOWER : undefined;
  if (sample.collectedAt === at) return sample.pullCount <= count ? ALREADY : undefined;
  if (sample.collectedAt < at) return OLDER;
  // A later time with a lower count is a file's made-up closing time (an /api/pulls CSV row), not a newer reading.
  return sample.pullCount < count ? LOWER : undefined;
}

async function write(samples: readonly Sample[], deps: TransferDeps): Promise<void> {
  if (samples.length === 0) return;
  // One series' readings in one batch where they fit: the read model folds each series once per call.
  const ordered = [...samples].sort(bySeriesThenTime);
  for (let start = 0; start < ordered.length; start += WRITE_BATCH) {
    const batch = ordered.slice(start, start + WRITE_BATCH);
    await deps.readModel.apply(batch);
    await deps.series.write(batch);
  }
  await deps.readModel.touch();
}

/**
 * Every reading the store keeps: each day's last reading over the whole history (the series store), the raw readings
 * hourly views read, and what the read model holds beside them (the first reading ever, the newest with its star
 * count and last update, the tag count). One row per series and time, sorted by series, then time.
 */
export async function exportHistory(deps: Omit<TransferDeps, 'readModel'> & { readModel: Pick<ReadModel, 'views'> }): Promise<Sample[]> {
  const views = await deps.readModel.views();
  if (views.length === 0) return [];
  const now = deps.now();
  const today = dayOf(now.toISOString());
  const firstDay = views.map((view) => dayOf(view.first.at)).sort()[0]!;
  const [daily, raw] = await Promise.all([
    deps.series.daily(firstDay, addDays(today, 1)),
    deps.series.samples(new Date(now.getTime() - RAW_EXPORT_DAYS * DAY_MS).toISOString(), new Date(now.getTime() + DAY_MS).toISOString()),
  ]);
  const merged = new Map<string, Sample>();
  const add = (sample: Sample) => {
    const key = `${seriesKey(sample)} ${sample.collectedAt}`;
    merged.set(key, { ...merged.get(key), ...sample });
  };
  for (const sample of [...daily, ...raw]) add(sample);
  for (const view of views) for (const sample of viewReadings(view)) add(sample);
  // The tag count rides on the reading it was read with; one no longer kept lends it to the newest.
  for (const view of views) {
    if (!view.tags) continue;
    const reading = merged.get(`${view.key} ${view.tags.at}`) ?? merged.get(`${view.key} ${view.latest.collectedAt}`)!;
    reading.tagCount = view.tags.count;
  }
  return [...merged.values()].sort(bySeriesThenTime);
}

/** The view's own readings; a Quay view's baseline is a sum of days, not a reading, so it stays out. */
function viewReadings(view: SeriesView): Sample[] {
  const series = { registry: view.registry, repo: view.repo, ...(view.measure && { measure: view.measure }) };
  const readings = view.measure ? Object.values(view.days).map(([count, at]): Sample => ({ ...series, collectedAt: at, pullCount: count })) : viewSamples(view);
  readings.push({ ...series, collectedAt: view.first.at, pullCount: view.first.count }, view.latest);
  return readings;
}
