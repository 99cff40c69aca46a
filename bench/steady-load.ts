// An open-loop load generator: calls issued at a steady rate (call i at start + i/rate), at most `concurrency` in
// flight, latency from each call's send to its answer. bench/lookup runs it on a worker thread of its own, so the
// client's work does not share the event loop of the local stack it measures (in AWS the caller is elsewhere too).
import { Agent, request as httpRequest } from 'node:http';
import { parentPort, workerData } from 'node:worker_threads';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { applicationKeys } from '../shared/keys.ts';

export interface SteadyLoad {
  target:
    | {
        kind: 'http';
        baseUrl: string;
        /** sent in x-dancu-birth-year, the lookup's second factor */
        birthYear: string;
        /** the answer that counts as a success: 200, or 404 when wrong years or unknown codes are measured */
        expectStatus: number;
      }
    | { kind: 'getItem'; endpoint: string; region: string; table: string };
  codes: string[];
  count: number;
  perSecond: number;
  concurrency: number;
}

export interface SteadyResult {
  requests: number;
  errors: number;
  seconds: number;
  latencies: number[];
}

export async function steadyLoad(load: SteadyLoad): Promise<SteadyResult> {
  const code = () => load.codes[Math.floor(Math.random() * load.codes.length)] ?? '';
  let call: () => Promise<boolean>;
  let close = () => {};
  if (load.target.kind === 'http') {
    const { baseUrl, birthYear, expectStatus } = load.target;
    const headers = { 'x-dancu-birth-year': birthYear };
    const agent = new Agent({ keepAlive: true, maxSockets: load.concurrency });
    close = () => agent.destroy();
    call = () =>
      new Promise<boolean>((resolve, reject) => {
        const request = httpRequest(`${baseUrl}/applications/${code()}`, { agent, headers }, (response) => {
          response.resume();
          response.on('end', () => resolve(response.statusCode === expectStatus));
          response.on('error', reject);
        });
        request.on('error', reject);
        request.end();
      });
  } else {
    const { endpoint, region, table } = load.target;
    // the SDK client the lookup function uses, with the local stack's credentials
    const documents = DynamoDBDocumentClient.from(
      new DynamoDBClient({
        endpoint,
        region,
        credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
      }),
    );
    close = () => documents.destroy();
    call = async () => {
      const { Item } = await documents.send(
        new GetCommand({ TableName: table, Key: applicationKeys.state(code()) }),
      );
      return Item !== undefined;
    };
  }
  const latencies: number[] = [];
  let errors = 0;
  let issued = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: load.concurrency }, async () => {
      for (;;) {
        const i = issued++;
        if (i >= load.count) return;
        const wait = started + (i * 1000) / load.perSecond - performance.now();
        if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
        const sent = performance.now();
        try {
          if (await call()) latencies.push(performance.now() - sent);
          else errors++;
        } catch {
          errors++;
        }
      }
    }),
  );
  close();
  return { requests: load.count, errors, seconds: (performance.now() - started) / 1000, latencies };
}

if (parentPort && workerData) {
  parentPort.postMessage('ready');
  parentPort.postMessage(await steadyLoad(workerData as SteadyLoad));
}
