import { fileURLToPath } from 'node:url';
import { Duration, Validations } from 'aws-cdk-lib';
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import {
  HttpApi as CdkHttpApi,
  type CfnRoute,
  type CfnStage,
  CorsHttpMethod,
  HttpMethod,
  HttpNoneAuthorizer,
  HttpRoute,
  HttpRouteKey,
  HttpStage,
  type IHttpRouteAuthorizer,
  LogGroupLogDestination,
} from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import type { Table } from 'aws-cdk-lib/aws-dynamodb';
import { LogGroup, type RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { BIRTH_YEAR_HEADER } from '../../shared/procedures/lookup-factor.ts';
import {
  functionEnvironment,
  HTTP_APIS,
  HTTP_FUNCTIONS,
  type HttpApiId,
  type HttpFunctionId,
  type TableId,
} from '../../shared/resources.ts';
import { ACCESS } from '../access.ts';
import { type StageConfig, withStageSettings } from '../stages.ts';
import { DancuFunction } from './dancu-function.ts';
import { mapSpecs, pascalCase, resolveEnvironment, type SpecResources } from './from-spec.ts';
import { FunctionAccess } from './function-access.ts';

const REPOSITORY_ROOT = new URL('../../', import.meta.url);

type RouteThrottles = Record<string, { ThrottlingRateLimit: number; ThrottlingBurstLimit: number }>;

export interface HttpFunctionsProps {
  readonly resources: SpecResources;
  readonly tables: Record<TableId, Table>;
  readonly stage: StageConfig;
}

/** The functions of HTTP_FUNCTIONS, each with its exact access: made once, integrated into every API it is on. */
export class HttpFunctions extends Construct {
  readonly functions: Record<HttpFunctionId, DancuFunction>;

  constructor(scope: Construct, id: string, { resources, tables, stage }: HttpFunctionsProps) {
    super(scope, id);
    this.functions = mapSpecs(HTTP_FUNCTIONS, (base) => {
      const spec = withStageSettings(base, stage);
      const fn = new DancuFunction(this, `${pascalCase(spec.id)}Function`, {
        entry: fileURLToPath(new URL(spec.entry, REPOSITORY_ROOT)),
        description: spec.description,
        timeout: Duration.seconds(spec.timeoutSeconds),
        memorySize: spec.memoryMb,
        logRetention: stage.logRetentionDays as RetentionDays,
        environment: resolveEnvironment(functionEnvironment(spec), resources),
      });
      new FunctionAccess(fn).apply(ACCESS[spec.id], {
        bucket: resources.buckets.batches,
        tables,
        queues: resources.queues,
        secrets: resources.secrets,
      });
      return fn;
    });
  }
}

export interface HttpApiProps {
  /** which API of HTTP_APIS: its routes are those of the functions on it */
  readonly api: HttpApiId;
  readonly functions: Record<HttpFunctionId, DancuFunction>;
  readonly stage: StageConfig;
  /** the API's one authoriser, as HTTP_APIS says: none for `citizen`, JWT for `people`, a function for `machine` */
  readonly authorizer?: IHttpRouteAuthorizer;
  /** only a custom domain reaches the API (the citizen API behind CloudFront) */
  readonly disableExecuteApiEndpoint?: boolean;
}

/**
 * One API Gateway HTTP API with the routes of the HTTP_FUNCTIONS on it, all under its one authoriser: the stage
 * throttled (and some routes more), access logs in JSON; the citizen API answers CORS preflights itself.
 */
export class HttpApi extends Construct {
  readonly api: CdkHttpApi;
  readonly stage: HttpStage;
  readonly accessLogs: LogGroup;

  constructor(scope: Construct, id: string, props: HttpApiProps) {
    super(scope, id);
    const { stage, authorizer } = props;
    const open = HTTP_APIS[props.api].authorization === 'none';
    if (open === (authorizer !== undefined)) {
      throw new Error(`the ${props.api} API takes ${open ? 'no authoriser' : 'its authoriser'} (HTTP_APIS)`);
    }
    this.api = new CdkHttpApi(this, 'Api', {
      description: HTTP_APIS[props.api].description,
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
        // who called what and how it went; no query strings, no token: the caller as the authoriser saw it
        format: AccessLogFormat.custom(
          JSON.stringify({
            requestId: '$context.requestId',
            time: '$context.requestTime',
            ip: '$context.identity.sourceIp',
            ...(props.api === 'people' ? { caller: '$context.authorizer.claims.sub' } : {}),
            ...(props.api === 'machine' ? { caller: '$context.authorizer.clientId' } : {}),
            routeKey: '$context.routeKey',
            status: '$context.status',
            latencyMs: '$context.responseLatency',
            integrationLatencyMs: '$context.integrationLatency',
            integrationError: '$context.integrationErrorMessage',
            ...(open ? {} : { authorizerError: '$context.authorizer.error' }),
          }),
        ),
      },
    });

    const routeThrottles: RouteThrottles = {};
    for (const spec of Object.values(HTTP_FUNCTIONS).filter((s) => s.apis.includes(props.api))) {
      const integration = new HttpLambdaIntegration(
        `${pascalCase(spec.id)}Integration`,
        props.functions[spec.id].function,
      );
      for (const route of spec.routes) {
        // a page's document is on the people API alone, without a token (HttpRouteSpec.page)
        if (route.page && props.api !== 'people') continue;
        const [created] = this.api.addRoutes({
          path: route.path,
          methods: [HttpMethod[route.method]],
          integration,
          ...(route.page ? { authorizer: new HttpNoneAuthorizer() } : authorizer ? { authorizer } : {}),
        });
        if (route.throttle) {
          routeThrottles[`${route.method} ${route.path}`] = {
            ThrottlingRateLimit: route.throttle.rateLimit,
            ThrottlingBurstLimit: route.throttle.burstLimit,
          };
        }
        if (route.page && created) {
          Validations.of(created.node.defaultChild as CfnRoute).acknowledge({
            id: 'AwsSolutions-APIG4',
            reason:
              "A people's page: a browser opening a link sends no token, and the document holds no data; its script signs the person in with the hosted UI (code + PKCE) and calls the routes that check the token.",
          });
        }
        if (open && created) {
          Validations.of(created.node.defaultChild as CfnRoute).acknowledge({
            id: 'AwsSolutions-APIG4',
            reason:
              'A citizen route: anyone holding an application code and its birth year may look it up (like the national portal); both are checked before any read, the answer holds no personal data but a masked name, and the WAF and the stage throttle it.',
          });
        }
      }
      if (spec.defaultRoute) {
        // without it API Gateway answers an unknown route itself, `{"message":"Not Found"}`, outside the envelope
        const route = new HttpRoute(this, 'DefaultRoute', {
          httpApi: this.api,
          routeKey: HttpRouteKey.DEFAULT,
          integration,
          ...(authorizer ? { authorizer } : {}),
        });
        if (open) {
          Validations.of(route.node.defaultChild as CfnRoute).acknowledge({
            id: 'AwsSolutions-APIG4',
            reason:
              'The $default route of the citizen API: a request no other route matches gets a 404 in the error envelope from the lookup function, which reads nothing for it.',
          });
        }
      }
    }
    if (Object.keys(routeThrottles).length > 0) {
      (this.stage.node.defaultChild as CfnStage).routeSettings = routeThrottles;
    }
  }

  /** `https://{api}.execute-api.{region}.amazonaws.com` (the $default stage has no path). */
  get url(): string {
    return this.api.apiEndpoint;
  }
}
