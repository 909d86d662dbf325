/** Where a job's status is read. */
export function statusUrl(jobId: string): string {
  return `/v1/onboardings/${encodeURIComponent(jobId)}`;
}
