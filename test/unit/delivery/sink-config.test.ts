import { parseSinks } from '../../../src/delivery/sink-config';
import { SinksConfigError } from '../../../src/delivery/sinks-config-error';

const SECRET = `whsec_${Buffer.alloc(32, 7).toString('base64')}`;

function problems(input: unknown) {
  try {
    parseSinks(input);
  } catch (error) {
    expect(error).toBeInstanceOf(SinksConfigError);
    return (error as SinksConfigError).problems;
  }
  throw new Error('expected SinksConfigError');
}

describe('parseSinks', () => {
  it('accepts the three sink types', () => {
    const sinks = parseSinks([
      { type: 'webhook', name: 'crm', url: 'https://crm.example/h', secret: SECRET },
      {
        type: 'amqp',
        name: 'rabbit',
        url: 'amqp://u:p@h:5672',
        exchange: 'x',
        types: ['onboarding.customer.created'],
      },
      { type: 'nats', name: 'nats', servers: 'nats://h:4222', subject: 'a.b' },
    ]);
    expect(sinks.map((s) => s.type)).toEqual(['webhook', 'amqp', 'nats']);
  });

  it.each([
    [
      'a webhook URL',
      [{ type: 'webhook', name: 'crm', url: 'ftp://x', secret: SECRET }],
      'sinks[0] "crm"',
      'url',
    ],
    [
      'a short secret',
      [{ type: 'webhook', name: 'crm', url: 'https://x', secret: 'whsec_AAAA' }],
      'sinks[0] "crm"',
      'secret',
    ],
    [
      'an unknown key',
      [{ type: 'nats', name: 'n', servers: 'h', subject: 's', subjct: 'x' }],
      'sinks[0] "n"',
      '(entry)',
    ],
    [
      'an unknown event type',
      [{ type: 'nats', name: 'n', servers: 'h', subject: 's', types: ['x'] }],
      'sinks[0] "n"',
      'types.0',
    ],
    [
      'a duplicate name',
      [
        { type: 'nats', name: 'n', servers: 'h', subject: 's' },
        { type: 'nats', name: 'n', servers: 'h', subject: 't' },
      ],
      'sinks[1] "n"',
      'name',
    ],
  ])('names the entry and field for %s, never the value', (_label, input, entry, field) => {
    const found = problems(input);
    expect(found[0]).toMatchObject({ entry, field });
    expect(JSON.stringify(found)).not.toContain('whsec_AAAA');
  });
});
