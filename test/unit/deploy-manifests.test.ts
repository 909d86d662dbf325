import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import type { Registry } from 'prom-client';
import { parseAllDocuments, parse } from 'yaml';
import { loadConfig } from '../../src/config';
import { createMetricsRegistry, createPrometheusObserver } from '../../src/pipeline/prometheus-observer';
import { registerQueueMetrics } from '../../src/http/queue-metrics';

const root = path.join(__dirname, '..', '..');
const read = (file: string) => fs.readFileSync(path.join(root, file), 'utf8');

interface K8sDoc {
  kind: string;
  metadata: { name: string };
  spec: Record<string, unknown>;
}
interface Container {
  args?: string[];
  env?: { name: string; value?: string; valueFrom?: unknown }[];
  envFrom?: { configMapRef?: { name: string }; secretRef?: { name: string } }[];
  readinessProbe?: { httpGet?: { path: string } };
  livenessProbe?: { httpGet?: { path: string } };
  resources?: { requests?: Record<string, string>; limits?: Record<string, string> };
}
interface PodSpec {
  terminationGracePeriodSeconds?: number;
  containers: Container[];
}

const docs = fs
  .readdirSync(path.join(root, 'deploy', 'k8s'))
  .filter((f) => f.endsWith('.yaml'))
  .flatMap((f) => parseAllDocuments(read(`deploy/k8s/${f}`)).map((d) => d.toJS() as K8sDoc));
const deployments = docs.filter((d) => d.kind === 'Deployment');
const podSpec = (d: K8sDoc) => (d.spec.template as { spec: PodSpec }).spec;
const configMap = docs.find((d) => d.kind === 'ConfigMap') as unknown as { data: Record<string, string> };

describe('deploy/k8s', () => {
  it('has a Deployment for the worker and one for serve, each with a PodDisruptionBudget', () => {
    const roles = deployments.map((d) => podSpec(d).containers[0]?.args?.[0]).sort();
    expect(roles).toEqual(['serve', 'worker']);
    const budgets = docs.filter((d) => d.kind === 'PodDisruptionBudget');
    for (const deployment of deployments) {
      const labels = (deployment.spec.selector as { matchLabels: Record<string, string> }).matchLabels;
      expect(
        budgets.some(
          (b) =>
            JSON.stringify((b.spec.selector as { matchLabels: unknown }).matchLabels) ===
            JSON.stringify(labels),
        ),
      ).toBe(true);
    }
  });

  it.each(deployments.map((d) => [d.metadata.name, d] as const))(
    '%s: probes on /healthz and /readyz, resources, a grace period above the shutdown deadline',
    (_name, deployment) => {
      const spec = podSpec(deployment);
      const container = spec.containers[0] as Container;
      expect(container.readinessProbe?.httpGet?.path).toBe('/readyz');
      expect(container.livenessProbe?.httpGet?.path).toBe('/healthz');
      expect(container.resources?.requests?.cpu).toBeDefined();
      expect(container.resources?.requests?.memory).toBeDefined();
      expect(container.resources?.limits?.memory).toBeDefined();
      const shutdownMs = Number(configMap.data.SHUTDOWN_TIMEOUT_MS);
      expect(shutdownMs).toBeGreaterThan(0);
      expect((spec.terminationGracePeriodSeconds ?? 30) * 1000).toBeGreaterThan(shutdownMs + 5_000);
    },
  );

  it.each(deployments.map((d) => [d.metadata.name, d] as const))(
    '%s: secrets come from a Secret, never from a literal value',
    (_name, deployment) => {
      const container = podSpec(deployment).containers[0] as Container;
      expect(container.envFrom?.some((e) => e.secretRef?.name)).toBe(true);
      for (const variable of container.env ?? []) {
        if (/TOKEN|PASSWORD|APICODE|REDIS_URL|SECRET|KEYS/.test(variable.name))
          expect(variable.value).toBeUndefined();
      }
      expect(Object.keys(configMap.data).filter((k) => /TOKEN|PASSWORD|APICODE|SECRET|KEYS/.test(k))).toEqual(
        [],
      );
    },
  );

  it('holds only variables the service knows, with values its config accepts', () => {
    expect(() => loadConfig({ ...configMap.data, ROPO_CID: 'x', ROPO_APICODE: 'y' })).not.toThrow();
  });

  it("gives the worker bin/node-flags.js's heap flags in NODE_OPTIONS and its environment, so no launcher runs", () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- the CommonJS module beside bin/onboarding.js
    const { WORKER_NODE_FLAGS, WORKER_ENV } = require('../../bin/node-flags.js') as {
      WORKER_NODE_FLAGS: string[];
      WORKER_ENV: Record<string, string>;
    };
    const worker = deployments.find((d) => podSpec(d).containers[0]?.args?.[0] === 'worker') as K8sDoc;
    const env = (podSpec(worker).containers[0] as Container).env ?? [];
    const nodeOptions = env.find((v) => v.name === 'NODE_OPTIONS')?.value ?? '';
    expect(nodeOptions.split(/\s+/).filter(Boolean)).toEqual(WORKER_NODE_FLAGS);
    for (const [name, value] of Object.entries(WORKER_ENV)) {
      expect(env.find((v) => v.name === name)?.value).toBe(value);
    }
  });
});

