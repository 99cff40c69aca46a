// Where the local stack's own lines go. They name functions, queues, counts and request ids, never a message
// body or an object's content: those hold people's personal data.

export interface Logger {
  info(line: string): void;
  error(line: string): void;
}

export const consoleLogger: Logger = {
  info: (line) => console.log(`[local] ${line}`),
  error: (line) => console.error(`[local] ${line}`),
};

/** `Name: message` on one line, cut short: enough to find the cause in the function's own logs. */
export function describeError(error: unknown): string {
  const text = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  const line = text.split('\n', 1)[0] ?? '';
  return line.length > 200 ? `${line.slice(0, 200)}…` : line;
}

/** How the functions' own lines are printed: Powertools' JSON, or one readable line per event. */
export type LogFormat = 'json' | 'text';

/**
 * JSON when asked (`--json-logs`, or DANCU_LOG_FORMAT=json) or when stdout is not a terminal, so CI and pipes get
 * what a log tool reads; in a terminal, readable lines (DANCU_LOG_FORMAT=text asks for them anywhere).
 */
export function logFormat(argv: readonly string[], env: NodeJS.ProcessEnv, stdoutIsTTY: boolean): LogFormat {
  if (argv.includes('--json-logs')) return 'json';
  const asked = env.DANCU_LOG_FORMAT;
  if (asked === 'json' || asked === 'text') return asked;
  return stdoutIsTTY ? 'text' : 'json';
}
