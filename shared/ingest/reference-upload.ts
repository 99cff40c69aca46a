// A reference upload (issue 18): a CSV of expected residents per commune put under `reference/population/` by the
// platform team. Read and validated as shared/domain/reference-population.ts says, its accepted communes stored as one
// version per province (the province of the file's vintage), and a report written beside it. Ports only: the finalize
// function wires it to S3 and the batches table. Redelivery of the same S3 event writes the same items and the same
// report: the version's time is the event's, not the clock's.

import { Readable } from 'node:stream';
import { splitRecords } from '#batch/records.ts';
import { ancestorsOf, type Vintage } from '#domain/units.ts';
import {
  REFERENCE_CODES,
  type ReferenceCode,
  type ReferenceFile,
  readReferenceFile,
} from '../domain/reference-population.ts';
import { objectKeys } from '../keys.ts';
import type { ProvinceReference, ReferencePopulations } from '../model/coverage.ts';
import type { Files } from '../model/ports.ts';
import type { S3Notification } from './types.ts';

/** The whole country is some 10,600 communes, about 600 KB: a file past this is refused before it is read. */
export const REFERENCE_MAX_BYTES = 5 * 1024 * 1024;
/**
 * A province's version is one DynamoDB item (at most 400 KB). The largest province of 2020 has some 600 communes, a few
 * dozen KB with a short source; a version past this (sources pages long) is refused whole rather than half stored.
 */
export const REFERENCE_ITEM_MAX_BYTES = 350_000;
/** The report lists this many refused rows one by one; `rejectedByCode` counts them all. */
export const REFERENCE_REPORT_MAX_REJECTIONS = 1000;

/** An object created under the reference prefix, as its S3 event names it. */
export interface ReferenceObject {
  key: string;
  versionId?: string;
  size?: number;
  /** when S3 says it was created (ISO): the version's `uploadedAt`, the same on every delivery of the event */
  eventTime?: string;
}

export interface ReferenceUploadDeps {
  files: Pick<Files, 'open' | 'putText'>;
  references: Pick<ReferencePopulations, 'put'>;
  /** the time of an event that gives none */
  now(): Date;
}

/** A message of a code, as the batch reports state one: "Vietnamese / English". */
const stated = (code: ReferenceCode) => `${REFERENCE_CODES[code].vi} / ${REFERENCE_CODES[code].en}`;

export interface ReferenceReport {
  objectKey: string;
  versionId?: string;
  status: 'completed' | 'failed';
  /** the version's time: the S3 event's */
  uploadedAt: string;
  asOf?: string;
  vintage?: Vintage;
  /** communes accepted */
  communes: number;
  /** each province a version was stored for, with its totals */
  provinces: { province: string; communes: number; permanent: number; temporary: number }[];
  /** rows refused (the header is row 0): the first REFERENCE_REPORT_MAX_REJECTIONS of them */
  rejected: { row: number; code: ReferenceCode; message: string }[];
  rejectedCount: number;
  rejectedByCode: Partial<Record<ReferenceCode, number>>;
  failure?: { code: ReferenceCode; message: string };
}

/** The reference uploads an S3 notification names: created objects whose key is a reference upload's. */
export function referenceObjectsOf(notification: S3Notification): ReferenceObject[] {
  return notification.Records.flatMap(({ eventName, eventTime, s3 }) => {
    // S3 sends the key URL-encoded, a space as +
    const key = decodeURIComponent(s3.object.key.replace(/\+/g, ' '));
    if (!eventName.startsWith('ObjectCreated') || !objectKeys.parseReference(key)) return [];
    const object: ReferenceObject = { key };
    if (s3.object.versionId) object.versionId = s3.object.versionId;
    if (s3.object.size !== undefined) object.size = s3.object.size;
    if (eventTime) object.eventTime = eventTime;
    return [object];
  });
}

/** What S3 answers for an object (or version) deleted before it was read: nothing is left to read. */
const GONE = new Set(['NoSuchKey', 'NoSuchVersion', 'NotFound']);

/**
 * The object's text; 'too-large' past REFERENCE_MAX_BYTES (read no further than that); 'gone' when it was deleted
 * before it was read.
 */
async function readBounded(files: ReferenceUploadDeps['files'], object: ReferenceObject) {
  if ((object.size ?? 0) > REFERENCE_MAX_BYTES) return 'too-large';
  const parts: Buffer[] = [];
  let bytes = 0;
  try {
    for await (const part of await files.open(object.key, object.versionId)) {
      const buffer = Buffer.from(part as Uint8Array);
      bytes += buffer.length;
      if (bytes > REFERENCE_MAX_BYTES) return 'too-large';
      parts.push(buffer);
    }
  } catch (error) {
    if (GONE.has((error as Error).name)) return 'gone';
    throw error;
  }
  return { text: Buffer.concat(parts).toString('utf8') };
}

