/** True when text[start, end) holds something besides whitespace. */
function hasContent(text: string, start: number, end: number): boolean {
  for (let i = start; i < end; i++) {
    const c = text.charCodeAt(i);
    if (c !== 32 && c !== 9 && c !== 13) return true;
  }
  return false;
}

/** Counts the non-blank lines of an NDJSON body, stopping once past `max`: a cheap scan before any parsing. */
export function countRecords(text: string, max: number): number {
  let count = 0;
  for (let start = 0; start <= text.length && count <= max;) {
    const newline = text.indexOf('\n', start);
    const end = newline === -1 ? text.length : newline;
    if (hasContent(text, start, end)) count++;
    start = end + 1;
  }
  return count;
}
