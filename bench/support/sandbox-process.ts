/**
 * Child-process entry: the Ropo One sandbox on a free port, on its own event loop and core share so the
 * worker under test does not pay for it. Tells the parent its URL over IPC; exits when the parent goes.
 */
import { startSandbox } from '../../src/sandbox';

async function main(): Promise<void> {
  const sandbox = await startSandbox({ port: 0 });
  const stop = (): void => {
    void sandbox.close().finally(() => process.exit(0));
  };
  process.on('SIGTERM', stop);
  process.on('disconnect', stop);
  process.send?.({ type: 'ready', url: sandbox.url });
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
