// The Powertools logger as one readable line per event, for a terminal (the local stack under `npm start`):
// `13:45:02 split    a1b2c3d4 INFO  split { objectKey: '…', result: 'split' }`. A Powertools formatter can only reshape
// the object that Powertools then prints as JSON, so this subclass overrides printLog, the protected method
// Powertools leaves to subclasses; the attributes, the per-invocation context and the levels stay Powertools'.
import { inspect } from 'node:util';
import { Logger, type LogItem, LogLevelThreshold } from '@aws-lambda-powertools/logger';
import type { ConstructorOptions } from '@aws-lambda-powertools/logger/types';

// shown in the line's own columns, or of no use to a reader at a terminal
const COLUMNS = new Set([
  'level',
  'message',
  'timestamp',
  'service',
  'cold_start',
  'function_arn',
  'function_memory_size',
  'function_name',
  'function_request_id',
  'sampling_rate',
  'xray_trace_id',
  'correlation_id',
]);

/** As long as the longest function id (`finalize`, `register`), so the columns line up. */
const NAME_WIDTH = 8;
const REQUEST_ID_WIDTH = 8;

interface LoggedError {
  name: string;
  message: string;
  stack?: string | string[];
}

function isLoggedError(value: unknown): value is LoggedError {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as LoggedError).name === 'string' &&
    typeof (value as LoggedError).message === 'string'
  );
}

/** An error's stack under its line, indented, without the first line (the `Name: message` already shown). */
function stackBlock(error: LoggedError): string[] {
  const stack = Array.isArray(error.stack) ? error.stack : (error.stack?.split('\n') ?? []);
  return stack.slice(1).map((line) => `    ${line.trim()}`);
}

/** One event of Powertools' attributes as a line (and an error's stack, indented, under it). */
export function textLine(attributes: Record<string, unknown>): string {
  const service = String(attributes.service ?? '');
  const functionName = String(attributes.function_name ?? '-').replace(`${service}-`, '');
  const requestId = String(attributes.function_request_id ?? '-').slice(0, REQUEST_ID_WIDTH);
  const timestamp = new Date(String(attributes.timestamp ?? ''));
  const time = Number.isNaN(timestamp.getTime()) ? '--:--:--' : timestamp.toTimeString().slice(0, 8);
  const extras: Record<string, unknown> = {};
  const stacks: string[] = [];
  for (const [key, value] of Object.entries(attributes)) {
    if (COLUMNS.has(key)) continue;
    if (isLoggedError(value)) {
      extras[key] = `${value.name}: ${value.message}`;
      stacks.push(...stackBlock(value));
    } else extras[key] = value;
  }
  // the correlation id only when no other key already shows it (the HTTP request id, a batch id)
  const correlationId = attributes.correlation_id;
  if (correlationId !== undefined && !Object.values(extras).includes(correlationId)) {
    extras.correlation_id = correlationId;
  }
  const fields =
    Object.keys(extras).length > 0 ? ` ${inspect(extras, { breakLength: Infinity, depth: 4 })}` : '';
  const line = [
    time,
    functionName.padEnd(NAME_WIDTH),
    requestId.padEnd(REQUEST_ID_WIDTH),
    String(attributes.level ?? '').padEnd(5),
    `${String(attributes.message ?? '')}${fields}`,
  ].join(' ');
  return [line, ...stacks].join('\n');
}

/** The dancu logger printing `textLine`s: warnings and errors on stderr, the rest on stdout, as Powertools does. */
export class TextLogger extends Logger {
  protected override printLog(logLevel: number, log: LogItem): void {
    log.prepareForPrint();
    const stream = logLevel >= LogLevelThreshold.WARN ? process.stderr : process.stdout;
    stream.write(`${textLine(log.getAttributes())}\n`);
  }

  // a child logger (createChild) prints the same way
  protected override createLogger(options?: ConstructorOptions): Logger {
    return new TextLogger(options);
  }
}
