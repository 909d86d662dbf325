import fs from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { buildProgram } from '../../src/cli/program';

const root = path.join(__dirname, '..', '..');

interface ComposeService {
  build?: unknown;
  image?: string;
  command?: string[];
  environment?: Record<string, string>;
}

const compose = parse(fs.readFileSync(path.join(root, 'docker-compose.yml'), 'utf8'), { merge: true }) as {
  services: Record<string, ComposeService>;
};

describe('docker-compose.yml (no Docker engine here, so its contents are checked)', () => {
  const subcommands = buildProgram().commands.map((command) => command.name());

  it('has redis, sandbox, worker and http services', () => {
    expect(Object.keys(compose.services).sort()).toEqual(['http', 'redis', 'sandbox', 'worker']);
  });

  it.each(['sandbox', 'worker', 'http'])('runs a real `onboarding` subcommand in the %s service', (name) => {
    const service = compose.services[name] as ComposeService;
    expect(service.build).toBeDefined();
    expect(subcommands).toContain(service.command?.[0]);
    const options = (service.command ?? []).slice(1).filter((arg) => arg.startsWith('--'));
    const command = buildProgram().commands.find((c) => c.name() === service.command?.[0]);
    const known = command?.options.map((o) => o.long) ?? [];
    for (const option of options) expect(known).toContain(option);
  });

  it('runs Redis with AOF and noeviction, as BullMQ requires in production', () => {
    const command = (compose.services.redis as ComposeService).command ?? [];
    expect(command.join(' ')).toMatch(/--appendonly yes/);
    expect(command.join(' ')).toMatch(/--maxmemory-policy noeviction/);
  });

  it('points the worker at the sandbox service with its credentials', () => {
    const env = (compose.services.worker as ComposeService).environment ?? {};
    expect(env.ROPO_BASE_URL).toBe('http://sandbox:4010/rest');
    expect(env.REDIS_URL).toBe('redis://redis:6379');
  });
});

describe('Dockerfile', () => {
  const dockerfile = fs.readFileSync(path.join(root, 'Dockerfile'), 'utf8');

  it('is multi-stage and runs as a non-root user', () => {
    expect(dockerfile.match(/^FROM /gm)?.length).toBeGreaterThanOrEqual(2);
    const user = dockerfile.match(/^USER (\S+)/m)?.[1];
    expect(user).toBeDefined();
    expect(['root', '0']).not.toContain(user);
  });

  it('starts the same bin the package declares', () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')) as {
      bin: Record<string, string>;
    };
    expect(dockerfile).toContain(pkg.bin.onboarding as string);
  });

  it('builds with every file `npm run build` runs, so the Lua scripts reach dist/', () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')) as {
      scripts: Record<string, string>;
    };
    const helpers = (pkg.scripts.build ?? '').match(/scripts\/[\w.-]+/g) ?? [];
    expect(helpers).toContain('scripts/copy-lua.cjs');
    for (const helper of helpers)
      expect(dockerfile).toMatch(new RegExp(`COPY (\\S+ )*${helper}\\b|COPY scripts `));
  });
});
