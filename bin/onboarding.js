#!/usr/bin/env node
// In a checkout the TypeScript sources run directly through tsx, so `npx onboarding` needs no build
// step. A deployment runs the compiled dist/ only: ONBOARDING_DIST=1 (the Docker image sets it) never
// loads tsx, whose loader costs a worker about 20-30 MB of RSS and CPU on every start; without src/
// (the image ships none) dist/ is the only choice anyway.
//
// `worker` from dist/ runs with measured heap limits (bin/node-flags.js) unless NODE_OPTIONS or node's
// own arguments size the heap, or ONBOARDING_HEAP_FLAGS=off: V8 fixes its limits when it creates the
// heap, so this process starts the worker as its child with the flags (and MALLOC_ARENA_MAX=2 unless
// set), forwards signals to it and exits as it does. Setting the flags in NODE_OPTIONS (as deploy/k8s/worker.yaml does) runs the
// worker in this process, with no launcher beside it.
const fs = require('node:fs');
const path = require('node:path');
const { LAUNCHED_ENV, WORKER_ENV, relaunchFlags } = require('./node-flags.js');

const root = path.join(__dirname, '..');
const source = path.join(root, 'src', 'cli', 'main.ts');
const compiled = path.join(root, 'dist', 'src', 'cli', 'main.js');
const fromDist = process.env.ONBOARDING_DIST === '1' || !fs.existsSync(source);

/** Runs `node <flags> <this file> <args>` as a child and mirrors it: signals in, exit code out. */
function relaunch(flags) {
  const { spawn } = require('node:child_process');
  const os = require('node:os');
  const child = spawn(
    process.execPath,
    [...process.execArgv, ...flags, __filename, ...process.argv.slice(2)],
    {
      env: { ...WORKER_ENV, ...process.env, [LAUNCHED_ENV]: '1' },
      // Its own process group, so a terminal's Ctrl-C reaches it once (forwarded from here), not twice:
      // a second SIGINT means "stop at once" to the worker. The IPC channel tells it if this process dies.
      detached: true,
      stdio: ['inherit', 'inherit', 'inherit', 'ipc'],
    },
  );
  const forwarded = ['SIGINT', 'SIGTERM', 'SIGHUP'];
  for (const signal of forwarded) {
    process.on(signal, () => {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
    });
  }
  child.once('error', (error) => {
    process.stderr.write(`onboarding: could not start the worker process: ${error.message}\n`);
    process.exit(1);
  });
  child.once('exit', (code, signal) => {
    if (signal) {
      // Killed by a signal: die of the same one, so whoever started this sees what happened. A
      // container's PID 1 ignores signals it has no handler for; then the shell's 128 + n.
      for (const name of forwarded) process.removeAllListeners(name);
      process.kill(process.pid, signal);
    }
    process.exit(code ?? 128 + (os.constants.signals[signal] ?? 0));
  });
}

function run() {
  // Started by a launcher, which outlives this process unless something killed it outright (kill -9,
  // a crash): then end the same way rather than run on orphaned, so a kill -9 of the pid the operator
  // (or a crash test) holds kills the worker, as it did before there was a launcher.
  if (process.env[LAUNCHED_ENV] === '1' && process.channel) {
    process.channel.unref();
    process.once('disconnect', () => process.kill(process.pid, 'SIGKILL'));
  }
  if (fromDist && !fs.existsSync(compiled)) {
    process.stderr.write(`onboarding: ${compiled} is missing: run \`npm run build\` first\n`);
    process.exit(1);
  }
  let cli;
  if (fromDist) {
    cli = require(compiled);
  } else {
    require('tsx/cjs');
    cli = require(source);
  }
  cli.main(process.argv);
}

// The flags were measured for the compiled worker; through tsx (a checkout, tests) the loader's own
// heap comes on top, so the TypeScript keeps V8's sizing.
const flags = fromDist ? relaunchFlags(process.argv, process.execArgv, process.env) : null;
if (flags) relaunch(flags);
else run();
