// Two functions' invocations at once in the local stack's one process: each line of the shared Powertools logger
// names the function and request id of the invocation that wrote it (issue 26), and the HTTP function's appended
// keys stay on its own lines.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { httpApi, json } from '../../../functions/commons/http.ts';
import { logger } from '../../../functions/commons/logger.ts';
import { queueConsumer } from '../../../functions/commons/queue-consumer.ts';
import { buildHttpApiEvent } from '../../../local/runtime/http-server.ts';
import { invokeAlone, prepareInvocations } from '../../../local/runtime/invocation.ts';
import { createLambdaContext } from '../../../local/runtime/lambda-context.ts';
import { sqsEventFor } from '../../../local/runtime/sqs-event.ts';
import { sleep } from './helpers.ts';

// the logger's level is read as it loads, and each warm invocation returns to it
vi.hoisted(() => {
  process.env.POWERTOOLS_LOG_LEVEL = 'INFO';
});

let written: string[];

beforeEach(() => {
  written = [];
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
    written.push(String(chunk));
    return true;
  });
});

afterEach(() => {
  vi.restoreAllMocks();
});

type Line = { message: string; function_name?: string; function_request_id?: string; requestId?: string };

function lines(): Line[] {
  return written
    .join('')
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as Line);
}

const identity = (functionName: string) => ({
  functionName,
  region: 'ap-southeast-1',
  memoryMb: 128,
  timeoutMs: 5000,
});

describe('invokeAlone', () => {
  it('has a store per invocation when the process makes its store first', async () => {
    expect(await prepareInvocations()).toBe(true);
  });

  it('keeps each concurrent invocation’s function name and request id on its own lines', async () => {
    const register = queueConsumer<string>({
      queue: 'records',
      parse: (record) => record.body,
      handle: async (body) => {
        logger.info('register step one', { body });
        await sleep(20);
        logger.info('register step two', { body });
      },
      failure: { line: 'register failed', fields: () => ({}) },
    });
    const lookup = httpApi([
      {
        method: 'GET',
        path: '/applications/{code}',
        handler: async () => {
          await sleep(5);
          logger.info('lookup step one');
          await sleep(30);
          logger.info('lookup step two');
          return json({ ok: true });
        },
      },
    ]);
    const registerContext = createLambdaContext(identity('dancu-register'));
    const lookupContext = createLambdaContext(identity('dancu-lookup'));
    const sqsEvent = sqsEventFor('arn:aws:sqs:ap-southeast-1:000000000000:dancu-records', [
      { messageId: 'm1', receiptHandle: 'r1', body: 'chunk-1' },
    ]);
    const httpEvent = buildHttpApiEvent({
      method: 'GET',
      url: '/applications/A1',
      headers: { host: '127.0.0.1', 'x-request-id': 'caller-1' },
      routeKey: 'GET /applications/{code}',
      pathParameters: { code: 'A1' },
    });

    await Promise.all([
      invokeAlone(registerContext, () => register(sqsEvent, registerContext)),
      invokeAlone(lookupContext, () => lookup(httpEvent, lookupContext)),
    ]);

    const logged = lines();
    // interleaved: the lookup's first line falls between the register's two
    expect(logged.map((line) => line.message)).toEqual([
      'register step one',
      'lookup step one',
      'register step two',
      'lookup step two',
    ]);
    for (const line of logged) {
      const own = line.message.startsWith('register') ? registerContext : lookupContext;
      expect(line.function_name, line.message).toBe(own.functionName);
      expect(line.function_request_id, line.message).toBe(own.awsRequestId);
      expect(line.requestId, line.message).toBe(line.message.startsWith('lookup') ? 'caller-1' : undefined);
    }
  });
});
