// Dead-letter queues in memory, implementing the DeadLetters port as shared/store/dead-letter-queues.ts does on
// SQS: a peek reads every message and takes none away.
import type { DeadLetter, DeadLetters } from '../../shared/model/ports.ts';

export class MemoryDeadLetters implements DeadLetters {
  readonly letters: DeadLetter[] = [];
  peeks = 0;

  /** A message that ran out of tries on `queue`, its body as sent. */
  add(queue: DeadLetter['queue'], message: object | string): void {
    this.letters.push({ queue, body: typeof message === 'string' ? message : JSON.stringify(message) });
  }

  async peek(): Promise<DeadLetter[]> {
    this.peeks += 1;
    return this.letters.map((letter) => ({ ...letter }));
  }
}
