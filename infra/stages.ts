// Every deployment stage's settings in one typed, zod-checked place: `cdk synth -c stage=prod` picks one.
// Plain data (no CDK imports), so the local stack reads the `dev` stage from here too. Agencies are not here: they
// are data, in the agencies table (npm run agencies), so the template is the same for 3 agencies or 10,000.
import * as z from 'zod';
import { DEFAULT_READ_LIMITS, type ReadLimits, readLimitVariable } from '../shared/batch/read-batch.ts';
import type { FunctionId, FunctionSpec, HttpFunctionId, HttpFunctionSpec } from '../shared/resources.ts';

/** The retention periods CloudWatch Logs accepts, in days. */
const LOG_RETENTION_DAYS = [
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
] as const;

const RetentionDays = z
  .number()
  .int()
  .refine((days) => (LOG_RETENTION_DAYS as readonly number[]).includes(days), {
    message: `log retention must be one of ${LOG_RETENTION_DAYS.join(', ')} days`,
  });

// an IAM principal ARN outside this stack: a role or user of the agency's own account, or an account root
const PrincipalArn = z
  .string()
  .regex(/^arn:aws[a-z-]*:iam::\d{12}:(root|role\/[\w+=,.@/-]+|user\/[\w+=,.@/-]+)$/);

/**
 * A system that sends procedure events (docs/procedures.md, "Events bound to their sender"): a one-stop shop of a
 * commune, a department or the police, or the post office, which receives and returns for several. The stack makes
 * it the role `{prefix}-events-{name}`, allowed to send to the procedure-events queue; the status function admits
 * its events only for `agencyCodes` (the events' `agencyCode`).
 */
const EventSender = z.object({
  name: z.string().regex(/^[a-z0-9][a-z0-9-]{0,29}$/),
  /** shown to operators only (the role's description) */
  unit: z.string().min(1).max(200),
  agencyCodes: z
    .array(z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/))
    .min(1)
    .max(50),
  /** who may assume the sender's role; none: administrators of this account grant it */
  trustedPrincipals: z.array(PrincipalArn).default([]),
});

const Throttle = z.object({
  rateLimit: z.number().positive(),
  burstLimit: z.number().int().positive(),
});

/**
 * How long personal data is kept once its purpose is served (storage limitation, Decree 13/2023); docs/operations.md
 * "Retention" gives each default its reason. S3 lifecycle rules and the applications table's TTL enforce them.
 */
const DataRetention = z
  .object({
    /** raw uploads under `incoming/`, from their upload: long enough to re-read a batch a dispute is about */
    uploadsDays: z.number().int().min(1),
    /** reports under `reports/`, from their writing: the agency's re-collection of rejected forms */
    reportsDays: z.number().int().min(1),
    /** work files under `work/`: a batch in flight never outlives its queue messages (14 days) */
    workDays: z.number().int().min(1).max(14),
    /** an application's events and state, from the event that closed it (a final status) */
    closedApplicationsDays: z.number().int().min(1),
    /** overwritten or deleted versions of any object: the window to undo a mistaken overwrite */
    noncurrentVersionDays: z.number().int().min(1),
    /**
     * each change to a person (the history table, issue 19), from the change: the register's own record of who
     * changed what, kept as long as a person's details may be questioned
     */
    historyDays: z.number().int().min(1),
  })
  // finalize reads the upload again while its batch is in flight, which its work files outlive
  .refine((retention) => retention.uploadsDays >= retention.workDays, {
    message: 'uploads must be kept at least as long as work files (uploadsDays >= workDays)',
  });

const FunctionSettings = z.object({
  memoryMb: z.number().int().min(128).max(10_240).optional(),
  /** SQS event source `maximumConcurrency` (2–1000): how hard the function may press DynamoDB */
  maximumConcurrency: z.number().int().min(2).max(1000).optional(),
});

const FUNCTION_IDS = [
  'split',
  'register',
  'finalize',
  'status',
  'lookup',
  'agency',
  'decisions',
  'authorizer',
  'link',
  'births',
  'watch',
] as const satisfies readonly (FunctionId | HttpFunctionId)[];

