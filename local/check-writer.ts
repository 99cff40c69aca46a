// The pre-upload check's second thread (local/check-file.ts starts it): seals each accepted row's person key and
// writes outcomes.csv, while the main thread reads, validates and dedupes the next pages. Sealing (two SHA-256 a
// row), the lines and their UTF-8 encoding took nearly half of what the check added to read + validate on one
// thread (docs/benchmarks.md, "The pre-upload check"). Run as JavaScript bundled from this file, not through
// tsx: a worker with tsx's loader costs about 60 MB more.
import { closeSync, openSync, writeSync } from 'node:fs';
import { parentPort, workerData } from 'node:worker_threads';
import { csvCell, type FieldLabels, OUTCOMES, type Outcome, outcomeCsvTail } from '#batch/ledger.ts';
import type { RowIssue } from '#domain/errors.ts';
import { hmacKeyer } from '#domain/person-keyer.ts';

/** What the thread is started with: where it writes, what first, and the secret the keys are sealed under. */
export interface WriterData {
  path: string;
  start: string;
  secret: string | Uint8Array;
  version: number;
}

/** How the file's header names each field (fields.ts fieldLabels), for the messages: sent before the first page. */
export interface WriterLabels {
  labels: [string, string][];
}

/**
 * Numbers per row in a page's message: row, line (-1 when unknown), outcome, the lengths of its two texts, and 1
 * when it has issues (the next of the page's `issues`).
 */
export const PAGE_NUMBERS = 6;

/**
 * A page as the main thread sends it: a row's numbers (PAGE_NUMBERS each, in an array handed over, not copied),
 * its texts one after another in one string (the form id as written, then the identity to seal, '' for a rejected
 * row), and the issues of the rows that have any, in order: their codes and messages are made here.
 */
export interface WriterPage {
  numbers: Int32Array<ArrayBuffer>;
  texts: string;
  issues: RowIssue[][];
}

/** The message that closes outcomes.csv; the thread answers `CLOSED` once it is on disk. */
export const END = 'end';
export const CLOSED = 'closed';

/** outcomes.csv's bytes held before a write to the disk */
const BUFFER = 1 << 18;

function run(port: NonNullable<typeof parentPort>, data: WriterData): void {
  const keyer = hmacKeyer(data.secret, data.version);
  let labels: FieldLabels = new Map();
  const fd = openSync(data.path, 'w');
  // each line encoded into one buffer as it is made: no page's worth of text outlives a young-generation collection
  const buffer = Buffer.allocUnsafeSlow(BUFFER);
  let used = 0;
  const put = (text: string) => {
    // a line of the check takes at most a few KB (a rejected row's message); one longer is written on its own
    if (used + 3 * text.length > BUFFER) {
      writeSync(fd, buffer, 0, used);
      used = 0;
      if (3 * text.length > BUFFER) {
        writeSync(fd, text);
        return;
      }
    }
    used += buffer.write(text, used);
  };
  put(data.start);
  port.on('message', (message: WriterPage | WriterLabels | typeof END) => {
    if (message === END) {
      if (used > 0) writeSync(fd, buffer, 0, used);
      closeSync(fd);
      port.postMessage(CLOSED);
      return;
    }
    if ('labels' in message) {
      labels = new Map(message.labels);
      return;
    }
    const { numbers, texts, issues } = message;
    let at = 0;
    let withIssues = 0;
    const text = (length: number) => {
      const piece = texts.slice(at, at + length);
      at += length;
      return piece;
    };
    for (let i = 0; i < numbers.length; i += PAGE_NUMBERS) {
      const line = numbers[i + 1] as number;
      const formId = text(numbers[i + 3] as number);
      const identity = text(numbers[i + 4] as number);
      const outcome = OUTCOMES[numbers[i + 2] as number] as Outcome;
      const tail =
        numbers[i + 5] === 0 ? ',' : outcomeCsvTail({ outcome, issues: issues[withIssues++] ?? [] }, labels);
      const personKey = identity === '' ? '' : csvCell(keyer.seal(identity));
      put(`${numbers[i]},${line < 0 ? '' : line},${csvCell(formId)},${outcome},${personKey},${tail}\n`);
    }
    // one answer a page: the main thread sends no more than a few pages ahead
    port.postMessage(1);
  });
}

if (parentPort && workerData) run(parentPort, workerData as WriterData);
