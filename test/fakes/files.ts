// The batches bucket in memory, implementing the Files and ReportFiles ports as shared/store/work-files.ts and
// report-upload.ts do on S3 (test/contracts holds both to the same contract).
import { Readable } from 'node:stream';
import type { ReportFiles } from '../../shared/model/ports.ts';

export class MemoryFiles implements ReportFiles {
  readonly objects = new Map<
    string,
    { body: Buffer; contentType?: string; metadata?: Record<string, string> }
  >();

  /** An upload, as an agency puts it; with the user metadata of a signed upload URL when given. */
  put(key: string, body: string | Buffer, contentType?: string, metadata?: Record<string, string>): void {
    this.objects.set(key, {
      body: Buffer.from(body),
      ...(contentType ? { contentType } : {}),
      ...(metadata ? { metadata } : {}),
    });
  }

  async metadata(key: string): Promise<Record<string, string> | undefined> {
    const object = this.objects.get(key);
    return object ? { ...object.metadata } : undefined;
  }

  /** An object's text; undefined when absent. */
  text(key: string): string | undefined {
    return this.objects.get(key)?.body.toString('utf8');
  }

  keys(prefix = ''): string[] {
    return [...this.objects.keys()].filter((key) => key.startsWith(prefix)).sort();
  }

  async open(key: string, _versionId?: string, offset = 0): Promise<Readable> {
    const object = this.objects.get(key);
    if (!object) throw Object.assign(new Error(`no object ${key}`), { name: 'NoSuchKey' });
    return Readable.from([object.body.subarray(offset)]);
  }

  async exists(key: string): Promise<boolean> {
    return this.objects.has(key);
  }

  async putLines(key: string, values: unknown[]): Promise<void> {
    this.put(key, values.map((value) => `${JSON.stringify(value)}\n`).join(''), 'application/x-ndjson');
  }

  async readLines<T>(key: string): Promise<T[]> {
    const text = this.text(key) ?? '';
    return text
      .split('\n')
      .filter((line) => line !== '')
      .map((line) => JSON.parse(line) as T);
  }

  async putText(key: string, body: string | Uint8Array, contentType: string): Promise<void> {
    this.put(key, Buffer.from(body), contentType);
  }

  async copy(from: string, to: string): Promise<void> {
    const object = this.objects.get(from);
    if (!object) throw Object.assign(new Error(`no object ${from}`), { name: 'NoSuchKey' });
    this.objects.set(to, { ...object });
  }

  /** An object's bytes; undefined when absent. */
  bytes(key: string): Buffer | undefined {
    return this.objects.get(key)?.body;
  }

  async uploadStream(key: string, body: Readable, contentType: string): Promise<void> {
    const parts: Buffer[] = [];
    for await (const part of body) parts.push(Buffer.from(part));
    this.put(key, Buffer.concat(parts), contentType);
  }
}
