import { CloudEvent } from 'cloudevents';
import {
  buildCustomerEvent,
  buildEvent,
  EVENT_SOURCE,
  EVENT_TYPES,
  eventId,
  type EventType,
} from '../../../src/contracts/events';

// The envelope is built as a plain object on the worker's hot path; this pins its shape to what the
// cloudevents SDK builds and accepts, byte for byte as it is stored (job data is JSON).
function sdkJson(type: EventType, id: string, time: string, subject: string, data: Record<string, unknown>) {
  const event = new CloudEvent({
    specversion: '1.0',
    id,
    source: EVENT_SOURCE,
    type,
    time,
    subject,
    datacontenttype: 'application/json',
    data,
  });
  return JSON.stringify(event.toJSON());
}

describe('outcome event envelopes', () => {
  const time = new Date('2026-12-02T01:02:03.456Z');

  it.each(Object.values(EVENT_TYPES))(
    '%s is stored exactly as the cloudevents SDK would build it',
    (type) => {
      const data = { jobId: 'job-1', businessId: '1234567-1', customerId: 'c-9' };
      const event = buildEvent(type, data, time);
      expect(JSON.stringify(event)).toBe(
        sdkJson(type, eventId(type, 'job-1'), time.toISOString(), '1234567-1', data),
      );
      expect(new CloudEvent({ ...event }).validate()).toBe(true);
    },
  );

  it('a customer event carries the business id as subject and a deterministic id', () => {
    const data = { businessId: '1234567-1', cid: 'cid-1', externalId: null, matched: false };
    const first = buildCustomerEvent(EVENT_TYPES.activated, data, ['cid-1'], time);
    const again = buildCustomerEvent(EVENT_TYPES.activated, data, ['cid-1'], new Date());
    expect(first.id).toBe(again.id);
    expect(JSON.stringify(first)).toBe(
      sdkJson(EVENT_TYPES.activated, first.id, time.toISOString(), '1234567-1', data),
    );
  });

  it('the same job and type always give the same event id, another job another one', () => {
    const a = buildEvent(EVENT_TYPES.created, { jobId: 'j1', businessId: '1234567-1' });
    const b = buildEvent(EVENT_TYPES.created, { jobId: 'j1', businessId: '1234567-1' });
    const c = buildEvent(EVENT_TYPES.created, { jobId: 'j2', businessId: '1234567-1' });
    expect(a.id).toBe(b.id);
    expect(c.id).not.toBe(a.id);
  });
});
