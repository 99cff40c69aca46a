// `npm run upload`'s note when a name was uploaded before: the name's report is about to be replaced, and where the
// earlier one stays readable (under its batch id).
import { GetObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { objectKeys } from '../shared/keys.ts';

/**
 * The note printed when the name was uploaded before: the new batch's report replaces the name's, and the earlier
 * one stays under its batch id. Undefined for a new name.
 */
export async function nameAlreadyUsed(
  s3: S3Client,
  bucket: string,
  agencyCode: string,
  name: string,
): Promise<string | undefined> {
  const key = objectKeys.report(agencyCode, name, 'summary.json');
  let batchId = '';
  try {
    const { Body } = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
    batchId = String(
      (JSON.parse((await Body?.transformToString()) ?? '{}') as { batchId?: unknown }).batchId ?? '',
    );
  } catch (error) {
    if ((error as Error).name === 'NoSuchKey' || (error as Error).name === 'NotFound') return undefined;
    throw error;
  }
  const kept = batchId
    ? objectKeys.batchReportPrefix(agencyCode, name, batchId)
    : objectKeys.reportPrefix(agencyCode, name);
  return [
    `Lưu ý: tên "${name}" đã được tải lên trước đây. Báo cáo mới sẽ thay báo cáo tại s3://${bucket}/${objectKeys.reportPrefix(agencyCode, name)}; báo cáo cũ vẫn còn tại s3://${bucket}/${kept}`,
    `Note: the name "${name}" was uploaded before. The new report replaces the one at s3://${bucket}/${objectKeys.reportPrefix(agencyCode, name)}; the earlier one stays at s3://${bucket}/${kept}`,
  ].join('\n');
}
