// What the project's pages share: one HTML document each with its style and script inline, allowed by hash in its
// Content-Security-Policy, nothing else loaded (no framework, no build, no third-party request).
import { createHash } from 'node:crypto';

/** The CSP source of an inline script or style: its SHA-256, as the browser computes it. */
export const inlineHash = (text: string) => `'sha256-${createHash('sha256').update(text).digest('base64')}'`;

/** A page's policy: its own style and script by hash, fetches to its own origin and `connect` (origins), no framing. */
export function pagePolicy(script: string, style: string, connect: readonly string[] = []): string {
  return [
    "default-src 'none'",
    `script-src ${inlineHash(script)}`,
    `style-src ${inlineHash(style)}`,
    `connect-src ${["'self'", ...connect].join(' ')}`,
    "img-src 'self'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
    "require-trusted-types-for 'script'",
  ].join('; ');
}
