import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ActivationTarget, SandboxActivations } from './sandbox-activations';
import { createSandboxApp } from './sandbox-app';
import type { SandboxFaults } from './sandbox-faults';
import { trackSockets } from './sandbox-sockets';
import {
  CREATE_CUSTOMER_CONTRACT,
  createSandboxState,
  type CreationRecord,
  type SandboxStats,
} from './sandbox-state';

export type { FaultSet, FaultStep, LatencySpec, SandboxFaults } from './sandbox-faults';
export type { CreationRecord, SandboxStats } from './sandbox-state';
export { isCompleteProfile } from './profile-completeness';

/** The customer number the sandbox accepts by default. */
export const SANDBOX_CID = 'sandbox';
/** The apicode the sandbox accepts by default (not a secret: it only opens the simulator). */
export const SANDBOX_APICODE = 'sandbox-apicode';

/** How to start a sandbox. */
export interface SandboxOptions {
  /** 0 = a free port. Default 0. */
  port?: number;
  /** Default 127.0.0.1. The admin API answers loopback clients only, whatever the host. */
  host?: string;
  cid?: string;
  apicode?: string;
  /** Token lifetime; default 7200 (Ropo's documented 2 hours). */
  tokenTtlSeconds?: number;
  /** Contracts of the simulated partner; default ['create_customer_api']. */
  contracts?: string[];
  faults?: SandboxFaults;
  /** The partner's APIkey endpoint that accept-terms delivers activations to; none = nothing delivered. */
  activation?: ActivationTarget;
}

/** A running sandbox. */
export interface Sandbox {
  /** http://host:port */
  url: string;
  /** url + '/rest', what a Ropo client takes as its base URL. */
  baseUrl: string;
  creations(): CreationRecord[];
  stats(): SandboxStats;
  /** Replaces the current faults (an outage window starts now). */
  setFaults(faults: SandboxFaults): void;
  /** Forgets creations, counters and faults; restores the initial contracts. Issued tokens stay valid. */
  reset(): void;
  /** Refuses every token issued so far (they answer 401). */
  expireTokens(): void;
  /** Changes the simulated partner's contracts at run time. */
  setContracts(contracts: string[]): void;
  /** Ropo's side of activation: where deliveries go, what was delivered. */
  activations: SandboxActivations;
  /** Stops listening and destroys open and hung sockets so the process can exit. */
  close(): Promise<void>;
}

/** Starts the Ropo One simulator: the documented endpoints under /rest, admin and fault injection under /__sandbox. */
export async function startSandbox(options: SandboxOptions = {}): Promise<Sandbox> {
  const state = createSandboxState({
    cid: options.cid ?? SANDBOX_CID,
    apicode: options.apicode ?? SANDBOX_APICODE,
    tokenTtlSeconds: options.tokenTtlSeconds ?? 7200,
    contracts: options.contracts ?? [CREATE_CUSTOMER_CONTRACT],
    faults: options.faults ?? {},
  });
  if (options.activation) state.activations.setTarget(options.activation);
  const server = http.createServer(createSandboxApp(state));
  server.keepAliveTimeout = 5_000;
  const sockets = trackSockets(server);

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const shownHost = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  state.url = `http://${shownHost}:${address.port}`;

  let closing: Promise<void> | undefined;
  return {
    url: state.url,
    baseUrl: `${state.url}/rest`,
    creations: () => [...state.creations.values()].map((record) => ({ ...record })),
    stats: () => structuredClone(state.stats),
    setFaults: (faults) => state.setFaults(faults),
    reset: () => state.reset(),
    expireTokens: () => {
      state.generation += 1;
    },
    setContracts: (next) => {
      state.contracts = [...next];
    },
    activations: state.activations,
    close: () => {
      state.activations.close();
      closing ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        sockets.destroyAll();
      });
      return closing;
    },
  };
}
