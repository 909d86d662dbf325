/**
 * Per-job CPU budget from `--cpu-prof` profiles (`BENCH_CPU_PROF=<dir>` on the pipeline bench writes one
 * per worker process): `npx tsx bench/cpu-profile-summary.ts <file.cpuprofile> <jobs>`. Prints µs per job
 * of self time by owner (package, or our own source file), and the inclusive time of the pipeline's
 * stages (a function's own time plus everything it called synchronously, counted once when it nests).
 */
import fs from 'node:fs';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string };
  children?: number[];
}

interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

/** Stages of the per-job path: a label and what its function names look like. */
const STAGES: [string, RegExp, RegExp][] = [
  ['processor (all of our job code, inclusive)', /^processOnboardingJob$/, /onboarding-processor/],
  ['validation', /^validatePayload$/, /validate-payload/],
  ['ledger claim', /^claim$/, /onboarding-ledger/],
  ['ledger settle (+ outbox entry)', /^(settle|settleWithEvent)$/, /onboarding-ledger/],
  ['profile_uuid record', /^record$/, /profile-uuids/],
  ['call spacing', /^acquire$/, /call-spacing/],
  ['Ropo One call (client, axios, http)', /^createProfile$/, /ropo-client/],
  ['breaker', /^execute$/, /circuit-breaker/],
  ['event envelope', /^(buildEvent|envelope)$/, /contracts\/events/],
  ['event publish (Queue.add)', /^publish$/, /event-publisher/],
  ['outbox relay (addBulk + XDEL)', /^(move|pump|sweep)$/, /event-outbox/],
  ['logging (winston, all lines)', /^(gated|DerivedLogger\.<computed>)$/, /logger|create-logger/],
  ['metrics (prom-client)', /^(jobFinished|ropoCall|attemptFailed)$/, /prometheus-observer/],
  [
    'BullMQ worker loop (fetch, lock, complete)',
    /^(processJob|moveToFinished|retrieveJobs|mainLoop)$/,
    /bullmq/,
  ],
];

function owner(url: string, functionName: string): string {
  if (!url) return functionName.startsWith('(') ? functionName : '(native)';
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (pkg) return pkg[1] as string;
  const ours = /\/(src|bench)\/(.+)\.(?:js|ts)$/.exec(url);
  if (ours) return `${ours[1]}/${ours[2]}`;
  if (url.startsWith('node:')) return url.replace(/^node:(internal\/)?/, 'node:').split('/')[0] as string;
  return url;
}

function summarise(file: string, jobs: number): void {
  const profile = JSON.parse(fs.readFileSync(file, 'utf8')) as CpuProfile;
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const self = new Map<number, number>();
  profile.samples.forEach((id, i) => self.set(id, (self.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)));

  const inclusive = new Map<number, number>();
  const total = (node: ProfileNode): number => {
    const known = inclusive.get(node.id);
    if (known !== undefined) return known;
    let sum = self.get(node.id) ?? 0;
    for (const child of node.children ?? []) sum += total(byId.get(child) as ProfileNode);
    inclusive.set(node.id, sum);
    return sum;
  };

  // Native frames (builtins: JSON, RegExp, crypto) count toward the nearest caller that has a source.
  const parentOf = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parentOf.set(child, node.id);
  const ownerOf = (node: ProfileNode): string => {
    const name = node.callFrame.functionName;
    if (node.callFrame.url || ['(garbage collector)', '(program)', '(idle)', '(root)'].includes(name)) {
      return owner(node.callFrame.url, name);
    }
    const parent = parentOf.get(node.id);
    return parent === undefined ? '(native)' : ownerOf(byId.get(parent) as ProfileNode);
  };
  const owners = new Map<string, number>();
  for (const node of profile.nodes) {
    const key = ownerOf(node);
    owners.set(key, (owners.get(key) ?? 0) + (self.get(node.id) ?? 0));
  }
  const busy = [...owners].filter(([k]) => k !== '(idle)').reduce((sum, [, v]) => sum + v, 0);

  // A stage's time is the inclusive time of its outermost matching frames.
  const stage = new Map<string, number>();
  const walk = (node: ProfileNode, inside: Set<string>): void => {
    const entered = new Set(inside);
    for (const [label, pattern, url] of STAGES) {
      if (!inside.has(label) && pattern.test(node.callFrame.functionName) && url.test(node.callFrame.url)) {
        stage.set(label, (stage.get(label) ?? 0) + total(node));
        entered.add(label);
      }
    }
    for (const child of node.children ?? []) walk(byId.get(child) as ProfileNode, entered);
  };
  walk(profile.nodes[0] as ProfileNode, new Set());

  const perJob = (us: number) => (us / jobs).toFixed(1).padStart(8);
  console.log(`${file}: ${jobs} jobs, busy ${perJob(busy)} µs/job (idle excluded)`);
  console.log('  self time by owner, µs/job:');
  for (const [key, us] of [...owners].sort((a, b) => b[1] - a[1]).slice(0, 30)) {
    if (key !== '(idle)') console.log(`  ${perJob(us)}  ${key}`);
  }
  console.log('  stages (inclusive, synchronous part), µs/job:');
  for (const [label] of STAGES) console.log(`  ${perJob(stage.get(label) ?? 0)}  ${label}`);
}

const [file, jobs] = process.argv.slice(2);
if (!file || !jobs) {
  console.error('usage: tsx bench/cpu-profile-summary.ts <file.cpuprofile> <jobs>');
  process.exit(2);
}
summarise(file, Number(jobs));
