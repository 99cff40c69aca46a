// How every Lambda function is bundled, as plain data: DancuFunction hands it to the CDK's esbuild and
// bench/cold-start.ts to esbuild's API, so the sizes and load times the bench reports are those deployed.
import type { BuildOptions } from 'esbuild';

/** esbuild's target; it must name the same Node major as the function runtime (FUNCTION_RUNTIME). */
export const ESBUILD_TARGET = 'node24';

/** CommonJS dependencies inside an ESM bundle still call require(). */
export const ESM_REQUIRE_BANNER =
  "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);";

/**
 * Modules replaced in every bundle, paths relative to the repository root (the CDK runs esbuild there). Lambda
 * hands a function its credentials in the environment, so the SDK's default chain is only that.
 */
export const BUNDLE_ALIASES: Readonly<Record<string, string>> = {
  '@aws-sdk/credential-provider-node': './shared/aws/lambda-credentials.ts',
};

/**
 * A function's NODE_OPTIONS, as DancuFunction deploys it and bench/cold-start starts it: an old-space limit where
 * the spec sets one, and no `--enable-source-maps`. Node reads and parses a bundle's source map as it loads the
 * bundle when that flag is on, 20-30 ms of every cold start here for stack traces in TypeScript positions, which
 * this code hardly logs (errors are logged by name); the maps still ship beside the bundles, for decoding a stack
 * trace by hand (docs/operations.md).
 */
export function functionNodeOptions(maxHeapMb?: number): string | undefined {
  return maxHeapMb ? `--max-old-space-size=${maxHeapMb}` : undefined;
}

/** The esbuild build options of a function bundle (besides entry and output). */
export const BUNDLE_OPTIONS: BuildOptions = {
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: ESBUILD_TARGET,
  mainFields: ['module', 'main'],
  minify: true,
  // external files, beside the bundle and not loaded by it (functionNodeOptions)
  sourcemap: true,
  sourcesContent: false,
  // the SDK too, so Lambda runs the client versions pinned in package-lock.json that we tested
  external: [],
  alias: { ...BUNDLE_ALIASES },
  banner: { js: ESM_REQUIRE_BANNER },
};
