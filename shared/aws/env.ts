/** A required environment variable, or a clear error at start-up rather than a confusing one later. */
export function env(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`environment variable ${name} is not set`);
  return value;
}

/**
 * The SDK's HTTP settings from the environment. In AWS every invocation has a container, and sockets, of its own;
 * the local stack runs all invocations in one process and raises the sockets per client to what they would hold
 * together (DANCU_MAX_SOCKETS). Unset in AWS: the SDK's defaults.
 */
export function requestHandlerOptions() {
  const maxSockets = Number(process.env.DANCU_MAX_SOCKETS) || undefined;
  return maxSockets ? { httpAgent: { maxSockets }, httpsAgent: { maxSockets } } : undefined;
}
