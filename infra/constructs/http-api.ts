import { fileURLToPath } from 'node:url';
import { Duration, Stack, Validations } from 'aws-cdk-lib';
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import {
  HttpApi as CdkHttpApi,
  type CfnRoute,
  type CfnStage,
  HttpMethod,
  HttpStage,
  LogGroupLogDestination,
} from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpIamAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import type { CfnTable, Table } from 'aws-cdk-lib/aws-dynamodb';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { HTTP_API, HTTP_FUNCTIONS, type HttpFunctionId, type TableId } from '../resources.ts';
import { DancuFunction } from './dancu-function.ts';
import { mapSpecs, pascalCase, resolveEnvironment, type SpecResources } from './from-spec.ts';

const REPOSITORY_ROOT = new URL('../../', import.meta.url);

/** The tables each HTTP function reads (items only: no writes, no scans of other tables). */
const READS: Record<HttpFunctionId, readonly TableId[]> = {
  lookup: ['applications'],
  agency: ['batches', 'register'],
};

/** Item updates an HTTP function may make: a reviewer's resolution (review item, the two persons). */
const UPDATES: Record<HttpFunctionId, readonly TableId[]> = {
  lookup: [],
  agency: ['register'],
};

export interface HttpApiProps {
  readonly resources: SpecResources;
  readonly tables: Record<TableId, Table>;
}

/**
 * API Gateway HTTP API → one Lambda per route group of `HTTP_FUNCTIONS`: the stage throttled (and some routes
 * more), access logs in JSON, IAM authorisation on the agency routes; citizens' routes (and the page at `/`) open.
 */
export class HttpApi extends Construct {
  readonly api: CdkHttpApi;
  readonly stage: HttpStage;
  readonly accessLogs: LogGroup;
  readonly functions: Record<HttpFunctionId, DancuFunction>;

  constructor(scope: Construct, id: string, { resources, tables }: HttpApiProps) {
    super(scope, id);
    this.api = new CdkHttpApi(this, 'Api', {
      description: 'dancu: citizen lookup and agency batch status',
      createDefaultStage: false,
    });
    this.accessLogs = new LogGroup(this, 'AccessLogs', { retention: RetentionDays.THREE_MONTHS });
    this.stage = new HttpStage(this, 'DefaultStage', {
      httpApi: this.api,
      autoDeploy: true,
      throttle: HTTP_API.throttle,
      accessLogSettings: {
        destination: new LogGroupLogDestination(this.accessLogs),
        // who called what and how it went; no query strings (an agency code is not personal, a code could be)
        format: AccessLogFormat.custom(
          JSON.stringify({
            requestId: '$context.requestId',
            time: '$context.requestTime',
            ip: '$context.identity.sourceIp',
            caller: '$context.identity.userArn',
            routeKey: '$context.routeKey',
            status: '$context.status',
            latencyMs: '$context.responseLatency',
            integrationLatencyMs: '$context.integrationLatency',
            integrationError: '$context.integrationErrorMessage',
          }),
        ),
      },
    });

    const iam = new HttpIamAuthorizer();
    const routeThrottles: Record<string, { ThrottlingRateLimit: number; ThrottlingBurstLimit: number }> = {};
    this.functions = mapSpecs(HTTP_FUNCTIONS, (spec) => {
      const fn = new DancuFunction(this, `${pascalCase(spec.id)}Function`, {
        entry: fileURLToPath(new URL(spec.entry, REPOSITORY_ROOT)),
        description: spec.description,
        timeout: Duration.seconds(spec.timeoutSeconds),
        memorySize: spec.memoryMb,
        environment: resolveEnvironment(spec.environment, resources),
      });
      for (const table of READS[spec.id]) grantItemReads(fn, tables[table]);
      for (const table of UPDATES[spec.id]) tables[table].grant(fn.function, 'dynamodb:UpdateItem');
      const integration = new HttpLambdaIntegration(`${pascalCase(spec.id)}Integration`, fn.function);
      for (const route of spec.routes) {
        const [created] = this.api.addRoutes({
          path: route.path,
          methods: [HttpMethod[route.method]],
          integration,
          ...(route.authorization === 'iam' ? { authorizer: iam } : {}),
        });
        if (route.throttle) {
          routeThrottles[`${route.method} ${route.path}`] = {
            ThrottlingRateLimit: route.throttle.rateLimit,
            ThrottlingBurstLimit: route.throttle.burstLimit,
          };
        }
        if (route.authorization === 'none' && created) {
          Validations.of(created.node.defaultChild as CfnRoute).acknowledge({
            id: 'AwsSolutions-APIG4',
            reason:
              'A citizen route: anyone holding an application code may look it up (like the national portal); the code is checked before any read, the answer holds no personal data but a masked name, and the stage is throttled.',
          });
        }
      }
      return fn;
    });
    if (Object.keys(routeThrottles).length > 0) {
      (this.stage.node.defaultChild as CfnStage).routeSettings = routeThrottles;
    }
  }

  /** `https://{api}.execute-api.{region}.amazonaws.com` (the $default stage has no path). */
  get url(): string {
    return this.api.apiEndpoint;
  }
}

/** GetItem/Query/Scan on the table and its indexes, nothing else; the index wildcard acknowledged. */
function grantItemReads(fn: DancuFunction, table: Table): void {
  table.grantReadData(fn.function);
  const indexes: unknown = Stack.of(table).resolve(
    (table.node.defaultChild as CfnTable).globalSecondaryIndexes,
  );
  if (!Array.isArray(indexes) || indexes.length === 0) return;
  const policy = fn.function.role?.node.tryFindChild('DefaultPolicy')?.node.defaultChild;
  if (!policy) return;
  const tableId = Stack.of(table).getLogicalId(table.node.defaultChild as CfnTable);
  Validations.of(policy).acknowledge({
    id: `AwsSolutions-IAM5[Resource::<${tableId}.Arn>/index/*]`,
    reason:
      "CDK's table read grant adds the table's own indexes (<table>/index/*, not other tables'); GET /batches queries gsi1.",
  });
}
