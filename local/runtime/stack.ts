// The local stack: emulators, the resources of `shared/resources.ts` on them, the bucket's notifications to the
// intake and finalize queues, and one event source per function, as in AWS. `${dir}/local.json` tells any client where it all is.
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { SendMessageCommand } from '@aws-sdk/client-sqs';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { PersonKeyer } from '#domain/person-keyer.ts';
import { loadPersonKeyerWithSdk } from '../../shared/aws/person-key-secret-sdk.ts';
import { PREFIXES, REFERENCE_UPLOAD_SUFFIX } from '../../shared/keys.ts';
import type { AgencyInput } from '../../shared/model/agency.ts';
import { ANY_AGENCY } from '../../shared/procedures/event-sender.ts';
import {
  DEAD_LETTER_WATCH,
  deadLetterUrlVariable,
  type EnvironmentRef,
  FUNCTIONS,
  type FunctionId,
  functionEnvironment,
  HTTP_FUNCTIONS,
  type QueueId,
} from '../../shared/resources.ts';
import { demoAgencies, seedAgencies } from '../demo-agencies.ts';
import {
  LOCAL_CREDENTIALS,
  LOCAL_REGION,
  LOCAL_UPLOAD_SIGNER,
  localAgencyCredentials,
  localName,
} from './account.ts';
import { createLocalClients } from './clients.ts';
import { type LocalEndpoints, type LocalPorts, startEmulators } from './emulators.ts';
import { type EventSource, type SqsFunctionHandler, startEventSource } from './event-source.ts';
import { type HttpHandlers, type HttpServer, startHttpServer } from './http-server.ts';
import { prepareInvocations } from './invocation.ts';
import { consoleLogger, type Logger } from './log.ts';
import { forwardObjectCreated, type ObjectCreatedForwarding } from './notifications.ts';
import { localPersonKeySecret } from './person-key.ts';
import { type LocalNames, provision } from './provision.ts';
import { LOCAL_PEOPLE_CLIENT_ID } from './sign-in-tokens.ts';

/** Where the HTTP API listens (on 127.0.0.1) when a handler of HTTP_FUNCTIONS is given. */
const DEFAULT_HTTP_PORT = 3000;

export type FunctionHandlers = Partial<Record<FunctionId, SqsFunctionHandler>> & HttpHandlers;

export interface StartLocalStackOptions {
  /** @default '.dancu' */
  dir?: string;
  ports?: Partial<LocalPorts & { http: number }>;
  /**
   * The functions to run. A loader is called with the environment once the emulators listen, so it can assign
   * `process.env` and only then import the handlers (whose SDK clients read the environment on import).
   * A function without a handler gets no event source: its messages wait on its queue.
   */
  handlers: FunctionHandlers | ((env: Record<string, string>) => Promise<FunctionHandlers>);
  /** Seconds (fractions allowed), instead of each function's own timeout (tests). */
  timeouts?: Partial<Record<FunctionId, number>>;
  /** Whole seconds, instead of each queue's own visibility timeout (tests). */
  visibilityTimeouts?: Partial<Record<QueueId, number>>;
  /**
   * Seconds between two `sweep-dead-letters` messages to the dead-letter watch's queue, as the stage's schedule
   * sends them in AWS (fractions allowed: tests); 0: none. @default 300
   */
  deadLetterWatchSeconds?: number;
  /**
   * The agencies the agencies table holds before a function runs, added if missing (an agency disabled with
   * `npm run agencies` stays disabled): the demo's, local/fixtures/agencies.csv, unless given.
   */
  agencies?: AgencyInput[];
  /** Runs once everything is wired: resume the work a restart lost (fauxqs forgets its messages). */
  onStarted?: () => Promise<void>;
  log?: Logger;
}

