// The resources dancu is made of, as plain data: the CDK stack builds them in AWS and the local stack
// builds them on the emulators from this one description, so the two cannot drift. No CDK imports here: the
// functions read it too (a queue's maxReceiveCount), and handlers import shared/, never infra/.
import { PREFIXES } from './keys.ts';

import { MAX_RECEIVE_COUNT, type QueueId, queueUrlVariable } from './queues.ts';

export {
  DEAD_LETTER_WATCH,
  deadLetterUrlVariable,
  MAX_RECEIVE_COUNT,
  type QueueId,
  queueUrlVariable,
} from './queues.ts';
export type TableId = 'batches' | 'register' | 'history' | 'applications' | 'agencies' | 'ids';
export type FunctionId = 'split' | 'register' | 'finalize' | 'status' | 'link' | 'births' | 'watch';
/** `personKey`: the HMAC secret behind the register's person keys (issue 16) */
export type SecretId = 'personKey';

export interface QueueSpec {
  id: QueueId;
  description: string;
  /** at least 6x the timeout of the function that consumes it (AWS guidance for event source mappings) */
  visibilityTimeoutSeconds: number;
  /** receives before a message goes to the queue's dead-letter queue */
  maxReceiveCount: number;
  retentionDays: number;
}

export interface TableSpec {
  id: TableId;
  description: string;
  /** every table has string keys `pk` and `sk` */
  timeToLiveAttribute?: string;
  /** global secondary indexes with string keys, projecting every attribute */
  indexes?: IndexSpec[];
}

export interface IndexSpec {
  name: string;
  partitionKey: string;
  sortKey: string;
}

export interface QueueSource {
  queue: QueueId;
  batchSize: number;
  maxBatchingWindowSeconds: number;
  /** caps concurrent invocations, which protects DynamoDB */
  maximumConcurrency: number;
}

/** The environment variables a function reads, and what each names. */
export type EnvironmentRef =
  | { bucket: 'batches' }
  | { table: TableId }
  /** made by functionEnvironment from `sendsTo`, never written by hand */
  | { queueUrl: QueueId }
  /** a secret the function reads once per container: its ARN in AWS (the local stack sets its own) */
  | { secret: SecretId }
  /** a setting, the same in AWS and locally */
  | { value: string };

/** What a spec's `environment` may name: its queue URLs come from `sendsTo`, under queueUrlVariable's names. */
export type SpecEnvironment = Record<string, Exclude<EnvironmentRef, { queueUrl: QueueId }>>;

export interface FunctionSpec {
  id: FunctionId;
  description: string;
  /** handler module, relative to the repository root */
  entry: string;
  timeoutSeconds: number;
  memoryMb: number;
  /**
   * V8's old-space limit: with room to spare V8 collects late, so a streaming function's RSS grows with the
   * memory it is given rather than with what it holds; a limit keeps it near what it needs.
   */
  maxHeapMb?: number;
  source: QueueSource;
  environment: SpecEnvironment;
  /** the queues its handler sends to (`send` in functions/commons/pipeline.ts) */
  sendsTo: readonly QueueId[];
}

/**
 * Every environment variable a function reads, and what each names: its bucket, tables and secrets, the URL of each
 * queue it sends to, then its settings. The CDK stack and the local stack both set exactly these.
 */
export function functionEnvironment(spec: {
  environment: SpecEnvironment;
  sendsTo?: readonly QueueId[];
}): Record<string, EnvironmentRef> {
  const named = Object.entries(spec.environment);
  const queueUrls = (spec.sendsTo ?? []).map(
    (queue) => [queueUrlVariable(queue), { queueUrl: queue }] as const,
  );
  return Object.fromEntries([
    ...named.filter(([, ref]) => !('value' in ref)),
    ...queueUrls,
    ...named.filter(([, ref]) => 'value' in ref),
  ]);
}

