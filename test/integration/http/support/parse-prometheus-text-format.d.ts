declare module 'parse-prometheus-text-format' {
  /** One sample of a counter, gauge or untyped metric; histograms carry buckets, count and sum. */
  export interface ParsedSample {
    value?: string;
    labels?: Record<string, string>;
    buckets?: Record<string, string>;
    count?: string;
    sum?: string;
  }
  /** One metric family. */
  export interface ParsedFamily {
    name: string;
    help: string;
    type: 'COUNTER' | 'GAUGE' | 'HISTOGRAM' | 'SUMMARY' | 'UNTYPED';
    metrics: ParsedSample[];
  }
  /** Parses Prometheus text exposition format (prom2json's output shape). */
  export default function parsePrometheusTextFormat(text: string): ParsedFamily[];
}
