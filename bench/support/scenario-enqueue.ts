import fs from 'node:fs';
import path from 'node:path';
import { validatePayload } from '../../src/contracts/validate-payload';
import type { BenchEnv } from './bench-env';
import { addBulkPlain, benchPayloads, enqueueThroughProducer, onboardingQueue } from './backlog';
import type { BenchPlan } from './bench-plan';
import { fmtSpread, num, table, type ScenarioReport } from './report-format';
import { spread } from './stats';

type Path = 'enqueueMany' | 'addBulk';

/**
 * Producer side: the library's `enqueueMany` (validation, hashed job ids, `addBulk`, read-back of which
 * delivery was stored) against a plain `queue.addBulk` of the same payloads, 1,000 per call.
 */
export async function enqueueScenario(env: BenchEnv, plan: BenchPlan): Promise<ScenarioReport> {
  const payloads = benchPayloads(plan.enqueueJobs);
  const rates: Record<Path, number[]> = { enqueueMany: [], addBulk: [] };
  console.log(`enqueue, ${plan.enqueueJobs} jobs`);
  for (let round = 0; round < plan.rounds; round += 1) {
    const order: Path[] = round % 2 === 0 ? ['addBulk', 'enqueueMany'] : ['enqueueMany', 'addBulk'];
    for (const which of order) {
      await env.clean();
      const queue = onboardingQueue(env.redis, env.prefix);
      const started = performance.now();
      if (which === 'enqueueMany') await enqueueThroughProducer(env.redis, env.prefix, payloads);
      else await addBulkPlain(queue, payloads);
      const seconds = (performance.now() - started) / 1000;
      await queue.close();
      rates[which].push(payloads.length / seconds);
      console.log(`  round ${round + 1} ${which}: ${num(payloads.length / seconds)} jobs/s`);
    }
  }
  // The validation share of enqueueMany, measured on the same payloads in this process.
  const started = performance.now();
  for (const payload of payloads) validatePayload(payload);
  const validationRate = payloads.length / ((performance.now() - started) / 1000);

  const many = spread(rates.enqueueMany);
  const plain = spread(rates.addBulk);
  const ratios = spread(rates.enqueueMany.map((r, i) => r / (rates.addBulk[i] ?? Number.NaN)));
  const validationBench = fs.existsSync(path.join(__dirname, '..', 'validation.bench.ts'))
    ? 'the validation bench (`bench/validation.bench.ts`, its own section of this file)'
    : 'a dedicated validation bench (`bench/validation.bench.ts`, not in this checkout yet)';
  return {
    title: `Enqueue throughput (${num(plan.enqueueJobs)} complete payloads, 1,000 per call)`,
    targets: [
      {
        target: 'enqueueMany vs plain addBulk (reported)',
        measured: `${fmtSpread(many)} vs ${fmtSpread(plain)} jobs/s = ${fmtSpread(ratios, 2)} ×`,
        pass: null,
      },
    ],
    markdown: [
      table(
        ['path', 'jobs/s'],
        [
          [
            '`createOnboardingProducer().enqueueMany` (validate, job id, addBulk, read-back)',
            fmtSpread(many),
          ],
          ['plain `queue.addBulk`', fmtSpread(plain)],
          ['`validatePayload` alone, one pass over the same payloads', num(validationRate)],
        ],
      ),
      '',
      `enqueueMany / addBulk, paired by round: ${fmtSpread(ratios, 2)} ×. Validation throughput in depth ` +
        `(minimal and invalid payloads, per-rule costs) is ${validationBench}; this line only shows its share here.`,
    ].join('\n'),
  };
}
