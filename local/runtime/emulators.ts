// The three emulators, in this process (dynalite on a thread of its own), on 127.0.0.1 only (the data is
// people's): dynalite (DynamoDB) and
// s3rver (S3) keep their data under `dir`; fauxqs (SQS) keeps queues in memory, so they are empty after a restart.
import { AsyncLocalStorage } from 'node:async_hooks';
import { EventEmitter } from 'node:events';
import { mkdir } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { buildApp } from 'fauxqs';
import S3rver from 's3rver';
import './s3rver-atomic-put.ts';
import { LOCAL_CREDENTIALS, LOCAL_REGION } from './account.ts';
import { EmulatorStartError } from './errors.ts';
import { exposeQueueUrlsOnEndpoint } from './fauxqs-queue-urls.ts';
import { stampSenderIds } from './fauxqs-sender-id.ts';
import { checkPresigned } from './presigned-check.ts';

/** Base URLs (`http://127.0.0.1:PORT`) of the emulators, one per AWS service. */
export interface LocalEndpoints {
  s3: string;
  sqs: string;
  dynamodb: string;
}

/** Ports to listen on; 0 picks a free one (tests). */
export interface LocalPorts {
  s3: number;
  sqs: number;
  dynamodb: number;
}

const DEFAULT_PORTS: LocalPorts = { sqs: 4566, dynamodb: 4567, s3: 4568 };

const HOST = '127.0.0.1';

export interface StartEmulatorsOptions {
  /** DynamoDB data goes to `${dir}/dynamodb`, S3 objects to `${dir}/s3` */
  dir: string;
  /** 0 picks a free port */
  ports?: Partial<LocalPorts>;
  region?: string;
  /** access key ids s3rver accepts besides S3RVER (agencies' local credentials) */
  s3AccessKeys?: { accessKeyId: string; secretAccessKey: string }[];
}

export interface Emulators {
  endpoints: LocalEndpoints;
  /**
   * s3rver's `event`s: an S3 event notification `{ Records: [...] }` for each object written or deleted, each
   * record's `userIdentity.principalId` set to `AWS:{access key id}` of the request that caused it
   */
  s3Events: EventEmitter;
  stop(): Promise<void>;
}

type Stop = () => Promise<void>;

export async function startEmulators(options: StartEmulatorsOptions): Promise<Emulators> {
  const ports = { ...DEFAULT_PORTS, ...options.ports };
  const region = options.region ?? LOCAL_REGION;
  const stops: Stop[] = [];
  const stopAll = async () => {
    const results = await Promise.allSettled(
      stops
        .splice(0)
        .reverse()
        .map((stop) => stop()),
    );
    const failed = results.find((result) => result.status === 'rejected');
    if (failed) throw failed.reason;
  };
  try {
    const dynamodb = await startDynalite(join(options.dir, 'dynamodb'), ports.dynamodb);
    stops.push(dynamodb.stop);
    const s3 = await startS3rver(join(options.dir, 's3'), ports.s3, options.s3AccessKeys ?? []);
    stops.push(s3.stop);
    const sqs = await startFauxqs(ports.sqs, region);
    stops.push(sqs.stop);
    return {
      endpoints: { s3: s3.endpoint, sqs: sqs.endpoint, dynamodb: dynamodb.endpoint },
      s3Events: s3.events,
      stop: stopAll,
    };
  } catch (error) {
    await stopAll().catch(() => {});
    throw error;
  }
}

async function startDynalite(path: string, port: number) {
  await mkdir(path, { recursive: true });
  const worker = new Worker(new URL('./dynalite-thread.mjs', import.meta.url), {
    workerData: { path, port, host: HOST },
    execArgv: [],
  });
  const started = await new Promise<{ port?: number; error?: string; code?: string }>((resolve, reject) => {
    worker.once('message', resolve);
    worker.once('error', reject);
  });
  if (started.error || started.port === undefined) {
    await worker.terminate();
    const cause = Object.assign(new Error(started.error ?? 'no port'), { code: started.code });
    if (started.code === 'EADDRINUSE') {
      throw new EmulatorStartError(
        `port ${port} (dynamodb) is in use: is another local stack running? Stop it or choose other ports`,
        { cause },
      );
    }
    throw new EmulatorStartError('the dynamodb emulator did not start', { cause });
  }
  return {
    endpoint: `http://${HOST}:${started.port}`,
    stop: async () => {
      const stopped = new Promise((resolve) => worker.once('message', resolve));
      worker.postMessage('stop');
      await stopped;
      await worker.terminate();
    },
  };
}