// Each a constant of its own, and the timeouts below plain numbers: the functions import QUEUES, and esbuild keeps
// an unused object whose values read a property (which could run a getter), so `environment.X` or
// `FUNCTIONS.split.timeoutSeconds` here kept every spec of this file in every function's bundle (docs/benchmarks.md).
const BATCHES_BUCKET = { bucket: 'batches' } as const satisfies EnvironmentRef;
const BATCHES_TABLE = { table: 'batches' } as const satisfies EnvironmentRef;
const REGISTER_TABLE = { table: 'register' } as const satisfies EnvironmentRef;
const APPLICATIONS_TABLE = { table: 'applications' } as const satisfies EnvironmentRef;
// read by the functions that refuse an unknown or disabled agency (shared/store/agency-store.ts, read-only)
const AGENCIES_TABLE = { table: 'agencies' } as const satisfies EnvironmentRef;
const IDS_TABLE = { table: 'ids' } as const satisfies EnvironmentRef;
// every change to a person, put once (issue 19); HISTORY_DAYS, how long an item is kept: the stage's `retention`
const HISTORY_TABLE = { table: 'history' } as const satisfies EnvironmentRef;
const HISTORY_DAYS = { value: '3653' } as const satisfies EnvironmentRef;
// Named only by the functions that compute person keys: infra/access.ts lets no other function read it.
const PERSON_KEY_SECRET = { secret: 'personKey' } as const satisfies EnvironmentRef;
/** What a function that writes the register reads and writes: the bucket, the batches and the register. */
const REGISTER_STORES = { BATCHES_BUCKET, BATCHES_TABLE, REGISTER_TABLE };

/** The queue functions' timeouts: each queue's visibility timeout is six times its consumer's. */
const SPLIT_TIMEOUT_SECONDS = 900;
const REGISTER_TIMEOUT_SECONDS = 120;
const FINALIZE_TIMEOUT_SECONDS = 900;
const STATUS_TIMEOUT_SECONDS = 30;
const BIRTHS_TIMEOUT_SECONDS = 30;
const LINK_TIMEOUT_SECONDS = 900;
const WATCH_TIMEOUT_SECONDS = 300;

