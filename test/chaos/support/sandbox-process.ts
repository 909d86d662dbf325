import path from 'node:path';
import type { CreationRecord, SandboxFaults, SandboxStats } from '../../../src/sandbox';
import type { ManagedProcess, ProcessGroup } from './child-process';

/** The repository root, where bin/onboarding.js lives. */
export const REPO_ROOT = path.join(__dirname, '..', '..', '..');
/** The `onboarding` binary, run with `node` exactly as operators run it. */
export const ONBOARDING_BIN = path.join(REPO_ROOT, 'bin', 'onboarding.js');

/** The sandbox in its own process, driven over its admin API. */
export interface SandboxProcess {
  url: string;
  baseUrl: string;
  process: ManagedProcess;
  setFaults(faults: SandboxFaults): Promise<void>;
  creations(): Promise<CreationRecord[]>;
  stats(): Promise<SandboxStats>;
}

async function call<T>(url: string, init?: RequestInit): Promise<T> {
  const response = await fetch(url, { ...init, signal: AbortSignal.timeout(10_000) });
  const body = (await response.json()) as T;
  if (!response.ok)
    throw new Error(`${init?.method ?? 'GET'} ${url}: ${response.status} ${JSON.stringify(body)}`);
  return body;
}

/** `node bin/onboarding.js sandbox --port 0`; reads the URL it prints. */
export async function startSandboxProcess(group: ProcessGroup): Promise<SandboxProcess> {
  const child = group.spawn({
    name: 'sandbox',
    command: process.execPath,
    args: [ONBOARDING_BIN, 'sandbox', '--port', '0'],
    cwd: REPO_ROOT,
    env: { LOG_LEVEL: 'warn' },
  });
  const line = await child.waitForLine(/listening on http:\/\/\S+/, 60_000);
  // The sandbox's ready line is one JSON object, like every role's.
  const url = (JSON.parse(line) as { url: string }).url;
  return {
    url,
    baseUrl: `${url}/rest`,
    process: child,
    async setFaults(faults) {
      await call(`${url}/__sandbox/faults`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(faults),
      });
    },
    async creations() {
      return (await call<{ creations: CreationRecord[] }>(`${url}/__sandbox/creations`)).creations;
    },
    stats: () => call<SandboxStats>(`${url}/__sandbox/stats`),
  };
}
