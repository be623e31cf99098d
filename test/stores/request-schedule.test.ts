// Pins the shared request schedule on DynamoDB (dynalite): slices follow one another, a lapsed schedule restarts at
// now, one booked too far ahead reserves nothing, and two collectors reserving at once never get the same slot.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureTables } from '../../lambdas/local/dynamo.ts';
import { DynamoRequestSchedule } from '../../lambdas/stores/dynamodb/request-schedule-table.ts';
import { requestScheduleTableDefinition } from '../../lambdas/stores/dynamodb/schema.ts';
import { startTestDynamo } from './dynalite.ts';

const TABLE = 'pullwatch-request-schedule';
const NOW = Date.parse('2026-11-23T10:00:00Z');
let dynamo: Awaited<ReturnType<typeof startTestDynamo>>;

beforeAll(async () => {
  dynamo = await startTestDynamo();
  await ensureTables(dynamo.client, [requestScheduleTableDefinition(TABLE)]);
});
afterAll(() => dynamo.close());

const slots = (count: number, now: number, latest = now + 10_000) => ({ count, gapMs: 100, now, latest });

describe('DynamoRequestSchedule', () => {
  it('starts a registry at now and books each next slice after the last', async () => {
    const schedule = new DynamoRequestSchedule(dynamo.doc, TABLE);
    expect(await schedule.reserve('dockerhub', slots(10, NOW))).toEqual({ firstAt: NOW });
    expect(await schedule.reserve('dockerhub', slots(5, NOW + 50))).toEqual({ firstAt: NOW + 1_000 });
    // Another registry keeps its own schedule.
    expect(await schedule.reserve('quay', slots(1, NOW + 50))).toEqual({ firstAt: NOW + 50 });
  });

  it('restarts a schedule that lapsed at now, whichever collector saw it last', async () => {
    const other = new DynamoRequestSchedule(dynamo.doc, TABLE);
    expect(await other.reserve('dockerhub', slots(1, NOW + 60_000))).toEqual({ firstAt: NOW + 60_000 });
  });

  it('reserves nothing when the registry is booked past the latest start, and says until when', async () => {
    const schedule = new DynamoRequestSchedule(dynamo.doc, TABLE);
    await schedule.reserve('ghcr', slots(10, NOW));
    expect(await schedule.reserve('ghcr', slots(1, NOW, NOW + 500))).toEqual({ bookedUntil: NOW + 1_000 });
    expect(await schedule.reserve('ghcr', slots(1, NOW, NOW + 1_000))).toEqual({ firstAt: NOW + 1_000 });
  });

  it('gives collectors reserving at the same moment slices that never overlap', async () => {
    const collectors = Array.from({ length: 4 }, () => new DynamoRequestSchedule(dynamo.doc, TABLE));
    const reservations = await Promise.all(collectors.map((schedule) => schedule.reserve('race', slots(10, NOW, NOW + 60_000))));
    const starts = reservations.map((reservation) => ('firstAt' in reservation ? reservation.firstAt : Number.NaN)).sort((a, b) => a - b);
    expect(starts).toEqual([NOW, NOW + 1_000, NOW + 2_000, NOW + 3_000]);
  });

  it('costs one write per reservation once each collector has learnt whether the schedule is running', async () => {
    const writes: string[] = [];
    const counted = new Proxy(dynamo.doc, {
      get: (target, property, receiver) =>
        property === 'send' ? (command: Parameters<typeof target.send>[0]) => (writes.push(command.constructor.name), target.send(command)) : Reflect.get(target, property, receiver),
    });
    const [first, second] = [new DynamoRequestSchedule(counted, TABLE), new DynamoRequestSchedule(counted, TABLE)];
    // Taking turns, each asking once its own slice is over and while the other's is under way: the schedule runs on.
    const take = (turn: number) => (turn % 2 === 0 ? first : second).reserve('busy', slots(10, turn === 0 ? NOW : NOW + (turn - 1) * 1_000 + 100));
    for (let turn = 0; turn < 4; turn++) await take(turn);
    writes.length = 0;
    for (let turn = 4; turn < 8; turn++) expect(await take(turn)).toEqual({ firstAt: NOW + turn * 1_000 });
    expect(writes).toEqual(['UpdateCommand', 'UpdateCommand', 'UpdateCommand', 'UpdateCommand']);
  });
});
