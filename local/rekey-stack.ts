// `npm run rekey` once the SDK points at a stack (docs/operations.md, "Re-keying the register"): refuses while work
// is in flight, re-keys the register table, then the reports in the batches bucket, and says what it did in counts
// alone (sealed keys at most: never an ID, a name or a legacy key).
import type { PersonKeyer } from '#domain/person-keyer.ts';
import { BatchStore } from '../shared/store/batch-store.ts';
import { LinkPassStore } from '../shared/store/link-pass-store.ts';
import { type RekeyCounts, rekeyRegister, workInFlight } from '../shared/store/register-rekey.ts';
import { ITEM_KINDS } from '../shared/store/rekey-item.ts';
import { type ReportRekeyCounts, rekeyReports } from '../shared/store/report-rekey.ts';

export interface RekeyStackOptions {
  registerTable: string;
  batchesTable: string;
  bucket: string;
  keyer: PersonKeyer;
  segments: number;
  stateFile: string;
  dryRun?: boolean;
  restart?: boolean;
  /** go on although batches or a link pass look in flight (one stuck for good: its work is abandoned) */
  force?: boolean;
  signal?: AbortSignal;
  log: (line: string) => void;
}

export interface RekeyStackResult {
  register: RekeyCounts;
  /** undefined when the register's Scan did not reach its end (stopped: run again to resume) */
  reports?: ReportRekeyCounts;
}

/** Batches or a link pass in flight: their work files hold legacy keys, which they would write back after a re-key. */
export class WorkInFlightError extends Error {
  constructor(readonly work: string[]) {
    super(
      `Đang có việc chưa xong, chưa thể đổi khoá: ${work.join('; ')}. Chờ xong rồi chạy lại. / ` +
        `Work is in flight, the register cannot be re-keyed yet: ${work.join('; ')}. Wait for it to finish, then run again.`,
    );
  }
}

export async function rekeyStack(options: RekeyStackOptions): Promise<RekeyStackResult> {
  const work = await workInFlight(
    new BatchStore(options.batchesTable),
    new LinkPassStore(options.batchesTable),
  );
  if (work.length > 0 && !options.force) throw new WorkInFlightError(work);
  if (work.length > 0) options.log(`--force: going on although ${work.join('; ')}`);
  const dry = options.dryRun ? ' (dry run: nothing written)' : '';
  const register = await rekeyRegister({
    table: options.registerTable,
    keyer: options.keyer,
    segments: options.segments,
    stateFile: options.stateFile,
    ...(options.dryRun ? { dryRun: true } : {}),
    ...(options.restart ? { restart: true } : {}),
    ...(options.signal ? { signal: options.signal } : {}),
  });
  options.log(`register${dry}: ${describeRegister(register, options.dryRun)}`);
  if (!register.complete) {
    options.log(`register: stopped before the end; run again to go on from ${options.stateFile}`);
    return { register };
  }
  const reports = await rekeyReports({
    bucket: options.bucket,
    keyer: options.keyer,
    ...(options.dryRun ? { dryRun: true } : {}),
    ...(options.signal ? { signal: options.signal } : {}),
  });
  options.log(
    `reports${dry}: ${reports.files} outcomes.csv and review.csv read, ${reports.rewritten} ` +
      `${options.dryRun ? 'to rewrite' : 'rewritten'} (${reports.keys} legacy keys sealed)` +
      (reports.complete ? '' : '; stopped before the end, run again'),
  );
  return { register, reports };
}

function describeRegister(counts: RekeyCounts, dryRun?: boolean): string {
  const kinds = ITEM_KINDS.map((kind) => `${kind} ${counts.rekeyed[kind]}`).join(', ');
  const parts = [
    `${counts.scanned} items read`,
    `${dryRun ? 'to re-key' : 're-keyed'}: ${kinds}`,
    `holding no legacy key: ${counts.sealed}`,
  ];
  if (counts.gone > 0) parts.push(`deleted meanwhile: ${counts.gone}`);
  if (counts.collisions > 0) {
    // a sealed key names no one: safe to print, and what an operator needs to find the two items; a blocking key
    // is a digest of a name and a date, which never leaves the register (docs/data-model.md)
    const listed = counts.collided
      .map(({ kind, key }) => (kind === 'blocking' ? `${kind} ${key.sk}` : `${kind} ${key.pk} ${key.sk}`))
      .join('; ');
    parts.push(`left in place, their sealed keys hold another item: ${counts.collisions} (${listed})`);
  }
  return parts.join('; ');
}