export const FUNCTIONS: Record<FunctionId, FunctionSpec> = {
  split: {
    id: 'split',
    description:
      'Reads an uploaded batch, validates every row, writes rejected rows and chunks of valid ones',
    entry: 'functions/split/handler.ts',
    // hands over to a fresh invocation before this runs out (a province-sized file takes several)
    timeoutSeconds: SPLIT_TIMEOUT_SECONDS,
    memoryMb: 1024,
    // bounds the split's heap at the same speed (bench/split-memory, docs/benchmarks.md)
    maxHeapMb: 128,
    source: { queue: 'intake', batchSize: 1, maxBatchingWindowSeconds: 0, maximumConcurrency: 10 },
    environment: { BATCHES_BUCKET, BATCHES_TABLE, AGENCIES_TABLE },
    sendsTo: ['records', 'intake', 'finalize'],
  },
  register: {
    id: 'register',
    description:
      'Dedupes a chunk of valid records into the register (exact keys and record linkage) and records each row outcome',
    entry: 'functions/register/handler.ts',
    timeoutSeconds: REGISTER_TIMEOUT_SECONDS,
    // its work is CPU-bound (the SDK's requests): a whole vCPU takes a chunk in less time for the same GB-seconds
    // (docs/scale.md)
    memoryMb: 1769,
    source: { queue: 'records', batchSize: 1, maxBatchingWindowSeconds: 0, maximumConcurrency: 32 },
    environment: {
      ...REGISTER_STORES,
      HISTORY_TABLE,
      // each valid row's person key is an HMAC under it (issue 16); finalize seals a rejected row's ID the same way
      PERSON_KEY_SECRET,
      // record linkage on or off (docs/linkage.md, cost): the stage's `linkage` (infra/stages.ts) sets it
      LINKAGE: { value: 'on' },
      // days its worklist lines (probable duplicates, conflicts, unplaced forms) are kept: as finalize's rejections
      KEEP_REJECTED_DAYS: { value: '30' },
      HISTORY_DAYS,
    },
    sendsTo: ['records', 'finalize'],
  },
  finalize: {
    id: 'finalize',
    description: "Merges a finished batch's outcomes in row order into its report",
    entry: 'functions/finalize/handler.ts',
    timeoutSeconds: FINALIZE_TIMEOUT_SECONDS,
    memoryMb: 1024,
    source: { queue: 'finalize', batchSize: 1, maxBatchingWindowSeconds: 0, maximumConcurrency: 5 },
    environment: {
      BATCHES_BUCKET,
      BATCHES_TABLE,
      // where an agency's unplaced forms count (its unit), and the keys a rejected row's ID is matched by
      AGENCIES_TABLE,
      PERSON_KEY_SECRET,
      // days a rejected form waits to be re-collected: the stage's `retention.reportsDays` sets it
      KEEP_REJECTED_DAYS: { value: '30' },
    },
    sendsTo: [],
  },
  status: {
    id: 'status',
    description: "Applies one-stop-shop systems' procedure events to the applications citizens look up",
    entry: 'functions/status/handler.ts',
    timeoutSeconds: STATUS_TIMEOUT_SECONDS,
    memoryMb: 512,
    // events of one application may be applied concurrently: the application store makes that safe
    source: { queue: 'procedureEvents', batchSize: 10, maxBatchingWindowSeconds: 1, maximumConcurrency: 5 },
    environment: {
      APPLICATIONS_TABLE,
      // days a closed application is kept (storage limitation): the stage's `retention` (infra/stages.ts) sets it
      CLOSED_APPLICATIONS_DAYS: { value: '365' },
    },
    sendsTo: [],
  },
  link: {
    id: 'link',
    description:
      'Links the whole register in one pass: scans it, groups persons by blocking key, merges or lists for review',
    entry: 'functions/link/handler.ts',
    timeoutSeconds: LINK_TIMEOUT_SECONDS,
    // a group step holds a partition's lines (scan lines / partitions): memory is what it needs, and CPU with it
    memoryMb: 2048,
    // a pass's steps run side by side up to this: the scan reads the register at up to this many segments at once
    source: { queue: 'linkPass', batchSize: 1, maxBatchingWindowSeconds: 0, maximumConcurrency: 16 },
    environment: {
      ...REGISTER_STORES,
      HISTORY_TABLE,
      // an ID's variant keys are digests under it (issue 22: IDs one keystroke apart meet in a scan group)
      PERSON_KEY_SECRET,
      // a pass's segments and partitions when its start message does not say (docs/linkage.md, the link pass)
      LINK_SEGMENTS: { value: '16' },
      LINK_PARTITIONS: { value: '16' },
      HISTORY_DAYS,
      // the stage's issueIds (issue 20): a pass ends by issuing numbers to the persons it leaves without one (on
      // the local stack too, as in dev)
      ISSUE_IDS: { value: 'on' },
      IDS_TABLE,
      // the numbers a prefix may give: 0 for all its allowed suffixes (a test stage names fewer)
      ID_SPACE_LIMIT: { value: '0' },
    },
    sendsTo: ['linkPass'],
  },
  births: {
    id: 'births',
    description:
      "Registers the civil-registration system's births: a personal ID number for each child, its person, its parents",
    entry: 'functions/births/handler.ts',
    timeoutSeconds: BIRTHS_TIMEOUT_SECONDS,
    // the allowed suffixes (3.5 MB, made once per container) and a few HMACs per number
    memoryMb: 512,
    source: { queue: 'births', batchSize: 10, maxBatchingWindowSeconds: 1, maximumConcurrency: 5 },
    environment: {
      REGISTER_TABLE,
      IDS_TABLE,
      AGENCIES_TABLE,
      // the child's creation (issue 19)
      HISTORY_TABLE,
      // the child's key, its parents' and a held number's are HMACs under it (issue 16)
      PERSON_KEY_SECRET,
      // the numbers a prefix may give: 0 for all its allowed suffixes (a test stage names fewer)
      ID_SPACE_LIMIT: { value: '0' },
      HISTORY_DAYS,
    },
    sendsTo: [],
  },
  watch: {
    id: 'watch',
    description:
      'The dead-letter watch: fails, with its report, each batch in progress whose message waits in a dead-letter queue',
    entry: 'functions/watch/handler.ts',
    // reads up to 1000 messages of each watched dead-letter queue, then writes a short report per stuck batch
    timeoutSeconds: WATCH_TIMEOUT_SECONDS,
    memoryMb: 512,
    // a sweep every few minutes: 2, the least SQS allows, is plenty
    source: { queue: 'watch', batchSize: 1, maxBatchingWindowSeconds: 0, maximumConcurrency: 2 },
    // the watched dead-letter queues' URLs are set beside these by the stacks (DEAD_LETTER_WATCH)
    environment: { BATCHES_BUCKET, BATCHES_TABLE },
    sendsTo: [],
  },
};

