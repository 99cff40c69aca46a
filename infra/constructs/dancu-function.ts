import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import { Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Architecture, Runtime, Tracing } from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { BUNDLE_ALIASES, BUNDLE_OPTIONS, ESBUILD_TARGET, ESM_REQUIRE_BANNER } from '../bundling.ts';

/** The newest Node.js runtime this aws-cdk-lib knows; esbuild's target (infra/bundling.ts) must name the same major. */
export const FUNCTION_RUNTIME = Runtime.NODEJS_24_X;

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
}

/**
 * Every dancu Lambda function: newest Node runtime on arm64, its own log group with retention, X-Ray
 * tracing, a role that may write only to that log group, and a local esbuild ESM bundle with source maps beside it
 * (not loaded at start: `functionNodeOptions` in infra/bundling.ts).
 */
export class DancuFunction extends Construct {
  readonly function: NodejsFunction;
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

    this.function = new NodejsFunction(this, 'Function', {
      entry: props.entry,
      handler: props.handler ?? 'handler',
      description: props.description,
      runtime: FUNCTION_RUNTIME,
      architecture: Architecture.ARM_64,
      memorySize: props.memorySize ?? 512,
      timeout: props.timeout ?? Duration.seconds(30),
      role,
      logGroup: this.logGroup,
      // Lambda's own segments of each invocation (no X-Ray SDK in the bundle: functions/commons/observability.ts)
      tracing: Tracing.ACTIVE,
      environment: {
        POWERTOOLS_SERVICE_NAME: 'dancu',
        POWERTOOLS_METRICS_NAMESPACE: METRICS_NAMESPACE,
        // events hold rows and names: never into logs (traces are Lambda's own, which record no payloads)
        POWERTOOLS_LOGGER_LOG_EVENT: 'false',
        ...props.environment,
      },
      bundling: {
        // Synth must work offline and in CI without Docker; esbuild comes from node_modules.
        forceDockerBundling: false,
        // the options of infra/bundling.ts, which bench/cold-start.ts builds with too
        format: OutputFormat.ESM,
        target: ESBUILD_TARGET,
        mainFields: BUNDLE_OPTIONS.mainFields,
        minify: BUNDLE_OPTIONS.minify,
        sourceMap: Boolean(BUNDLE_OPTIONS.sourcemap),
        sourcesContent: BUNDLE_OPTIONS.sourcesContent,
        externalModules: BUNDLE_OPTIONS.external,
        banner: ESM_REQUIRE_BANNER,
        // the SDK's default credential chain is the environment's in Lambda (infra/bundling.ts)
        esbuildArgs: {
          '--alias': Object.entries(BUNDLE_ALIASES).map(([module, path]) => `${module}=${path}`),
        },
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
