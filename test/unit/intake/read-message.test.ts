import { readMessage, type ReadResult } from '../../../src/intake/read-message';

const payload = { customer_info: { business_id: '1234567-1' }, contact_person: { email: 'a@example.com' } };

// One row per form a way in may carry; the expected record is what the producer will enqueue.
const cases: {
  name: string;
  body: unknown;
  defaults?: { source: string; eventId?: string; eventTypes?: ReadonlySet<string> };
  expected: ReadResult;
}[] = [
  {
    name: 'a bare createprofile body',
    body: payload,
    expected: { ok: true, message: { payload, eventId: undefined, source: 'amqp' } },
  },
  {
    name: 'our envelope',
    body: { payload, eventId: 'e-1', source: 'crm' },
    expected: { ok: true, message: { payload, eventId: 'e-1', source: 'crm' } },
  },
  {
    name: 'an envelope with a transport id: the transport id wins',
    body: { payload, eventId: 'e-1' },
    defaults: { source: 'amqp', eventId: 'msg-9' },
    expected: { ok: true, message: { payload, eventId: 'msg-9', source: 'amqp' } },
  },
  {
    name: 'a structured CloudEvent carrying a payload',
    body: { specversion: '1.0', id: 'x1', source: 'crm/eu', type: 'signup', data: payload },
    expected: { ok: true, message: { payload, eventId: 'crm/eu|x1', source: 'crm/eu' } },
  },
  {
    name: 'a structured CloudEvent carrying an envelope: source+id still give the event id',
    body: {
      specversion: '1.0',
      id: 'x1',
      source: 'crm',
      type: 'signup',
      data: { payload, eventId: 'inner' },
    },
    expected: { ok: true, message: { payload, eventId: 'crm|x1', source: 'crm' } },
  },
  {
    name: 'a CloudEvent without id',
    body: { specversion: '1.0', source: 'crm', type: 'signup', data: payload },
    expected: { ok: false, errors: [expect.objectContaining({ path: 'id', code: 'REQUIRED' })] as never },
  },
  {
    name: 'a CloudEvent without data',
    body: { specversion: '1.0', id: 'x', source: 'crm', type: 'signup' },
    expected: { ok: false, errors: [expect.objectContaining({ path: 'data', code: 'REQUIRED' })] as never },
  },
  {
    name: 'an envelope with an unknown key names it',
    body: { payload, eventid: 'typo' },
    expected: {
      ok: false,
      errors: [expect.objectContaining({ path: 'eventid', code: 'UNKNOWN_KEY' })] as never,
    },
  },
  {
    name: 'an envelope inside a CloudEvent with a bad key gets a data. path',
    body: { specversion: '1.0', id: 'x', source: 'crm', type: 't', data: { payload, extra: 1 } },
    expected: {
      ok: false,
      errors: [expect.objectContaining({ path: 'data.extra', code: 'UNKNOWN_KEY' })] as never,
    },
  },
  {
    name: 'a CloudEvent of an accepted type',
    body: { specversion: '1.0', id: 'x1', source: 'crm', type: 'signup', data: payload },
    defaults: { source: 'amqp', eventTypes: new Set(['signup']) },
    expected: { ok: true, message: { payload, eventId: 'crm|x1', source: 'crm' } },
  },
  {
    name: 'a CloudEvent of a type not accepted is refused as a whole, naming the type',
    body: { specversion: '1.0', id: 'x1', source: 'crm', type: 'customer.deleted', data: payload },
    defaults: { source: 'amqp', eventTypes: new Set(['signup']) },
    expected: {
      ok: false,
      code: 'EVENT_TYPE_UNKNOWN',
      errors: [
        {
          path: 'type',
          code: 'VALUE_INVALID',
          message: 'the event type "customer.deleted" is not one of INTAKE_EVENT_TYPES',
        },
      ],
    },
  },
  {
    name: 'a CloudEvent without a type is refused when types are listed',
    body: { specversion: '1.0', id: 'x1', source: 'crm', data: payload },
    defaults: { source: 'amqp', eventTypes: new Set(['signup']) },
    expected: {
      ok: false,
      code: 'EVENT_TYPE_UNKNOWN',
      errors: [
        expect.objectContaining({ path: 'type', message: expect.stringContaining('(undefined)') }),
      ] as never,
    },
  },
  {
    name: 'a bare payload is not a CloudEvent, so the type list does not apply',
    body: payload,
    defaults: { source: 'amqp', eventTypes: new Set(['signup']) },
    expected: { ok: true, message: { payload, eventId: undefined, source: 'amqp' } },
  },
];

describe('readMessage', () => {
  it.each(cases)('$name', ({ body, defaults, expected }) => {
    expect(readMessage(body, defaults ?? { source: 'amqp' })).toEqual(expected);
  });

  it('judges the type of the event as received, before the mapper, as POST /v1/events does', () => {
    const eventTypes = new Set(['signup']);
    const retype = (event: unknown) => ({ ...(event as object), type: 'signup' });
    const other = { specversion: '1.0', id: 'x1', source: 'crm', type: 'customer.deleted', data: payload };
    expect(readMessage(other, { source: 'amqp', eventTypes }, retype)).toMatchObject({
      ok: false,
      code: 'EVENT_TYPE_UNKNOWN',
    });
    const listed = { ...other, type: 'signup' };
    const untype = (event: unknown) => ({ ...(event as object), type: 'internal' });
    expect(readMessage(listed, { source: 'amqp', eventTypes }, untype)).toMatchObject({ ok: true });
  });

  it('applies the mapper before reading, and hides a throwing mapper’s message', () => {
    const mapper = (event: unknown) => ({ payload: (event as { p: unknown }).p, eventId: 'm-1' });
    expect(readMessage({ p: payload }, { source: 'crm' }, mapper)).toEqual({
      ok: true,
      message: { payload, eventId: 'm-1', source: 'crm' },
    });
    const throwing = () => {
      throw new Error('secret@example.com is bad');
    };
    const result = readMessage({}, { source: 'crm' }, throwing);
    expect(result.ok).toBe(false);
    expect(JSON.stringify(result)).not.toContain('example.com');
  });
});
