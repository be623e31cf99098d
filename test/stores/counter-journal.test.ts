// Local mode's webhook counters on their journal: counting, surviving a reopen and a compaction, a journal cut short
// (reported, healed by redelivery), a damaged one (refused), a failed write, and the import of an older local store.
import { mkdir, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { CountedEvent } from '../../lambdas/core/registry-events.ts';
import { CounterStoreDamagedError, JournalCounters, type JournalOptions } from '../../lambdas/local/counter-journal.ts';
import { COUNTERS_DIR, LOCAL_TABLES, ensureTables, startLocalDynamo } from '../../lambdas/local/dynamo.ts';
import { documentClient } from '../../lambdas/stores/dynamodb/client.ts';
import { DynamoRegistryCounters } from '../../lambdas/stores/dynamodb/counters-table.ts';
import { countersTableDefinition } from '../../lambdas/stores/dynamodb/schema.ts';
import { withTransactions } from '../fakes/dynalite-transactions.ts';

const REF = 'registry:registry.example.com/team/app';
let dir: string;
const open = async (options: JournalOptions = {}) => (await JournalCounters.open(dir, options)).counters;
const pull = (id: string, tag = 'v1', at = '2026-11-23T10:00:00.000Z', ref = REF): CountedEvent => ({ id, kind: 'pull', ref, tag, at });
const push = (id: string, actor: string): CountedEvent => ({ id, kind: 'push', ref: REF, tag: 'v1', at: '2026-11-23T09:00:00.000Z', actor });

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'pullwatch-journal-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('the counters journal', () => {
  it('counts each id once, and reads back the same after a reopen', async () => {
    const counters = await open();
    expect(await counters.record([pull('a'), pull('b', 'v2', '2026-11-23T11:00:00.000Z'), pull('a'), push('c', 'ci')])).toMatchObject({ duplicates: 1 });
    expect((await counters.record([pull('b'), pull('d', 'v2', '2026-11-23T12:00:00.000Z')])).counted.map((event) => event.id)).toEqual(['d']);
    const expected = { ref: REF, pulls: 3, versionChecks: 0, pushes: 1, deletes: 0, firstPullAt: '2026-11-23T10:00:00.000Z', lastPullAt: '2026-11-23T12:00:00.000Z', firstPushAt: '2026-11-23T09:00:00.000Z', lastPushAt: '2026-11-23T09:00:00.000Z', pushers: ['ci'] };
    expect(await counters.repository(REF)).toEqual(expected);
    const tags = [
      { tag: 'v1', pulls: 1, versionChecks: 0, lastPullAt: '2026-11-23T10:00:00.000Z' },
      { tag: 'v2', pulls: 2, versionChecks: 0, lastPullAt: '2026-11-23T12:00:00.000Z' },
    ];
    expect(await counters.tags(REF)).toEqual(tags);
    // No close: the process is simply gone, and the journal alone brings everything back.
    const reopened = await open();
    expect(await reopened.repository(REF)).toEqual(expected);
    expect(await reopened.tags(REF)).toEqual(tags);
    expect((await reopened.record([pull('a'), pull('d')])).duplicates).toBe(2);
  });

  it('folds the journal into a snapshot once it grows, and forgets ids after 8 days', async () => {
    let now = Date.parse('2026-11-23T00:00:00Z');
    const counters = await open({ maxJournalBytes: 500, now: () => now });
    for (let i = 0; i < 10; i++) await counters.record([pull(`e${i}`)]);
    expect((await readFile(join(dir, 'journal'))).length).toBeLessThan(500);
    expect(await readdir(dir)).toEqual(['journal', 'snapshot']);
    expect((await (await open()).repository(REF))?.pulls).toBe(10);

    now += 9 * 86_400_000;
    for (let i = 10; i < 20; i++) await counters.record([pull(`e${i}`)]);
    await counters.close();
    const later = await open({ now: () => now });
    expect((await later.repository(REF))?.pulls).toBe(20);
    // e0 arrived nine days ago: a registry redelivering it now (it never would) would count it again.
    expect((await later.record([pull('e0'), pull('e19')])).duplicates).toBe(1);
  });

  it('reports a journal that ends in a record cut short, drops only that record, and counts it again on redelivery', async () => {
    const counters = await open();
    await counters.record([pull('kept-1'), pull('kept-2')]);
    await counters.record([pull('cut-1'), pull('cut-2', 'v2')]);
    const journal = await readFile(join(dir, 'journal'));
    const lastRecordBytes = journal.length - journal.indexOf(0x0a) - 1;
    for (const cut of [1, 2, Math.floor(lastRecordBytes / 2), lastRecordBytes - 1]) {
      const copy = join(dir, `cut-${cut}`);
      await mkdir(copy);
      await writeFile(join(copy, 'journal'), journal.subarray(0, journal.length - cut));
      const { counters: reopened, warnings } = await JournalCounters.open(copy);
      expect(warnings, `cut ${cut}`).toEqual([`counters journal ${join(copy, 'journal')} ended in ${lastRecordBytes - cut} bytes that are not a whole record (a write cut short by a crash or a full disk); they were dropped: those events were never acknowledged, so the registry delivers them again`]);
      expect((await reopened.repository(REF))?.pulls, `cut ${cut}`).toBe(2);
      // The registry never got an answer for the cut record, so it delivers it again: counted once, exactly.
      expect((await reopened.record([pull('kept-1'), pull('kept-2'), pull('cut-1'), pull('cut-2', 'v2')])).counted).toHaveLength(2);
      expect((await reopened.repository(REF))?.pulls).toBe(4);
      await reopened.close();
      // The cut-off bytes are gone: the next start finds a clean journal.
      const next = await JournalCounters.open(copy);
      expect(next.warnings).toEqual([]);
      expect((await next.counters.repository(REF))?.pulls).toBe(4);
      await next.counters.close();
    }
  });

  it('refuses a journal whose record does not read back before other whole records, and a damaged snapshot', async () => {
    const counters = await open();
    await counters.record([pull('x1')]);
    await counters.record([pull('x2')]);
    const journal = await readFile(join(dir, 'journal'));
    journal[20] = journal[20] === 0x61 ? 0x62 : 0x61;
    await writeFile(join(dir, 'journal'), journal);
    await expect(JournalCounters.open(dir)).rejects.toThrowError(CounterStoreDamagedError);

    await rm(join(dir, 'journal'));
    await writeFile(join(dir, 'snapshot'), '00000000 {"journalSeq":1}\n');
    await expect(JournalCounters.open(dir)).rejects.toThrowError(/snapshot does not read back/);
  });

  it('takes a failed append back, so nothing of that envelope counts and the next one does', async () => {
    let fail = false;
    const counters = await open({
      hooks: {
        beforeWrite: (write) => {
          if (fail && write === 'append') throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
        },
      },
    });
    await counters.record([pull('before')]);
    fail = true;
    await expect(counters.record([pull('lost')])).rejects.toThrow('ENOSPC');
    fail = false;
    expect((await counters.record([pull('lost')])).counted).toHaveLength(1);
    expect((await (await open()).repository(REF))?.pulls).toBe(2);
  });
});

