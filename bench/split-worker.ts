// The split handler on the one message waiting on the intake queue, as Lambda would run it (15 minutes), in
// a process of its own; prints {"rows", "seconds", "peakRssMB", "bytes"}.
import { DeleteMessageCommand, ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { createLambdaContext } from '../local/runtime/lambda-context.ts';
import { sqsEventFor } from '../local/runtime/sqs-event.ts';
import { FUNCTIONS } from '../shared/resources.ts';

const { handler } = await import('../functions/split/handler.ts');
const sqs = new SQSClient({ useQueueUrlAsEndpoint: false });
const queueUrl = process.env.INTAKE_QUEUE_URL ?? '';
const { Messages = [] } = await sqs.send(
  new ReceiveMessageCommand({
    QueueUrl: queueUrl,
    MaxNumberOfMessages: 1,
    WaitTimeSeconds: 10,
    VisibilityTimeout: 900,
  }),
);
const message = Messages[0];
if (!message) throw new Error('no message on the intake queue');
const event = sqsEventFor('arn:aws:sqs:ap-southeast-1:000000000000:dancu-intake', [
  {
    messageId: message.MessageId ?? '',
    receiptHandle: message.ReceiptHandle ?? '',
    body: message.Body ?? '',
  },
]);
const context = createLambdaContext(
  { functionName: 'split', region: 'ap-southeast-1', memoryMb: FUNCTIONS.split.memoryMb, timeoutMs: 900_000 },
  'bench',
);
const body = JSON.parse(message.Body ?? '{}') as { Records?: { s3: { object: { size: number } } }[] };
// where the memory goes: the largest heap, external and array-buffer figures seen while splitting
const peaks = { heapUsed: 0, external: 0, arrayBuffers: 0, rssAtStart: process.memoryUsage().rss };
const sampler = setInterval(() => {
  const usage = process.memoryUsage();
  peaks.heapUsed = Math.max(peaks.heapUsed, usage.heapUsed);
  peaks.external = Math.max(peaks.external, usage.external);
  peaks.arrayBuffers = Math.max(peaks.arrayBuffers, usage.arrayBuffers);
}, 50);
const started = performance.now();
const cpu = process.cpuUsage();
const response = await handler(event, context);
const { user, system } = process.cpuUsage(cpu);
clearInterval(sampler);
const seconds = (performance.now() - started) / 1000;
if (response.batchItemFailures.length > 0) throw new Error('the split failed');
await sqs.send(new DeleteMessageCommand({ QueueUrl: queueUrl, ReceiptHandle: message.ReceiptHandle }));
const { DynamoDBClient, ScanCommand } = await import('@aws-sdk/client-dynamodb');
const { Items = [] } = await new DynamoDBClient({}).send(
  new ScanCommand({ TableName: process.env.BATCHES_TABLE }),
);
const rows = Math.max(...Items.map((i) => Number(i.rows?.N ?? 0)));
console.log(
  JSON.stringify({
    rows,
    seconds,
    // steadier than wall time when other work shares the machine
    cpuSeconds: (user + system) / 1e6,
    peakRssMB: Math.round(process.resourceUsage().maxRSS / 1024),
    bytes: body.Records?.[0]?.s3.object.size ?? 0,
    peaksMB: Object.fromEntries(Object.entries(peaks).map(([k, v]) => [k, Math.round(v / 2 ** 20)])),
  }),
);
process.exit(0);
