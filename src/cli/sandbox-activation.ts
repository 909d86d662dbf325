import { randomBytes } from 'node:crypto';
import type { Config } from '../config';
import { newCredentialKeyEntry, parseCredentialKeys } from '../contracts/credential-cipher';
import type { Logger } from '../logger';

/**
 * For `start` in sandbox mode: an activation key generated for this run (added to
 * ACTIVATION_API_KEYS) so the sandbox can call our own endpoint, and, when CREDENTIALS_KEYS is
 * unset, a sealing key for this run only. Both are said loudly; neither is ever used with a real Ropo.
 */
export function sandboxActivationConfig<C extends Pick<Config, 'activation'>>(
  config: C,
  logger: Logger,
): { config: C; key: string } {
  const key = randomBytes(24).toString('base64url');
  let credentialKeys = config.activation.credentialKeys;
  if (credentialKeys.length === 0) {
    credentialKeys = parseCredentialKeys(newCredentialKeyEntry('start-run'));
    logger.warn(
      'CREDENTIALS_KEYS is unset: sandbox mode generated a key for this run only; credentials the sandbox delivers now cannot be opened after a restart',
    );
  }
  return {
    key,
    config: {
      ...config,
      activation: { ...config.activation, apiKeys: [...config.activation.apiKeys, key], credentialKeys },
    },
  };
}
