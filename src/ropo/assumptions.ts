/**
 * What Ropo One's documentation does NOT say, and how this service treats it. Every guess about
 * the API lives here, so that when Ropo confirms or contradicts one there is one place to change.
 */

/** Assumption: a duplicate business id is answered 409 (body unknown; an `Error {Code, Message}` if any). */
export const DUPLICATE_STATUS = 409;

/**
 * Assumption: Ropo may instead answer a duplicate with 400/422 and an `Error` whose Message says the
 * customer exists. Matching words, not codes, because the codes are undocumented.
 */
export const DUPLICATE_MESSAGE_PATTERN =
  /already\s+exist|already\s+registered|\bexists\b|already\s+a\s+customer/i;

/** Assumption: statuses that mean "Ropo refused this payload" (permanent, the data must change). */
export const REJECTION_STATUSES: ReadonlySet<number> = new Set([400, 422]);

/** Assumption: 429 means "slow down, nothing was processed", and may carry `Retry-After` (seconds or an HTTP date). */
export const RATE_LIMIT_STATUS = 429;

/**
 * Assumption: 503 means "not processed, try later" (the conventional meaning of Service Unavailable),
 * so a non-idempotent POST may be repeated in-process. 500/502/504 may have been processed upstream of
 * the failure: their outcome is unknown and only the queue, after the ledger, may try again.
 */
export const NOT_PROCESSED_STATUSES: ReadonlySet<number> = new Set([429, 503]);

/** Assumption: 401 means the token expired or was revoked; one refresh and one repeat are worth it. */
export const TOKEN_EXPIRED_STATUS = 401;

/** Assumption: 403 means the `create_customer_api` contract is not active for these credentials. */
export const MISSING_CONTRACT_STATUS = 403;

/**
 * Assumption: the bodies of 401, 403 and 5xx answers are undocumented. We read an `Error {Code, Message}`
 * from them when one is there and otherwise rely on the status alone.
 */
export const ERROR_BODIES_FOR_401_403_5XX_UNKNOWN = true;

/** Documented: a token lives 2 hours. Used when the token carries no readable JWT `exp`. */
export const DEFAULT_TOKEN_LIFETIME_MS = 2 * 60 * 60 * 1000;

/** Assumption: `customerId` is documented as a string; a number is accepted and turned into one. */
export const CUSTOMER_ID_MAY_BE_NUMBER = true;

/**
 * Assumption: a 200 body is "pending" (IncompleteCustomerResult) when it carries `uuid` or `wizard_url`,
 * "created" (NewCustomerResultRest) when it carries `customerId`; anything else is unexpected. The two
 * documented shapes share `status` and `message`, so only their distinct keys can tell them apart.
 */
export const PENDING_DISTINCT_KEYS = ['uuid', 'wizard_url'] as const;

/**
 * Assumption: Ropo's APIkey endpoint documentation names no header for the key. We accept it as
 * `Authorization: Bearer <key>`, as `X-API-Key: <key>`, or as the password of HTTP basic auth
 * (any user name), compared in constant time against every ACTIVATION_API_KEYS entry.
 */
export const ACTIVATION_KEY_CARRIERS = ['authorization-bearer', 'x-api-key', 'basic-auth-password'] as const;

/**
 * Assumption: the APIkey callback follows Ropo's documented status-notification rules: 2xx once
 * stored, 4xx for a permanent validation error (no retry), 5xx for a transient one (Ropo retries).
 * Whether Ropo retries at all is undocumented; we answer so that a retrying sender does the right thing.
 */
export const ACTIVATION_ANSWERS_LIKE_STATUS_NOTIFICATIONS = true;

/**
 * Assumption: `external-id` is the `profile_uuid` we sent at creation (the docs' examples use one
 * UUID for both). Every createprofile call carries one: the producer's own, else a UUID v5 of the
 * business id in the installation's namespace (PROFILE_UUID_NAMESPACE, else a random one kept in
 * Redis on first use). Matching falls back on `bid`.
 */
export const EXTERNAL_ID_IS_PROFILE_UUID = true;

/**
 * Assumption: keys of the activation body other than bid, external-id, cid and apicode are ignored
 * (their names are logged, never their values) rather than refused: a 4xx would lose the credential.
 */
export const ACTIVATION_UNKNOWN_KEYS_IGNORED = true;

/** Assumption: `bid` may be a non-Finnish company id (Ropo serves SE and NO too): no Y-tunnus check on it. */
export const ACTIVATION_BID_ANY_COUNTRY = true;
