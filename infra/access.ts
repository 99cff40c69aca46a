// What each function may touch, as plain data: the exact DynamoDB actions (no Scan, no BatchWriteItem unless
// used), the key prefixes, the queues and the secrets its handler and shared/ code reach.
// infra/constructs/function-access.ts turns it into IAM statements; test/infra/production.test.ts ("least
// privilege") holds the template to it.

import {
  batchKeys,
  coverageKeys,
  idPartitions,
  objectKeys,
  PREFIXES,
  passKeys,
  registerPartitions,
} from '../shared/keys.ts';
import type { FunctionId, HttpFunctionId, QueueId, SecretId, TableId } from '../shared/resources.ts';

type KeyPrefix = (typeof PREFIXES)[keyof typeof PREFIXES];

export type ItemAction =
  | 'GetItem'
  | 'PutItem'
  | 'UpdateItem'
  | 'DeleteItem'
  | 'Query'
  | 'BatchGetItem'
  | 'BatchWriteItem'
  | 'ConditionCheckItem'
  /** the link pass alone: it reads the whole register once per pass (a parallel scan) */
  | 'Scan'
  /** the link pass alone: the register's item count sizes a pass */
  | 'DescribeTable';

export interface TableAccess {
  readonly actions: readonly ItemAction[];
  /** some of `actions` only on items whose partition key is like one of `leadingKeys` (IAM patterns) */
  readonly partitions?: readonly { actions: readonly ItemAction[]; leadingKeys: readonly string[] }[];
  /** indexes queried, by name (granted as `table/index/{name}`, never `index/*`) */
  readonly indexes?: readonly string[];
}

export interface Access {
  readonly readsObjects: readonly KeyPrefix[];
  /**
   * ListBucket (a missing object then reads as NoSuchKey, not AccessDenied): on the whole bucket by default;
   * `readPrefixes`: a listing only under the prefixes it reads. The work-file readers keep the default: their normal
   * flow asks whether a work file exists, and AWS does not document that a prefix-conditioned ListBucket still turns
   * the AccessDenied of a missing object into NoSuchKey.
   */
  readonly listBucket?: 'readPrefixes';
  readonly writesObjects: readonly KeyPrefix[];
  /** keys like one of these IAM patterns (shared/keys.ts), for a write narrower than a whole prefix */
  readonly writesObjectsLike?: readonly string[];
  readonly tables: Partial<Record<TableId, TableAccess>>;
  readonly sendsTo: readonly QueueId[];
  /** secrets it reads (GetSecretValue, and Decrypt of the secret's key through Secrets Manager only) */
  readonly readsSecrets: readonly SecretId[];
}

/** batch-store.ts: get, create (put), the object-key claim (put), progress (update) */
const BATCH_WRITER: TableAccess = { actions: ['GetItem', 'PutItem', 'UpdateItem'] };
/** agency-store.ts, as the functions read it: one agency (get); only the operator command writes the table */
const AGENCY_READER: TableAccess = { actions: ['GetItem'] };
/**
 * history-store.ts, as the functions that change persons write it: append-only, a put conditional on the item not
 * being there (never an update, never a delete: a function cannot rewrite or remove what it did)
 */
const HISTORY_WRITER: TableAccess = {
  actions: ['PutItem'],
  // a history item is under its person's key: never any other partition
  partitions: [{ actions: ['PutItem'], leadingKeys: registerPartitions.persons }],
};