/** The access key id a request is signed with (SigV4 header or presigned query), or undefined. */
function accessKeyIdOf(headers: Record<string, string | string[] | undefined>, url = ''): string | undefined {
  const authorization = String(headers.authorization ?? '');
  const header = /Credential=([^/,\s]+)\//.exec(authorization)?.[1];
  if (header) return header;
  const query = new URL(url, 'http://local').searchParams.get('X-Amz-Credential');
  return query?.split('/')[0] || undefined;
}

async function startS3rver(
  directory: string,
  port: number,
  accessKeys: { accessKeyId: string; secretAccessKey: string }[],
) {
  await mkdir(directory, { recursive: true });
  // s3rver knows one account with the key pair S3RVER/S3RVER; agencies' local keys are added to it
  const { DUMMY_ACCOUNT } = createRequire(import.meta.url)('s3rver/lib/models/account') as {
    DUMMY_ACCOUNT: { createKeyPair(id: string, secret: string): void };
  };
  for (const key of accessKeys) DUMMY_ACCOUNT.createKeyPair(key.accessKeyId, key.secretAccessKey);
  const s3rver = new S3rver({ directory, silent: true });
  // s3rver emits an object's event inside the request that wrote it, so the request's key is still in scope
  const requests = new AsyncLocalStorage<{ accessKeyId: string | undefined }>();
  const events = new EventEmitter();
  s3rver.on('event', (notification: { Records?: { userIdentity?: { principalId?: string } }[] }) => {
    const accessKeyId = requests.getStore()?.accessKeyId;
    for (const record of notification.Records ?? []) {
      record.userIdentity = { principalId: accessKeyId ? `AWS:${accessKeyId}` : 'Anonymous' };
    }
    events.emit('event', notification);
  });
  const handle = s3rver.callback();
  const secrets = new Map([
    [LOCAL_CREDENTIALS.accessKeyId, LOCAL_CREDENTIALS.secretAccessKey as string],
    ...accessKeys.map((key) => [key.accessKeyId, key.secretAccessKey] as [string, string]),
  ]);
  // Our own server around s3rver's request handler: s3rver.run() never settles when its port is taken.
  const server = createServer((request, response) => {
    // s3rver admits a presigned request whatever its signature: an upload URL is checked here, as S3 would
    const refusal = checkPresigned(request.method ?? 'GET', request.url ?? '/', request.headers, (id) =>
      secrets.get(id),
    );
    if (refusal) {
      request.resume();
      response.writeHead(refusal.status, { 'content-type': 'application/xml' });
      response.end(
        `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${refusal.code}</Code><Message>${refusal.message}</Message></Error>`,
      );
      return;
    }
    requests.run({ accessKeyId: accessKeyIdOf(request.headers, request.url) }, () =>
      handle(request, response),
    );
  });
  await listening('s3', port, (onError) => {
    server.once('error', onError);
    return new Promise<void>((resolve) => server.listen(port, HOST, resolve));
  });
  return {
    endpoint: endpointOf(server),
    events,
    stop: () => closeServer(server),
  };
}

async function startFauxqs(port: number, region: string) {
  // buildApp rather than startFauxqs: the latter listens on every interface.
  const app = buildApp({ logger: false, defaultRegion: region });
  exposeQueueUrlsOnEndpoint(app, region);
  stampSenderIds(app);
  await listening('sqs', port, () => app.listen({ port, host: HOST }));
  return {
    endpoint: endpointOf(app.server),
    stop: () => {
      setTimeout(() => app.server.closeAllConnections(), CLOSE_GRACE_MS).unref();
      return app.close();
    },
  };
}

/** Runs `listen`, turning a taken port into an error that says what to do. */
async function listening<T>(
  service: keyof LocalPorts,
  port: number,
  listen: (onError: (error: Error) => void) => Promise<T>,
): Promise<T> {
  try {
    return await new Promise<T>((resolve, reject) => {
      listen(reject).then(resolve, reject);
    });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EADDRINUSE') {
      throw new EmulatorStartError(
        `port ${port} (${service}) is in use: is another local stack running? Stop it or choose other ports`,
        { cause: error },
      );
    }
    throw new EmulatorStartError(`the ${service} emulator did not start`, { cause: error });
  }
}

function endpointOf(server: Server): string {
  return `http://${HOST}:${(server.address() as AddressInfo).port}`;
}

/** How long a closing emulator lets requests in flight (a long poll, a download) finish before cutting them. */
const CLOSE_GRACE_MS = 2_000;

function closeServer(server: Server): Promise<void> {
  return new Promise((resolve, reject) => {
    server.close((error) => (error ? reject(error) : resolve()));
    server.closeIdleConnections();
    setTimeout(() => server.closeAllConnections(), CLOSE_GRACE_MS).unref();
  });
}
