/** This process's clock in µs on the wall-clock scale (monotonic: `timeOrigin` is fixed at start). */
export function localClockUs(): number {
  return (performance.timeOrigin + performance.now()) * 1000;
}

/** How many recent round trips bound the offset: enough for a fast one to be among them. */
const SAMPLES = 32;

/**
 * What this process knows of Redis's clock, NTP-style: each round trip bounds (Redis clock − ours)
 * between `redisNow − answeredAt` and `redisNow − askedAt`, and the recent round trips together
 * bound it as tightly as the fastest of them, whichever side of a trip was slow. A step of either
 * clock makes the bounds contradict each other; then only the newest round trip counts.
 */
export class RedisClockOffset {
  private readonly lows: number[] = [];
  private readonly highs: number[] = [];
  private low = Number.NEGATIVE_INFINITY;
  private high = Number.POSITIVE_INFINITY;

  /** Records a round trip: asked at `askedAtUs`, Redis read its clock as `redisNowUs`, answered at `answeredAtUs`. */
  sample(askedAtUs: number, redisNowUs: number, answeredAtUs: number): void {
    this.lows.push(redisNowUs - answeredAtUs);
    this.highs.push(redisNowUs - askedAtUs);
    if (this.lows.length > SAMPLES) {
      this.lows.shift();
      this.highs.shift();
    }
    this.low = Math.max(...this.lows);
    this.high = Math.min(...this.highs);
    if (this.low > this.high) {
      this.lows.splice(0, this.lows.length - 1);
      this.highs.splice(0, this.highs.length - 1);
      this.low = this.lows[0] as number;
      this.high = this.highs[0] as number;
    }
  }

  /** The latest local time a Redis instant can be: waiting until then is never early. */
  latestLocalUs(redisUs: number): number {
    return redisUs - this.low;
  }

  /** The earliest local time a Redis instant can be: how late a call is, at most, is measured from here. */
  earliestLocalUs(redisUs: number): number {
    return redisUs - this.high;
  }
}