export const StageConfig = z
  .object({
    /** part of the stack name (`Dancu-{name}`) and of resource names */
    name: z.string().regex(/^[a-z][a-z0-9]{1,15}$/),
    /** prefix of the names an operator types: roles, alarms, the dashboard */
    prefix: z.string().regex(/^[a-z][a-z0-9-]{1,20}$/),
    /** RETAIN buckets, tables and the key when the stack is deleted, and refuse DeleteTable */
    retainData: z.boolean(),
    logRetentionDays: RetentionDays,
    /** API access logs and S3 server access logs are audit records: kept longer */
    auditLogRetentionDays: RetentionDays,
    retention: DataRetention,
    alarms: z.object({
      /** subscribed to the alarm topic when set */
      email: z.email().optional(),
      /** oldest message on a pipeline queue, in seconds, before someone should look */
      oldestMessageAgeSeconds: z.number().int().positive(),
      /** function errors in 5 minutes */
      functionErrors: z.number().int().min(1),
      /** function throttles in 5 minutes */
      functionThrottles: z.number().int().min(1),
      /** HTTP API 5xx answers in 5 minutes */
      api5xx: z.number().int().min(1),
      /** p99 latency of the HTTP API over 5 minutes, in milliseconds */
      apiP99LatencyMs: z.number().int().positive(),
    }),
    /**
     * People sign in with Cognito's hosted UI (docs/operations.md "Who gets in"): its domain prefix (unique in the
     * region, across AWS) and the addresses it may send a signed-in person back to: the pages', and a loopback one
     * for `npm run sign-in -- --aws` (RFC 8252).
     */
    signIn: z.object({
      domainPrefix: z.string().regex(/^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/),
      callbackUrls: z.array(z.url()).min(1),
    }),
    /** who may send procedure events for which agencies, until agencies become data */
    eventSenders: z
      .array(EventSender)
      .max(50)
      .refine((senders) => new Set(senders.map((s) => s.name)).size === senders.length, {
        message: 'event sender names must be unique',
      })
      // "AROA…(21)":["code",…], per sender: at most 3 KB of the 4 KB, beside the function's other variables
      .refine(
        (senders) => senders.reduce((n, s) => n + 27 + s.agencyCodes.join('","').length + 4, 0) <= 3000,
        {
          message: 'EVENT_SENDERS would not fit the status function’s environment: move it to SSM',
        },
      )
      .default([]),
    /**
     * Record linkage (docs/linkage.md, docs/scale.md). `on`: the register links every row as it arrives (its
     * LINKAGE), for about 2.9 write units more per new person, and its persons are filed for later forms. `pass`:
     * the register keeps exact keys and the link pass links the whole register on `linkPassSchedule`, for a
     * scan of the register per pass and no write unit per person. `off`: exact keys only; no person is filed,
     * and forms without an ID never meet their person.
     */
    linkage: z.enum(['on', 'pass', 'off']),
    /**
     * When the link pass runs (an EventBridge schedule expression, UTC); none: only when an operator starts it
     * (docs/operations.md). A pass under `on` finds what two copies of a person registered at the same instant missed.
     */
    linkPassSchedule: z
      .string()
      .regex(/^(cron|rate)\(.+\)$/)
      .optional(),
    /**
     * Whether dancu issues a personal ID number to a person accepted from a form without one, once a link pass has
     * ruled out that the person has one (issue 20, docs/ids.md "Numbers for forms"): the pass's last stages, and
     * `issued-ids.csv` beside the batch's report. Off where the Ministry's service issues the numbers.
     */
    issueIds: z.boolean().default(false),
    /**
     * When the dead-letter watch runs (an EventBridge schedule expression): it marks failed, with a report, a batch
     * whose message reached a dead-letter queue without the last try's bookkeeping (a timeout, out of memory;
     * docs/operations.md). Its messages stay there for `npm run redrive`.
     */
    deadLetterWatchSchedule: z
      .string()
      .regex(/^(cron|rate)\(.+\)$/)
      .default('rate(5 minutes)'),
    /** the split's bounds of a file, over the reader's defaults (docs/validation.md "Bounds") */
    readLimits: z
      .partialRecord(
        z.enum(Object.keys(DEFAULT_READ_LIMITS) as [keyof ReadLimits]),
        z.number().int().positive(),
      )
      .default({}),
    /** per function, over shared/resources.ts */
    functions: z.partialRecord(z.enum(FUNCTION_IDS), FunctionSettings).default({}),
    http: z.object({
      /** the stage's throttle: every route, every caller together */
      throttle: Throttle,
      /**
       * AWS WAF cannot be attached to an HTTP API. When enabled, the app adds the stack `DancuWaf-{name}` (us-east-1,
       * a CloudFront-scope web ACL), and the citizen API is served only through a CloudFront distribution with that
       * ACL: its own `execute-api` address is disabled and CloudFront reaches it at `originDomain`, a custom domain
       * of the API. Enabled without `webAclArn` and `originDomain`, `Dancu-{name}` fails synthesis (the WAF stack
       * alone still deploys: docs/operations.md "Citizen API").
       */
      waf: z.object({
        enabled: z.boolean(),
        /** every request of one IP address to the citizen API: the page, the OpenAPI document, lookups */
        requestsPer5MinutesPerIp: z.number().int().min(10),
        /** lookups (`/applications/…`) of one IP address, a tighter limit inside the one above */
        lookupsPer5MinutesPerIp: z.number().int().min(10),
        webAclArn: z
          .string()
          .regex(/^arn:aws[a-z-]*:wafv2:us-east-1:\d{12}:global\/webacl\/[\w-]+\/[\w-]+$/)
          .optional(),
        /**
         * The custom domain CloudFront reaches the citizen API at, with its ACM certificate in the API's region;
         * point its DNS (CNAME) at the stack output `CitizenOriginTarget`. Citizens use the CloudFront address.
         */
        originDomain: z
          .object({
            name: z.string().regex(/^(?=.{4,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/),
            certificateArn: z.string().regex(/^arn:aws[a-z-]*:acm:[a-z0-9-]+:\d{12}:certificate\/[\w-]+$/),
          })
          .optional(),
      }),
    }),
  })
  // only linkage can rule out that a person has a number already
  .refine((stage) => !stage.issueIds || stage.linkage !== 'off', {
    message: 'issueIds needs linkage (on or pass): only a link pass rules out that a person has a number',
    path: ['issueIds'],
  })
  .refine((stage) => stage.eventSenders.every((s) => `${stage.prefix}-events-${s.name}`.length <= 64), {
    message: 'an event sender role name ({prefix}-events-{name}) must fit 64 characters',
  });

export type StageConfig = z.output<typeof StageConfig>;
export type StageInput = z.input<typeof StageConfig>;

/**
 * Senders of the examples (Gia Lai): a ward's one-stop shop, a department's, the police's for its three agencies,
 * and the post office, which receives and returns results for the ward and the department.
 */
const EXAMPLE_EVENT_SENDERS: StageInput['eventSenders'] = [
  { name: 'ward-hoithuong', unit: 'Bộ phận một cửa UBND phường Hội Thương', agencyCodes: ['000.00.12.H21'] },
  { name: 'dept-justice', unit: 'Bộ phận một cửa Sở Tư pháp tỉnh Gia Lai', agencyCodes: ['000.00.11.H21'] },
  {
    name: 'police-gialai',
    unit: 'Bộ phận một cửa Công an tỉnh Gia Lai',
    agencyCodes: ['CA-GIALAI', 'CA-PLEIKU', 'CA-ANKHE'],
  },
  { name: 'post-gialai', unit: 'Bưu điện tỉnh Gia Lai', agencyCodes: ['000.00.12.H21', '000.00.11.H21'] },
];

const STAGE_INPUTS = {
  dev: {
    name: 'dev',
    prefix: 'dancu-dev',
    retainData: false,
    logRetentionDays: 14,
    auditLogRetentionDays: 90,
    // short, so a developer's stage holds test data for days, not years
    retention: {
      uploadsDays: 7,
      reportsDays: 30,
      workDays: 3,
      closedApplicationsDays: 30,
      noncurrentVersionDays: 7,
      historyDays: 30,
    },
    alarms: {
      oldestMessageAgeSeconds: 3600,
      functionErrors: 5,
      functionThrottles: 10,
      api5xx: 10,
      apiP99LatencyMs: 3000,
    },
    signIn: { domainPrefix: 'dancu-dev-people', callbackUrls: ['http://localhost:8976/signed-in'] },
    eventSenders: EXAMPLE_EVENT_SENDERS,
    linkage: 'on',
    issueIds: true,
    functions: { register: { maximumConcurrency: 8 }, split: { maximumConcurrency: 4 } },
    http: {
      throttle: { rateLimit: 50, burstLimit: 100 },
      waf: { enabled: false, requestsPer5MinutesPerIp: 300, lookupsPer5MinutesPerIp: 100 },
    },
  },
  prod: {
    name: 'prod',
    prefix: 'dancu',
    retainData: true,
    logRetentionDays: 90,
    // Decree 13/2023: processing of personal data is logged and kept for audit
    auditLogRetentionDays: 731,
    // defaults the operator confirms with the data controller (docs/operations.md "Retention"): an upload is re-read
    // while its report may be disputed (one re-collection cycle and a margin); a report serves one yearly cycle of
    // re-collection; a closed application stays readable to its citizen for a year; a change to a person stays
    // explainable for ten years (the validity of an ID card issued at 14, renewed at 25: docs/operations.md)
    retention: {
      uploadsDays: 90,
      reportsDays: 365,
      workDays: 14,
      closedApplicationsDays: 365,
      noncurrentVersionDays: 30,
      historyDays: 3653,
    },
    alarms: {
      oldestMessageAgeSeconds: 900,
      functionErrors: 1,
      functionThrottles: 5,
      api5xx: 5,
      apiP99LatencyMs: 1500,
    },
    signIn: { domainPrefix: 'dancu-people', callbackUrls: ['http://localhost:8976/signed-in'] },
    eventSenders: EXAMPLE_EVENT_SENDERS,
    // Project 896 exists to find the same person twice. A nightly link pass (02:00 in Vietnam) does it for a scan of
    // the register instead of 2.9 write units per row: USD 0.7 rather than 2.9 per million rows (docs/scale.md)
    linkage: 'pass',
    linkPassSchedule: 'cron(0 19 * * ? *)',
    // a number for each person collected without one, after the night's pass (issue 20); off where the Ministry issues
    issueIds: true,
    // a national run and its link pass in under 2 hours (docs/scale.md): 64 register chains at ~34 k WRU/s (within the
    // default table quota of 40 k), and a link pass up to 128 steps wide
    functions: { register: { maximumConcurrency: 64 }, link: { maximumConcurrency: 128 } },
    http: {
      throttle: { rateLimit: 500, burstLimit: 1000 },
      // per IP: the page and its lookups; one IP shares a mobile carrier's NAT with many citizens, so the lookup
      // limit is one a second, still 500 times under the stage's throttle (docs/operations.md "Citizen API")
      waf: { enabled: true, requestsPer5MinutesPerIp: 1000, lookupsPer5MinutesPerIp: 300 },
    },
  },
} satisfies Record<string, StageInput>;

export type StageName = keyof typeof STAGE_INPUTS;
export const STAGE_NAMES = Object.keys(STAGE_INPUTS) as StageName[];

/** The checked settings of a stage; an unknown name or an invalid setting throws, naming it. */
export function stageConfig(name: string): StageConfig {
  if (!Object.hasOwn(STAGE_INPUTS, name)) {
    throw new Error(`unknown stage ${JSON.stringify(name)}: one of ${STAGE_NAMES.join(', ')}`);
  }
  return parseStage(STAGE_INPUTS[name as StageName]);
}

/** A stage's settings as written in this file, before they are checked (tests vary them). */
export function stageInput(name: StageName): StageInput {
  return structuredClone(STAGE_INPUTS[name]);
}

export function parseStage(input: unknown): StageConfig {
  const parsed = StageConfig.safeParse(input);
  if (!parsed.success) throw new Error(`invalid stage configuration: ${z.prettifyError(parsed.error)}`);
  return parsed.data;
}

/**
 * A function's spec with the stage's memory, SQS concurrency and settings (LINKAGE, the split's read bounds,
 * CLOSED_APPLICATIONS_DAYS) over the defaults of
 * shared/resources.ts; the spec itself when the stage changes none of them.
 */
export function withStageSettings<S extends FunctionSpec | HttpFunctionSpec>(spec: S, stage: StageConfig): S {
  const linkage = spec.environment.LINKAGE;
  // the register links rows itself only under `on`; under `pass` the link pass does it afterwards
  const registerLinkage = stage.linkage === 'on' ? 'on' : 'off';
  const withLinkage =
    linkage && 'value' in linkage && linkage.value !== registerLinkage
      ? { ...spec, environment: { ...spec.environment, LINKAGE: { value: registerLinkage } } }
      : spec;
  // the split's read bounds, as SPLIT_MAX_LINES and the like: none set, none in its environment
  const limits = spec.id === 'split' ? Object.entries(stage.readLimits) : [];
  const withLimits =
    limits.length === 0
      ? withLinkage
      : {
          ...withLinkage,
          environment: {
            ...withLinkage.environment,
            ...Object.fromEntries(
              limits.map(([name, n]) => [readLimitVariable(name as keyof ReadLimits), { value: String(n) }]),
            ),
          },
        };
  // the stage's retention of closed applications (storage limitation)
  const closedDays = String(stage.retention.closedApplicationsDays);
  const closed = withLimits.environment.CLOSED_APPLICATIONS_DAYS;
  const withRetention =
    closed && 'value' in closed && closed.value !== closedDays
      ? {
          ...withLimits,
          environment: { ...withLimits.environment, CLOSED_APPLICATIONS_DAYS: { value: closedDays } },
        }
      : withLimits;
  // how long a rejected form waits to be re-collected: as long as its report is kept
  const keepDays = String(stage.retention.reportsDays);
  const keep = withRetention.environment.KEEP_REJECTED_DAYS;
  const withKeep =
    keep && 'value' in keep && keep.value !== keepDays
      ? {
          ...withRetention,
          environment: { ...withRetention.environment, KEEP_REJECTED_DAYS: { value: keepDays } },
        }
      : withRetention;
  // how long each change to a person is kept (the history table's items expire then)
  const historyDays = String(stage.retention.historyDays);
  const history = withKeep.environment.HISTORY_DAYS;
  const withHistory =
    history && 'value' in history && history.value !== historyDays
      ? { ...withKeep, environment: { ...withKeep.environment, HISTORY_DAYS: { value: historyDays } } }
      : withKeep;
  // the link pass issues numbers after it decides where the stage says so
  const issue = withHistory.environment.ISSUE_IDS;
  const issueIds = stage.issueIds ? 'on' : 'off';
  const withIssue =
    issue && 'value' in issue && issue.value !== issueIds
      ? { ...withHistory, environment: { ...withHistory.environment, ISSUE_IDS: { value: issueIds } } }
      : withHistory;
  const settings = stage.functions[spec.id];
  if (!settings) return withIssue;
  const merged = { ...withIssue, memoryMb: settings.memoryMb ?? spec.memoryMb };
  if ('source' in merged && settings.maximumConcurrency !== undefined) {
    return { ...merged, source: { ...merged.source, maximumConcurrency: settings.maximumConcurrency } };
  }
  return merged;
}