export const QUEUES: Record<QueueId, QueueSpec> = {
  intake: {
    id: 'intake',
    description: `S3 ObjectCreated events for ${PREFIXES.incoming}, and split hand-overs`,
    visibilityTimeoutSeconds: 6 * SPLIT_TIMEOUT_SECONDS,
    maxReceiveCount: MAX_RECEIVE_COUNT.intake,
    retentionDays: 14,
  },
  records: {
    id: 'records',
    description: 'Chunks of valid records, one message per chunk',
    visibilityTimeoutSeconds: 6 * REGISTER_TIMEOUT_SECONDS,
    maxReceiveCount: MAX_RECEIVE_COUNT.records,
    retentionDays: 14,
  },
  finalize: {
    id: 'finalize',
    description: 'Batches whose every chunk is registered, to be reported',
    visibilityTimeoutSeconds: 6 * FINALIZE_TIMEOUT_SECONDS,
    maxReceiveCount: MAX_RECEIVE_COUNT.finalize,
    retentionDays: 14,
  },
  procedureEvents: {
    id: 'procedureEvents',
    description: 'Application status events from one-stop-shop systems (docs/procedures.md, "Events")',
    visibilityTimeoutSeconds: 6 * STATUS_TIMEOUT_SECONDS,
    maxReceiveCount: MAX_RECEIVE_COUNT.procedureEvents,
    retentionDays: 14,
  },
  births: {
    id: 'births',
    description: 'Registered births from the civil-registration system (docs/ids.md, "Birth events")',
    visibilityTimeoutSeconds: 6 * BIRTHS_TIMEOUT_SECONDS,
    maxReceiveCount: MAX_RECEIVE_COUNT.births,
    retentionDays: 14,
  },
  linkPass: {
    id: 'linkPass',
    description: 'Steps of a link pass over the register: start, scan, group, decide',
    visibilityTimeoutSeconds: 6 * LINK_TIMEOUT_SECONDS,
    maxReceiveCount: MAX_RECEIVE_COUNT.linkPass,
    retentionDays: 14,
  },
  watch: {
    id: 'watch',
    description: "The dead-letter watch's sweeps, sent on the stage's schedule (docs/operations.md)",
    visibilityTimeoutSeconds: 6 * WATCH_TIMEOUT_SECONDS,
    maxReceiveCount: MAX_RECEIVE_COUNT.watch,
    // a sweep not run within a day is of no use: another has come since
    retentionDays: 1,
  },
};

