import { PassThrough } from 'node:stream';
import { routeProcessOutput } from '../../../src/cli/process-output';
import { createLogger } from '../../../src/logger';

describe('routeProcessOutput: what libraries print becomes JSON lines', () => {
  it('turns console.*, process warnings and Redis connection errors into logger lines or outage counts', async () => {
    const stream = new PassThrough();
    const chunks: string[] = [];
    stream.on('data', (chunk: Buffer) => chunks.push(chunk.toString()));
    const output = routeProcessOutput(createLogger({ stream, level: 'debug' }));
    try {
      console.log('plain %s', 'text');
      console.error(new Error('boom from a library'));
      // BullMQ prints an error no listener took with console.error: counted, not written.
      console.error(
        Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:6379'), { code: 'ECONNREFUSED' }),
      );
      // ioredis itself prints a client nobody listens to as text.
      console.error(
        '[ioredis] Unhandled error event:',
        'Error: connect ECONNREFUSED 127.0.0.1:6379\n    at TCPConnectWrap.afterConnect',
      );
      // Jest's sandboxed `process` does not pass emitWarning to listeners: emit what Node would.
      const warning = Object.assign(new Error('a deprecated thing'), { name: 'DeprecationWarning' });
      process.emit('warning', warning);
      await new Promise((resolve) => setImmediate(resolve));
    } finally {
      output.stop();
    }
    await new Promise((resolve) => setImmediate(resolve));
    const lines = chunks.join('').split('\n').filter(Boolean);
    const parsed = lines.map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(parsed.map((l) => l.message)).toEqual([
      'plain text',
      'boom from a library',
      'redis unavailable',
      'node warning',
    ]);
    expect(parsed[1]).toMatchObject({ level: 'error', source: 'console' });
    expect(parsed[3]).toMatchObject({ level: 'warn', error: { type: 'DeprecationWarning' } });
    expect(output.outage.errorCount).toBe(2);
  });
});
