// What a person or a machine of an agency may do: one role per kind of work (docs/jurisdiction.md).

export const ROLES = ['uploader', 'reviewer', 'approver', 'viewer', 'platform'] as const;
export type Role = (typeof ROLES)[number];

export function isRole(value: string): value is Role {
  return (ROLES as readonly string[]).includes(value);
}

/** What each role is for, as the operator command and the pages say it. */
export const ROLE_DESCRIPTIONS: Record<Role, { vi: string; en: string }> = {
  uploader: {
    vi: 'Tải lên tệp phiếu thu thập thông tin dân cư và xem kết quả xử lý',
    en: 'Uploads files of collected forms and sees how they were processed',
  },
  reviewer: {
    vi: 'Xem xét các mục cần xem xét và các xung đột',
    en: 'Reviews the items held for review and the conflicts',
  },
  approver: {
    vi: 'Cán bộ thứ hai phê duyệt việc sửa thông tin nhân thân',
    en: 'The second officer who approves an identity correction',
  },
  viewer: {
    vi: 'Xem tiến độ thu thập và danh sách cần xử lý',
    en: 'Sees collection coverage and the worklists',
  },
  platform: {
    vi: 'Vận hành hệ thống và dữ liệu tham chiếu',
    en: 'Runs the platform: reference data and operations',
  },
};

/** The roles that change personal data: they act only where the agency's unit holds the target whole. */
export const WRITE_ROLES: ReadonlySet<Role> = new Set(['uploader', 'reviewer', 'approver']);

/** The roles that read or change what is known about people; a platform agency holds none of them. */
export const PERSONAL_DATA_ROLES: ReadonlySet<Role> = new Set(['uploader', 'reviewer', 'approver', 'viewer']);

/** The kinds of agency (issue 17): who serves a unit, and the platform team that serves the whole country. */
export const AGENCY_KINDS = ['police', 'justice', 'one-stop-shop', 'post-office', 'platform'] as const;
export type AgencyKind = (typeof AGENCY_KINDS)[number];
