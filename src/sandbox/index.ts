/** The Ropo One simulator, for local runs, tests and benchmarks. */
export { startSandbox, isCompleteProfile, SANDBOX_APICODE, SANDBOX_CID } from './sandbox-server';
export type {
  CreationRecord,
  FaultSet,
  FaultStep,
  LatencySpec,
  Sandbox,
  SandboxFaults,
  SandboxOptions,
  SandboxStats,
} from './sandbox-server';
export { sandboxFaultsSchema } from './sandbox-faults';
export type {
  ActivationDelivery,
  ActivationTarget,
  DeliveryRetry,
  SandboxActivations,
} from './sandbox-activations';
