/** This process's clock in µs on the wall-clock scale (monotonic: `timeOrigin` is fixed at start). */
export function localClockUs(): number {
  return (performance.timeOrigin + performance.now()) * 1000;
}

/** How many recent round trips bound the offset: enough for a fast one to be among them. */
const SAMPLES = 32;

/** Round trips older than this no longer count: both clocks drift, a little, all the time. */
const SAMPLE_LIFETIME_US = 10_000_000;

interface Sample {
  low: number;
  high: number;
  at: number;
}

/**
 * What this process knows of Redis's clock, NTP-style: each round trip bounds (Redis clock − ours)
 * between `redisNow − answeredAt` and `redisNow − askedAt`, and the recent round trips together
 * bound it as tightly as the fastest of them, whichever side of a trip was slow. A step of either
 * clock makes the bounds contradict each other; then only the newest round trip counts.
 */
export class RedisClockOffset {
  private samples: Sample[] = [];
  private low = Number.NEGATIVE_INFINITY;
  private high = Number.POSITIVE_INFINITY;

  /** Records a round trip: asked at `askedAtUs`, Redis read its clock as `redisNowUs`, answered at `answeredAtUs`. */
  sample(askedAtUs: number, redisNowUs: number, answeredAtUs: number): void {
    this.samples.push({ low: redisNowUs - answeredAtUs, high: redisNowUs - askedAtUs, at: answeredAtUs });
    this.samples = this.samples.filter((s) => s.at > answeredAtUs - SAMPLE_LIFETIME_US).slice(-SAMPLES);
    this.low = Math.max(...this.samples.map((s) => s.low));
    this.high = Math.min(...this.samples.map((s) => s.high));
    if (this.low > this.high) {
      this.samples = this.samples.slice(-1);
      this.low = (this.samples[0] as Sample).low;
      this.high = (this.samples[0] as Sample).high;
    }
  }

  /** How far apart the latest and the earliest local times of a Redis instant are (infinite before any trip). */
  widthUs(): number {
    return this.high - this.low;
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
