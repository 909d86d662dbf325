import { createLogger } from '../../../src/logger';
import { createRopoBreaker, isBrokenCircuit, type BreakerState } from '../../../src/pipeline/circuit-breaker';

const unavailable = () => Object.assign(new Error('down'), { code: 'ROPO_UNAVAILABLE', retryable: true });
const rejected = () => Object.assign(new Error('bad'), { code: 'ROPO_REJECTED', retryable: false });

describe('the breaker toward Ropo One', () => {
  it('opens after the threshold of consecutive unavailable answers, then fails fast', async () => {
    const states: BreakerState[] = [];
    const breaker = createRopoBreaker({
      threshold: 3,
      halfOpenAfterMs: 60_000,
      logger: createLogger({ level: 'error' }),
      onStateChange: (s) => states.push(s),
    });
    for (let i = 0; i < 3; i++)
      await expect(breaker.execute(() => Promise.reject(unavailable()))).rejects.toThrow('down');
    expect(breaker.state()).toBe('open');
    const call = jest.fn(() => Promise.resolve('never'));
    const refused = await breaker.execute(call).catch((e: unknown) => e);
    expect(isBrokenCircuit(refused)).toBe(true);
    expect(call).not.toHaveBeenCalled();
    expect(states).toEqual(['open']);
  });

  it('does not count rejections or duplicates: they say nothing about Ropo One being down', async () => {
    const breaker = createRopoBreaker({
      threshold: 2,
      halfOpenAfterMs: 60_000,
      logger: createLogger({ level: 'error' }),
    });
    for (let i = 0; i < 5; i++)
      await expect(breaker.execute(() => Promise.reject(rejected()))).rejects.toThrow('bad');
    expect(breaker.state()).toBe('closed');
  });

  it('lets a probe through after the half-open delay and closes on its success', async () => {
    const breaker = createRopoBreaker({
      threshold: 1,
      halfOpenAfterMs: 50,
      logger: createLogger({ level: 'error' }),
    });
    await expect(breaker.execute(() => Promise.reject(unavailable()))).rejects.toThrow();
    expect(breaker.state()).toBe('open');
    await new Promise((resolve) => setTimeout(resolve, 80));
    await expect(breaker.execute(() => Promise.resolve('ok'))).resolves.toBe('ok');
    expect(breaker.state()).toBe('closed');
  });
});
