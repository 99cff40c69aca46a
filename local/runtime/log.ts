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
