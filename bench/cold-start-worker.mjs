// One cold start, in a fresh Node process that holds nothing but this file and one bundle (plain JavaScript, so
// no TypeScript loader is in the measured process): load the bundle, invoke its handler once with the event in
// EVENT_FILE, print {"loadMs", "loadCpuMs", "invokeMs", "invokeCpuMs", "readyMs", "rssMB", "outcome"} as JSON.
// Usage: node bench/cold-start-worker.mjs BUNDLE EVENT_FILE FUNCTION_NAME TIMEOUT_SECONDS
import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';

const [bundle, eventFile, functionName = 'bench', timeoutSeconds = '30'] = process.argv.slice(2);
if (!bundle || !eventFile) throw new Error('usage: cold-start-worker BUNDLE EVENT_FILE [NAME] [TIMEOUT]');
const event = JSON.parse(readFileSync(eventFile, 'utf8'));

// CPU time beside wall time: on a machine others share, waiting for a core inflates only the latter
const cpuMs = (since) => {
  const { user, system } = process.cpuUsage(since);
  return (user + system) / 1000;
};
const loadStarted = performance.now();
const loadCpu = process.cpuUsage();
const { handler } = await import(pathToFileURL(bundle).href);
const loadMs = performance.now() - loadStarted;
const loadCpuMs = cpuMs(loadCpu);

const deadline = Date.now() + Number(timeoutSeconds) * 1000;
const context = {
  callbackWaitsForEmptyEventLoop: true,
  functionName,
  functionVersion: '$LATEST',
  invokedFunctionArn: `arn:aws:lambda:ap-southeast-1:000000000000:function:${functionName}`,
  memoryLimitInMB: '1024',
  awsRequestId: `cold-start-${process.pid}`,
  logGroupName: `/aws/lambda/${functionName}`,
  logStreamName: 'bench',
  getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
};
const invokeStarted = performance.now();
const invokeCpu = process.cpuUsage();
const result = await handler(event, context);
const invokeMs = performance.now() - invokeStarted;
const invokeCpuMs = cpuMs(invokeCpu);

// what the handler answered, in a word: the HTTP status, the SQS records that failed, or "ok"
let outcome = 'ok';
if (result && typeof result === 'object' && 'statusCode' in result) outcome = `HTTP ${result.statusCode}`;
else if (result && typeof result === 'object' && Array.isArray(result.batchItemFailures))
  outcome = result.batchItemFailures.length > 0 ? `${result.batchItemFailures.length} failed` : 'ok';
console.log(
  JSON.stringify({
    loadMs,
    loadCpuMs,
    invokeMs,
    invokeCpuMs,
    // since the process started (performance.now() counts from there): Node's own start, the load, the invocation
    readyMs: performance.now(),
    rssMB: Math.round(process.resourceUsage().maxRSS / 1024),
    outcome,
  }),
);
process.exit(0);
