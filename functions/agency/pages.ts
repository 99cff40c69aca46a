// The people's pages (issue 25): GET /app/coverage answers the coverage page's document, on the people API without a
// token (it holds no data; its script signs the person in and reads GET /coverage and GET /worklists with the token).
// Where it signs in is read from the environment the stack sets: SIGN_IN_URL, the hosted UI (unset locally, where
// the local server answers the sign-in on its own origin), and PEOPLE_CLIENT_ID, the people's app client.
import { env } from '../../shared/aws/env.ts';
import { coveragePage, coveragePagePolicy } from '../../shared/web/coverage-page.ts';
import { NO_CACHE } from '../commons/http.ts';

/** The hosted UI the pages sign in with, or undefined for the page's own origin. */
export const signInUrl = (): string | undefined => process.env.SIGN_IN_URL || undefined;

/** The Content-Security-Policy of the pages this function serves (the sign-in's origin is fixed per stage). */
export const pagesPolicy = () => coveragePagePolicy(signInUrl());

let page: string | undefined;

export async function getCoveragePage() {
  const signIn = signInUrl();
  page ??= coveragePage({ clientId: env('PEOPLE_CLIENT_ID'), ...(signIn ? { signIn } : {}) });
  return {
    statusCode: 200,
    // a new deployment's page at once: revalidated each time, never stored by a shared cache
    headers: { 'content-type': 'text/html; charset=utf-8', 'cache-control': NO_CACHE },
    body: page,
  };
}