describe('local mode start-up', () => {
  it('imports the counters an older local mode kept in dynalite, once', async () => {
    const dataDir = join(dir, 'data');
    const old = await startLocalDynamo(dataDir);
    await ensureTables(old.client, [countersTableDefinition(LOCAL_TABLES.counters)]);
    const table = new DynamoRegistryCounters(withTransactions(documentClient(old.client)), LOCAL_TABLES.counters);
    await table.record([pull('old-1'), pull('old-2', 'v2'), push('old-3', 'ci')]);
    await old.close();
    // That first start made an empty journal; an older local mode had none.
    await rm(join(dataDir, COUNTERS_DIR), { recursive: true });

    const started = await startLocalDynamo(dataDir);
    try {
      expect(await started.counters.repository(REF)).toMatchObject({ pulls: 2, pushes: 1, pushers: ['ci'] });
      expect(await started.counters.tags(REF)).toEqual([
        { tag: 'v1', pulls: 1, versionChecks: 0, lastPullAt: '2026-11-23T10:00:00.000Z' },
        { tag: 'v2', pulls: 1, versionChecks: 0, lastPullAt: '2026-11-23T10:00:00.000Z' },
      ]);
      expect((await started.counters.record([pull('old-1'), pull('new-1')])).duplicates).toBe(1);
    } finally {
      await started.close();
    }
    const again = await startLocalDynamo(dataDir);
    try {
      expect((await again.counters.repository(REF))?.pulls).toBe(3);
    } finally {
      await again.close();
    }
  });
});
