// A zip of stored (uncompressed) files, whole in memory: a failed batch's few-KB outcomes.xlsx. Written here rather
// than with a zip library, so that the split and the register, which write such a workbook, bundle none (their bundles
// are at the edge of the 500 KB a function may weigh; docs/benchmarks.md).
import type { XlsxZip } from './xlsx.ts';

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(bytes: Uint8Array): number {
  let crc = 0xffffffff;
  for (const byte of bytes) crc = (CRC_TABLE[(crc ^ byte) & 0xff] as number) ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

/** The zip's bytes once `end` is called; `bytes()` gives them. */
export class StoredZip implements XlsxZip {
  private readonly parts: Buffer[] = [];
  private readonly directory: Buffer[] = [];
  private offset = 0;
  private done: Buffer | undefined;

  add(name: string): { push(chunk: Uint8Array, final: boolean): void } {
    const pieces: Uint8Array[] = [];
    return {
      push: (chunk, final) => {
        pieces.push(chunk);
        if (final) this.file(name, Buffer.concat(pieces));
      },
    };
  }

  private file(name: string, data: Buffer): void {
    const fileName = Buffer.from(name, 'utf8');
    const crc = crc32(data);
    // version 2.0, flag 0x0800 (UTF-8 names), method 0 (stored), no time, then crc and sizes
    const header = Buffer.alloc(30);
    header.writeUInt32LE(0x04034b50, 0);
    header.writeUInt16LE(20, 4);
    header.writeUInt16LE(0x0800, 6);
    header.writeUInt32LE(crc, 14);
    header.writeUInt32LE(data.length, 18);
    header.writeUInt32LE(data.length, 22);
    header.writeUInt16LE(fileName.length, 26);
    const entry = Buffer.alloc(46);
    entry.writeUInt32LE(0x02014b50, 0);
    entry.writeUInt16LE(20, 4);
    entry.writeUInt16LE(20, 6);
    entry.writeUInt16LE(0x0800, 8);
    entry.writeUInt32LE(crc, 16);
    entry.writeUInt32LE(data.length, 20);
    entry.writeUInt32LE(data.length, 24);
    entry.writeUInt16LE(fileName.length, 28);
    entry.writeUInt32LE(this.offset, 42);
    this.parts.push(header, fileName, data);
    this.directory.push(entry, fileName);
    this.offset += header.length + fileName.length + data.length;
  }

  end(): void {
    const directory = Buffer.concat(this.directory);
    const end = Buffer.alloc(22);
    end.writeUInt32LE(0x06054b50, 0);
    end.writeUInt16LE(this.directory.length / 2, 8);
    end.writeUInt16LE(this.directory.length / 2, 10);
    end.writeUInt32LE(directory.length, 12);
    end.writeUInt32LE(this.offset, 16);
    this.done = Buffer.concat([...this.parts, directory, end]);
  }

  bytes(): Buffer {
    if (!this.done) throw new Error('zip not ended');
    return this.done;
  }
}
