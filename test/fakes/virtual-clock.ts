// A Clock whose time moves only when everything else is waiting on it: timing tests run minutes of pacing in milliseconds.
import type { Clock } from '../../lambdas/core/pacing.ts';

interface Timer {
  at: number;
  order: number;
  wake: () => void;
}

export class VirtualClock implements Clock {
  private current: number;
  private readonly timers: Timer[] = [];
  private scheduled = 0;

  constructor(start: number) {
    this.current = start;
  }

  now(): number {
    return this.current;
  }

  sleep(ms: number): Promise<void> {
    return new Promise((wake) => this.timers.push({ at: this.current + Math.max(0, ms), order: this.scheduled++, wake }));
  }

  /**
   * Settles `work`: whenever every promise is waiting, time jumps to the earliest timer and wakes it. Work that waits
   * with no timer set would never finish, and is reported as such.
   */
  async run<T>(work: Promise<T>): Promise<T> {
    let settled = false;
    const settle = () => {
      settled = true;
    };
    work.then(settle, settle);
    for (;;) {
      // A macrotask turn lets every chain of microtasks run to its next wait.
      await new Promise((resolve) => setImmediate(resolve));
      if (settled) return work;
      if (this.timers.length === 0) throw new Error(`stuck at ${new Date(this.current).toISOString()}: work waits on nothing that time could wake`);
      this.timers.sort((a, b) => a.at - b.at || a.order - b.order);
      const timer = this.timers.shift()!;
      this.current = Math.max(this.current, timer.at);
      timer.wake();
    }
  }
}
