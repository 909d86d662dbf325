// The V8 heap limits `onboarding worker` runs with unless the operator chose their own, and the rule
// for when bin/onboarding.js applies them. Measured in docs/bench.md ("Worker memory over 100,000
// jobs"): with V8's own sizing a busy worker peaks at about 190-210 MB RSS. Two things grow: old
// space, which V8 lets run up to a few times the live data (~40 MB) before a full GC when the heap
// limit is large (4 GB by default here), and the young generation (semi-spaces of up to 16 MB). A
// 96 MB old-space cap brings V8's growing factor down (130-134 MB peak); 8 MB semi-spaces take
// 14-18 MB more off (114-120 MB), which is what meets the 120 MB bound, at a CPU price later runs did
// measure: 1.1-1.6x the CPU per job of V8's own sizing (more scavenges, more promotion; README says
// how to trade it back); 4 MB take 5 MB more but cost 1.7-1.8x. 96 rather than 64:
// the same RSS in the bench, more room before V8 would run out of heap if the live data grows.
//
// A heap limit is fixed when V8 creates the heap, so it has to be on the node command line (or in
// NODE_OPTIONS) of the process that runs the worker: `v8.setFlagsFromString` after start-up does not
// resize a heap that exists. Hence bin/onboarding.js starts the worker as its child with these flags.
'use strict';

/** The measured flags for the worker role. */
const WORKER_NODE_FLAGS = Object.freeze(['--max-old-space-size=96', '--max-semi-space-size=8']);

/**
 * Environment the launcher gives the worker unless already set. glibc makes up to 8 malloc arenas per
 * core, one per thread that allocates (V8's GC helpers, libuv's pool); two keep about 4 MB less
 * resident for the same work (docs/bench.md). Like the heap limits it is read at process start.
 */
const WORKER_ENV = Object.freeze({ MALLOC_ARENA_MAX: '2' });

/** Flags that size V8's heap: setting any of them in NODE_OPTIONS or on node's command line opts out. */
const HEAP_FLAG_NAMES = Object.freeze(['--max-old-space-size', '--max-semi-space-size', '--max-heap-size']);

/** Set by the launcher in its child's environment: the child runs as it is, never relaunching. */
const LAUNCHED_ENV = 'ONBOARDING_LAUNCHED';

/** The name part of a node option, with V8's underscore spelling folded: `--max_old_space_size=1` -> `--max-old-space-size`. */
function optionName(token) {
  const name = token.split('=')[0];
  return name.startsWith('--') ? `--${name.slice(2).replace(/_/g, '-')}` : name;
}

/** Whether NODE_OPTIONS or node's own arguments already size the heap. */
function setsHeap(execArgv, nodeOptions) {
  const tokens = [...execArgv, ...String(nodeOptions ?? '').split(/\s+/)].filter(Boolean);
  return tokens.some((token) => HEAP_FLAG_NAMES.includes(optionName(token)));
}

/**
 * The node flags to relaunch this command with, or null to run it in this process: only `worker`
 * gets flags, and only when nobody sized the heap already (NODE_OPTIONS, node's arguments) and
 * ONBOARDING_HEAP_FLAGS is not `off` (V8's own sizing, no second process).
 */
function relaunchFlags(argv, execArgv, env) {
  if (argv[2] !== 'worker') return null;
  if (env[LAUNCHED_ENV] === '1') return null;
  if (env.ONBOARDING_HEAP_FLAGS === 'off') return null;
  if (setsHeap(execArgv, env.NODE_OPTIONS)) return null;
  return [...WORKER_NODE_FLAGS];
}

module.exports = { WORKER_NODE_FLAGS, WORKER_ENV, HEAP_FLAG_NAMES, LAUNCHED_ENV, relaunchFlags, setsHeap };
