// A link pass's last two stages in a stage that issues numbers (issue 20, docs/ids.md "Numbers for forms"):
//   issue   → each person a scan segment listed without a personal ID, read again after the decide stage: when
//             linkage has ruled out that it has one (not merged into anyone, on no open review list), a number from
//             the allocator, an ID key that leads to the person, and the number on the person's record;
//   report  → `issued-ids.csv` beside the report of every batch whose rows got a number, for its agency alone.
// Every step can be repeated: the allocator keeps one number per row, the ID key and the record are written once,
// and a report is written whole from the ids table, which holds every number a batch's rows were ever given.
import type { PersonKeyer } from '#domain/person-keyer.ts';
import { csvCell, UTF8_BOM } from '../batch/ledger.ts';
import { idPlaceOfWrittenPlace } from '../ids/prefix.ts';
import { ISSUED_IDS_REPORT, objectKeys, personKeys, reviewId } from '../keys.ts';
import type { IdAllocator, IssuedIds, IssueRecord } from '../model/ids.ts';
import type { IssueDone } from '../model/link-pass.ts';
import type { Batches, Files, HistoryWriter, IssuedCounts, PassRegister } from '../model/ports.ts';
import type { HeldPerson, RowOrigin } from '../model/register.ts';
import { firstRow } from './link-pass-apply.ts';
import { putChange } from './person-history.ts';

export interface IssuanceDeps {
  allocator: IdAllocator;
  issued: Pick<IssuedIds, 'get' | 'forBatch'>;
  /** the person-key secret's keyer: a number's ID key is sealed under it, as every person key is */
  keyer: () => Promise<Pick<PersonKeyer, 'seal'>>;
  batches: Pick<Batches, 'get' | 'latestBatchOf'> & IssuedCounts;
  /** a prefix with no number left (the alarm's metric) */
  onFull?: (prefix: string) => void;
}

/** Why a person listed gets no number from this pass. */
export type NotIssued =
  /** merged, numbered or changed since the scan, or on an open review list: a later pass looks again */
  | 'waiting'
  /** only a Vietnamese citizen has a personal ID */
  | 'ID_NOT_CITIZEN'
  | 'ID_PLACE_UNKNOWN'
  | 'ID_PLACE_UNSETTLED'
  | 'ID_YEAR_UNSUPPORTED'
  | 'ID_PREFIX_FULL'
  /** the number issued is a person's of the register already (issued elsewhere as the allocator looked) */
  | 'ID_HELD_ELSEWHERE';

/** The batch a person's number was issued for, when one was. */
export type IssueOutcome = { issued: { batchId: string } } | { notIssued: NotIssued };

const VIETNAM = 'VN';
/** Persons an issue step takes on at once (each a few requests that wait on DynamoDB). */
const CONCURRENCY = 16;
/** Tries to put the number on a person that keeps changing under it. */
const MAX_ATTEMPTS = 4;

/**
 * A number for one person the scan found without one, if linkage has ruled out that the person has one: the pass has
 * not merged it into anyone, and no review list holds it open (a reviewer who kept it apart has ruled too).
 */
export async function issueForPerson(
  passId: string,
  key: string,
  register: PassRegister,
  history: HistoryWriter,
  deps: IssuanceDeps,
): Promise<IssueOutcome> {
  const person = await register.getPerson(key);
  if (!person || person.mergedInto) return { notIssued: 'waiting' };
  const row = firstRow(person);
  if (!row || !person.agencyCode) return { notIssued: 'waiting' };
  if (person.record.personalId) {
    // numbered by an earlier try of this step (its batch is reported all the same), or given an ID by a form since
    const earlier = await deps.issued.get({ kind: 'form', batchId: row.batchId, row: row.row });
    return earlier?.number === person.record.personalId
      ? { issued: { batchId: row.batchId } }
      : { notIssued: 'waiting' };
  }
  const origin: RowOrigin = { ...row, agencyCode: person.agencyCode };
  const review = await register.getReview(origin.agencyCode, reviewId(origin));
  if (review && review.resolution !== 'keepApart') return { notIssued: 'waiting' };
  const { record } = person;
  if (record.nationality !== VIETNAM) return { notIssued: 'ID_NOT_CITIZEN' };
  const place = idPlaceOfWrittenPlace(record.birthRegistrationPlace, record.dateOfBirth);
  if ('problem' in place) return { notIssued: place.problem };
  const result = await deps.allocator.issue({
    purpose: { kind: 'form', batchId: origin.batchId, row: origin.row },
    placeCode: place.placeCode,
    sex: record.sex,
    birthYear: Number(record.dateOfBirth.slice(0, 4)),
    issuedFor: origin.agencyCode,
    why: `DC01 row ${origin.row} of batch ${origin.batchId}: no personal ID, and link pass ${passId} found no one the person could be`,
    ...(record.formId ? { formId: record.formId } : {}),
  });
  if (result.status === 'full') {
    deps.onFull?.(result.prefix);
    return { notIssued: 'ID_PREFIX_FULL' };
  }
  if (result.status === 'refused') return { notIssued: result.code };
  const number = result.record.number;
  // the number's ID key leads to the person, so a later form that carries the number joins it
  const idKey = (await deps.keyer()).seal(personKeys.identityById(number));
  if (!(await register.putAlias(idKey, key, origin, 'issued'))) {
    // held already: this person's alias from an earlier try, or (issued elsewhere the same instant the allocator
    // looked) another person's, whose number this person must not take
    if ((await register.getPerson(idKey))?.mergedInto !== key) return { notIssued: 'ID_HELD_ELSEWHERE' };
  }
  return (await numberPerson(passId, key, person, number, origin.agencyCode, register, history))
    ? { issued: { batchId: origin.batchId } }
    : { notIssued: 'waiting' };
}