function failedReport(
  base: Pick<ReferenceReport, 'objectKey' | 'versionId' | 'uploadedAt'>,
  code: ReferenceCode,
) {
  const report: ReferenceReport = {
    ...base,
    status: 'failed',
    communes: 0,
    provinces: [],
    rejected: [],
    rejectedCount: 0,
    rejectedByCode: {},
    failure: { code, message: stated(code) },
  };
  return report;
}

/**
 * Reads a reference upload, stores one version per province it names and writes its report beside it; a file that
 * cannot be read (or is too large) stores nothing and its report says why. Undefined, with nothing written, for a key
 * that is no reference upload (a report, a key in a sub-folder) and for an object deleted before it was read.
 */
export async function processReferenceUpload(
  object: ReferenceObject,
  deps: ReferenceUploadDeps,
): Promise<ReferenceReport | undefined> {
  const parsed = objectKeys.parseReference(object.key);
  if (!parsed) return undefined;
  const reportKey = objectKeys.referenceReport(parsed.name);
  const base = {
    objectKey: object.key,
    ...(object.versionId ? { versionId: object.versionId } : {}),
    uploadedAt: object.eventTime ?? deps.now().toISOString(),
  };
  const text = await readBounded(deps.files, object);
  if (text === 'gone') return undefined;
  const report =
    text === 'too-large'
      ? failedReport(base, 'REFERENCE_FILE_TOO_LARGE')
      : await store(text.text, base, deps);
  await deps.files.putText(reportKey, `${JSON.stringify(report, null, 2)}\n`, 'application/json');
  return report;
}

/** A longer row is not a commune's figures: refused, and the rest of the file read on. */
const REFERENCE_ROW_MAX_BYTES = 64 * 1024;

/**
 * A reference file's text read as the pipeline reads a batch (shared/batch/records.ts: quotes, line ends in quotes,
 * `,` `;` or tab as the header has it, blank rows skipped), then checked (readReferenceFile).
 */
export async function readReferenceText(text: string): Promise<ReferenceFile> {
  const records: (string[] | undefined)[] = [];
  const bytes = Buffer.from(text.replace(/^\uFEFF/, ''), 'utf8');
  for await (const page of splitRecords(Readable.from([bytes]), {
    mode: 'csv',
    maxRecordBytes: REFERENCE_ROW_MAX_BYTES,
  })) {
    for (const record of page) records.push(record.fields);
  }
  return readReferenceFile(records);
}

/** The file read, each province's version stored, and the report of it. */
async function store(
  text: string,
  base: Pick<ReferenceReport, 'objectKey' | 'versionId' | 'uploadedAt'>,
  deps: ReferenceUploadDeps,
): Promise<ReferenceReport> {
  const read = await readReferenceText(text);
  if (read.status === 'failed') return failedReport(base, read.code);

  const byProvince = new Map<string, ProvinceReference>();
  for (const [code, figures] of read.communes) {
    // a known commune of the vintage (the reader checked): its province is the top of its ancestors
    const province = ancestorsOf(read.vintage, code).find((unit) => unit.level === 'province')?.code;
    if (!province) throw new Error(`commune ${code} of ${read.vintage} has no province`);
    let reference = byProvince.get(province);
    if (!reference) {
      reference = {
        vintage: read.vintage,
        province,
        asOf: read.asOf,
        uploadedAt: base.uploadedAt,
        objectKey: base.objectKey,
        communes: {},
      };
      byProvince.set(province, reference);
    }
    reference.communes[code] = { ...figures };
  }
  const references = [...byProvince.values()].sort((a, b) => a.province.localeCompare(b.province));
  // every province checked before any is stored: a file is stored whole or not at all
  if (references.some((reference) => Buffer.byteLength(JSON.stringify(reference)) > REFERENCE_ITEM_MAX_BYTES))
    return failedReport(base, 'REFERENCE_PROVINCE_TOO_LARGE');
  for (const reference of references) await deps.references.put(reference);

  const rejectedByCode: Partial<Record<ReferenceCode, number>> = {};
  for (const { code } of read.rejected) rejectedByCode[code] = (rejectedByCode[code] ?? 0) + 1;
  return {
    ...base,
    status: 'completed',
    asOf: read.asOf,
    vintage: read.vintage,
    communes: read.communes.size,
    provinces: references.map(({ province, communes }) => {
      const figures = Object.values(communes);
      return {
        province,
        communes: figures.length,
        permanent: figures.reduce((sum, c) => sum + c.permanent, 0),
        temporary: figures.reduce((sum, c) => sum + c.temporary, 0),
      };
    }),
    rejected: read.rejected
      .slice(0, REFERENCE_REPORT_MAX_REJECTIONS)
      .map(({ row, code }) => ({ row, code, message: stated(code) })),
    rejectedCount: read.rejected.length,
    rejectedByCode,
  };
}
