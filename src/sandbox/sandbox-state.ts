import { randomBytes } from 'node:crypto';
import { createSandboxActivations, type SandboxActivations } from './sandbox-activations';
import { seededRandom, type SandboxFaults } from './sandbox-faults';
import { SandboxTokenVerifier } from './token-verifier';

/** The contract createprofile needs. */
export const CREATE_CUSTOMER_CONTRACT = 'create_customer_api';

/** One business id the sandbox created a profile for. */
export interface CreationRecord {
  businessId: string;
  /** How many times a profile was committed for this id: more than 1 only with `duplicates: 'accept'`. */
  count: number;
  customerId: string | null;
  uuid: string | null;
  outcome: 'created' | 'pending';
  /** Requests refused with 409 because the id already existed. */
  duplicates: number;
  firstAt: string;
}

/** Counters for assertions: token calls and createprofile calls by answer. */
export interface SandboxStats {
  tokenCalls: number;
  tokenByStatus: Record<string, number>;
  createProfileCalls: number;
  /** Keyed by HTTP status, or 'hang', 'reset', 'drop' for answers that never came. */
  createProfileByStatus: Record<string, number>;
  tokensIssued: number;
}

/** What the routes of one sandbox share: credentials, contracts, faults, creations and counters. */
export interface SandboxState {
  readonly cid: string;
  readonly apicode: string;
  readonly tokenTtlSeconds: number;
  /** The HS256 key of this run's tokens. */
  readonly secret: Uint8Array;
  /** Checks createprofile's Bearer tokens against {@link secret}, each signature once. */
  readonly tokens: SandboxTokenVerifier;
  /** http://host:port, known once the server listens (wizard URLs point there). */
  url: string;
  contracts: string[];
  /** Tokens of an older generation are refused: that is how "expire all tokens now" works. */
  generation: number;
  faults: SandboxFaults;
  /** Epoch ms at which the current outage ends; 0 without one. */
  outageUntil: number;
  random: () => number;
  nextCustomerId: number;
  creations: Map<string, CreationRecord>;
  stats: SandboxStats;
  /** Ropo's side of activation: accept-terms and the deliveries to the partner's APIkey endpoint. */
  activations: SandboxActivations;
  /** Replaces the faults (an outage window starts now). */
  setFaults(next: SandboxFaults): void;
  /** The faults as the admin API shows them, with the outage's remaining time. */
  describeFaults(): Record<string, unknown>;
  /** Forgets creations, counters and faults; restores the initial contracts. */
  reset(): void;
}

/** Options the state is built from (a subset of SandboxOptions). */
export interface SandboxStateOptions {
  cid: string;
  apicode: string;
  tokenTtlSeconds: number;
  contracts: readonly string[];
  faults: SandboxFaults;
}

const freshStats = (): SandboxStats => ({
  tokenCalls: 0,
  tokenByStatus: {},
  createProfileCalls: 0,
  createProfileByStatus: {},
  tokensIssued: 0,
});

/** A fresh state for one sandbox run, with a new random token key. */
export function createSandboxState(options: SandboxStateOptions): SandboxState {
  const initialContracts = [...options.contracts];
  const secret = new Uint8Array(randomBytes(32));
  const state: SandboxState = {
    cid: options.cid,
    apicode: options.apicode,
    tokenTtlSeconds: options.tokenTtlSeconds,
    secret,
    tokens: new SandboxTokenVerifier(secret),
    url: '',
    contracts: [...initialContracts],
    generation: 0,
    faults: {},
    outageUntil: 0,
    random: Math.random,
    nextCustomerId: 100_001,
    creations: new Map(),
    stats: freshStats(),
    activations: createSandboxActivations(),
    setFaults(next) {
      // A copy: a `sequence` is consumed step by step and must not eat the caller's array.
      state.faults = structuredClone(next);
      state.outageUntil = state.faults.outage ? Date.now() + state.faults.outage.forMs : 0;
      state.random = state.faults.seed === undefined ? Math.random : seededRandom(state.faults.seed);
    },
    describeFaults() {
      const { faults } = state;
      return {
        ...faults,
        ...(faults.outage
          ? { outage: { ...faults.outage, remainingMs: Math.max(0, state.outageUntil - Date.now()) } }
          : {}),
      };
    },
    reset() {
      state.creations = new Map();
      state.stats = freshStats();
      state.activations.reset();
      state.contracts = [...initialContracts];
      state.setFaults({});
    },
  };
  state.setFaults(options.faults);
  return state;
}
