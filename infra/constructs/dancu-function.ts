import { execFileSync } from 'node:child_process';
import { relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  AssetHashType,
  type BundlingOptions,
  DockerImage,
  Duration,
  RemovalPolicy,
  Validations,
} from 'aws-cdk-lib';
import { Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import {
  Architecture,
  Code,
  Function as LambdaFunction,
  ParamsAndSecretsLayerVersion,
  ParamsAndSecretsLogLevel,
  ParamsAndSecretsVersions,
  Runtime,
  Tracing,
} from 'aws-cdk-lib/aws-lambda';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';

/** The newest Node.js runtime this aws-cdk-lib knows; esbuild's target (infra/bundling.ts) must name the same major. */
export const FUNCTION_RUNTIME = Runtime.NODEJS_24_X;

/** The repository root: bundles are built there (infra/bundling.ts BUNDLE_ALIASES are relative to it). */
const REPOSITORY_ROOT = fileURLToPath(new URL('../../', import.meta.url));

/**
 * The asset bundling of one entry: infra/bundle-function.ts in a process of its own (esbuild's plugins need its
 * asynchronous API, the CDK's bundling is synchronous), locally only. The command names the entry, so that two
 * functions' assets are never taken for one (the CDK caches staged assets by their bundling options).
 */
function functionBundling(entry: string): BundlingOptions {
  const relativeEntry = relative(REPOSITORY_ROOT, entry);
  return {
    image: DockerImage.fromRegistry('dancu-bundles-locally'),
    command: ['infra/bundle-function.ts', relativeEntry],
    local: {
      tryBundle(outputDir) {
        execFileSync(
          process.execPath,
          ['--import', 'tsx', 'infra/bundle-function.ts', relativeEntry, outputDir],
          { cwd: REPOSITORY_ROOT, stdio: ['ignore', 'inherit', 'inherit'] },
        );
        return true;
      },
    },
  };
}

/** The CloudWatch namespace of every function's EMF metrics (functions/commons/observability.ts). */
export const METRICS_NAMESPACE = 'Dancu';

export interface DancuFunctionProps {
  /** Path of the handler module (TypeScript), e.g. `functions/split/handler.ts`. */
  readonly entry: string;
  /** Exported handler name. @default 'handler' */
  readonly handler?: string;
  readonly description?: string;
  /** @default 512 */
  readonly memorySize?: number;
  /** @default 30 seconds */
  readonly timeout?: Duration;
  /** Merged over the defaults (`POWERTOOLS_*`). */
  readonly environment?: Record<string, string>;
  /** @default one month */
  readonly logRetention?: RetentionDays;
  /** @default RETAIN, like the log data of any stack */
  readonly logRemovalPolicy?: RemovalPolicy;
  /**
   * The function reads a Secrets Manager secret: it gets AWS's Parameters and Secrets Lambda extension, which it calls
   * on localhost instead of bundling the Secrets Manager client (shared/aws/person-key-secret.ts). @default false
   */
  readonly readsSecrets?: boolean;
}

/**
 * Every dancu Lambda function: newest Node runtime on arm64, its own log group with retention, X-Ray
 * tracing, a role that may write only to that log group, and a local esbuild ESM bundle (infra/bundling.ts) with
 * its source map beside it (not loaded at start: `functionNodeOptions`).
 */
export class DancuFunction extends Construct {
  readonly function: LambdaFunction;
  readonly logGroup: LogGroup;

  constructor(scope: Construct, id: string, props: DancuFunctionProps) {
    super(scope, id);

    this.logGroup = new LogGroup(this, 'LogGroup', {
      retention: props.logRetention ?? RetentionDays.ONE_MONTH,
      removalPolicy: props.logRemovalPolicy ?? RemovalPolicy.RETAIN,
    });

    // Our own role instead of AWSLambdaBasicExecutionRole, which may write to every log group.
    const role = new Role(this, 'Role', { assumedBy: new ServicePrincipal('lambda.amazonaws.com') });
    this.logGroup.grantWrite(role);

    this.function = new LambdaFunction(this, 'Function', {
      // the bundle's own hash: a change anywhere that does not change the bundle deploys nothing
      code: Code.fromAsset(REPOSITORY_ROOT, {
        assetHashType: AssetHashType.OUTPUT,
        bundling: functionBundling(props.entry),
      }),
      handler: `index.${props.handler ?? 'handler'}`,
      description: props.description,
      runtime: FUNCTION_RUNTIME,
      architecture: Architecture.ARM_64,
      memorySize: props.memorySize ?? 512,
      timeout: props.timeout ?? Duration.seconds(30),
      role,
      logGroup: this.logGroup,
      // Lambda's own segments of each invocation (no X-Ray SDK in the bundle: functions/commons/observability.ts)
      tracing: Tracing.ACTIVE,
      // AWS's layer, pinned: the version is a change reviewed like any other
      ...(props.readsSecrets
        ? {
            paramsAndSecrets: ParamsAndSecretsLayerVersion.fromVersion(ParamsAndSecretsVersions.V1_0_103, {
              logLevel: ParamsAndSecretsLogLevel.WARN,
            }),
          }
        : {}),
      environment: {
        POWERTOOLS_SERVICE_NAME: 'dancu',
        POWERTOOLS_METRICS_NAMESPACE: METRICS_NAMESPACE,
        // events hold rows and names: never into logs (traces are Lambda's own, which record no payloads)
        POWERTOOLS_LOGGER_LOG_EVENT: 'false',
        ...props.environment,
      },
    });

    const policy = role.node.tryFindChild('DefaultPolicy');
    if (policy) {
      Validations.of(policy.node.defaultChild ?? policy).acknowledge({
        id: 'AwsSolutions-IAM5[Resource::*]',
        reason:
          'X-Ray PutTraceSegments/PutTelemetryRecords support no resource-level permissions (added by active tracing).',
      });
    }
  }
}
