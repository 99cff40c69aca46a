import { Match } from 'aws-cdk-lib/assertions';
import type { IConstruct } from 'constructs';
import { describe, expect, it } from 'vitest';
import { DEFAULT_ROUTE_KEY, HTTP_APIS, HTTP_FUNCTIONS, type HttpApiId } from '../../shared/resources.ts';
import { idOf, synthDevStack } from './synth-dev.ts';

// One synthesis (bundling every handler, cdk-nag included) for the whole file.
const { stack, template } = synthDevStack();
const resources = template.toJSON().Resources as Record<
  string,
  {
    Type: string;
    Properties: Record<string, unknown>;
    Metadata?: { cdk_nag?: { rules_to_suppress: { id: string; reason: string }[] } };
  }
>;
const routes = Object.values(HTTP_FUNCTIONS).flatMap((fn) =>
  fn.routes.map((route) => ({ fn: fn.id, ...route })),
);
const routeResources = () => Object.values(template.findResources('AWS::ApiGatewayV2::Route'));

interface Statement {
  Action: string | string[];
  Resource: unknown;
}
function statementsOfFunction(fn: IConstruct): Statement[] {
  const found = resources[idOf(fn)];
  if (!found) throw new Error('function not in the template');
  const role = (found.Properties.Role as { 'Fn::GetAtt': string[] })['Fn::GetAtt'][0];
  return Object.values(template.findResources('AWS::IAM::Policy'))
    .filter((policy) => (policy.Properties.Roles as { Ref: string }[]).some((ref) => ref.Ref === role))
    .flatMap((policy) => policy.Properties.PolicyDocument.Statement as Statement[]);
}
const statementsOf = (fn: keyof typeof HTTP_FUNCTIONS) =>
  statementsOfFunction(stack.httpFunctions[fn].function);
const actions = (statements: Statement[]) => statements.flatMap((s) => [s.Action].flat());

const apiOf = (api: HttpApiId) =>
  ({ citizen: stack.citizenApi, people: stack.peopleApi, machine: stack.machineApi })[api];
// a page's document is on the people API alone (HttpRouteSpec.page)
const routesOn = (api: HttpApiId) =>
  routes.filter((route) => HTTP_FUNCTIONS[route.fn].apis.includes(api) && (!route.page || api === 'people'));
const pageKeys = routes.filter((route) => route.page).map((route) => `${route.method} ${route.path}`);
const routesOfApi = (api: HttpApiId) =>
  routeResources().filter(
    (route) => JSON.stringify(route.Properties.ApiId) === JSON.stringify({ Ref: idOf(apiOf(api).api) }),
  );
const API_IDS = Object.keys(HTTP_APIS) as HttpApiId[];

