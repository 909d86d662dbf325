import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

/** One key of CREDENTIALS_KEYS: an id stored beside each ciphertext, and 32 bytes of AES-256 key. */
export interface CredentialKey {
  kid: string;
  key: Buffer;
}

/** An apicode at rest: AES-256-GCM, with the id of the key that sealed it. All parts base64. */
export interface SealedSecret {
  alg: 'A256GCM';
  kid: string;
  iv: string;
  tag: string;
  ciphertext: string;
}

/** Why CREDENTIALS_KEYS cannot be used; never quotes a key. */
export class CredentialKeysInvalid extends Error {
  readonly code = 'CREDENTIALS_KEYS_INVALID';
}

/** Raised when no configured key can open a sealed secret (unknown kid, tampered data, wrong record). */
export class CredentialDecryptError extends Error {
  readonly code = 'CREDENTIAL_DECRYPT_FAILED';
}

const KID = /^[A-Za-z0-9._-]{1,64}$/;

/**
 * Parses `kid:base64-32-bytes,kid2:…`. The first key seals, every key opens (rotation). Throws
 * {@link CredentialKeysInvalid} naming the entry by position, never by value.
 */
export function parseCredentialKeys(value: string): CredentialKey[] {
  const entries = value
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  const seen = new Set<string>();
  return entries.map((entry, index) => {
    const colon = entry.indexOf(':');
    const kid = colon > 0 ? entry.slice(0, colon) : '';
    const encoded = colon > 0 ? entry.slice(colon + 1) : '';
    const where = `entry ${index + 1}`;
    if (!KID.test(kid))
      throw new CredentialKeysInvalid(`${where}: expected kid:base64 with a kid of letters, digits, . _ -`);
    if (seen.has(kid)) throw new CredentialKeysInvalid(`${where}: key id "${kid}" appears twice`);
    seen.add(kid);
    const key = /^[A-Za-z0-9+/]+={0,2}$/.test(encoded) ? Buffer.from(encoded, 'base64') : Buffer.alloc(0);
    if (key.length !== 32)
      throw new CredentialKeysInvalid(
        `${where} (${kid}): expected base64 of exactly 32 bytes, found ${key.length} bytes`,
      );
    return { kid, key };
  });
}

/** A fresh `kid:base64` entry for CREDENTIALS_KEYS (used by `start` and the docs). */
export function newCredentialKeyEntry(kid: string): string {
  return `${kid}:${randomBytes(32).toString('base64')}`;
}

/**
 * Seals `plaintext` under `key`. `context` (the business id and cid) is authenticated but not
 * encrypted, so a ciphertext copied onto another customer's record does not open.
 */
export function sealSecret(plaintext: string, key: CredentialKey, context: string): SealedSecret {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key.key, iv);
  cipher.setAAD(Buffer.from(context, 'utf8'));
  const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  return {
    alg: 'A256GCM',
    kid: key.kid,
    iv: iv.toString('base64'),
    tag: cipher.getAuthTag().toString('base64'),
    ciphertext: ciphertext.toString('base64'),
  };
}

/** Opens a sealed secret with the key its kid names; throws {@link CredentialDecryptError} otherwise. */
export function openSecret(sealed: SealedSecret, keys: readonly CredentialKey[], context: string): string {
  const key = keys.find((k) => k.kid === sealed.kid);
  if (!key) throw new CredentialDecryptError(`no configured key has the id "${sealed.kid}"`);
  try {
    const decipher = createDecipheriv('aes-256-gcm', key.key, Buffer.from(sealed.iv, 'base64'));
    decipher.setAAD(Buffer.from(context, 'utf8'));
    decipher.setAuthTag(Buffer.from(sealed.tag, 'base64'));
    return Buffer.concat([
      decipher.update(Buffer.from(sealed.ciphertext, 'base64')),
      decipher.final(),
    ]).toString('utf8');
  } catch {
    throw new CredentialDecryptError(
      `the secret sealed under "${sealed.kid}" does not open (tampered or moved)`,
    );
  }
}

/** The authenticated context of a customer's credential. */
export function credentialContext(businessId: string, cid: string): string {
  return `ropo-credential\n${businessId}\n${cid}`;
}