export interface LocalStack {
  endpoints: LocalEndpoints;
  names: LocalNames;
  env: Record<string, string>;
  /** Seals person keys as the register does, under the local secret (tests compare reports with it) */
  personKeyer: PersonKeyer;
  /** Base URL of the HTTP API (`http://127.0.0.1:PORT`), when an HTTP handler was given */
  http?: string;
  /** the handlers the stack runs: a test may call one directly (the agency function for an upload URL) */
  handlers: FunctionHandlers;
  /** Stops the HTTP API, the event sources (waiting for invocations in flight), the notification, then the emulators. */
  stop(): Promise<void>;
}

export async function startLocalStack(options: StartLocalStackOptions): Promise<LocalStack> {
  const dir = options.dir ?? '.dancu';
  const log = options.log ?? consoleLogger;
  // before the first SDK call, which would make the process's invoke store a shared one (invocation.ts)
  if (!(await prepareInvocations())) {
    log.error('one invoke store for all invocations: function log lines may name another invocation');
  }
  const emulators = await startEmulators({
    dir,
    ports: options.ports ?? {},
    region: LOCAL_REGION,
    s3AccessKeys: [LOCAL_UPLOAD_SIGNER, ...LOCAL_AGENCIES.map((code) => localAgencyCredentials(code))],
  });
  const clients = createLocalClients(emulators.endpoints, LOCAL_REGION);
  const eventSources: EventSource[] = [];
  const notifications: ObjectCreatedForwarding[] = [];
  let httpServer: HttpServer | undefined;
  let deadLetterWatch: NodeJS.Timeout | undefined;
  let stopping: Promise<void> | undefined;
  const stop = () => {
    stopping ??= (async () => {
      clearInterval(deadLetterWatch);
      await httpServer?.stop();
      await Promise.all(eventSources.map((source) => source.stop()));
      await Promise.all(notifications.map((notification) => notification.stop()));
      clients.destroy();
      await emulators.stop();
    })();
    return stopping;
  };

  try {
    const names = await provision({
      endpoints: emulators.endpoints,
      region: LOCAL_REGION,
      visibilityTimeouts: options.visibilityTimeouts ?? {},
      log,
    });
    const personKeySecret = await localPersonKeySecret(dir);
    const env = localEnvironment(emulators.endpoints, names, personKeySecret);
    const handlers = typeof options.handlers === 'function' ? await options.handlers(env) : options.handlers;
    // after the handlers are loaded (seedAgencies imports the store, whose module makes the functions' client) and
    // before their event sources start: the split and the agency routes refuse an agency the table does not hold
    const added = await seedAgencies(
      clients.dynamodb,
      names.tables.agencies,
      options.agencies ?? demoAgencies(),
    );
    if (added > 0)
      log.info(`agencies: ${added} added to ${names.tables.agencies} (npm run agencies -- list)`);
    const forwarding = { s3Events: emulators.s3Events, sqs: clients.sqs, bucket: names.buckets.batches, log };
    notifications.push(
      forwardObjectCreated({
        ...forwarding,
        prefix: PREFIXES.incoming,
        queue: names.queues.intake,
        region: names.region,
      }),
      // reference uploads (issue 18): the finalize function reads them, as in AWS
      forwardObjectCreated({
        ...forwarding,
        prefix: PREFIXES.referencePopulation,
        suffix: REFERENCE_UPLOAD_SUFFIX,
        queue: names.queues.finalize,
        region: names.region,
      }),
    );
    for (const spec of Object.values(FUNCTIONS)) {
      const queue = names.queues[spec.source.queue];
      const handler = handlers[spec.id];
      if (!handler) {
        log.info(`${localName(spec.id)}: no handler, messages wait on ${queue.name}`);
        continue;
      }
      const { queue: _queue, ...source } = spec.source;
      eventSources.push(
        startEventSource({
          functionName: localName(spec.id),
          handler,
          queue,
          source,
          timeoutSeconds: options.timeouts?.[spec.id] ?? spec.timeoutSeconds,
          memoryMb: spec.memoryMb,
          sqs: clients.sqs,
          region: names.region,
          log,
        }),
      );
    }
    const watchSeconds = options.deadLetterWatchSeconds ?? DEAD_LETTER_WATCH_SECONDS;
    if (handlers[DEAD_LETTER_WATCH.function] && watchSeconds > 0) {
      const QueueUrl = names.queues[FUNCTIONS[DEAD_LETTER_WATCH.function].source.queue].url;
      const MessageBody = JSON.stringify({ kind: 'sweep-dead-letters' });
      deadLetterWatch = setInterval(() => {
        clients.sqs
          .send(new SendMessageCommand({ QueueUrl, MessageBody }))
          .catch((error: unknown) => log.error(`dead-letter watch not started: ${(error as Error).message}`));
      }, watchSeconds * 1000);
      deadLetterWatch.unref();
    }
    if (Object.values(HTTP_FUNCTIONS).some((spec) => handlers[spec.id])) {
      httpServer = await startHttpServer({
        // npm start (no ports named) listens on 3000; a caller that names other ports (tests, benches) gets a free one
        port: options.ports ? (options.ports.http ?? 0) : DEFAULT_HTTP_PORT,
        handlers,
        region: names.region,
        // any agency may sign in; the agency function answers for the agencies table (AGENCY_UNKNOWN, _DISABLED)
        // a machine is admitted as the authoriser admits it: its client in the agencies table (npm run agencies)
        // (imported here, after the handlers: the store's module makes the functions' shared client as it loads)
        clientLookup: (await import('../../shared/store/agency-reads.ts')).cachedMachineClients(
          names.tables.agencies,
          DynamoDBDocumentClient.from(clients.dynamodb),
        ),
        log,
      });
      log.info(`http ${httpServer.url}`);
    }
    const http = httpServer?.url ?? `http://127.0.0.1:${options.ports?.http ?? DEFAULT_HTTP_PORT}`;
    await mkdir(dir, { recursive: true });
    const description = describeLocalStack(emulators.endpoints, names, http);
    await writeFile(join(dir, 'local.json'), `${JSON.stringify(description, null, 2)}\n`);
    log.info(
      `s3 ${emulators.endpoints.s3}, sqs ${emulators.endpoints.sqs}, dynamodb ${emulators.endpoints.dynamodb}; ` +
        `names in ${join(dir, 'local.json')}`,
    );
    await options.onStarted?.();
    return {
      endpoints: emulators.endpoints,
      names,
      env,
      handlers,
      personKeyer: await loadPersonKeyerWithSdk(personKeySecret),
      ...(httpServer ? { http: httpServer.url } : {}),
      stop,
    };
  } catch (error) {
    await stop().catch(() => {});
    throw error;
  }
}

