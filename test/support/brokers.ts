/** The machine's RabbitMQ (guest/guest), which `.ci/run` starts when it is not running; each test uses its own queue or exchange. */
export const AMQP_URL = 'amqp://guest:guest@127.0.0.1:5672';

/** The machine's NATS server with JetStream, which `.ci/run` starts when it is not running; each test uses its own stream. */
export const NATS_SERVERS = '127.0.0.1:4222';
