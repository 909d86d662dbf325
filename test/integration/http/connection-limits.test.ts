import net from 'node:net';
import { startHttpHarness, TOKEN, type HttpHarness } from './support/http-harness';

interface RawClient {
  socket: net.Socket;
  /** Everything the server sent so far. */
  received(): string;
  /** Resolves with ms since connect when the server closed the connection. */
  closed: Promise<number>;
}

async function connect(url: string): Promise<RawClient> {
  const { port, hostname } = new URL(url);
  const socket = net.connect(Number(port), hostname);
  const started = Date.now();
  let text = '';
  socket.on('data', (chunk: Buffer) => (text += chunk.toString()));
  socket.on('error', () => undefined);
  const closed = new Promise<number>((resolve) => socket.once('close', () => resolve(Date.now() - started)));
  await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
  return { socket, received: () => text, closed };
}

const within = <T>(promise: Promise<T>, ms: number): Promise<T | 'still open'> =>
  Promise.race([promise, new Promise<'still open'>((resolve) => setTimeout(resolve, ms, 'still open'))]);

describe('HTTP server limits on slow and numerous clients (real sockets)', () => {
  let http: HttpHarness;
  const clients: RawClient[] = [];
  beforeAll(async () => {
    http = await startHttpHarness({
      env: {
        HTTP_HEADERS_TIMEOUT_MS: '1000',
        HTTP_REQUEST_TIMEOUT_MS: '2000',
        HTTP_MAX_CONNECTIONS: '5',
        INTAKE_MAX_BODY_BYTES: '4096',
      },
    });
  });
  afterEach(() => {
    for (const client of clients.splice(0)) client.socket.destroy();
  });
  afterAll(async () => {
    await http.close();
  });

  it('cuts off a client that sends its headers slowly (slowloris) within HTTP_HEADERS_TIMEOUT_MS', async () => {
    const client = await connect(http.url);
    clients.push(client);
    client.socket.write('GET /healthz HTTP/1.1\r\nHost: localhost\r\n');
    // One header line every 200 ms, never the blank line that ends them.
    let n = 0;
    const drip = setInterval(() => client.socket.write(`X-Drip-${n++}: ${'a'.repeat(10)}\r\n`), 200);
    try {
      const closedAfter = await within(client.closed, 5_000);
      // Node's default is 60 s; the bound is 1 s plus its 250 ms check interval (a cap, with slack for load).
      expect(closedAfter).not.toBe('still open');
      expect(closedAfter as number).toBeLessThan(4_000);
      expect(client.received()).not.toContain('200 OK');
    } finally {
      clearInterval(drip);
    }
  });

  it('closes the connection after a 401 and after a 413', async () => {
    for (const [headers, body, status] of [
      ['Authorization: Bearer wrong-token\r\n', '{}', '401'],
      [`Authorization: Bearer ${TOKEN}\r\n`, JSON.stringify({ pad: 'x'.repeat(8000) }), '413'],
    ] as const) {
      const client = await connect(http.url);
      clients.push(client);
      client.socket.write(
        'POST /v1/onboardings HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n' +
          `Connection: keep-alive\r\n${headers}Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
      );
      expect(await within(client.closed, 3_000)).not.toBe('still open');
      expect(client.received()).toMatch(new RegExp(`^HTTP/1.1 ${status} `));
      expect(client.received().toLowerCase()).toContain('connection: close');
    }
  });

  it('keeps a connection after a 200 (keep-alive is for well-behaved clients)', async () => {
    const client = await connect(http.url);
    clients.push(client);
    client.socket.write('GET /healthz HTTP/1.1\r\nHost: localhost\r\n\r\n');
    expect(await within(client.closed, 500)).toBe('still open');
    expect(client.received()).toMatch(/^HTTP\/1.1 200 /);
  });

  it('refuses connections beyond HTTP_MAX_CONNECTIONS', async () => {
    const held = await Promise.all(Array.from({ length: 5 }, () => connect(http.url)));
    clients.push(...held);
    await new Promise((resolve) => setTimeout(resolve, 100));
    const extra = await connect(http.url);
    clients.push(extra);
    extra.socket.write('GET /healthz HTTP/1.1\r\nHost: localhost\r\n\r\n');
    expect(await within(extra.closed, 2_000)).not.toBe('still open');
    expect(extra.received()).toBe('');
  });
});
