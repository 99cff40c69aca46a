// The functions' logger as readable lines (the local stack in a terminal) and as Powertools' JSON (AWS, pipes).
import type { Context } from 'aws-lambda';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { TextLogger, textLine } from '../../functions/commons/text-logger.ts';

const at = '2026-12-07T13:45:02.123Z';
const clock = new Date(at).toTimeString().slice(0, 8);

let stdout: string[];
let stderr: string[];

beforeEach(() => {
  stdout = [];
  stderr = [];
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => stdout.push(String(chunk)) > 0);
  vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => stderr.push(String(chunk)) > 0);
});

afterEach(() => {
  vi.restoreAllMocks();
  vi.unstubAllEnvs();
  vi.resetModules();
});

const context = {
  functionName: 'dancu-split',
  awsRequestId: 'a1b2c3d4-0000-4000-8000-000000000001',
  invokedFunctionArn: 'arn:aws:lambda:ap-southeast-1:000000000000:function:dancu-split',
  memoryLimitInMB: '1024',
  functionVersion: '$LATEST',
  getRemainingTimeInMillis: () => 1000,
} as Context;

describe('textLine', () => {
  it('shows time, function, request id, level, message and the other keys on one line', () => {
    const line = textLine({
      level: 'INFO',
      message: 'chunk written',
      timestamp: at,
      service: 'dancu',
      cold_start: false,
      function_arn: context.invokedFunctionArn,
      function_memory_size: '1024',
      function_name: 'dancu-split',
      function_request_id: context.awsRequestId,
      sampling_rate: 0,
      correlation_id: 'batch-1',
      batchId: 'batch-1',
      chunk: 3,
      rows: 5000,
    });
    expect(line).toBe(
      `${clock} split    a1b2c3d4 INFO  chunk written { batchId: 'batch-1', chunk: 3, rows: 5000 }`,
    );
  });

  it('shows the correlation id when no other key holds it, and dashes outside an invocation', () => {
    const line = textLine({
      level: 'WARN',
      message: 'late',
      timestamp: at,
      service: 'dancu',
      correlation_id: 'b-9',
    });
    expect(line).toBe(`${clock} -        -        WARN  late { correlation_id: 'b-9' }`);
  });

  it('shows an error by name and message, its stack indented under the line', () => {
    const error = new TypeError('chunk 3 unreadable');
    const text = textLine({
      level: 'ERROR',
      message: 'register failed',
      timestamp: at,
      function_name: 'register',
      error: { name: error.name, location: 'x.ts:1', message: error.message, stack: error.stack },
    });
    const [line, ...stack] = text.split('\n');
    expect(line).toBe(
      `${clock} register -        ERROR register failed { error: 'TypeError: chunk 3 unreadable' }`,
    );
    expect(stack.length).toBeGreaterThan(0);
    for (const frame of stack) expect(frame).toMatch(/^ {4}at /);
  });
});

describe('TextLogger', () => {
  it('prints one readable line per event with the invocation’s context, warnings and errors on stderr', () => {
    const logger = new TextLogger({ serviceName: 'dancu', logLevel: 'INFO' });
    logger.addContext(context);
    logger.info('split', { rows: 2 });
    logger.warn('upload refused', { uploader: 'u-1' });
    expect(stdout).toEqual([
      expect.stringMatching(/^\d\d:\d\d:\d\d split {4}a1b2c3d4 INFO {2}split \{ rows: 2 \}\n$/),
    ]);
    expect(stderr).toEqual([
      expect.stringMatching(/ split {4}a1b2c3d4 WARN {2}upload refused \{ uploader: 'u-1' \}\n$/),
    ]);
  });

  it('keeps printing text in a child logger', () => {
    const child = new TextLogger({ serviceName: 'dancu', logLevel: 'INFO' }).createChild();
    child.info('child line');
    expect(stdout).toEqual([expect.stringMatching(/ INFO {2}child line\n$/)]);
  });
});

describe('the functions’ logger', () => {
  it('is TextLogger when the local stack asks for text, and Powertools JSON otherwise (AWS, pipes)', async () => {
    vi.stubEnv('DANCU_LOG_FORMAT', 'text');
    // each import after resetModules is a fresh module, so the class is told by name
    const local = await import('../../functions/commons/logger.ts');
    expect(local.logger.constructor.name).toBe('TextLogger');

    vi.resetModules();
    vi.stubEnv('DANCU_LOG_FORMAT', undefined);
    vi.stubEnv('POWERTOOLS_LOG_LEVEL', 'INFO');
    const aws = await import('../../functions/commons/logger.ts');
    aws.logger.addContext(context);
    aws.logger.info('split', { rows: 2 });
    expect(aws.logger.constructor.name).toBe('Logger');
    expect(JSON.parse(stdout.join(''))).toMatchObject({
      level: 'INFO',
      message: 'split',
      service: 'dancu',
      function_name: 'dancu-split',
      function_request_id: context.awsRequestId,
      rows: 2,
    });
  });
});
