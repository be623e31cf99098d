// Paces the requests to one registry: one per slot, slots as far apart as its budget allows, reserved on a schedule that
// every collector instance can share; a pause longer than worth taking in-process sends the ref back to the queue.
import { DEFAULTS } from './defaults.ts';
import { UpstreamError } from './errors.ts';
import type { Reservation, RequestSchedule, SlotRequest } from './ports.ts';
import { type AssumedBudget, type BudgetBelief, RateBudget } from './rate-budget.ts';

export interface Clock {
  now(): number;
  sleep(ms: number): Promise<void>;
}

const systemClock: Clock = {
  now: () => Date.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

export interface PacerOptions {
  /** Names the registry on a shared schedule. */
  registry: string;
  /** Never closer together than this, whatever the registry announces. */
  minGapMs?: number;
  /** Paced as if the registry allowed this until it announces its own budget. */
  assumed?: AssumedBudget;
  /** Share of each window's requests left to other clients behind the same IP. */
  reserveShare?: number;
  /** Longest pause taken in-process; a longer one fails the request as rate_limited, and the ref waits in the queue. */
  maxInlineWaitMs?: number;
  /** Shared with the other collector instances; by default this process paces alone. */
  schedule?: RequestSchedule;
  /** Slots reserved at once: on a shared schedule each reservation is a store write, so they come in slices. */
  slotsPerReservation?: number;
  clock?: Clock;
}

export interface Turn {
  /** What the pacer believed of the budget when it let this request go. */
  readonly belief: BudgetBelief;
  /** The registry answered with these headers (a 429: and when to retry), or never answered (no headers). Once per turn. */
  answered(headers?: Headers, throttledUntil?: number): void;
}

interface Waiter {
  url: string;
  resolve(turn: Turn): void;
  reject(error: unknown): void;
}

export class Pacer {
  private readonly registry: string;
  private readonly budget: RateBudget;
  private readonly schedule: RequestSchedule;
  private readonly slotsPerReservation: number;
  private readonly maxInlineWaitMs: number;
  private readonly clock: Clock;
  private readonly waiting: Waiter[] = [];
  /** Reserved send times not used yet, earliest first. */
  private slots: number[] = [];
  private pumping = false;

  constructor(options: PacerOptions) {
    this.registry = options.registry;
    this.budget = new RateBudget({
      minGapMs: options.minGapMs ?? 0,
      reserveShare: options.reserveShare ?? DEFAULTS.rateReserveShare,
      ...(options.assumed && { assumed: options.assumed }),
    });
    this.schedule = options.schedule ?? new InProcessSchedule();
    this.slotsPerReservation = options.slotsPerReservation ?? 1;
    this.maxInlineWaitMs = options.maxInlineWaitMs ?? DEFAULTS.maxInlineWaitMs;
    this.clock = options.clock ?? systemClock;
  }

  /** Resolves when the request to `url` may go; rejects as rate_limited when that is further off than worth waiting. */
  turn(url: string): Promise<Turn> {
    return new Promise((resolve, reject) => {
      this.waiting.push({ url, resolve, reject });
      void this.pump();
    });
  }

  /** One loop serves the waiters in arrival order, so slots and holds are decided in one place. */
  private async pump(): Promise<void> {
    if (this.pumping) return;
    this.pumping = true;
    try {
      while (this.waiting.length > 0) {
        try {
          await this.step();
        } catch (error) {
          // The shared schedule's store failed: the requests fail with it, and the queue redelivers their refs.
          for (const waiter of this.waiting.splice(0)) waiter.reject(error);
        }
      }
    } finally {
      this.pumping = false;
    }
  }

  /** One decision: hold, reserve slots, sleep until the next one, or let the first waiter go. */
  private async step(): Promise<void> {
    const now = this.clock.now();
    const { gapMs, provisional, holdUntil } = this.budget.plan(now);
    if (holdUntil !== undefined) return this.pause(holdUntil, now);
    // A slot more than a gap in the past was missed (during a hold): sending on it late would bunch requests up.
    this.slots = this.slots.filter((slot) => slot + gapMs >= now);
    if (this.slots.length === 0 && !(await this.reserve(provisional, gapMs))) return;
    const at = this.clock.now();
    const slot = this.slots[0]!;
    if (slot > at) return this.clock.sleep(slot - at);
    this.slots.shift();
    this.grant(this.waiting.shift()!, at);
  }

  private async pause(until: number, now: number): Promise<void> {
    if (until - now > this.maxInlineWaitMs) return this.refuseAll(until, now, 'request budget spent down to the reserve');
    await this.clock.sleep(until - now);
  }

  /** False when the schedule is booked too far ahead: the waiters were sent back to the queue. */
  private async reserve(provisional: boolean, gapMs: number): Promise<boolean> {
    // Slots booked at an assumed gap stay booked once the registry announces a shorter one: book those one at a time.
    const slice = provisional ? 1 : this.slotsPerReservation;
    // The requests of one batch arrive within a moment of each other: waiting that moment lets them share a reservation.
    if (slice > 1) await this.clock.sleep(0);
    const count = Math.min(this.waiting.length, slice);
    const now = this.clock.now();
    const reservation = await this.schedule.reserve(this.registry, { count, gapMs, now, latest: now + this.maxInlineWaitMs });
    if ('bookedUntil' in reservation) {
      this.refuseAll(reservation.bookedUntil, now, `${this.registry} requests booked by other collectors`);
      return false;
    }
    this.slots = Array.from({ length: count }, (_, index) => reservation.firstAt + index * gapMs);
    return true;
  }

  private grant(waiter: Waiter, now: number): void {
    const belief = this.budget.belief(now);
    this.budget.sent();
    let open = true;
    waiter.resolve({
      belief,
      answered: (headers, throttledUntil) => {
        if (!open) return;
        open = false;
        this.budget.answered(now, headers, throttledUntil);
      },
    });
  }

  private refuseAll(retryAt: number, now: number, reason: string): void {
    const belief = this.budget.belief(now);
    const message = `${reason}; next request at ${new Date(retryAt).toISOString()}`;
    for (const waiter of this.waiting.splice(0)) {
      waiter.reject(new UpstreamError('rate_limited', waiter.url, message, retryAt, { by: 'pacer', belief }));
    }
  }
}

/** The schedule of a collector that paces alone: the next free slot of each registry, in memory. */
export class InProcessSchedule implements RequestSchedule {
  private readonly nextFree = new Map<string, number>();

  async reserve(registry: string, { count, gapMs, now, latest }: SlotRequest): Promise<Reservation> {
    const firstAt = Math.max(this.nextFree.get(registry) ?? now, now);
    if (firstAt > latest) return { bookedUntil: firstAt };
    this.nextFree.set(registry, firstAt + count * gapMs);
    return { firstAt };
  }
}