export const TABLES: Record<TableId, TableSpec> = {
  batches: {
    id: 'batches',
    description: 'Batches, their progress and chunk markers',
    // shared/store/batch-store.ts writes gsi1pk = AGENCY#{agencyCode}, gsi1sk = {startedAt}#{batchId}: an agency's
    // batches in time order (GET /batches); object-key items carry no gsi1pk, so the index holds batches only
    indexes: [{ name: 'gsi1', partitionKey: 'gsi1pk', sortKey: 'gsi1sk' }],
    // an agency's rejected forms waiting to be re-collected expire (shared/store/recollect-store.ts): nothing else here
    // carries the attribute
    timeToLiveAttribute: 'expiresAt',
  },
  register: {
    id: 'register',
    description:
      'The population register: people, their conflicts, blocking items (record linkage) and review lists',
  },
  history: {
    id: 'history',
    description:
      'Every change to a person of the register (issue 19): field, from, to, when, by which row or request, why and by whom; put once, never changed',
    // each item expires the stage's `retention.historyDays` after it was written (shared/store/history-store.ts)
    timeToLiveAttribute: 'expiresAt',
  },
  applications: {
    id: 'applications',
    description: 'Administrative-procedure applications: the events received and the state citizens look up',
    // a closed application's items expire (shared/store/application-store.ts writes it, the stage's retention)
    timeToLiveAttribute: 'expiresAt',
  },
  agencies: {
    id: 'agencies',
    description:
      'The agencies as data: code, name, kind, the unit served and whether each may act (npm run agencies)',
  },
  ids: {
    id: 'ids',
    description:
      'Personal ID numbers dancu issued (issue 20): each prefix counter, and one record per birth or form, never changed',
  },
};

// --- HTTP API (docs/procedures.md, "HTTP API"): API Gateway HTTP API → Lambda in AWS, local/runtime/http-server.ts locally ---

export type HttpFunctionId = 'lookup' | 'agency' | 'decisions' | 'authorizer';

export interface HttpRouteSpec {
  method: 'GET' | 'POST';
  /** API Gateway route path, `{name}` for a path parameter */
  path: string;
  /** steady requests per second and burst for this route, below the stage's own */
  throttle?: { rateLimit: number; burstLimit: number };
  /**
   * a page's document, on the people API only and answered without a token: a browser cannot send one when it opens
   * a link, and the document holds no data (its script signs the person in, then calls the routes that need the token)
   */
  page?: true;
}

/**
 * The HTTP APIs, each with exactly one way in for all its routes (docs/operations.md "Who gets in"):
 * - `citizen`: open; behind CloudFront and the WAF where the stage has them, its own `execute-api` address disabled;
 * - `people`: a person's Cognito ID token, checked by API Gateway's JWT authoriser (locally: local/runtime/sign-in.ts);
 * - `machine`: an agency system's OAuth access token (client credentials), checked by the machine authoriser
 *   function, which also finds the client's agency (locally: the same check in the local server).
 * The agencies' routes are on both `people` and `machine`, over one function; the people's pages (`page` routes,
 * documents without data) are on `people` alone, the one route there that needs no token.
 */
export type HttpApiId = 'citizen' | 'people' | 'machine';
export type HttpAuthorization = 'none' | 'jwt' | 'lambda';

export const HTTP_APIS: Record<HttpApiId, { authorization: HttpAuthorization; description: string }> = {
  citizen: {
    authorization: 'none',
    description: 'dancu citizens: the lookup page, the OpenAPI document and GET /applications/{code} (open)',
  },
  people: {
    authorization: 'jwt',
    description: "dancu agencies' people: batches, review lists and uploads, signed in with Cognito (JWT)",
  },
  machine: {
    authorization: 'lambda',
    description: "dancu agencies' systems: uploads and batches, OAuth client credentials",
  },
};

export interface HttpFunctionSpec {
  id: HttpFunctionId;
  /** the APIs its routes are on: each route on each, under that API's authorisation */
  apis: HttpApiId[];
  description: string;
  /** handler module, relative to the repository root */
  entry: string;
  timeoutSeconds: number;
  memoryMb: number;
  routes: HttpRouteSpec[];
  /**
   * answers its APIs' `$default` route, every request no route matches, with a 404 in the error envelope (behind
   * the API's authorisation, so an unauthorised request gets API Gateway's 401/403 first)
   */
  defaultRoute?: true;
  environment: SpecEnvironment;
}

