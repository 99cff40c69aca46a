// One pass over a batch file, in its own process so that its peak RSS is its own.
// Usage: tsx bench/validate-worker.ts PASS FILE; prints {"rows", "seconds", "cpuSeconds", "mainCpuSeconds",
// "peakRssMB"} as JSON (seconds and CPU seconds of the pass alone, without the process's start; mainCpuSeconds the
// main thread's share of the CPU seconds).

import { once } from 'node:events';
import { createReadStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse as csvParse } from 'csv-parse';
import csvParser from 'csv-parser';
import Papa from 'papaparse';
import { validatePages } from '#batch/check-batch.ts';
import { openBatch } from '#batch/read-batch.ts';
import { defaultValidationContext } from '#domain/validate.ts';
import { checkFile } from '../local/check-file.ts';

const CHUNK = 1 << 17;
const [pass, file] = process.argv.slice(2);
if (!pass || !file) throw new Error('usage: validate-worker PASS FILE');
const open = () => createReadStream(file, { highWaterMark: CHUNK });

async function countEvents(stream: NodeJS.EventEmitter): Promise<number> {
  let rows = 0;
  stream.on('data', () => {
    rows += 1;
  });
  await once(stream, 'end');
  return rows - 1; // the header
}

const passes: Record<string, () => Promise<number>> = {
  /** the floor: find line ends in the bytes and decode each line to a string, nothing else */
  async 'split-lines'() {
    let lines = 0;
    let tail: Buffer = Buffer.alloc(0);
    let chars = 0;
    for await (const chunk of open()) {
      const buf: Buffer = tail.length > 0 ? Buffer.concat([tail, chunk as Buffer]) : (chunk as Buffer);
      let from = 0;
      for (let nl = buf.indexOf(10); nl !== -1; nl = buf.indexOf(10, from)) {
        chars += buf.toString('utf8', from, nl).length;
        lines += 1;
        from = nl + 1;
      }
      tail = buf.subarray(from);
    }
    if (chars < 0) throw new Error('unreachable: keeps the decoded lines alive for the optimiser');
    return lines - 1;
  },
  async papaparse() {
    const parser = Papa.parse(Papa.NODE_STREAM_INPUT, {}) as unknown as NodeJS.ReadWriteStream;
    open().pipe(parser);
    return countEvents(parser as never);
  },
  async 'csv-parser'() {
    const parser = open().pipe(csvParser({ headers: false }));
    return countEvents(parser as never);
  },
  async 'csv-parse'() {
    let rows = 0;
    for await (const _ of open().pipe(csvParse({ relax_column_count: true }))) rows += 1;
    return rows - 1;
  },
  /** dancu's reader alone: decode, split, map columns */
  async 'dancu-read'() {
    const batch = await openBatch(open(), 'csv');
    let rows = 0;
    for await (const page of batch.pages) rows += page.length;
    return rows;
  },
  /** what the split function does per row: read + validate + normalise */
  async 'dancu-read+validate'() {
    const batch = await openBatch(open(), 'csv');
    let rows = 0;
    for await (const page of validatePages(batch.pages, defaultValidationContext())) rows += page.length;
    return rows;
  },
  /** the pre-upload check as `npm run check` runs it: read + validate + in-file dedupe + the report files */
  async 'dancu-check'() {
    const out = await mkdtemp(join(tmpdir(), 'dancu-bench-check-'));
    try {
      return (await checkFile(file, out)).rows;
    } finally {
      await rm(out, { recursive: true, force: true });
    }
  },
};

const run = passes[pass];
if (!run) throw new Error(`unknown pass ${pass}; one of ${Object.keys(passes).join(', ')}`);
const started = performance.now();
const cpu = process.cpuUsage();
// the main thread's alone (Node 23.9 and later): the check seals and writes on a second thread
const threadCpu = process.threadCpuUsage?.();
const rows = await run();
const seconds = (performance.now() - started) / 1000;
const used = process.cpuUsage(cpu);
const cpuSeconds = (used.user + used.system) / 1e6;
const usedByThread = threadCpu && process.threadCpuUsage(threadCpu);
const mainCpuSeconds = usedByThread && (usedByThread.user + usedByThread.system) / 1e6;
const peakRssMB = Math.round(process.resourceUsage().maxRSS / 1024);
console.log(JSON.stringify({ rows, seconds, cpuSeconds, mainCpuSeconds, peakRssMB }));