/**
 * The number onto the person's record, on the version read, its history item first (issue 19: the change's item,
 * then the person's write naming it); false when the person was merged meanwhile.
 */
async function numberPerson(
  passId: string,
  key: string,
  read: HeldPerson,
  number: string,
  agencyCode: string,
  register: PassRegister,
  history: HistoryWriter,
): Promise<boolean> {
  const tag = `issue#${passId}`;
  let person: HeldPerson | undefined = read;
  for (let attempt = 0; attempt < MAX_ATTEMPTS && person; attempt++) {
    if (person.record.personalId === number) return true;
    // merged between the read and now: the ID key still leads there, through the merged key
    if (person.mergedInto || person.record.personalId) return false;
    const numbered = { ...person.record, personalId: number };
    const lastChange = await putChange(history, key, person, {
      change: tag,
      outcome: 'updated',
      why: 'personal ID issued: no one else it could be',
      changes: { personalId: { to: number } },
      by: { kind: 'link-pass', id: passId },
      // the number is dancu's, issued for the agency whose form made the person
      agencyCode,
      source: { passId },
    });
    if (await register.recordOutcome(key, person, `${tag}:issued`, numbered, lastChange)) return true;
    person = await register.getPerson(key);
  }
  if (!person) return false;
  throw new Error(`the person kept changing as its number was put on it (${MAX_ATTEMPTS} attempts)`);
}

/** Issues for every person of a segment's list; what became of them, and the batches whose rows got a number. */
export async function issueForSegment(
  passId: string,
  keys: readonly string[],
  register: PassRegister,
  history: HistoryWriter,
  deps: IssuanceDeps,
): Promise<{ done: IssueDone; batches: string[] }> {
  const done: IssueDone = { issued: 0, waiting: 0, refused: {} };
  const batches = new Set<string>();
  let next = 0;
  const worker = async () => {
    for (let i = next++; i < keys.length; i = next++) {
      const outcome = await issueForPerson(passId, keys[i] as string, register, history, deps);
      if ('issued' in outcome) {
        done.issued++;
        batches.add(outcome.issued.batchId);
      } else if (outcome.notIssued === 'waiting') done.waiting++;
      else done.refused[outcome.notIssued] = (done.refused[outcome.notIssued] ?? 0) + 1;
    }
  };
  await Promise.all(Array.from({ length: Math.min(CONCURRENCY, keys.length) }, worker));
  return { done, batches: [...batches].sort() };
}

export const ISSUED_IDS_HEADER = 'row,form_id,personal_id,issued_at';

/** `issued-ids.csv`: a batch's rows and the numbers they were given, by row; UTF-8 with a BOM, for Excel. */
export function issuedIdsCsv(records: readonly IssueRecord[]): string {
  const rows = records
    .flatMap((record) => (record.purpose.kind === 'form' ? [{ row: record.purpose.row, record }] : []))
    .sort((a, b) => a.row - b.row)
    .map(({ row, record }) => `${row},${csvCell(record.formId ?? '')},${record.number},${record.issuedAt}`);
  return `${UTF8_BOM}${[ISSUED_IDS_HEADER, ...rows].join('\r\n')}\r\n`;
}

/**
 * Writes `issued-ids.csv` beside each batch's own report, and beside its name's newest report while the batch is the
 * latest upload of its key, and records the count on the batch (`GET /batches/{batchId}` offers the file then).
 */
export async function reportIssued(
  batchIds: readonly string[],
  deps: IssuanceDeps & { files: Pick<Files, 'putText'> },
): Promise<number> {
  let written = 0;
  let next = 0;
  const worker = async () => {
    for (let i = next++; i < batchIds.length; i = next++) {
      const batch = await deps.batches.get(batchIds[i] as string);
      if (!batch) continue;
      const records = await deps.issued.forBatch(batch.batchId);
      const csv = issuedIdsCsv(records);
      const keys = [objectKeys.batchReport(batch, ISSUED_IDS_REPORT)];
      if ((await deps.batches.latestBatchOf(batch.objectKey)) === batch.batchId)
        keys.push(objectKeys.latestReport(batch, ISSUED_IDS_REPORT));
      for (const key of keys) await deps.files.putText(key, csv, 'text/csv; charset=utf-8');
      await deps.batches.setIssuedIds(batch.batchId, records.length);
      written++;
    }
  };
  await Promise.all(Array.from({ length: Math.min(CONCURRENCY, batchIds.length) }, worker));
  return written;
}
