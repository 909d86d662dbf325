import { loadConfig, ROPO_ENV_PRESETS } from '../../../src/config';
import {
  chooseRopoTarget,
  RopoTargetRequiredError,
  SandboxInProductionError,
  type TargetRole,
} from '../../../src/cli/ropo-target';

const credentials = { ROPO_CID: 'cid', ROPO_APICODE: 'apicode' };

describe('chooseRopoTarget: no role but `start` guesses its Ropo One', () => {
  const table: [NodeJS.ProcessEnv, TargetRole, string][] = [
    [{}, 'start', 'sandbox(implicit)'],
    [{}, 'worker', 'ROPO_TARGET_REQUIRED'],
    [{}, 'serve', 'ROPO_TARGET_REQUIRED'],
    [{ NODE_ENV: 'test' }, 'worker', 'ROPO_TARGET_REQUIRED'],
    [{ NODE_ENV: 'production' }, 'start', 'SANDBOX_IN_PRODUCTION'],
    [{ NODE_ENV: 'production' }, 'worker', 'ROPO_TARGET_REQUIRED'],
    [{ ROPO_SANDBOX: 'true' }, 'worker', 'sandbox(explicit)'],
    [{ ROPO_SANDBOX: 'true' }, 'serve', 'sandbox(explicit)'],
    [{ ROPO_SANDBOX: 'true', NODE_ENV: 'production' }, 'worker', 'SANDBOX_IN_PRODUCTION'],
    [{ ROPO_SANDBOX: 'false' }, 'worker', 'ROPO_TARGET_REQUIRED'],
    [{ ROPO_BASE_URL: 'https://ropo.example/rest', ...credentials }, 'worker', 'ropo'],
    [{ ROPO_ENV: 'test', ...credentials }, 'serve', 'ropo'],
    [{ ROPO_ENV: 'production', ...credentials, NODE_ENV: 'production' }, 'start', 'ropo'],
  ];
  it.each(table)('%j as %s → %s', (env, role, expected) => {
    const config = loadConfig(env);
    let outcome: string;
    try {
      const choice = chooseRopoTarget({ ...config.ropo, env: config.env }, role);
      outcome = choice.kind === 'ropo' ? 'ropo' : `sandbox(${choice.implicit ? 'implicit' : 'explicit'})`;
    } catch (error) {
      if (!(error instanceof RopoTargetRequiredError || error instanceof SandboxInProductionError))
        throw error;
      outcome = error.code;
    }
    expect(outcome).toBe(expected);
  });

  it('names every variable that sets a target in the refusal', () => {
    expect(() => chooseRopoTarget({ sandbox: false, env: 'development' }, 'worker')).toThrow(
      /ROPO_BASE_URL.*ROPO_ENV=test\|production.*ROPO_SANDBOX=true/s,
    );
  });
});

describe('ROPO_ENV presets and conflicts', () => {
  it("maps test and production to Ropo's documented hosts", () => {
    expect(loadConfig({ ROPO_ENV: 'test', ...credentials }).ropo.baseUrl).toBe('https://rc.ropo24.fi/rest');
    expect(loadConfig({ ROPO_ENV: 'production', ...credentials }).ropo.baseUrl).toBe(
      ROPO_ENV_PRESETS.production,
    );
    expect(ROPO_ENV_PRESETS.production).toBe('https://ropo24.fi/rest');
  });

  it('refuses two targets at once and ROPO_ENV without credentials, naming the variables', () => {
    expect(() => loadConfig({ ROPO_ENV: 'test', ROPO_SANDBOX: 'true', ...credentials })).toThrow(
      /ROPO_SANDBOX/,
    );
    expect(() => loadConfig({ ROPO_ENV: 'test' })).toThrow(/ROPO_CID/);
    expect(() => loadConfig({ ROPO_ENV: 'staging' })).toThrow(/ROPO_ENV/);
  });

  it('caps the intake backlog by default (INTAKE_MAX_BACKLOG 100,000)', () => {
    expect(loadConfig({}).intake.maxBacklog).toBe(100_000);
  });
});
