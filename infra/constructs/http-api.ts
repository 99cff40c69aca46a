import { fileURLToPath } from 'node:url';
import { Duration, Validations } from 'aws-cdk-lib';
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import {
  HttpApi as CdkHttpApi,
  type CfnRoute,
  type CfnStage,
  CorsHttpMethod,
  HttpMethod,
  HttpRoute,
  HttpRouteKey,
  HttpStage,
  LogGroupLogDestination,
} from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpIamAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import type { Table } from 'aws-cdk-lib/aws-dynamodb';
import { LogGroup, type RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { BIRTH_YEAR_HEADER } from '../../shared/procedures/lookup-factor.ts';
import {
  functionEnvironment,
  HTTP_FUNCTIONS,
  type HttpApiId,
  type HttpFunctionId,
  type HttpFunctionSpec,
  type TableId,
} from '../../shared/resources.ts';
import { ACCESS } from '../access.ts';
import { type StageConfig, withStageSettings } from '../stages.ts';
import { DancuFunction } from './dancu-function.ts';
import { pascalCase, resolveEnvironment, type SpecResources } from './from-spec.ts';
import { FunctionAccess } from './function-access.ts';

const REPOSITORY_ROOT = new URL('../../', import.meta.url);

type RouteThrottles = Record<string, { ThrottlingRateLimit: number; ThrottlingBurstLimit: number }>;
interface FunctionContext {
  resources: SpecResources;
  tables: Record<TableId, Table>;
  stage: StageConfig;
  iam: HttpIamAuthorizer;
  routeThrottles: RouteThrottles;
}

export interface HttpApiProps {
  /** which API of HTTP_FUNCTIONS: its functions are those whose `api` it is */
  readonly api: HttpApiId;
  readonly resources: SpecResources;
  readonly tables: Record<TableId, Table>;
  readonly stage: StageConfig;
  /** only a custom domain reaches the API (the citizen API behind CloudFront) */
  readonly disableExecuteApiEndpoint?: boolean;
}

const DESCRIPTIONS: Record<HttpApiId, string> = {
  citizen: 'dancu citizens: the lookup page, the OpenAPI document and GET /applications/{code} (open)',
  agency: "dancu agencies: their batches' status and their review list (SigV4)",
};

/**
 * One API Gateway HTTP API → one Lambda per route group of `HTTP_FUNCTIONS` on it: the stage throttled (and some
 * routes more), access logs in JSON, IAM authorisation on the agency routes; citizens' routes (and the page at
 * `/`) open, with CORS preflights answered by API Gateway.
 */
export class HttpApi extends Construct {
  readonly api: CdkHttpApi;
  readonly stage: HttpStage;
  readonly accessLogs: LogGroup;
  readonly functions: Partial<Record<HttpFunctionId, DancuFunction>>;

  constructor(scope: Construct, id: string, props: HttpApiProps) {
    super(scope, id);
    const { resources, tables, stage } = props;
    this.api = new CdkHttpApi(this, 'Api', {
      description: DESCRIPTIONS[props.api],
      createDefaultStage: false,
      disableExecuteApiEndpoint: props.disableExecuteApiEndpoint ?? false,
      // a page of another site reads a status too; its year header makes the GET a preflighted one, which
      // API Gateway answers itself (no function, no route)
      ...(props.api === 'citizen'
        ? {
            corsPreflight: {
              allowOrigins: ['*'],
              allowMethods: [CorsHttpMethod.GET, CorsHttpMethod.HEAD],
              allowHeaders: [BIRTH_YEAR_HEADER, 'x-request-id'],
              exposeHeaders: ['x-request-id'],
              maxAge: Duration.minutes(10),
            },
          }
        : {}),
    });
    this.accessLogs = new LogGroup(this, 'AccessLogs', {
      retention: stage.auditLogRetentionDays as RetentionDays,
    });
    this.stage = new HttpStage(this, 'DefaultStage', {
      httpApi: this.api,
      autoDeploy: true,
      throttle: stage.http.throttle,
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
    const routeThrottles: RouteThrottles = {};
    const specs = Object.values(HTTP_FUNCTIONS).filter((spec) => spec.api === props.api);
    this.functions = Object.fromEntries(
      specs.map((base) => [
        base.id,
        this.addFunction(withStageSettings(base, stage), { resources, tables, stage, iam, routeThrottles }),
      ]),
    );
    if (Object.keys(routeThrottles).length > 0) {
      (this.stage.node.defaultChild as CfnStage).routeSettings = routeThrottles;
    }
  }

  private addFunction(spec: HttpFunctionSpec, context: FunctionContext): DancuFunction {
    const { resources, tables, stage, iam, routeThrottles } = context;
    const fn = new DancuFunction(this, `${pascalCase(spec.id)}Function`, {
      entry: fileURLToPath(new URL(spec.entry, REPOSITORY_ROOT)),
      description: spec.description,
      timeout: Duration.seconds(spec.timeoutSeconds),
      memorySize: spec.memoryMb,
      logRetention: stage.logRetentionDays as RetentionDays,
      environment: {
        ...resolveEnvironment(functionEnvironment(spec), resources),
        // the agency of a caller is the one its role is named for (shared/api/caller.ts)
        ...(spec.id === 'agency' ? { AGENCY_ROLE_PREFIX: stage.agencyRolePrefix } : {}),
      },
    });
    new FunctionAccess(fn).apply(ACCESS[spec.id], {
      bucket: resources.buckets.batches,
      tables,
      queues: resources.queues,
      secrets: resources.secrets,
    });
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
    if (spec.defaultRoute) {
      // without it API Gateway answers an unknown route itself, `{"message":"Not Found"}`, outside the envelope
      const route = new HttpRoute(this, 'DefaultRoute', {
        httpApi: this.api,
        routeKey: HttpRouteKey.DEFAULT,
        integration,
        ...(spec.defaultRoute === 'iam' ? { authorizer: iam } : {}),
      });
      if (spec.defaultRoute === 'none') {
        Validations.of(route.node.defaultChild as CfnRoute).acknowledge({
          id: 'AwsSolutions-APIG4',
          reason:
            'The $default route of the citizen API: a request no other route matches gets a 404 in the error envelope from the lookup function, which reads nothing for it.',
        });
      }
    }
    return fn;
  }

  /** `https://{api}.execute-api.{region}.amazonaws.com` (the $default stage has no path). */
  get url(): string {
    return this.api.apiEndpoint;
  }
}