describe('HTTP API', () => {
  it('is three HTTP APIs, citizens’, people’s and machines’, each with a $default stage that deploys itself', () => {
    template.resourceCountIs('AWS::ApiGatewayV2::Api', 3);
    template.resourceCountIs('AWS::ApiGatewayV2::Stage', 3);
    template.hasResourceProperties('AWS::ApiGatewayV2::Api', { ProtocolType: 'HTTP' });
    template.hasResourceProperties('AWS::ApiGatewayV2::Stage', { StageName: '$default', AutoDeploy: true });
  });

  it.each(API_IDS)('puts on the %s API exactly the routes of its functions, and a $default route', (api) => {
    const keys = routesOfApi(api).map((route) => route.Properties.RouteKey);
    const own = routesOn(api);
    expect(own.length).toBeGreaterThan(0);
    expect(keys.sort()).toEqual(
      [...own.map((route) => `${route.method} ${route.path}`), DEFAULT_ROUTE_KEY].sort(),
    );
  });

  it('gives people and machines the same agency routes over one function, and people their pages', () => {
    const keysOf = (api: HttpApiId) => routesOn(api).map((route) => `${route.method} ${route.path}`);
    expect(pageKeys).toEqual(['GET /app/coverage']);
    expect(keysOf('people').filter((key) => !pageKeys.includes(key))).toEqual(keysOf('machine'));
    expect(keysOf('people')).toEqual(expect.arrayContaining(pageKeys));
    expect(keysOf('people')).toEqual(
      expect.arrayContaining(['GET /batches', 'GET /batches/{batchId}', 'GET /review']),
    );
  });

  it.each(API_IDS)(
    'authorises every route of the %s API, $default included, with its one authoriser',
    (api) => {
      const expected = { none: 'NONE', jwt: 'JWT', lambda: 'CUSTOM' }[HTTP_APIS[api].authorization];
      const own = routesOfApi(api).filter((route) => !pageKeys.includes(route.Properties.RouteKey as string));
      expect(own.map((route) => route.Properties.AuthorizationType)).toEqual(own.map(() => expected));
      const authorizers = new Set(own.map((route) => JSON.stringify(route.Properties.AuthorizerId ?? null)));
      expect(authorizers.size).toBe(1);
    },
  );

  it('opens the people API’s page routes alone, to the agency function, without an authoriser', () => {
    const open = routesOfApi('people').filter((route) => route.Properties.AuthorizationType === 'NONE');
    expect(open.map((route) => route.Properties.RouteKey)).toEqual(pageKeys);
    for (const route of open) expect(route.Properties.AuthorizerId).toBeUndefined();
  });

  it('keeps every execute-api address in a stage without the WAF (dev), and answers CORS preflights on the citizen API', () => {
    for (const api of API_IDS) {
      expect(resources[idOf(apiOf(api).api)]?.Properties.DisableExecuteApiEndpoint).toBe(false);
    }
    expect(resources[idOf(stack.citizenApi.api)]?.Properties.CorsConfiguration).toMatchObject({
      AllowOrigins: ['*'],
      AllowHeaders: ['x-dancu-birth-year', 'x-request-id'],
      AllowMethods: ['GET', 'HEAD'],
    });
    expect(resources[idOf(stack.peopleApi.api)]?.Properties.CorsConfiguration).toBeUndefined();
  });

  it('sends the $default route, open, to the lookup function, so an unknown route answers in the envelope', () => {
    const lookupIntegration = Object.entries(template.findResources('AWS::ApiGatewayV2::Integration')).find(
      ([, integration]) => JSON.stringify(integration).includes(idOf(stack.httpFunctions.lookup.function)),
    )?.[0];
    expect(lookupIntegration).toBeDefined();
    template.hasResourceProperties('AWS::ApiGatewayV2::Route', {
      ApiId: { Ref: idOf(stack.citizenApi.api) },
      RouteKey: DEFAULT_ROUTE_KEY,
      AuthorizationType: 'NONE',
      Target: { 'Fn::Join': ['', ['integrations/', { Ref: lookupIntegration }]] },
    });
  });

  it('throttles the stage as infra/stages.ts says, and the agency routes more', () => {
    expect(stack.config.http.throttle).toEqual({ rateLimit: 50, burstLimit: 100 });
    template.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
      DefaultRouteSettings: Match.objectLike({
        ThrottlingRateLimit: stack.config.http.throttle.rateLimit,
        ThrottlingBurstLimit: stack.config.http.throttle.burstLimit,
      }),
      RouteSettings: {
        'GET /batches': { ThrottlingRateLimit: 20, ThrottlingBurstLimit: 40 },
        'GET /batches/{batchId}': { ThrottlingRateLimit: 50, ThrottlingBurstLimit: 100 },
      },
    });
  });

  it('writes JSON access logs with the request id and the caller', () => {
    const stage = resources[idOf(stack.machineApi.stage)];
    const settings = stage?.Properties.AccessLogSettings as { DestinationArn: unknown; Format: string };
    expect(settings.DestinationArn).toEqual({ 'Fn::GetAtt': [idOf(stack.machineApi.accessLogs), 'Arn'] });
    expect(JSON.parse(settings.Format)).toMatchObject({
      requestId: '$context.requestId',
      caller: '$context.authorizer.clientId',
      status: '$context.status',
    });
  });

  it('routes each path to its function through a Lambda proxy integration (payload 2.0)', () => {
    // one per function and API it is on (the authoriser is on none)
    const integrations = Object.values(HTTP_FUNCTIONS).reduce((sum, spec) => sum + spec.apis.length, 0);
    template.resourceCountIs('AWS::ApiGatewayV2::Integration', integrations);
    template.hasResourceProperties('AWS::ApiGatewayV2::Integration', {
      IntegrationType: 'AWS_PROXY',
      PayloadFormatVersion: '2.0',
    });
  });

  it('acknowledges AwsSolutions-APIG4 on the citizen routes, $default and the pages only, with a reason', () => {
    const acknowledged = routeResources().filter((route) =>
      route.Metadata?.cdk_nag?.rules_to_suppress.some(
        ({ id, reason }: { id: string; reason: string }) => id === 'AwsSolutions-APIG4' && reason.length > 40,
      ),
    );
    expect(acknowledged.map((route) => route.Properties.RouteKey).sort()).toEqual(
      [
        ...routesOn('citizen').map((route) => `${route.method} ${route.path}`),
        DEFAULT_ROUTE_KEY,
        ...pageKeys,
      ].sort(),
    );
  });
});

