// The citizen API behind CloudFront (infra/constructs/citizen-edge.ts): CloudFront adds this header with a value
// only it and the lookup function hold, so a request that went around the WAF is refused.
import { timingSafeEqual } from 'node:crypto';

export const EDGE_HEADER = 'x-dancu-edge';

/** Whether `given` is the edge's value; true when no value is set (locally, and in a stage without the WAF). */
export function cameThroughEdge(expected: string | undefined, given: string | undefined): boolean {
  if (!expected) return true;
  if (given === undefined) return false;
  const a = Buffer.from(expected);
  const b = Buffer.from(given);
  return a.length === b.length && timingSafeEqual(a, b);
}
