// The local stack's correction demo (issue 19): a correction file (DC02) about people of the demo batch, uploaded as
// the demo agency's system does, its report, and the identity corrections it leaves waiting for a second officer,
// with the two requests that list and decide them.
import { objectKeys } from '../shared/keys.ts';
import type { StoredCorrection } from '../shared/model/correction.ts';
import { buildCorrections } from '../tools/synthetic/corrections.ts';
import { type GeneratorOptions, generateRows } from '../tools/synthetic/generator.ts';
import type { LocalStack } from './runtime/stack.ts';
import { askUploadUrl, machineContext, uploadWithTicket } from './upload-ticket.ts';

export const DEMO_CORRECTIONS_FILE = 'demo-corrections.csv';

/**
 * Uploads corrections of `generation`'s people (the demo batch's) for `agency`, and waits for the report: its summary
 * text, or undefined after `timeoutMs`.
 */
export async function uploadDemoCorrections(
  stack: Pick<LocalStack, 'handlers' | 'names'>,
  agency: string,
  generation: GeneratorOptions,
  readReport: (key: string, since: number) => Promise<string | undefined>,
  timeoutMs = 120_000,
): Promise<{ rows: number; summary?: string }> {
  const batch = buildCorrections([...generateRows(generation)], {
    count: 24,
    seed: 19,
    today: new Date().toISOString().slice(0, 10),
  });
  const started = Date.now();
  const { statusCode, body: ticket } = await askUploadUrl(
    stack,
    DEMO_CORRECTIONS_FILE,
    machineContext(agency),
  );
  if (statusCode !== 201) throw new Error(`demo: no upload URL for ${agency} (${statusCode})`);
  await uploadWithTicket(ticket, batch.bytes);
  const key = objectKeys.report(agency, DEMO_CORRECTIONS_FILE, 'summary.json');
  for (let waited = 0; waited < timeoutMs; waited += 1000) {
    const summary = await readReport(key, started);
    if (summary) return { rows: batch.truth.length, summary };
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
  return { rows: batch.truth.length };
}

/** The lines that show a newcomer the pending corrections and how a second officer decides one. */
export function approvalLines(http: string, agency: string, pending: StoredCorrection[]): string[] {
  const first = pending[0];
  return [
    `  ${pending.length} identity corrections wait for a second officer (${pending.map((c) => c.id).join(', ')})`,
    `  sign in:  npm run sign-in -- --agency ${agency} --role approver`,
    `  list:     curl -H "Authorization: Bearer TOKEN" '${http}/corrections?status=pending'`,
    ...(first
      ? [
          `  decide:   curl -X POST -H "Authorization: Bearer TOKEN" -H 'content-type: application/json' \\`,
          `              -d '{"decision":"approve"}' ${http}/corrections/${first.id}`,
        ]
      : []),
  ];
}