describe('HTTP functions may only read', () => {
  it('lookup reads the applications table only, agency the batches table (and its index) and the register', () => {
    const tableArn = (table: 'applications' | 'batches') => ({
      'Fn::GetAtt': [idOf(stack.tables.tables[table]), 'Arn'],
    });
    const dynamoResources = (fn: keyof typeof HTTP_FUNCTIONS) =>
      statementsOf(fn)
        .filter((statement) => actions([statement]).some((action) => action.startsWith('dynamodb:')))
        .flatMap((statement) => [statement.Resource].flat());
    expect(dynamoResources('lookup')).toContainEqual(tableArn('applications'));
    expect(JSON.stringify(dynamoResources('lookup'))).not.toContain(idOf(stack.tables.tables.batches));
    expect(dynamoResources('agency')).toContainEqual(tableArn('batches'));
    expect(JSON.stringify(dynamoResources('agency'))).not.toContain(idOf(stack.tables.tables.applications));
  });

  const writes = (fn: keyof typeof HTTP_FUNCTIONS) =>
    statementsOf(fn).filter((statement) =>
      actions([statement]).some((action) =>
        /^(dynamodb:(Put|Update|Delete|BatchWrite))|^s3:|^sqs:/.test(action),
      ),
    );

  it('lookup writes nothing', () => {
    expect(writes('lookup')).toEqual([]);
  });

  it('agency writes only register items (the review of probable duplicates), coverage counters (a merge moves them), history items (put once), uploads (to sign their URLs), and no message', () => {
    const written = writes('agency');
    const s3 = written.filter((statement) => actions([statement]).some((action) => action.startsWith('s3:')));
    const puts = s3.filter((statement) => actions([statement]).includes('s3:PutObject'));
    expect(actions(puts)).toEqual(['s3:AbortMultipartUpload', 's3:PutObject']);
    expect(JSON.stringify(puts.map((statement) => statement.Resource))).toContain('/incoming/*');
    // it reads report files only (to sign their URLs), and lists only under reports/
    const reads = s3.filter((statement) => !puts.includes(statement));
    expect(JSON.stringify(reads.map((statement) => statement.Resource))).not.toContain('/incoming/');
    expect(JSON.stringify(reads.map((statement) => statement.Resource))).toContain('/reports/*');
    const tableWrites = written.filter((statement) => !s3.includes(statement));
    expect(tableWrites.flatMap((statement) => [statement.Resource].flat())).toEqual([
      { 'Fn::GetAtt': [idOf(stack.tables.tables.batches), 'Arn'] },
      { 'Fn::GetAtt': [idOf(stack.tables.tables.history), 'Arn'] },
      { 'Fn::GetAtt': [idOf(stack.tables.tables.register), 'Arn'] },
    ]);
    // on the batches table, UpdateItem of the coverage counters' partitions alone
    expect(tableWrites[0]).toMatchObject({
      Action: 'dynamodb:UpdateItem',
      Condition: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['COVERAGE#*'] } },
    });
    expect(actions(written).filter((action) => action.startsWith('sqs:'))).toEqual([]);
  });

  it('the status function touches no bucket and no queue but its own', () => {
    const granted = statementsOfFunction(stack.ingestion.functions.status.function);
    expect(
      actions(granted).filter((action) => action.startsWith('s3:') || action === 'sqs:SendMessage'),
    ).toEqual([]);
  });
});