export const ACCESS: Record<FunctionId | HttpFunctionId, Access> = {
  // reads the upload, writes chunks and rejected rows, writes the report of a file it cannot read or refuses
  split: {
    readsObjects: [PREFIXES.incoming],
    // it never lists; an upload gone before it is read is the one missing object it meets
    listBucket: 'readPrefixes',
    writesObjects: [PREFIXES.work, PREFIXES.reports],
    tables: { batches: BATCH_WRITER, agencies: AGENCY_READER },
    sendsTo: ['records', 'intake', 'finalize'],
    readsSecrets: [],
  },
  // reads a chunk, writes its outcomes, writes the failed report when a chunk gives up; register-store.ts, and
  // the linkage's candidate queries and batched writes (issue 5)
  register: {
    readsObjects: [PREFIXES.work],
    writesObjects: [PREFIXES.work, PREFIXES.reports],
    tables: {
      batches: BATCH_WRITER,
      register: { actions: ['GetItem', 'PutItem', 'UpdateItem', 'Query', 'BatchWriteItem'] },
      history: HISTORY_WRITER,
    },
    sendsTo: ['records', 'finalize'],
    readsSecrets: ['personKey'],
  },
  // the link pass (shared/ingest/link-pass.ts): the pass item in the batches table, a parallel scan of the register,
  // the persons it merges (get, update) and review items it puts; its scan and candidate files under work/
  // Where the stage issues numbers (issue 20): the prefixes' counters (update) and the rows' issuance records
  // (conditional put, get, a batch's query), never a birth's; `issued-ids.csv` beside a batch's report, and its count
  // on the batch (update)
  link: {
    readsObjects: [PREFIXES.work],
    writesObjects: [PREFIXES.work],
    writesObjectsLike: [passKeys.issuedIdsReports],
    tables: {
      batches: BATCH_WRITER,
      register: { actions: ['Scan', 'DescribeTable', 'GetItem', 'PutItem', 'UpdateItem'] },
      ids: {
        actions: ['GetItem', 'PutItem', 'UpdateItem', 'Query'],
        partitions: [
          { actions: ['GetItem', 'PutItem', 'UpdateItem', 'Query'], leadingKeys: idPartitions.formIssuance },
        ],
      },
      // a merge's changes to both persons
      history: HISTORY_WRITER,
    },
    sendsTo: ['linkPass'],
    // the person-key secret: an ID's variant keys are digests under it (issue 22), so no ID shows in a scan file's key
    readsSecrets: ['personKey'],
  },
  // merges outcomes and rejected rows into the report; reads the upload again for the cells of the rows outcomes.xlsx
  // lists, and copies a batch's report to its name's path (a copy reads its source). Reads a reference upload and
  // writes its report beside it (never a .csv there: no function can put or change the expected residents' files),
  // and puts each province's version in the batches table (reference-store.ts: PutItem, which BATCH_WRITER has)
  finalize: {
    readsObjects: [PREFIXES.work, PREFIXES.incoming, PREFIXES.reports, PREFIXES.referencePopulation],
    writesObjects: [PREFIXES.reports, PREFIXES.coverage],
    writesObjectsLike: [objectKeys.referenceReports],
    // and the coverage counters (issue 18): an agency's unit, its rejected forms (a Query of its partition) and the
    // person-key secret, to match a rejected row's ID with a later accepted row's key (it reads the upload's cells)
    tables: { batches: { actions: ['GetItem', 'PutItem', 'UpdateItem', 'Query'] }, agencies: AGENCY_READER },
    sendsTo: [],
    readsSecrets: ['personKey'],
  },
  // the dead-letter watch (dead-letter-watch.ts): a stuck batch (get), marked failed (update) with its report, and
  // whether it is the latest of its name (get); it reads no object. Its reads of the watched dead-letter queues are
  // granted beside their URLs (ingestion-pipeline.ts, watchDeadLetters)
  watch: {
    readsObjects: [],
    writesObjects: [PREFIXES.reports],
    tables: { batches: { actions: ['GetItem', 'UpdateItem'] } },
    sendsTo: [],
    readsSecrets: [],
  },
  // register-birth.ts: a registration (get, put), the child's person (conditional put) and the parents' (get); the
  // allocator's prefix counters (update) and issuance records (conditional put, get); the registering agency (get)
  births: {
    readsObjects: [],
    writesObjects: [],
    tables: {
      register: { actions: ['GetItem', 'PutItem'] },
      ids: { actions: ['GetItem', 'PutItem', 'UpdateItem'] },
      agencies: AGENCY_READER,
      // the child's creation
      history: HISTORY_WRITER,
    },
    sendsTo: [],
    readsSecrets: ['personKey'],
  },
  // application-store.ts: an event (put once), an application's events (query), its state (conditional put), and
  // the expiry of a closed application's events (update)
  status: {
    readsObjects: [],
    writesObjects: [],
    tables: { applications: { actions: ['PutItem', 'Query', 'UpdateItem'] } },
    sendsTo: [],
    readsSecrets: [],
  },
  // GET /applications/{code}: the state item only
  lookup: {
    readsObjects: [],
    writesObjects: [],
    tables: { applications: { actions: ['GetItem'] } },
    sendsTo: [],
    readsSecrets: [],
  },
  // batch-reads.ts: a batch (get) and an agency's batches (gsi1); coverage-store.ts and reference-store.ts: a
  // province's counter items and its newest reference (query, GET /coverage; the function never calls their writes,
  // and holds no right to). In the register, review-lists.ts lists (query), reads and resolves (update) review
  // items, and resolve-review.ts reads the two persons and merges or keeps them apart (register-store.ts: get,
  // update). No PutItem, and never a blocking item: the review lists' and persons' partitions only (the caller's
  // agency is known only at run time: the handler reads only its list)
  agency: {
    // GetObject under reports/ only to sign a batch's report URLs for its own agency (GET /batches/{batchId})
    readsObjects: [PREFIXES.reports],
    listBucket: 'readPrefixes',
    // PutObject under incoming/ only to sign upload URLs (upload-urls.ts): a URL carries its signer's rights, and the
    // split admits the uploads of this one principal (UPLOAD_SIGNER) with the key's agency in their signed metadata
    writesObjects: [PREFIXES.incoming],
    tables: {
      // UpdateItem on the coverage counters alone: a reviewer's merge moves them (issue 18)
      batches: {
        actions: ['GetItem', 'Query', 'UpdateItem'],
        indexes: ['gsi1'],
        partitions: [{ actions: ['UpdateItem'], leadingKeys: [`${coverageKeys.counterPrefix}*`] }],
      },
      agencies: AGENCY_READER,
      // a reviewer's merge or keep-apart puts its changes; GET /persons/{key}/history reads a person's (query): under
      // person keys only, as on the register
      history: {
        actions: [...HISTORY_WRITER.actions, 'Query'],
        partitions: [{ actions: ['PutItem', 'Query'], leadingKeys: registerPartitions.persons }],
      },
      // GET /births/{registrationId}: a registration of its own agency, never a counter or an issuance record
      ids: { actions: ['GetItem'], partitions: [{ actions: ['GetItem'], leadingKeys: idPartitions.births }] },
      register: {
        actions: ['GetItem', 'Query', 'UpdateItem'],
        partitions: [
          { actions: ['Query'], leadingKeys: registerPartitions.reviewLists },
          {
            actions: ['GetItem', 'UpdateItem'],
            leadingKeys: [...registerPartitions.reviewLists, ...registerPartitions.persons],
          },
          // GET /worklists: whether a conflict line's conflict is still open (worklist-store.ts)
          { actions: ['GetItem'], leadingKeys: registerPartitions.conflictLists },
        ],
      },
    },
    sendsTo: [],
    readsSecrets: [],
  },
  // the second officer's decisions (issue 19): batch-reads.ts finds a correction's or a conflict's batch (get), and
  // resolved-conflicts.ts counts a decided conflict on it (update); correction-lists.ts lists (query), reads and decides
  // (update) the agencies' correction items, and puts a conflict's `take` there; conflict-lists.ts lists, reads and
  // decides the conflict items. An approval reads the person, puts a corrected ID's alias (a conditional put, under a
  // person key) and updates the person (register-store.ts); a conflict's `different` creates a person (a conditional
  // put) and keeps two apart (update); each puts the change's history item. Never a review list or a blocking item
  decisions: {
    readsObjects: [],
    writesObjects: [],
    tables: {
      // UpdateItem on batch items alone (a batch's pk with its id emptied: `BATCH#*`), never a coverage counter
      batches: {
        actions: ['GetItem', 'UpdateItem'],
        partitions: [{ actions: ['UpdateItem'], leadingKeys: [`${batchKeys.batch('').pk}*`] }],
      },
      agencies: AGENCY_READER,
      history: HISTORY_WRITER,
      register: {
        actions: ['GetItem', 'Query', 'PutItem', 'UpdateItem'],
        partitions: [
          {
            actions: ['Query', 'GetItem', 'PutItem', 'UpdateItem'],
            leadingKeys: registerPartitions.correctionLists,
          },
          { actions: ['Query', 'GetItem', 'UpdateItem'], leadingKeys: registerPartitions.conflictLists },
          { actions: ['GetItem', 'PutItem', 'UpdateItem'], leadingKeys: registerPartitions.persons },
        ],
      },
    },
    sendsTo: [],
    readsSecrets: [],
  },
  // machine-clients: a client's item and its agency's (agency-reads.ts), nothing else
  authorizer: {
    readsObjects: [],
    writesObjects: [],
    tables: { agencies: AGENCY_READER },
    sendsTo: [],
    readsSecrets: [],
  },
};
