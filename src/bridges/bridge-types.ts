import type { Tracer } from '@opentelemetry/api';
import type { Telemetry } from 'bullmq';
import type { Registry } from 'prom-client';
import type { IntakeMapper } from '../intake/read-message';
import type { Logger } from '../logger';
import type { TraceCarrier } from '../telemetry/message-context';
import type { BacklogProbe } from '../queues/backlog-probe';
import type { DeadLetterWriter } from '../queues/dead-letter-queue';
import type { OnboardingProducer } from '../queues/onboarding-producer';

// The shapes of a bridge's transport-independent half (bridge-core.ts), and its one error.

/** What became of one broker message; the broker acks it only after one of these. */
export type BridgeOutcome = 'stored' | 'duplicate' | 'invalid' | 'malformed';

/** Thrown when the bridge stops before a message was stored: the message must not be acked. */
export class BridgeStoppedError extends Error {
  readonly code = 'BRIDGE_STOPPED';
  constructor() {
    super('the bridge stopped before the message was stored');
    this.name = 'BridgeStoppedError';
  }
}

/** Dependencies of {@link createBridgeCore}. */
export interface BridgeCoreDeps {
  bridge: 'amqp' | 'nats';
  producer: OnboardingProducer;
  deadLetters: DeadLetterWriter;
  logger: Logger;
  registry: Registry;
  mapper?: IntakeMapper;
  /** INTAKE_EVENT_TYPES: a CloudEvent of another `type` becomes a dead letter EVENT_TYPE_UNKNOWN. Unset: any type. */
  eventTypes?: readonly string[];
  /**
   * INTAKE_MAX_BACKLOG's probe, the one the HTTP intake answers 429 by: while it says the backlog is at
   * or over the cap, no more messages are stored and the bridge waits instead.
   */
  backlog: Pick<BacklogProbe, 'overLimit'>;
  /** Raw bytes kept in an EVENT_MALFORMED record. */
  maxRawBytes?: number;
  retryMinMs?: number;
  retryMaxMs?: number;
  /**
   * The most records stored in one `enqueueMany` (default 100; 1 stores each on its own). Records
   * arriving while a batch is being stored wait for the next one, so a batch fills by itself under
   * load and holds one record when messages trickle in: no timer adds latency.
   */
  maxBatch?: number;
  /** Batches stored at once (default 4): overlaps their round trips to Redis. */
  batchesInFlight?: number;
  /**
   * Set when tracing is on: each message gets a consumer span, a child of the trace the message
   * carries (see {@link messageTraceContext}), and its job continues that span (through
   * `telemetry`, BullMQ's bullmq-otel hook), batched or not. `destination` names the broker queue
   * or subject the span reports.
   */
  tracing?: { tracer: Tracer; destination: string; telemetry?: Telemetry };
}

/** Turns broker messages into stored jobs or dead letters; storing is retried until it succeeds or stop(). */
export interface BridgeCore {
  /**
   * Resolves once the message is durably stored (job or dead letter); only then may it be acked.
   * `trace` is the W3C trace context of the message's headers, if it has any.
   */
  handle(body: Buffer, transportId?: string, trace?: TraceCarrier): Promise<BridgeOutcome>;
  stop(): void;
}
