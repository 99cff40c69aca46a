// The coverage page as text: each band's colours are readable (text 4.5:1, bars 3:1 on the white page), each has an
// icon and all but `done` a pattern, the bands' limits, the sign-in's place written safely into the document, and a
// Content-Security-Policy whose hashes are those of the inline style and script, with the sign-in's origin alone.
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  BAND_ICONS,
  BAND_STYLE,
  bandOf,
  type CoverageBand,
  coveragePage,
  coveragePagePolicy,
} from '../../shared/web/coverage-page.ts';
import { contrast } from './contrast.ts';

const BANDS = Object.keys(BAND_STYLE) as CoverageBand[];
const page = coveragePage({ clientId: 'client-1' });
const inline = (html: string, tag: string) => {
  const match = html.match(new RegExp(`<${tag}>([\\s\\S]*?)</${tag}>`));
  if (!match?.[1]) throw new Error(`no inline <${tag}>`);
  return match[1];
};
const hash = (text: string) => `'sha256-${createHash('sha256').update(text).digest('base64')}'`;

describe('the coverage page', () => {
  it.each(BANDS)('shows the %s band in text readable at WCAG AA and a bar visible on white', (band) => {
    const { ink, background, bar } = BAND_STYLE[band];
    expect(contrast(ink, background)).toBeGreaterThanOrEqual(4.5);
    expect(contrast(bar, '#ffffff')).toBeGreaterThanOrEqual(3);
    expect(inline(page, 'style')).toContain(`.band--${band} { color: ${ink}; background: ${background}; }`);
    expect(BAND_ICONS[band].length).toBeGreaterThan(0);
  });

  it('gives every band but done a pattern of its own, so colour is never the only cue', () => {
    const patterns = BANDS.filter((band) => band !== 'done').map((band) => BAND_STYLE[band].pattern);
    expect(new Set(patterns).size).toBe(patterns.length);
    expect(patterns).not.toContain('none');
    expect(BAND_STYLE.done.pattern).toBe('none');
  });

  it('puts a unit in its band: behind under 80 %, under way under 95 %, done from 95 %, unknown without residents', () => {
    expect([0, 79.99, 80, 94.99, 95, 100, 130, null].map(bandOf)).toEqual([
      'behind',
      'behind',
      'progress',
      'progress',
      'done',
      'done',
      'done',
      'unknown',
    ]);
  });

  it('writes where to sign in as attributes, escaped, and nothing of the sign-in locally', () => {
    const html = page.match(/<html[^>]*>/)?.[0];
    expect(html).toBe('<html lang="vi" data-client-id="client-1">');
    const aws = coveragePage({
      clientId: 'a"><script>',
      signIn: 'https://dancu.auth.ap-southeast-1.amazoncognito.com',
    });
    expect(aws).toContain('data-sign-in="https://dancu.auth.ap-southeast-1.amazoncognito.com"');
    expect(aws).toContain('data-client-id="a&#34;&#62;&#60;script&#62;"');
    expect(aws.match(/<script\b/g)).toHaveLength(1);
  });

  it('allows by hash exactly its inline style and script, and fetches to its origin and the sign-in’s only', () => {
    const local = coveragePagePolicy();
    expect(local).toContain(`script-src ${hash(inline(page, 'script'))};`);
    expect(local).toContain(`style-src ${hash(inline(page, 'style'))};`);
    expect(local).toContain("connect-src 'self';");
    const aws = coveragePagePolicy('https://dancu.auth.ap-southeast-1.amazoncognito.com');
    expect(aws).toContain("connect-src 'self' https://dancu.auth.ap-southeast-1.amazoncognito.com;");
    expect(aws).toContain("frame-ancestors 'none'");
  });

  it('builds the DOM from text only, and keeps the token for the tab, never in a URL', () => {
    const script = inline(page, 'script');
    expect(script).not.toMatch(/innerHTML|outerHTML|insertAdjacentHTML|document\.write|localStorage/);
    expect(script).toContain('sessionStorage.setItem(TOKEN');
    expect(script).toContain("authorization: 'Bearer ' + idToken");
  });
});
