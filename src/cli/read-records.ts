import fs from 'node:fs';

/** One record read from a file: its value, or why it could not be read; `line` for NDJSON input. */
export interface ReadRecord {
  line?: number;
  value?: unknown;
  error?: string;
}

async function readSource(source: string): Promise<string> {
  if (source !== '-') return fs.promises.readFile(source, 'utf8');
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/**
 * Reads one JSON object, a JSON array of them, or NDJSON from a path or '-' (standard input). A
 * line that is not JSON becomes a record with an error and its line number, so one bad line never
 * hides the others. Errors describe the problem, never the content.
 */
export async function readRecords(source: string): Promise<ReadRecord[]> {
  const text = (await readSource(source)).replace(/^\uFEFF/, '');
  if (text.trim() === '') return [];
  try {
    const whole: unknown = JSON.parse(text);
    return Array.isArray(whole) ? whole.map((value) => ({ value })) : [{ value: whole }];
  } catch {
    // Not one JSON document: read it as NDJSON.
  }
  const records: ReadRecord[] = [];
  text.split(/\r?\n/).forEach((raw, index) => {
    const line = index + 1;
    if (raw.trim() === '') return;
    try {
      records.push({ line, value: JSON.parse(raw) as unknown });
    } catch (error) {
      records.push({ line, error: `not valid JSON (${(error as Error).message.replace(/"[^"]*"/g, '…')})` });
    }
  });
  return records;
}

/** A record's payload and, when it came wrapped as `{payload, eventId?, source?}`, the wrapper's fields. */
export interface RecordEnvelope {
  payload: unknown;
  eventId?: string;
  source?: string;
}

/**
 * Unwraps `{payload, eventId?, source?}` as upstream systems send records; anything else is the
 * payload itself (a createprofile body never has a top-level `payload` key, and has `customer_info`).
 */
export function splitEnvelope(value: unknown): RecordEnvelope {
  if (
    value &&
    typeof value === 'object' &&
    !Array.isArray(value) &&
    'payload' in value &&
    !('customer_info' in value)
  ) {
    const { payload, eventId, source } = value as { payload: unknown; eventId?: unknown; source?: unknown };
    return {
      payload,
      eventId: typeof eventId === 'string' ? eventId : undefined,
      source: typeof source === 'string' ? source : undefined,
    };
  }
  return { payload: value };
}
