import { userInfo } from 'node:os';
import type { Command } from 'commander';
import { loadConfig, type Config } from '../../config';
import { createRedisConnection } from '../../queues/connection';
import { createCredentialStore } from '../../queues/credential-store';

// The audit stream's "who" for local reads: the OS user, never a token.
const localCaller = (): string => `cli:${userInfo().username}`;

function requireKeys(count: number): void {
  if (count === 0) throw new Error('CREDENTIALS_KEYS is not set: no credential can be opened or sealed');
}

// Both subcommands refuse before connecting when no key could open or seal a credential.
function openStore(config: Config) {
  requireKeys(config.activation.credentialKeys.length);
  const connection = createRedisConnection(config.redis.url, 'producer');
  const store = createCredentialStore(connection, config.redis.prefix, config.activation.credentialKeys);
  return { connection, store };
}

/** `credentials show <business-id>` and `credentials rotate`: the credential store, locally, audited. */
export function registerCredentialsCommand(program: Command): void {
  const credentials = program
    .command('credentials')
    .description("activated customers' Ropo One credentials (sealed under CREDENTIALS_KEYS)");

  credentials
    .command('show')
    .argument('<business-id>', 'the activated customer')
    .description('print the cid and apicode as JSON; the read is written to the audit stream')
    .action(async (businessId: string) => {
      const config = loadConfig();
      const { connection, store } = openStore(config);
      try {
        const revealed = await store.reveal(businessId, localCaller());
        if (!revealed) {
          process.stderr.write(`no credentials for ${businessId} (not activated)\n`);
          process.exitCode = 1;
          return;
        }
        const { record, apicode } = revealed;
        process.stdout.write(
          `${JSON.stringify({ businessId, cid: record.cid, apicode, externalId: record.externalId, matched: record.matched, activatedAt: record.activatedAt }, null, 2)}\n`,
        );
      } finally {
        await connection.quit();
      }
    });

  credentials
    .command('rotate')
    .description('re-seal every stored apicode under the first key of CREDENTIALS_KEYS')
    .action(async () => {
      const config = loadConfig();
      const { connection, store } = openStore(config);
      try {
        const { rotated, total } = await store.rotate(localCaller());
        const kid = config.activation.credentialKeys[0]?.kid;
        process.stdout.write(`re-sealed ${rotated} of ${total} credential(s) under key "${kid}"\n`);
      } finally {
        await connection.quit();
      }
    });
}
