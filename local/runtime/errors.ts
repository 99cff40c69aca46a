// Errors of the local stack that a person running it can act on.

/** An emulator could not start, most often because its port is taken by another running local stack. */
export class EmulatorStartError extends Error {
  override name = 'EmulatorStartError';
}
