// The coverage page in headless Chromium against a local stack (issue 25): expected residents and a batch of forms
// for three Pleiku wards, then the page as a viewer of Gia Lai's police uses it — the local sign-in (code + PKCE),
// the province's headline and its districts, sorting, a district's communes in their bands, a commune's worklist and
// its CSV, English, a phone and a desktop screen — with axe-core (WCAG 2.1 AA) finding nothing on each view, and no
// script error or Content-Security-Policy violation along the way. Screenshots go to DANCU_SCREENSHOTS when set.
import { readFileSync } from 'node:fs';
import { mkdir, readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPipeline } from '../../local/pipeline.ts';
import { uploadReference } from '../../local/reference.ts';
import type { LocalStack } from '../../local/runtime/stack.ts';
import { objectKeys } from '../../shared/keys.ts';
import { Agency, quietLog, tempDir } from '../integration/harness.ts';
import { chromiumPath, missingChromium } from './browser.ts';

const skip = missingChromium();
const AXE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
const AGENCY = 'CA-GIALAI';
const BATCH = 'phuong-pleiku.csv';
// three wards of Pleiku (district 622, province 64, 2020): all collected, most, and few
const WARDS = [
  { code: '23557', residents: 4, forms: 4 },
  { code: '23560', residents: 10, forms: 9 },
  { code: '23566', residents: 20, forms: 2 },
];
const GIVEN = [
  'An',
  'Bình',
  'Cường',
  'Dũng',
  'Giang',
  'Hải',
  'Khoa',
  'Lâm',
  'Minh',
  'Nam',
  'Phong',
  'Quân',
  'Sơn',
];
const FAMILY = ['Nguyễn Văn', 'Trần Đức', 'Lê Minh', 'Phạm Quốc', 'Hoàng Gia'];
const HEADER =
  'form_id,full_name,date_of_birth,sex,personal_id,birth_registration_place,hometown,ethnicity,nationality,permanent_commune_code,current_address';

function batchText(): string {
  const lines = [HEADER];
  let n = 0;
  for (const ward of WARDS) {
    for (let i = 0; i < ward.forms; i++, n++) {
      const name = `${FAMILY[n % FAMILY.length]} ${GIVEN[n % GIVEN.length]}`;
      const born = `1990-${String(1 + (n % 12)).padStart(2, '0')}-${String(1 + n).padStart(2, '0')}`;
      // 064: Gia Lai; 0: a man born in the 1900s; 90: 1990
      const id = `064090${String(100_000 + n * 7919).padStart(6, '0')}`;
      lines.push(`DC01-${n + 1},${name},${born},Nam,${id},Gia Lai,Gia Lai,Kinh,VN,${ward.code},Pleiku`);
    }
  }
  // a faulty form in the third ward: to be collected again
  lines.push('DC01-99,Đỗ Thị Hoa,1992-05-06,X,,Gia Lai,Gia Lai,Kinh,VN,23566,Pleiku');
  return `${lines.join('\n')}\n`;
}

let stack: LocalStack;
let browser: Browser;
let context: BrowserContext;
let page: Page;
let shots: string | undefined;
const problems: string[] = [];

beforeAll(async () => {
  if (skip) return;
  stack = await startPipeline({
    dir: await tempDir(),
    ports: { s3: 0, sqs: 0, dynamodb: 0, http: 0 },
    extraEnv: { LINKAGE: 'off' },
    log: quietLog,
  });
  const agency = new Agency(stack);
  const reference = [
    'commune_code,permanent_residents,temporary_residents,as_of,source',
    ...WARDS.map((ward) => `${ward.code},${ward.residents},0,2020-11-01,test`),
  ].join('\n');
  const report = await uploadReference(agency.s3, agency.bucket, 'e2e', Buffer.from(reference), {
    timeoutMs: 60_000,
  });
  expect(report, JSON.stringify(report)).toMatchObject({
    status: 'completed',
    communes: 3,
    rejectedCount: 0,
  });
  const key = objectKeys.upload(AGENCY, BATCH);
  const at = await agency.upload(key, batchText());
  const summary = await agency.waitForSummary(AGENCY, BATCH, at);
  expect(summary, JSON.stringify(summary)).toMatchObject({
    status: 'completed',
    outcomes: { new: 15, rejected: 1 },
  });
  await agency.waitForCompleted(key);
  shots = process.env.DANCU_SCREENSHOTS;
  if (shots) await mkdir(shots, { recursive: true });
  browser = await chromium.launch({ executablePath: chromiumPath, headless: true, args: ['--no-sandbox'] });
  context = await browser.newContext({
    viewport: { width: 360, height: 740 },
    locale: 'vi-VN',
    acceptDownloads: true,
  });
  page = await context.newPage();
  page.on('console', (message) => {
    // a failed answer is logged without its address: the answers are checked below instead
    if (message.type() === 'error' && !message.text().startsWith('Failed to load resource')) {
      problems.push(message.text());
    }
  });
  // the browser's own favicon request aside, every request the page makes is answered
  page.on('response', (response) => {
    if (response.status() >= 400 && !response.url().endsWith('/favicon.ico')) {
      problems.push(`${response.status()} ${response.url()}`);
    }
  });
  page.on('pageerror', (error) => problems.push(error.message));
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await stack?.stop();
});

