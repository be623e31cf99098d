// Spaces out requests to one upstream: each wait() returns no sooner than `gapMs` after the previous one.

export class Pacer {
  private nextAt = 0;

  constructor(
    private readonly gapMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  async wait(): Promise<void> {
    const now = this.now();
    const at = Math.max(now, this.nextAt);
    this.nextAt = at + this.gapMs;
    if (at > now) await new Promise((resolve) => setTimeout(resolve, at - now));
  }
}
