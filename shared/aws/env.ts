/** A required environment variable, or a clear error at start-up rather than a confusing one later. */
export function env(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`environment variable ${name} is not set`);
  return value;
}