/** The stages' default schedule of the dead-letter watch, rate(5 minutes) (infra/stages.ts). */
const DEAD_LETTER_WATCH_SECONDS = 300;

/** The demo agencies (local/fixtures/agencies.csv), each with local credentials of its own. */
const LOCAL_AGENCIES = demoAgencies().map((agency) => agency.code);

/**
 * Who may send procedure events for which agency, as the status function reads it (EVENT_SENDERS): each agency's
 * local access key for its own agency, and the operator's S3RVER key (the demo, the tests) for any.
 */
function localEventSenders(): Record<string, string[]> {
  return {
    [LOCAL_CREDENTIALS.accessKeyId]: [ANY_AGENCY],
    ...Object.fromEntries(LOCAL_AGENCIES.map((code) => [localAgencyCredentials(code).accessKeyId, [code]])),
  };
}

/**
 * The environment the production code expects: the SDK pointed at the emulators (`AWS_ENDPOINT_URL_*`, region,
 * credentials, checksums only when required for s3rver) and every variable any function reads, resolved to the
 * local names. All functions share this process, so a variable must mean the same to each.
 */
export function localEnvironment(
  endpoints: LocalEndpoints,
  names: LocalNames,
  personKeySecret: string,
): Record<string, string> {
  const env: Record<string, string> = {
    AWS_REGION: names.region,
    AWS_DEFAULT_REGION: names.region,
    AWS_ACCESS_KEY_ID: LOCAL_CREDENTIALS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: LOCAL_CREDENTIALS.secretAccessKey,
    AWS_ENDPOINT_URL_S3: endpoints.s3,
    AWS_ENDPOINT_URL_SQS: endpoints.sqs,
    AWS_ENDPOINT_URL_DYNAMODB: endpoints.dynamodb,
    AWS_REQUEST_CHECKSUM_CALCULATION: 'WHEN_REQUIRED',
    AWS_RESPONSE_CHECKSUM_VALIDATION: 'WHEN_REQUIRED',
    // the agency function signs upload URLs with its own key (local/pipeline.ts); the split admits those uploads only
    UPLOAD_SIGNER: LOCAL_UPLOAD_SIGNER.accessKeyId,
    // the people's pages sign in with the local sign-in on the server's own origin (no SIGN_IN_URL)
    PEOPLE_CLIENT_ID: LOCAL_PEOPLE_CLIENT_ID,
    EVENT_SENDERS: JSON.stringify(localEventSenders()),
    // EMF lines are for CloudWatch; locally they would only fill the console
    POWERTOOLS_METRICS_DISABLED: 'true',
    // rows in flight per register invocation: in AWS 16 hide DynamoDB's latency; here every invocation shares one
    // process and the emulator answers in CPU time, so 2 per chunk (32 over a batch's 16 partitions) keep it busy
    // with less to hold (bench/ingest, docs/benchmarks.md: faster end to end than with 16)
    REGISTER_CONCURRENCY: '2',
    // the SDK's 50 sockets per client, for every invocation the event sources may run at once (see clients.ts)
    DANCU_MAX_SOCKETS: String(
      50 * Object.values(FUNCTIONS).reduce((n, spec) => n + spec.source.maximumConcurrency, 0),
    ),
  };
  for (const spec of [...Object.values(FUNCTIONS), ...Object.values(HTTP_FUNCTIONS)]) {
    for (const [name, ref] of Object.entries(functionEnvironment(spec))) {
      // a setting (LINKAGE) may be overridden by the environment the local stack is started in
      const value =
        'value' in ref ? (process.env[name] ?? ref.value) : resolveReference(ref, names, personKeySecret);
      if (env[name] !== undefined && env[name] !== value) {
        throw new Error(
          `${name} names different resources for different functions; one process cannot hold both`,
        );
      }
      env[name] = value;
    }
  }
  for (const queue of DEAD_LETTER_WATCH.queues)
    env[deadLetterUrlVariable(queue)] = names.queues[queue].deadLetter.url;
  return env;
}