/** axe-core's findings against WCAG 2.0 and 2.1, A and AA, on what the page shows now. */
async function accessibilityFindings(): Promise<string[]> {
  if (!(await page.evaluate<boolean>('typeof window.axe === "object"'))) await page.evaluate(AXE);
  const result = await page.evaluate<{ violations: { id: string; nodes: { target: string[] }[] }[] }>(
    `axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } })`,
  );
  return result.violations.map((v) => `${v.id}: ${v.nodes.map((node) => node.target.join(' ')).join(', ')}`);
}

async function screenshot(name: string): Promise<void> {
  if (shots) await page.screenshot({ path: join(shots, `${name}.png`), fullPage: true });
}

const overflow = () => page.evaluate<number>('document.documentElement.scrollWidth - window.innerWidth');
const rowsOf = (table: string) =>
  page
    .locator(`#${table} tbody tr`)
    .evaluateAll((rows) =>
      rows.map((row) => [...row.querySelectorAll('th, td')].map((cell) => cell.textContent?.trim() ?? '')),
    );

describe.skipIf(Boolean(skip))('the coverage page in Chromium', () => {
  it('asks a person to sign in first, in Vietnamese, and reads nothing before', async () => {
    await page.goto(`${stack.http}/app/coverage`);
    expect(await page.getAttribute('html', 'lang')).toBe('vi');
    await page.getByRole('heading', { name: 'Đăng nhập để xem tiến độ' }).waitFor();
    expect(await page.locator('#headline').count()).toBe(0);
    expect(await accessibilityFindings()).toEqual([]);
  });

  it('signs in with the hosted UI’s code and PKCE, and opens the agency’s own province', async () => {
    await page.getByRole('button', { name: 'Đăng nhập' }).click();
    // the local sign-in's choice of agency and roles, where Cognito asks for a password and a code
    await page.locator('input[name="agency"]').fill(AGENCY);
    await page.locator('input[name="roles"][value="viewer"]').check();
    await page.getByRole('button', { name: /Đăng nhập/ }).click();
    await page.locator('#headline').waitFor();
    // the code and state are gone from the address bar
    expect(new URL(page.url()).search).toBe('');
    expect(await page.locator('#unit-title').textContent()).toBe('Tỉnh Gia Lai');
    // 15 persons of 34 expected, 44.117… % shown to two places
    expect(await page.locator('#headline').textContent()).toBe('15 phiếu / 34 nhân khẩu thường trú, 44,12 %');
  });

  it('lists the districts, behind first, with the band in words, and sorts by any column', async () => {
    const rows = await rowsOf('units');
    expect(rows).toHaveLength(17);
    const pleiku = rows[0];
    expect(pleiku?.[0]).toBe('Thành phố Pleiku');
    expect(pleiku?.slice(1, 4)).toEqual(['15', '34', '44,12 % · Chậm']);
    // the districts without expected residents come last, said to have no figures
    expect(rows.slice(1).every((row) => row[3] === '– · Chưa có số liệu')).toBe(true);
    expect(await page.locator('th[data-key="percent"]').getAttribute('aria-sort')).toBe('ascending');
    await page.getByRole('button', { name: 'Đơn vị' }).click();
    expect(await page.locator('th[data-key="name"]').getAttribute('aria-sort')).toBe('ascending');
    const names = (await rowsOf('units')).map((row) => row[0] ?? '');
    expect(names).toEqual([...names].sort((a, b) => a.localeCompare(b, 'vi')));
    await page.getByRole('button', { name: 'Đơn vị' }).click();
    expect(await page.locator('th[data-key="name"]').getAttribute('aria-sort')).toBe('descending');
    expect(await overflow()).toBeLessThanOrEqual(0);
    await screenshot('province-phone');
    expect(await accessibilityFindings()).toEqual([]);
  });

  it('opens a district: its communes in their bands, by colour, icon and pattern, in the chart and the table', async () => {
    await page.getByRole('link', { name: 'Thành phố Pleiku' }).click();
    await page.locator('#unit-title').getByText('Thành phố Pleiku').waitFor();
    expect(new URL(page.url()).searchParams.get('unit')).toBe('622');
    const bands = await page
      .locator('.chart li')
      .evaluateAll((items) =>
        items.slice(0, 3).map((li) => [li.querySelector('.name')?.textContent, li.getAttribute('data-band')]),
      );
    expect(bands).toEqual([
      ['Phường Hội Thương', 'behind'],
      ['Phường Diên Hồng', 'progress'],
      ['Phường Yên Đỗ', 'done'],
    ]);
    const rows = await rowsOf('units');
    expect(rows.slice(0, 3).map((row) => row[3])).toEqual([
      '10 % · Chậm',
      '90 % · Đang thu thập',
      '100 % · Đạt',
    ]);
    // a pattern over the colour, and an icon the screen reader does not read
    const pattern = await page.evaluate<string>(
      `getComputedStyle(document.querySelector('.chart li[data-band="behind"] .fill')).backgroundImage`,
    );
    expect(pattern).toContain('repeating-linear-gradient');
    expect(await page.locator('#units .band svg').first().getAttribute('aria-hidden')).toBe('true');
    await screenshot('district-phone');
    expect(await accessibilityFindings()).toEqual([]);
  });

  it('links a commune to its worklist: the faulty form to collect again, and its CSV', async () => {
    await page.getByRole('link', { name: 'Phường Hội Thương' }).click();
    await page.locator('#worklist').waitFor();
    const rows = await rowsOf('worklist');
    expect(rows).toHaveLength(1);
    expect(rows[0]?.[0]).toBe('Thu thập lại');
    expect(rows[0]?.[3]).toMatch(/SEX_INVALID/);
    // the caller's agency uploaded it: the person on the form, to be found again
    expect(rows[0]?.[4]).toContain('Đỗ Thị Hoa');
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Tải về CSV' }).click(),
    ]);
    expect(download.suggestedFilename()).toBe('worklist-2020-23566.csv');
    const csv = await readFile((await download.path()) ?? '');
    expect([...csv.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    expect(csv.toString('utf8')).toContain('SEX_INVALID');
    expect(await overflow()).toBeLessThanOrEqual(0);
    await screenshot('worklist-phone');
    expect(await accessibilityFindings()).toEqual([]);
    await page.getByRole('link', { name: 'Về đơn vị cấp trên' }).click();
    await page.locator('#unit-title').getByText('Thành phố Pleiku').waitFor();
  });

  it('switches to English, and fits a desktop screen', async () => {
    await page.goto(`${stack.http}/app/coverage`);
    await page.locator('#headline').waitFor();
    await page.getByRole('button', { name: 'Switch to English' }).click();
    expect(await page.getAttribute('html', 'lang')).toBe('en');
    expect(await page.locator('#headline').textContent()).toBe('15 forms / 34 permanent residents, 44.12 %');
    expect(await page.locator('#unit-title').textContent()).toBe('Tỉnh Gia Lai');
    await page.setViewportSize({ width: 1280, height: 900 });
    expect(await overflow()).toBeLessThanOrEqual(0);
    expect(await page.locator('th.wide').first().isVisible()).toBe(true);
    await screenshot('province-desktop');
    expect(await accessibilityFindings()).toEqual([]);
    await page.getByRole('button', { name: 'Chuyển sang tiếng Việt' }).click();
    await page.setViewportSize({ width: 360, height: 740 });
  });

  it('signs out: the token is gone, and the page asks to sign in again', async () => {
    await page.getByRole('button', { name: 'Đăng xuất' }).click();
    await page.getByRole('heading', { name: 'Đăng nhập để xem tiến độ' }).waitFor();
    expect(await page.evaluate<number>('sessionStorage.length')).toBeLessThanOrEqual(1);
    await page.reload();
    await page.getByRole('heading', { name: 'Đăng nhập để xem tiến độ' }).waitFor();
  });

  it('shows another agency the same worklist line without the person on the form', async () => {
    // Pleiku's district police: the ward is within its unit, the form is Gia Lai's province police's
    await page.goto(`${stack.http}/app/coverage?worklist=23566&vintage=2020`);
    await page.getByRole('button', { name: 'Đăng nhập' }).click();
    await page.locator('input[name="agency"]').fill('CA-PLEIKU');
    await page.locator('input[name="roles"][value="viewer"]').check();
    await page.getByRole('button', { name: /Đăng nhập/ }).click();
    await page.locator('#worklist').waitFor();
    // back where the person set out, without the sign-in's code and state
    expect(new URL(page.url()).searchParams.get('worklist')).toBe('23566');
    const rows = await rowsOf('worklist');
    expect(rows).toHaveLength(1);
    expect(rows[0]?.[3]).toMatch(/SEX_INVALID/);
    expect(rows[0]?.[4]).toBe('');
    expect(await page.locator('#worklist').textContent()).not.toContain('Đỗ Thị Hoa');
    expect(await accessibilityFindings()).toEqual([]);
  });

  it('ran without script errors or Content-Security-Policy violations', () => {
    expect(problems).toEqual([]);
  });
});
