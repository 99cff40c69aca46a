// Legacy-font conversion: `npm run convert -- FILE --out FILE2 [--from vni|tcvn3|cp1258|auto]`. Writes FILE as UTF-8
// Unicode (NFC, with a byte-order mark for Excel), converting VNI or TCVN3 glyphs in UTF-8 text, or VNI, TCVN3 or
// Windows-1258 bytes. Exit 0: converted (or nothing legacy found, copied as it was); 65: the encoding cannot be
// told (name it with --from); 66: FILE cannot be read; 64: bad usage.
import { readFile, writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { LEGACY_ENCODING_NAMES } from '#domain/legacy-fonts.ts';
import { ConvertError, type ConvertFrom, convertLegacy } from './convert-file.ts';

const USAGE = 'usage: npm run convert -- FILE --out FILE2 [--from vni|tcvn3|cp1258|auto]';
const FROM = ['vni', 'tcvn3', 'cp1258', 'auto'];

async function main(): Promise<number> {
  let values: { out?: string; from: string };
  let positionals: string[];
  try {
    ({ values, positionals } = parseArgs({
      allowPositionals: true,
      options: { out: { type: 'string' }, from: { type: 'string', default: 'auto' } },
    }));
  } catch (error) {
    console.error(`${(error as Error).message}\n${USAGE}`);
    return 64;
  }
  const file = positionals[0];
  if (!file || positionals.length > 1 || !values.out || !FROM.includes(values.from)) {
    console.error(USAGE);
    return 64;
  }
  let bytes: Buffer;
  try {
    bytes = await readFile(file);
  } catch (error) {
    console.error(`cannot read ${file}: ${(error as Error).message}`);
    return 66;
  }
  try {
    const { text, from, input } = convertLegacy(bytes, values.from as ConvertFrom);
    await writeFile(values.out, `\ufeff${text}`, 'utf8');
    console.error(
      from
        ? `${file}: ${LEGACY_ENCODING_NAMES[from]} ${input === 'bytes' ? 'bytes' : 'font glyphs'} converted to UTF-8 Unicode in ${values.out}`
        : `${file}: no legacy-font text found; copied as UTF-8 to ${values.out}`,
    );
    return 0;
  } catch (error) {
    if (!(error instanceof ConvertError)) throw error;
    console.error(`${file}: ${error.message}`);
    return 65;
  }
}

process.exitCode = await main().catch((error: unknown) => {
  console.error('the conversion failed / chuyển mã bị lỗi:', error);
  return 70;
});