function resolveReference(ref: EnvironmentRef, names: LocalNames, personKeySecret: string): string {
  if ('bucket' in ref) return names.buckets[ref.bucket];
  if ('table' in ref) return names.tables[ref.table];
  if ('value' in ref) return ref.value;
  // the secret file the local stack made on its first start (local/runtime/person-key.ts), where AWS has an ARN
  if ('secret' in ref) return personKeySecret;
  return names.queues[ref.queueUrl].url;
}

/** The contents of `local.json` (README.md, "The local stack"): queue URLs by queue id, dead-letter queues as `<id>Dlq`. */
function describeLocalStack(endpoints: LocalEndpoints, names: LocalNames, http: string) {
  const queues: Record<string, string> = {};
  for (const [id, queue] of Object.entries(names.queues)) {
    queues[id] = queue.url;
    queues[`${id}Dlq`] = queue.deadLetter.url;
  }
  return {
    region: names.region,
    credentials: {
      accessKeyId: LOCAL_CREDENTIALS.accessKeyId,
      secretAccessKey: LOCAL_CREDENTIALS.secretAccessKey,
    },
    endpoints: { ...endpoints, http },
    /** each agency's own credentials: uploads signed with them are checked against the agency of the key */
    agencies: Object.fromEntries(LOCAL_AGENCIES.map((code) => [code, localAgencyCredentials(code)])),
    buckets: { batches: names.buckets.batches, reports: names.buckets.batches },
    queues,
    tables: { ...names.tables },
  };
}
