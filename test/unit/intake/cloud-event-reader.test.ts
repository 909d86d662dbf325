import { readBinaryEvent, readStructuredEvent } from '../../../src/intake/cloud-event-reader';

const event = {
  specversion: '1.0',
  id: 'e-1',
  source: '/crm',
  type: 'onboarding.customer.requested',
  data: { a: 1 },
};

describe('readStructuredEvent', () => {
  it('reads a valid event, extensions (traceparent) included', () => {
    const traceparent = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';
    const read = readStructuredEvent({ ...event, traceparent });
    expect(read).toMatchObject({
      ok: true,
      event: { id: 'e-1', source: '/crm', data: { a: 1 }, traceparent },
    });
  });

  it.each([
    ['no id (the SDK would invent a random one)', { id: undefined }, 'id', 'REQUIRED'],
    ['an empty source', { source: '' }, 'source', 'TYPE'],
    ['specversion 0.3', { specversion: '0.3' }, 'specversion', 'VALUE_INVALID'],
    ['a number as type', { type: 7 }, 'type', 'TYPE'],
  ])('refuses %s, naming the attribute', (_name, overrides, path, code) => {
    const read = readStructuredEvent({ ...event, ...overrides });
    expect(read.ok).toBe(false);
    expect(!read.ok && read.errors).toEqual([expect.objectContaining({ path, code })]);
  });

  it('refuses binary data and bad attribute names without echoing values', () => {
    expect(readStructuredEvent({ ...event, data: undefined, data_base64: 'eyJhIjoxfQ==' })).toMatchObject({
      ok: false,
      errors: [{ path: 'data_base64' }],
    });
    const bad = readStructuredEvent({ ...event, Secret_Name: 'private@example.com' });
    expect(bad.ok).toBe(false);
    expect(JSON.stringify(bad)).not.toContain('private@example.com');
    const time = readStructuredEvent({ ...event, time: 'private@example.com' });
    expect(time).toMatchObject({ ok: false, errors: [{ path: 'time', code: 'INVALID' }] });
    expect(JSON.stringify(time)).not.toContain('private@example.com');
  });
});

describe('readBinaryEvent', () => {
  const headers = {
    'content-type': 'application/json',
    'ce-specversion': '1.0',
    'ce-id': 'e-2',
    'ce-source': '/crm',
    'ce-type': 'onboarding.customer.requested',
    'ce-traceparent': '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01',
  };

  it('maps ce-* headers to attributes and the parsed body to data', () => {
    expect(readBinaryEvent(headers, { a: 2 })).toMatchObject({
      ok: true,
      event: {
        id: 'e-2',
        datacontenttype: 'application/json',
        data: { a: 2 },
        traceparent: headers['ce-traceparent'],
      },
    });
  });

  it('refuses a missing ce-id or ce-specversion by header name', () => {
    const { 'ce-id': _id, 'ce-specversion': _version, ...rest } = headers;
    const read = readBinaryEvent(rest, { a: 2 });
    expect(!read.ok && read.errors.map((e) => e.path)).toEqual(['ce-specversion', 'ce-id']);
  });
});
