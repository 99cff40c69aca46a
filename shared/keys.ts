// Every key dancu stores under, built here and nowhere else: the keys of the DynamoDB tables and of the batches
// bucket. docs/data-model.md lists each item and prefix with what it holds; test/data-model.test.ts checks that document
// against this module, and test/keys.test.ts that no other source file spells a key. No SDK here: the domain, tools and tests use it.

/** A row of a batch as items name it: `{batchId}#{row}` (a batch id has no `#`). */
export const rowTag = (origin: { batchId: string; row: number }) => `${origin.batchId}#${origin.row}`;

/** An approved correction's tag, in the person's `applied` entries and its history item's key (issue 19). */
export const correctionTag = (id: string) => `correction#${id}`;
/** A conflict decision's tag, in its history items' keys (issue 19): `different` creates a person and keeps two apart. */
export const conflictTag = (id: string) => `conflict#${id}`;
/**
 * The id of a correction a conflict's `take` puts on its agency's list, one per identity field that differs:
 * the conflict's id and the field's name, never a correction row's id (`{batchId}.{row}`).
 */
export const takenCorrectionId = (conflictId: string, field: string) => `${conflictId}.${field}`;

// a batch id is 22 base64url characters in the pipeline; tests and tools may use shorter ones, never `review`, `link`,
// `issue`, `correction` or `conflict`
const ROW_ENTRY = /^(?!review#|link#|issue#|correction#|conflict#)([A-Za-z0-9_-]+)#(\d+):/;
/** The row an `applied` entry (`{rowTag}:{outcome}…`) names; undefined for a review's, a merge's or an issuance's entry. */
export function rowOfEntry(entry: string): { batchId: string; row: number } | undefined {
  const match = ROW_ENTRY.exec(entry);
  return match?.[1] && match[2] ? { batchId: match[1], row: Number(match[2]) } : undefined;
}

// ── The batches table: batches, their chunk leases, the latest upload of each object key, and the link passes.

const BATCH = 'BATCH#';
const BATCH_SK = 'META';
const CHUNK = 'CHUNK#';
const AGENCY = 'AGENCY#';
const PASS = 'PASS#';

export const batchKeys = {
  /** one item per batch: its progress, checkpoint and split/finalize leases */
  batch: (batchId: string) => ({ pk: `${BATCH}${batchId}`, sk: BATCH_SK }),
  /** the sort key of a batch item (a scan for unfinished batches filters on it) */
  batchSortKey: BATCH_SK,
  /** gsi1 of a batch item: an agency's batches by start time */
  byAgency: (agencyCode: string, startedAt: string, batchId: string) => ({
    gsi1pk: batchKeys.agencyPartition(agencyCode),
    gsi1sk: `${startedAt}#${batchId}`,
  }),
  agencyPartition: (agencyCode: string) => `${AGENCY}${agencyCode}`,
  /** one invocation at a time registers a chunk */
  chunkLease: (batchId: string, partition: number, seq: number) => ({
    pk: `${BATCH}${batchId}`,
    sk: `${CHUNK}${partition}#${seq}`,
  }),
  /** which batch is the latest upload of an object key */
  latestUpload: (objectKey: string) => ({ pk: `OBJECT#${objectKey}`, sk: 'LATEST' }),
  /** one item per link pass: what each of its steps has done */
  linkPass: (passId: string) => ({ pk: `${PASS}${passId}`, sk: 'PASS' }),
  /** the pass that runs now: one at a time */
  currentPass: { pk: `${PASS}CURRENT`, sk: 'PASS' },
};

// ── Coverage (issue 18): the counters of each commune, and the expected residents, in the batches table.

const COVERAGE = 'COVERAGE#';
const REFERENCE = 'REFERENCE#';
const UNPLACED = 'UNPLACED#';
const NOT_ASSIGNED = 'SPLIT#';

export const coverageKeys = {
  /**
   * the counters of one commune, placed in the vintage its code was read in, under its province of that vintage: one
   * Query reads a province's communes
   */
  commune: (vintage: number, province: string, commune: string) => ({
    pk: coverageKeys.province(vintage, province),
    sk: commune,
  }),
  /** the counters of a commune of the other list that this vintage cannot assign (`notAssigned`) */
  notAssigned: (vintage: number, province: string, otherCode: string) => ({
    pk: coverageKeys.province(vintage, province),
    sk: `${NOT_ASSIGNED}${otherCode}`,
  }),
  /** the other list's commune a not-assigned item counts for; undefined for any other item */
  notAssignedCodeOf: (sortKey: string) =>
    sortKey.startsWith(NOT_ASSIGNED) ? sortKey.slice(NOT_ASSIGNED.length) : undefined,
  /** the counters of what could not be placed, at the uploading agency's unit (a vintage's code) */
  unplaced: (vintage: number, province: string, agencyUnit: string) => ({
    pk: coverageKeys.province(vintage, province),
    sk: `${UNPLACED}${agencyUnit}`,
  }),
  /** the partition of a province's counter items */
  province: (vintage: number, province: string) => `${COVERAGE}${vintage}#${province}`,
  /** what every counter item's partition begins with (the recount scans for it) */
  counterPrefix: COVERAGE,
  /** the vintage and province of a counter item's partition; undefined for any other key */
  parseProvince(pk: string): { vintage: number; province: string } | undefined {
    const match = /^COVERAGE#(\d{4})#(\d+)$/.exec(pk);
    return match?.[1] && match[2] ? { vintage: Number(match[1]), province: match[2] } : undefined;
  },
  /** the agency unit an unplaced counter item counts for; undefined for a commune's item */
  unplacedUnitOf: (sortKey: string) =>
    sortKey.startsWith(UNPLACED) ? sortKey.slice(UNPLACED.length) : undefined,
  /** one version of a province's expected residents: newest as-of date last in the partition */
  reference: (vintage: number, province: string, asOf: string, uploadedAt: string) => ({
    pk: coverageKeys.referencePartition(vintage, province),
    sk: `${asOf}#${uploadedAt}`,
  }),
  referencePartition: (vintage: number, province: string) => `${REFERENCE}${vintage}#${province}`,
};

/** An agency's rejected forms kept to be matched by a later accepted one (shared/coverage/recollect.ts). */
export const recollectKeys = {
  rejection: (agencyCode: string, key: string) => ({
    pk: recollectKeys.agencyPartition(agencyCode),
    sk: key,
  }),
  agencyPartition: (agencyCode: string) => `RECOLLECT#${agencyCode}`,
};

/**
 * A commune's worklist (issue 25): one small item per rejected form still to be collected again, and per probable
 * duplicate or conflict waiting for a decision, under the commune its permanent address names in one vintage; and each
 * agency's unplaced forms. Read by GET /worklists/{commune} (shared/store/worklist-store.ts).
 */
export const worklistKeys = {
  form: (vintage: number, commune: string, agencyCode: string, batchId: string, row: number) =>
    worklistKeys.line(worklistKeys.communePartition(vintage, commune), agencyCode, batchId, row),
  /** a line of a list (a commune's, or a unit's unplaced forms) */
  line: (pk: string, agencyCode: string, batchId: string, row: number) => ({
    pk,
    // the row padded: a list reads in row order
    sk: `${agencyCode}#${batchId}#${String(row).padStart(10, '0')}`,
  }),
  communePartition: (vintage: number, commune: string) => `WORKLIST#${vintage}#${commune}`,
  /** the accepted forms of an agency that place in no commune of a list: GET /worklists/{its own unit's code} */
  unplacedPartition: (agencyCode: string) => `WORKLIST#${UNPLACED}${agencyCode}`,
};

// ── The register table: persons, what updates changed, conflicts, blocking items and the agencies' review lists.

const PERSON = 'PERSON';
const REVIEW = 'REVIEW#';
const CORRECTION = 'CORRECTION#';
const CONFLICT = 'CONFLICT#';

export const registerKeys = {
  /** a person (or an alias of one), under its person key */
  person: (personKey: string) => ({ pk: personKey, sk: PERSON }),
  /** the sort key of a person item (the link pass's scan filters on it) */
  personSortKey: PERSON,
  /**
   * what one row's update changed on a person, as kept before issue 19: `npm run history -- migrate` moves these to
   * the history table (historyKeys.migrated) and deletes them here
   */
  history: (personKey: string, origin: { batchId: string; row: number }) => ({
    pk: personKey,
    sk: `HIST#${rowTag(origin)}`,
  }),
  /**
   * a row whose ID was held for a different identity, as kept under the person before issue 19's conflict lists
   * (`npm run rekey` still knows it); no code writes it now
   */
  personConflict: (personKey: string, origin: { batchId: string; row: number }) => ({
    pk: personKey,
    sk: `${CONFLICT}${rowTag(origin)}`,
  }),
  /** an agency's conflicts (issue 19): rows whose ID is held for a different identity, one partition per agency */
  conflictList: (agencyCode: string) => `${CONFLICT}${agencyCode}`,
  /** a conflict on the uploading agency's list, by its id (reviewId of its row) */
  conflict: (agencyCode: string, id: string) => ({ pk: registerKeys.conflictList(agencyCode), sk: id }),
  isConflictList: (pk: string) => pk.startsWith(CONFLICT),
  /** a person filed under one of its blocking keys (record linkage) */
  blocking: (blockingKey: string, personKey: string) => ({ pk: blockingKey, sk: personKey }),
  /** an agency's review list: one partition per agency */
  reviewList: (agencyCode: string) => `${REVIEW}${agencyCode}`,
  /** a probable duplicate on an agency's review list */
  review: (agencyCode: string, id: string) => ({ pk: registerKeys.reviewList(agencyCode), sk: id }),
  isReviewList: (pk: string) => pk.startsWith(REVIEW),
  /** an agency's identity corrections waiting for a second officer (issue 19): one partition per agency */
  correctionList: (agencyCode: string) => `${CORRECTION}${agencyCode}`,
  /** a correction on its agency's list, by its id (reviewId of its row) */
  correction: (agencyCode: string, id: string) => ({ pk: registerKeys.correctionList(agencyCode), sk: id }),
};

// ── The history table (issue 19): every change to a person, one item per change, put once and never changed.

/** a change's version, padded: a person's changes read in the order they were made */
const paddedVersion = (version: number) => String(version).padStart(8, '0');

export const historyKeys = {
  /**
   * the change that made version `version` of a person, by what made it (`change`: a row's `{batchId}#{row}`, a
   * review's or a merge's tag): a retry of the same change from the same version puts the same key
   */
  change: (personKey: string, version: number, change: string) => ({
    pk: personKey,
    sk: `${paddedVersion(version)}#${change}`,
  }),
  /** a register history item from before issue 19 (version 0: before any kept in order), by when it was written */
  migrated: (personKey: string, at: string, origin: { batchId: string; row: number }) => ({
    pk: personKey,
    sk: `${paddedVersion(0)}#${at}#${rowTag(origin)}`,
  }),
  /** the version of a change's sort key */
  versionOf: (sortKey: string) => Number(sortKey.slice(0, 8)),
  /** the row a change's sort key names (`{version}#{batchId}#{row}`); undefined for a review's, a merge's or an issuance's */
  rowOf: (sortKey: string) => rowOfEntry(`${sortKey.slice(9)}:`),
};

/** A review item's id: the row's batch and row number (`.` is not in a batch id), safe in a URL path. */
export const reviewId = (origin: { batchId: string; row: number }) => `${origin.batchId}.${origin.row}`;
/** The review ids of one batch begin with this. */
export const reviewIdPrefix = (batchId: string) => `${batchId}.`;

// ── Person keys: the register's partition key of a person, and the blocking keys that file it for linkage.
// A person key is opaque (issue 16): an HMAC of the person's identity under dancu's secret
// (shared/domain/person-keyer.ts), so no one can read an ID back from a key shown in a report.

const BY_ID = 'id';
const BY_DIGEST = 'nk';
/** `p{version}:{kind}:{mac}`: the secret's version, the identity's kind, 22 base64url characters of the HMAC */
const SEALED = /^p(\d+):(id|nk):[A-Za-z0-9_-]{22}$/;

export const personKeys = {
  /** the identity of a person whose form has a valid personal ID: what its key is sealed from */
  identityById: (personalId: string) => `${BY_ID}:${personalId}`,
  /** the identity of a person without one: a digest of its identity fields (shared/domain/identity.ts) */
  identityByDigest: (digest: string) => `${BY_DIGEST}:${digest}`,
  /** a person key: the secret's version, the identity's kind and the HMAC of the identity under the secret */
  sealed: (version: number, identity: string, mac: string) =>
    `p${version}:${identity.startsWith(`${BY_ID}:`) ? BY_ID : BY_DIGEST}:${mac}`,
  /** the secret's version a person key was sealed under; undefined for a key from before issue 16 (`id:`, `nk:`) */
  versionOf: (personKey: string) => {
    const match = SEALED.exec(personKey);
    return match ? Number(match[1]) : undefined;
  },
  /** a key from before issue 16 is its identity itself; `npm run rekey` seals it */
  isLegacy: (personKey: string) => personKey.startsWith(`${BY_ID}:`) || personKey.startsWith(`${BY_DIGEST}:`),
  /** whether the person has a personal ID (such persons rank first in linkage), for a sealed or a legacy key */
  isById: (personKey: string) =>
    personKey.startsWith(`${BY_ID}:`) || (SEALED.test(personKey) && personKey.includes(`:${BY_ID}:`)),
  /** a blocking key: its kind's prefix and a digest of its basis (shared/linkage/blocking.ts) */
  blocking: (kindPrefix: string, digest: string) => `${kindPrefix}:${digest}`,
};

/**
 * IAM patterns of register partition keys (`dynamodb:LeadingKeys`), for grants that reach only some item types: the
 * agencies' review lists, and persons under a sealed key or one from before issue 16 (never a blocking item).
 */
export const registerPartitions = {
  reviewLists: [`${REVIEW}*`],
  correctionLists: [`${CORRECTION}*`],
  conflictLists: [`${CONFLICT}*`],
  persons: [`p*:${BY_ID}:*`, `p*:${BY_DIGEST}:*`, `${BY_ID}:*`, `${BY_DIGEST}:*`],
} as const;

// ── The applications table: per application, one item per event kept and one holding its state.

const EVENT = 'EVENT#';
const applicationPartition = (applicationCode: string) => `APP#${applicationCode}`;

export const applicationKeys = {
  state: (applicationCode: string) => ({ pk: applicationPartition(applicationCode), sk: 'STATE' }),
  /** zero-padded, so the sort key orders events by sequence */
  event: (applicationCode: string, sequence: number) => ({
    pk: applicationPartition(applicationCode),
    sk: `${EVENT}${String(sequence).padStart(16, '0')}`,
  }),
  /** a Query for every event of an application */
  events: (applicationCode: string) => ({ pk: applicationPartition(applicationCode), skPrefix: EVENT }),
};

// ── The agencies table: one item per agency (issue 17), changed by the operator command `npm run agencies`.

export const agencyKeys = {
  /** an agency, under its code */
  agency: (agencyCode: string) => ({ pk: `${AGENCY}${agencyCode}`, sk: 'AGENCY' }),
  /** an agency system's OAuth client: which agency it acts for (the machine authoriser reads it by client id) */
  machineClient: (clientId: string) => ({ pk: `CLIENT#${clientId}`, sk: 'CLIENT' }),
};

// ── The ids table: the personal ID numbers dancu issued (issue 20, docs/ids.md).

const ID_PREFIX = 'IDPREFIX#';
const ID_COUNTER = 'COUNTER';
const ISSUED = 'ISSUED#';
const ISSUED_SK = 'ISSUE';
const ISSUED_ROW = 'ROW#';
const BIRTH = 'BIRTH#';
const BIRTH_SK = 'BIRTH';

export const idKeys = {
  /** a prefix's counter (`next`), order key and size: `{place}{centurySex}{yy}` */
  counter: (prefix: string) => ({ pk: `${ID_PREFIX}${prefix}`, sk: ID_COUNTER }),
  /** the number issued for a birth: put once, never changed */
  issuedForBirth: (registrationId: string) => ({ pk: `${ISSUED}birth#${registrationId}`, sk: ISSUED_SK }),
  /**
   * the number issued for a form's row: put once, never changed; a batch's numbers share its partition, so one Query
   * reads them all (`issued-ids.csv`)
   */
  issuedForRow: (batchId: string, row: number) => ({
    pk: idKeys.issuedForBatch(batchId),
    sk: `${ISSUED_ROW}${String(row).padStart(10, '0')}`,
  }),
  /** the partition of a batch's issued numbers */
  issuedForBatch: (batchId: string) => `${ISSUED}form#${batchId}`,
  /** a registered birth: its number, the child's person key, what is missing, its parents' links */
  birth: (registrationId: string) => ({ pk: `${BIRTH}${registrationId}`, sk: BIRTH_SK }),
};

/** The ids table's partitions by kind, as IAM's `dynamodb:LeadingKeys` patterns: the agency function reads births alone. */
export const idPartitions = {
  births: [`${BIRTH}*`],
  /** the prefixes' counters and the numbers issued for forms' rows: the link pass's issuance (never a birth's) */
  formIssuance: [`${ID_PREFIX}*`, `${ISSUED}form#*`],
};

// ── The batches bucket: uploads, reports and the work files of batches and link passes in flight.

/** The bucket's top-level prefixes: the stack's notification, lifecycle rules and agency roles use them. */
export const PREFIXES = {
  /** agencies upload `incoming/{agencyCode}/{name}` */
  incoming: 'incoming/',
  /** dancu writes `reports/{agencyCode}/{name}/…` */
  reports: 'reports/',
  /** intermediate files of batches and link passes in flight; expired by a lifecycle rule */
  work: 'work/',
  /** what each completed batch moved on the coverage counters, kept for the recount (issue 18) */
  coverage: 'coverage/',
  /** expected residents per commune, `reference/population/{name}.csv`, and the report of each beside it */
  referencePopulation: 'reference/population/',
} as const;

/** The files of a batch's report, as finalize writes them. */
export const REPORT_FILES = ['summary.json', 'outcomes.csv', 'outcomes.xlsx', 'review.csv'] as const;
/** Beside them, once a link pass has numbered the batch's rows (issue 20). */
export const ISSUED_IDS_REPORT = 'issued-ids.csv' as const;
export type ReportFile = (typeof REPORT_FILES)[number] | typeof ISSUED_IDS_REPORT;

/** The agency and name a batch's reports go under. */
function reportName(batch: { batchId: string; agencyCode: string; objectKey: string }) {
  const parsed = objectKeys.parseUpload(batch.objectKey);
  const name = parsed?.name ?? batch.objectKey.split('/').pop() ?? batch.batchId;
  return { agencyCode: parsed?.agencyCode ?? batch.agencyCode, name };
}

const INCOMING = new RegExp(`^${PREFIXES.incoming}([A-Za-z0-9][A-Za-z0-9_-]{0,63})/([^/]+)$`);
/** what a reference upload's name ends with: the bucket's notification for the prefix names only these */
export const REFERENCE_UPLOAD_SUFFIX = '.csv';
const REFERENCE_REPORT_SUFFIX = '.report.json';
// directly under the prefix, ending .csv: a report (.report.json) or a key in a sub-folder is never an upload
const REFERENCE_UPLOAD = new RegExp(`^${PREFIXES.referencePopulation}([^/]+)\\${REFERENCE_UPLOAD_SUFFIX}$`);

export const objectKeys = {
  /** an agency's upload */
  upload: (agencyCode: string, name: string) => `${PREFIXES.incoming}${agencyCode}/${name}`,
  /** where an agency may upload */
  uploadPrefix: (agencyCode: string) => `${PREFIXES.incoming}${agencyCode}/`,
  /** the agency and file name of an upload key, or undefined */
  parseUpload(key: string): { agencyCode: string; name: string } | undefined {
    const match = INCOMING.exec(key);
    return match?.[1] && match[2] ? { agencyCode: match[1], name: match[2] } : undefined;
  },
  /** where an agency's reports are */
  reportsPrefix: (agencyCode: string) => `${PREFIXES.reports}${agencyCode}/`,
  /** the report of upload `incoming/{agencyCode}/{name}` */
  reportPrefix: (agencyCode: string, name: string) => `${PREFIXES.reports}${agencyCode}/${name}/`,
  /** the newest report of upload `incoming/{agencyCode}/{name}`: the latest batch of the name writes it */
  report: (agencyCode: string, name: string, file: ReportFile) =>
    `${objectKeys.reportPrefix(agencyCode, name)}${file}`,
  /** one batch's report, kept under its id whatever later uploads of the name do */
  batchReportPrefix: (agencyCode: string, name: string, batchId: string) =>
    `${objectKeys.reportPrefix(agencyCode, name)}batches/${batchId}/`,
  /** a batch's own report file, beside its upload's agency and name (a key no upload has: its last part, or the id) */
  batchReport(batch: { batchId: string; agencyCode: string; objectKey: string }, file: ReportFile): string {
    const { agencyCode, name } = reportName(batch);
    return `${objectKeys.batchReportPrefix(agencyCode, name, batch.batchId)}${file}`;
  },
  /** the name's report file that a batch writes while it is the latest upload of its key */
  latestReport(batch: { batchId: string; agencyCode: string; objectKey: string }, file: ReportFile): string {
    const { agencyCode, name } = reportName(batch);
    return objectKeys.report(agencyCode, name, file);
  },
  /** what a batch moved on the coverage counters: its forms' counts and its persons' (the recount adds them up) */
  batchCoverage: (batchId: string) => `${PREFIXES.coverage}batches/${batchId}.json`,
  /** a file of expected residents, `{name}.csv` directly under the reference prefix */
  referenceUpload: (name: string) => `${PREFIXES.referencePopulation}${name}${REFERENCE_UPLOAD_SUFFIX}`,
  /** the name of a reference upload's key (without `.csv`), or undefined for any other key (a report among them) */
  parseReference(key: string): { name: string } | undefined {
    const name = REFERENCE_UPLOAD.exec(key)?.[1];
    return name ? { name } : undefined;
  },
  /** the report of reference upload `{name}.csv`, beside it; not a `.csv`, so it starts nothing */
  referenceReport: (name: string) => `${PREFIXES.referencePopulation}${name}${REFERENCE_REPORT_SUFFIX}`,
  /** every reference report: an IAM pattern (finalize writes these and no other key under the prefix) */
  referenceReports: `${PREFIXES.referencePopulation}*${REFERENCE_REPORT_SUFFIX}`,
  /** a partition's chunk of valid rows */
  chunk: (batchId: string, partition: number, seq: number) =>
    `${PREFIXES.work}${batchId}/chunks/${partition}/${seq}.ndjson`,
  /** the outcomes of a chunk's rows */
  outcomes: (batchId: string, partition: number, seq: number) =>
    `${PREFIXES.work}${batchId}/outcomes/${partition}/${seq}.ndjson`,
  /** rejected rows, in the order the split read them */
  rejected: (batchId: string, seq: number) => `${PREFIXES.work}${batchId}/rejected/${seq}.ndjson`,
};

/**
 * The objects of the link pass alone (its work files, and the pattern of the reports it writes): apart from
 * objectKeys so that the functions that never run a pass do not bundle them.
 */
export const passKeys = {
  /** a link pass's scan lines of one partition, from one part of one segment */
  scan: (passId: string, partition: number, segment: number, part: number) =>
    `${PREFIXES.work}link/${passId}/scan/${partition}/${segment}-${part}.ndjson`,
  /** the persons without a personal ID a link pass's scan segment read, for its issue stage (issue 20) */
  unnumbered: (passId: string, segment: number) =>
    `${PREFIXES.work}link/${passId}/unnumbered/${segment}.ndjson`,
  /** the batches whose rows an issue step gave numbers, for the report stage */
  issuedBatches: (passId: string, segment: number) =>
    `${PREFIXES.work}link/${passId}/issued/${segment}.ndjson`,
  /** a link pass's best candidates of one partition for one decide step */
  best: (passId: string, partition: number, from: number) =>
    `${PREFIXES.work}link/${passId}/best/${partition}/${from}.ndjson`,
  /** every batch's `issued-ids.csv`: an IAM pattern (the link pass writes these and no other report) */
  issuedIdsReports: `${PREFIXES.reports}*/${ISSUED_IDS_REPORT}`,
};
