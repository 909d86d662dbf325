/** Stops the Redis that global-setup started, if it started one. */
export default async function globalTeardown(): Promise<void> {
  const handle = globalThis.__ROPO_TEST_REDIS__;
  globalThis.__ROPO_TEST_REDIS__ = undefined;
  if (handle) await handle.stop();
}
