import parsePrometheusTextFormat from 'parse-prometheus-text-format';

// A sample line of the text format: name, optional {labels}, a float (NaN and Inf in any case, as
// Prometheus accepts them), optional timestamp.
const SAMPLE =
  /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{((?:[a-zA-Z_][a-zA-Z0-9_]*="(?:\\.|[^"\\])*",?)*)\})? ([-+]?(?:\d+(?:\.\d+)?(?:[eE][-+]?\d+)?|nan|inf))( -?\d+)?$/i;
const LABEL = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:\\.|[^"\\])*)"/g;

/** One sample: metric name (with `_bucket`, `_count`… suffixes), labels, value. */
export interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/** Parsed exposition: families by name with their type, and every sample. */
export interface Exposition {
  types: Map<string, string>;
  samples: Sample[];
}

/**
 * Checks the text line by line against the exposition format (every line a HELP/TYPE comment or a
 * sample), and has an independent parser (parse-prometheus-text-format) read it too. That parser
 * mangles labelled histograms, so sample values come from the line check.
 */
export function parsePrometheus(text: string): Exposition {
  const samples: Sample[] = [];
  const bad: string[] = [];
  for (const line of text.split('\n')) {
    if (line === '' || /^# (HELP|TYPE) [a-zA-Z_:][a-zA-Z0-9_:]* .*$/.test(line)) continue;
    const match = SAMPLE.exec(line);
    if (!match) {
      bad.push(line);
      continue;
    }
    const labels: Record<string, string> = {};
    for (const [, key, value] of (match[3] ?? '').matchAll(LABEL)) labels[key as string] = value as string;
    samples.push({
      name: match[1] as string,
      labels,
      value: Number(match[4]?.replace(/^([-+]?)inf$/i, '$1Infinity')),
    });
  }
  if (bad.length > 0) throw new Error(`not Prometheus text format: ${bad.slice(0, 3).join(' | ')}`);
  const families = parsePrometheusTextFormat(text);
  return { types: new Map(families.map((family) => [family.name, family.type])), samples };
}

/** The value of the sample with exactly these labels (0 when absent, as Prometheus treats a missing counter). */
export function sampleValue(
  exposition: Exposition,
  name: string,
  labels: Record<string, string> = {},
): number {
  const sample = exposition.samples.find(
    (s) =>
      s.name === name &&
      Object.keys(s.labels).length === Object.keys(labels).length &&
      Object.entries(labels).every(([k, v]) => s.labels[k] === v),
  );
  return sample?.value ?? 0;
}