describe('docker-compose.yml for operators', () => {
  const compose = parse(read('docker-compose.yml'), { merge: true }) as {
    services: Record<
      string,
      {
        stop_grace_period?: string;
        env_file?: unknown;
        ports?: string[];
        environment?: Record<string, string>;
      }
    >;
  };
  it('gives worker and http more time to stop than the shutdown deadline, and reads secrets from an env file', () => {
    for (const name of ['worker', 'http']) {
      const service = compose.services[name] ?? {};
      expect(Number(/^(\d+)s$/.exec(service.stop_grace_period ?? '')?.[1])).toBeGreaterThan(30 + 5);
      expect(JSON.stringify(service.env_file)).toContain('onboarding.env');
    }
    expect(read('.gitignore').split('\n')).toContain('onboarding.env');
  });
  it('publishes no port on all interfaces except the HTTP API', () => {
    for (const [name, service] of Object.entries(compose.services)) {
      for (const port of service.ports ?? []) {
        if (name !== 'http')
          expect({ name, port }).toEqual({ name, port: expect.stringMatching(/^127\.0\.0\.1:/) });
      }
    }
  });
});

describe('deploy/grafana/onboarding.json', () => {
  it('queries only metrics the service exports', async () => {
    const registry: Registry = createMetricsRegistry();
    createPrometheusObserver(registry);
    registerQueueMetrics(registry, {
      queues: [],
      redis: { down: () => true } as never,
      prefix: 'x',
      timeoutMs: 1,
    });
    const exported = new Set(
      (await registry.getMetricsAsJSON()).flatMap((m) =>
        String(m.type) === 'histogram'
          ? [m.name, `${m.name}_bucket`, `${m.name}_sum`, `${m.name}_count`]
          : [m.name],
      ),
    );
    const dashboard = JSON.parse(read('deploy/grafana/onboarding.json')) as {
      panels: { title: string; targets: { expr: string }[] }[];
    };
    expect(dashboard.panels.length).toBeGreaterThan(5);
    for (const panel of dashboard.panels) {
      for (const { expr } of panel.targets) {
        const names = expr.match(/\bonboarding_[a-z_]+/g) ?? [];
        expect({ panel: panel.title, names: names.length > 0 }).toEqual({ panel: panel.title, names: true });
        for (const name of names)
          expect({ panel: panel.title, name, exported: exported.has(name) }).toEqual({
            panel: panel.title,
            name,
            exported: true,
          });
      }
    }
  });
});

describe('deploy/prometheus/alerts.yml', () => {
  const promtool = spawnSync('promtool', ['--version']);
  const available = promtool.status === 0;
  if (!available && process.env.CI === 'true') {
    it('needs promtool in CI (.ci/run installs Debian prometheus)', () => {
      throw new Error('promtool is not installed');
    });
  }
  (available ? it : it.skip)('passes promtool check rules and its own rule tests', () => {
    const check = spawnSync('promtool', ['check', 'rules', 'deploy/prometheus/alerts.yml'], { cwd: root });
    expect({ status: check.status, out: String(check.stdout) + String(check.stderr) }).toMatchObject({
      status: 0,
    });
    const test = spawnSync('promtool', ['test', 'rules', 'deploy/prometheus/alerts.test.yml'], { cwd: root });
    expect({ status: test.status, out: String(test.stdout) + String(test.stderr) }).toMatchObject({
      status: 0,
    });
  });

  it('names only metrics the service exports, and each alert has a runbook section', () => {
    const rules = (
      parse(read('deploy/prometheus/alerts.yml')) as {
        groups: { rules: { alert: string; expr: string; annotations: { runbook: string } }[] }[];
      }
    ).groups.flatMap((g) => g.rules);
    const runbook = read('docs/operations.md').toLowerCase();
    for (const rule of rules) {
      expect(rule.annotations.runbook).toBe(`docs/operations.md#${rule.alert.toLowerCase()}`);
      expect({ alert: rule.alert, inRunbook: runbook.includes(`### ${rule.alert.toLowerCase()}`) }).toEqual({
        alert: rule.alert,
        inRunbook: true,
      });
    }
  });
});
