// fauxqs names a queue `http://sqs.<region>.localhost:PORT/000000000000/<name>` and finds it only by that exact
// URL. `*.localhost` does not resolve everywhere (not on this machine), and an SDK client configured by
// AWS_ENDPOINT_URL_SQS still sends each request to its QueueUrl's host, so the production code could not reach
// a queue. These hooks show clients `http://127.0.0.1:PORT/000000000000/<name>` (ElasticMQ's shape, on the
// endpoint itself) and translate it back for fauxqs.
import type { buildApp } from 'fauxqs';

type FauxqsApp = ReturnType<typeof buildApp>;

/** The actions whose responses carry queue URLs (message bodies are never touched: their MD5 is checked). */
const RETURNS_QUEUE_URLS = new Set(['CreateQueue', 'GetQueueUrl', 'ListQueues']);
const INTERNAL_QUEUE_URL = /http:\/\/sqs\.[a-z0-9-]+\.localhost:(\d+)\//g;

export function exposeQueueUrlsOnEndpoint(app: FauxqsApp, defaultRegion: string): void {
  app.addHook('preHandler', async (request) => {
    const body = request.body;
    if (!sqsAction(request.headers) || !isRecord(body) || typeof body.QueueUrl !== 'string') return;
    const region = regionOf(request.headers.authorization) ?? defaultRegion;
    body.QueueUrl = internalQueueUrl(body.QueueUrl, region);
  });
  app.addHook('onSend', async (request, _reply, payload) => {
    const action = sqsAction(request.headers);
    if (!action || !RETURNS_QUEUE_URLS.has(action) || typeof payload !== 'string') return payload;
    return payload.replace(INTERNAL_QUEUE_URL, 'http://127.0.0.1:$1/');
  });
}

function internalQueueUrl(queueUrl: string, region: string): string {
  let url: URL;
  try {
    url = new URL(queueUrl);
  } catch {
    return queueUrl; // fauxqs answers QueueDoesNotExist
  }
  if (url.hostname.startsWith('sqs.')) return queueUrl;
  return `http://sqs.${region}.localhost:${url.port}${url.pathname}`;
}

function sqsAction(headers: Record<string, string | string[] | undefined>): string | undefined {
  const target = headers['x-amz-target'];
  return typeof target === 'string' && target.startsWith('AmazonSQS.')
    ? target.slice('AmazonSQS.'.length)
    : undefined;
}

/** The region of a SigV4 signature's credential scope, as fauxqs reads it. */
function regionOf(authorization: string | undefined): string | undefined {
  return authorization?.match(/Credential=\S+?\/\d{8}\/([^/]+)\//)?.[1];
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}
