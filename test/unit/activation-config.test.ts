import { loadConfig } from '../../src/config';
import { ConfigError } from '../../src/errors/config-error';

const key = (kid: string) => `${kid}:${Buffer.alloc(32, 7).toString('base64')}`;

describe('activation configuration', () => {
  it('defaults to closed: no activation keys, no sealing key, wizard stalled after 7 days', () => {
    expect(loadConfig({}).activation).toEqual({
      apiKeys: [],
      credentialKeys: [],
      profileUuidNamespace: undefined,
      wizardStalledAfterMs: 7 * 86_400_000,
    });
  });

  it('reads keys, namespace and duration', () => {
    const config = loadConfig({
      ACTIVATION_API_KEYS: 'a, b',
      CREDENTIALS_KEYS: `${key('new')},${key('old')}`,
      PROFILE_UUID_NAMESPACE: '0F8FAD5B-D9CB-469F-A165-70867728950E',
      WIZARD_STALLED_AFTER: '36h',
    });
    expect(config.activation.apiKeys).toEqual(['a', 'b']);
    expect(config.activation.credentialKeys.map((k) => k.kid)).toEqual(['new', 'old']);
    expect(config.activation.profileUuidNamespace).toBe('0f8fad5b-d9cb-469f-a165-70867728950e');
    expect(config.activation.wizardStalledAfterMs).toBe(36 * 3_600_000);
  });

  it.each([
    ['CREDENTIALS_KEYS', 'k1:dG9vLXNob3J0LXNlY3JldA=='],
    ['PROFILE_UUID_NAMESPACE', 'not-a-uuid'],
    ['WIZARD_STALLED_AFTER', 'soon'],
  ])('refuses a bad %s naming the variable, never the value', (variable, value) => {
    let error: unknown;
    try {
      loadConfig({ [variable]: value });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).message).toContain(variable);
    expect((error as Error).message).not.toContain(value);
  });
});
