import { type BatchFormat, type BatchRow, openBatch, type ReadOptions } from '#batch/read-batch.ts';
import { BatchFailedError } from '#domain/errors.ts';

/** Feeds bytes in chunks of the given size, as a network stream would. */
export async function* chunked(bytes: Uint8Array, size = 7): AsyncGenerator<Uint8Array> {
  for (let i = 0; i < bytes.length; i += size) yield bytes.subarray(i, i + size);
}

export async function readRows(
  bytes: Uint8Array | string,
  format: BatchFormat = 'csv',
  options: ReadOptions & { chunkSize?: number } = {},
): Promise<{ rows: BatchRow[]; unknownColumns: string[]; delimiter?: string; encoding: string }> {
  const data = typeof bytes === 'string' ? Buffer.from(bytes, 'utf8') : bytes;
  const batch = await openBatch(chunked(data, options.chunkSize), format, options);
  const rows: BatchRow[] = [];
  for await (const page of batch.pages) rows.push(...page);
  return { rows, ...batch.layout };
}

/** The BatchFailedError code a read ends with, or undefined when it succeeds. */
export async function failureCode(
  bytes: Uint8Array | string,
  format: BatchFormat = 'csv',
): Promise<string | undefined> {
  try {
    await readRows(bytes, format);
    return undefined;
  } catch (error) {
    if (error instanceof BatchFailedError) return error.code;
    throw error;
  }
}

export const HEADER =
  'full_name,date_of_birth,sex,personal_id,birth_registration_place,hometown,ethnicity,nationality,current_address';
export const ROW_A = 'Nguyễn Văn An,1/2/1990,Nam,064090123456,Gia Lai,Bình Định,Kinh,Việt Nam,Pleiku';
export const ROW_B = 'Trần Thị Bình,1995-07-30,Nữ,,Gia Lai,Gia Lai,Gia Rai,VN,Ayun Pa';
