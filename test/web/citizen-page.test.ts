// The citizen page as text: every status kind has its badge style and icon, the colours are readable, and the
// Content-Security-Policy's hashes are those of the inline style and script that the page carries.
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { STATUS_KINDS } from '../../shared/procedures/statuses.ts';
import {
  BADGE_COLOURS,
  BADGE_ICONS,
  CITIZEN_PAGE,
  CITIZEN_PAGE_POLICY,
} from '../../shared/web/citizen-page.ts';
import { contrast } from './contrast.ts';

const inline = (tag: string) => {
  const match = CITIZEN_PAGE.match(new RegExp(`<${tag}>([\\s\\S]*?)</${tag}>`));
  if (!match?.[1]) throw new Error(`no inline <${tag}>`);
  return match[1];
};
const hash = (text: string) => `'sha256-${createHash('sha256').update(text).digest('base64')}'`;

describe('the citizen page', () => {
  it.each(STATUS_KINDS)('styles the %s badge with text readable at WCAG AA (4.5:1)', (kind) => {
    const { ink, background } = BADGE_COLOURS[kind];
    expect(contrast(ink, background)).toBeGreaterThanOrEqual(4.5);
    expect(inline('style')).toContain(`.badge--${kind} { color: ${ink}; background: ${background}; }`);
  });

  it.each(STATUS_KINDS)('draws an icon for the %s badge', (kind) => {
    expect(BADGE_ICONS[kind].length).toBeGreaterThan(0);
    for (const d of BADGE_ICONS[kind]) expect(d).toMatch(/^M[\d.\s\-vhalAL]+$/);
  });

  it('hides the icon from screen readers and keeps the label as text', () => {
    const script = inline('script');
    expect(script).toContain("icon.setAttribute('aria-hidden', 'true')");
    expect(script).toContain("el('span', 'badge__label', label)");
    expect(script).not.toMatch(/innerHTML|outerHTML|insertAdjacentHTML|document\.write/);
  });

  it('allows by hash exactly the inline style and script it carries', () => {
    expect(CITIZEN_PAGE_POLICY).toContain(`script-src ${hash(inline('script'))};`);
    expect(CITIZEN_PAGE_POLICY).toContain(`style-src ${hash(inline('style'))};`);
    expect(CITIZEN_PAGE.match(/<script\b/g)).toHaveLength(1);
    expect(CITIZEN_PAGE.match(/<style\b/g)).toHaveLength(1);
  });
});