export { DEFAULT_ROUTE_KEY } from './api/route-keys.ts';

/** An agency route: throttled at `rateLimit` requests a second with bursts of twice that. */
const agencyRoute = (method: HttpRouteSpec['method'], path: string, rateLimit: number): HttpRouteSpec => ({
  method,
  path,
  throttle: { rateLimit, burstLimit: 2 * rateLimit },
});

export const HTTP_FUNCTIONS: Record<HttpFunctionId, HttpFunctionSpec> = {
  lookup: {
    id: 'lookup',
    apis: ['citizen'],
    description:
      'Citizens: the lookup page, the OpenAPI document and GET /applications/{code}; the 404 of unknown routes',
    entry: 'functions/lookup/handler.ts',
    timeoutSeconds: 10,
    // more memory is more CPU: a cold start and a lookup's JSON are faster
    memoryMb: 1024,
    routes: [
      { method: 'GET', path: '/' },
      { method: 'GET', path: '/openapi.json' },
      { method: 'GET', path: '/applications/{code}' },
    ],
    // the smallest function that needs no table to say "no such route"
    defaultRoute: true,
    environment: { APPLICATIONS_TABLE },
  },
  agency: {
    id: 'agency',
    apis: ['people', 'machine'],
    description:
      "Agencies: their own batches' status and counts, their review list, uploads, coverage and worklists (people and machines), the coverage page",
    entry: 'functions/agency/handler.ts',
    timeoutSeconds: 10,
    memoryMb: 512,
    routes: [
      agencyRoute('POST', '/uploads', 10),
      agencyRoute('GET', '/batches', 20),
      agencyRoute('GET', '/batches/{batchId}', 50),
      agencyRoute('GET', '/review', 20),
      agencyRoute('POST', '/review/{id}', 10),
      agencyRoute('GET', '/coverage', 10),
      agencyRoute('GET', '/worklists/{commune}', 10),
      agencyRoute('GET', '/births/{registrationId}', 10),
      agencyRoute('GET', '/persons/{key}/history', 10),
      { ...agencyRoute('GET', '/app/coverage', 10), page: true },
    ],
    defaultRoute: true,
    environment: {
      BATCHES_BUCKET,
      BATCHES_TABLE,
      REGISTER_TABLE,
      AGENCIES_TABLE,
      IDS_TABLE,
      HISTORY_TABLE,
      HISTORY_DAYS,
    },
  },
  decisions: {
    id: 'decisions',
    apis: ['people', 'machine'],
    description:
      'Agencies: identity corrections waiting for a second officer, listed and decided (approve or reject, people only); conflicts listed and decided (keep, take, different)',
    entry: 'functions/decisions/handler.ts',
    timeoutSeconds: 10,
    memoryMb: 512,
    routes: [
      agencyRoute('GET', '/corrections', 10),
      agencyRoute('POST', '/corrections/{id}', 10),
      agencyRoute('GET', '/conflicts', 10),
      agencyRoute('POST', '/conflicts/{id}', 10),
    ],
    environment: { BATCHES_TABLE, REGISTER_TABLE, AGENCIES_TABLE, HISTORY_TABLE, HISTORY_DAYS },
  },
  authorizer: {
    id: 'authorizer',
    // no route of its own: API Gateway calls it for every request to the machine API (its answer cached 5 minutes)
    apis: [],
    description:
      "Machines: checks an agency system's access token and finds its agency (the machine API's authoriser)",
    entry: 'functions/authorizer/handler.ts',
    timeoutSeconds: 5,
    memoryMb: 512,
    routes: [],
    // TOKEN_ISSUER, the user pool's issuer, is set by the stack (infra/dancu-stack.ts)
    environment: { AGENCIES_TABLE },
  },
};
