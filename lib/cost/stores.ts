// The series store's share of an estimate: DynamoDB requests and storage on either store (repos, read model, request
// schedule, and the series themselves on the DynamoDB store), and Timestream's writes, storage and query bursts.
import { RANGE_DAYS, type Range } from '../../lambdas/core/ranges.ts';
import { RAW_READING_DAYS } from '../../lambdas/stores/dynamodb/series-table.ts';
import { formatNumber } from './drivers.ts';
import type { StackFacts } from './facts.ts';
import { type Line, type PriceOf, costLine as line, wholeQuantity as n } from './line.ts';
import { FREE_TIER, PRICES } from './prices.ts';
import type { Traffic } from './traffic.ts';
import { type Assumptions, LONG_RANGES, fullMonthItemBytes, longRangeReadUnits, queryReadUnits } from './workload.ts';

export interface StoreCosts {
  readonly lines: Line[];
  /** Only on the Timestream store: the query bursts, which the notes explain. */
  readonly timestream?: { bursts: number; queriesUsd: number };
}

export function storeCosts(facts: StackFacts, repos: number, a: Assumptions, t: Traffic, price: PriceOf, q: Record<string, number>, notes: string[]): StoreCosts {
  const { polls, samples, messages, originRequests, longMissesPerUrl, longRangeRequests, hoursPerMonth } = t;
  const timestream = facts.store === 'timestream';
  // --- DynamoDB ------------------------------------------------------------------------------------------------
  // Per ref outcome: UpdateItem of its repos item; per poll: dispatch Scans the repos table.
  const repoItemWrites = Math.ceil(a.repoItemBytes / 1024);
  let writeUnits = samples * repoItemWrites;
  let readUnits = polls * queryReadUnits(repos * a.repoItemBytes);
  // The read model, on either store: per series and poll collect reads its view (consistent: 1 unit per 4 KB) and
  // puts it back under a version condition; per message it ADDs 1 to the generation.
  const readModelWrites = samples * Math.ceil(a.viewItemBytes / 1024) + messages * Math.ceil(a.generationItemBytes / 1024);
  const readModelCollectReads = samples * Math.ceil(a.viewItemBytes / 4096);
  // The api reads the generation (eventually consistent) on every request, and the view partition when the
  // generation moved: once per poll per warm environment at most. Each answer lists the repos (a Scan).
  const generationReads = originRequests * Math.ceil(a.generationItemBytes / 4096) * 0.5;
  const viewLoads = Math.min(originRequests, polls * a.apiContainers);
  const viewReads = viewLoads * queryReadUnits(repos * a.viewItemBytes);
  const reposReads = originRequests * queryReadUnits(repos * a.repoItemBytes);
  // Collectors share the registries' request budget through one schedule item per registry.
  const scheduleWrites = samples * a.scheduleWritesPerRequest;
  writeUnits += readModelWrites + scheduleWrites;
  readUnits += readModelCollectReads + generationReads + viewReads + reposReads;
  // Long ranges: month items, the window of each range (as far back as the history goes).
  const rangeDays = (range: Range) => Math.min(RANGE_DAYS[range], Math.round(a.historyMonths * a.daysPerMonth));
  let perSampleWrites = 0;
  let longRangeReads = 0;
  if (!timestream) {
    // Month item: read (consistent) and rewritten on every sample; it grows by one day entry a day.
    let monthWrites = 0;
    let monthReads = 0;
    const days = Math.round(a.daysPerMonth);
    for (let day = 1; day <= days; day++) {
      const bytes = a.monthItemBaseBytes + day * a.monthDayEntryBytes;
      monthWrites += Math.ceil(bytes / 1024) / days;
      monthReads += Math.ceil(bytes / 4096) / days;
    }
    perSampleWrites = Math.ceil(a.sampleItemBytes / 1024) + monthWrites + Math.ceil(a.latestItemBytes / 1024);
    writeUnits += samples * perSampleWrites;
    readUnits += samples * monthReads;
    for (const range of LONG_RANGES) longRangeReads += longMissesPerUrl * longRangeReadUnits(repos, rangeDays(range), a);
    readUnits += longRangeReads;
  }
  const tables = [facts.reposTable, facts.seriesTable, facts.readModelTable];
  if (!tables.every((t) => t === undefined || t.billingMode === 'PAY_PER_REQUEST')) {
    notes.push('A table is not on demand (PAY_PER_REQUEST): its provisioned capacity is not modelled.');
  }
  const dynamoRequests = (writeUnits / 1e6) * price('dynamodbPerMillionWriteUnits') + (readUnits / 1e6) * price('dynamodbPerMillionReadUnits');
  const writeUnitsPerSample = perSampleWrites + repoItemWrites + readModelWrites / Math.max(1, samples);
  Object.assign(q, { dynamodbWriteUnits: writeUnits, dynamodbReadUnits: readUnits, dynamodbWriteUnitsPerSample: writeUnitsPerSample });
  Object.assign(q, { readModelWriteUnits: readModelWrites, readModelCollectReadUnits: readModelCollectReads, generationReadUnits: generationReads, viewLoads, viewReadUnits: viewReads });
  Object.assign(q, { longRangeReadUnits: longRangeReads });

  // Storage after historyMonths: raw samples expire after RAW_READING_DAYS, month items stay; one view per series.
  const overhead = a.dynamodbItemOverheadBytes;
  const reposGb = (repos * (a.repoItemBytes + overhead)) / 1e9;
  const readModelGb = (repos * (a.viewItemBytes + overhead) + a.generationItemBytes + overhead) / 1e9;
  const rawSamples = samples * (Math.min(RAW_READING_DAYS, a.historyMonths * a.daysPerMonth) / a.daysPerMonth);
  const seriesGb = timestream
    ? 0
    : (rawSamples * (a.sampleItemBytes + overhead) + repos * a.historyMonths * (fullMonthItemBytes(a) + overhead) + repos * (a.latestItemBytes + overhead)) / 1e9;
  const storageGb = reposGb + readModelGb + seriesGb;
  const pitrGb =
    (facts.reposTable.pointInTimeRecovery ? reposGb : 0) + (facts.seriesTable?.pointInTimeRecovery ? seriesGb : 0) + (facts.readModelTable.pointInTimeRecovery ? readModelGb : 0);
  const dynamoStorage = storageGb * price('dynamodbStoragePerGbMonth');
  const dynamoPitr = pitrGb * price('dynamodbPitrPerGbMonth');
  const dynamoStorageFree = Math.min(storageGb, FREE_TIER.dynamodbStorageGb) * PRICES.dynamodbStoragePerGbMonth;
  Object.assign(q, { dynamodbStorageGb: storageGb, dynamodbPitrGb: pitrGb });

  // --- Timestream ----------------------------------------------------------------------------------------------
  let timestreamWrites = 0;
  let timestreamMemory = 0;
  let timestreamMagnetic = 0;
  let timestreamQueries = 0;
  let bursts = 0;
  const burstCost = a.timestreamMinTcu * (a.timestreamMinBurstSeconds / 3600) * PRICES.timestreamPerTcuHour;
  if (timestream) {
    const ts = facts.timestream;
    if (!ts) throw new Error('the store is timestream but the template has no AWS::Timestream::Table');
    // One WriteRecords per queue message (one repository): each record is its own 1 KiB write unit.
    const writes = samples * Math.ceil(a.timestreamRecordBytes / 1024);
    timestreamWrites = (writes / 1e6) * price('timestreamPerMillionWrites');
    const recordsPerHour = samples / hoursPerMonth;
    const memoryGb = (recordsPerHour * Math.min(ts.memoryRetentionHours, a.historyMonths * hoursPerMonth) * a.timestreamRecordBytes) / 1e9;
    timestreamMemory = memoryGb * hoursPerMonth * price('timestreamMemoryPerGbHour');
    const magneticGb = (samples * Math.min(a.historyMonths, ts.magneticRetentionDays / a.daysPerMonth) * a.timestreamRecordBytes) / 1e9;
    timestreamMagnetic = magneticGb * price('timestreamMagneticPerGbMonth');
    // Only long ranges query Timestream (one query per answer); the default views come from the read model.
    bursts = longRangeRequests;
    timestreamQueries = bursts * a.timestreamMinTcu * (a.timestreamMinBurstSeconds / 3600) * price('timestreamPerTcuHour');
    Object.assign(q, { timestreamWrites: writes, timestreamMemoryGb: memoryGb, timestreamMagneticGb: magneticGb, timestreamBursts: bursts });
  }

  const lines: Line[] = [
    line(
      'DynamoDB requests',
      dynamoRequests,
      0,
      `${n(writeUnits)} write units (${formatNumber(writeUnitsPerSample, 2)} per sample; read model ${n(readModelWrites)}), ${n(readUnits)} read units ` +
        `(read model: collect ${n(readModelCollectReads)}, generation ${n(generationReads)}, views ${n(viewReads)} in ${n(viewLoads)} loads${timestream ? '' : `; long ranges ${n(longRangeReads)}`})`,
    ),
    line(
      'DynamoDB storage + PITR',
      dynamoStorage + dynamoPitr,
      dynamoStorageFree,
      `${formatNumber(storageGb, 3)} GB after ${a.historyMonths} months, point-in-time recovery on ${formatNumber(pitrGb, 3)} GB`,
    ),
  ];
  if (timestream) {
    lines.push(
      line('Timestream writes', timestreamWrites, 0, `${n(q.timestreamWrites ?? 0)} writes of 1 KiB (one record per WriteRecords)`),
      line(
        'Timestream storage',
        timestreamMemory + timestreamMagnetic,
        0,
        `memory store ${formatNumber((q.timestreamMemoryGb ?? 0) * 1000, 2)} MB × ${facts.timestream?.memoryRetentionHours} h retention; magnetic ${formatNumber((q.timestreamMagneticGb ?? 0) * 1000, 1)} MB after ${a.historyMonths} months`,
      ),
      line(
        'Timestream queries',
        timestreamQueries,
        0,
        `${n(bursts)} bursts (${LONG_RANGES.length} long ranges × ${n(longMissesPerUrl)} cache misses) × ${a.timestreamMinTcu} TCU × ${a.timestreamMinBurstSeconds} s = $${formatNumber(burstCost, 4)} each`,
      ),
    );
  }
  return { lines, ...(timestream && { timestream: { bursts, queriesUsd: timestreamQueries } }) };
}
