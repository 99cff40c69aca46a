import { Annotations, CfnOutput, Duration, RemovalPolicy, Stack, type StackProps, Tags } from 'aws-cdk-lib';
import {
  HttpJwtAuthorizer,
  HttpLambdaAuthorizer,
  HttpLambdaResponseType,
} from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import type { Role } from 'aws-cdk-lib/aws-iam';
import type { Key } from 'aws-cdk-lib/aws-kms';
import type { Construct } from 'constructs';
import { objectKeys, PREFIXES } from '../shared/keys.ts';
import { FUNCTIONS, HTTP_FUNCTIONS, type HttpFunctionId, QUEUES, TABLES } from '../shared/resources.ts';
import { CitizenEdge } from './constructs/citizen-edge.ts';
import type { DancuFunction } from './constructs/dancu-function.ts';
import { type DataClass, dataKeys } from './constructs/data-keys.ts';
import { DataTables } from './constructs/data-tables.ts';
import { EventSenderRoles } from './constructs/event-senders.ts';
import { mapSpecs, pascalCase } from './constructs/from-spec.ts';
import { HttpApi, HttpFunctions } from './constructs/http-api.ts';
import { IngestionPipeline } from './constructs/ingestion-pipeline.ts';
import { IngestionStorage } from './constructs/ingestion-storage.ts';
import { Observability } from './constructs/observability.ts';
import { PeopleSignIn } from './constructs/people-sign-in.ts';
import { PersonKeySecret } from './constructs/person-key-secret.ts';
import { type StageConfig, stageConfig } from './stages.ts';

export interface DancuStackProps extends StackProps {
  /** Deployment stage of infra/stages.ts, e.g. `dev` or `prod`. */
  readonly stage: string;
  /** The stage's settings, instead of those infra/stages.ts holds for `stage` (tests). */
  readonly config?: StageConfig;
}

export class DancuStack extends Stack {
  readonly config: StageConfig;
  /** one customer managed key per data class: the register, the applications, the uploads and reports */
  readonly keys: Record<DataClass, Key>;
  /** the secret the register's person keys are an HMAC under, and its key */
  readonly personKeySecret: PersonKeySecret;
  readonly storage: IngestionStorage;
  readonly tables: DataTables;
  readonly ingestion: IngestionPipeline;
  /** citizens' routes: open, behind CloudFront and the WAF where the stage has them */
  readonly citizenApi: HttpApi;
  /** agencies' routes for people: a Cognito ID token (JWT authoriser) */
  readonly peopleApi: HttpApi;
  /** agencies' routes for their systems: an OAuth access token (the machine authoriser) */
  readonly machineApi: HttpApi;
  /** the functions of the APIs, the machine authoriser included */
  readonly httpFunctions: Record<HttpFunctionId, DancuFunction>;
  /** the people of every agency, and the resource server of their systems */
  readonly signIn: PeopleSignIn;
  readonly eventSenders: EventSenderRoles;
  readonly observability: Observability;
  /** CloudFront with the WAF in front of the API, when the stage enables it and names its web ACL */
  readonly edge?: CitizenEdge;

  constructor(scope: Construct, id: string, props: DancuStackProps) {
    super(scope, id, props);
    const config = props.config ?? stageConfig(props.stage);
    this.config = config;
    Tags.of(this).add('project', 'dancu');
    Tags.of(this).add('stage', config.name);
    const removalPolicy = config.retainData ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY;

    // a key per data class: a role granted one class's key cannot decrypt another's (issue 24)
    this.keys = dataKeys(this, { stageName: config.name, prefix: config.prefix, removalPolicy });
    const keys = this.keys;

    // only the register function may read it (infra/access.ts)
    this.personKeySecret = new PersonKeySecret(this, 'PersonKeySecret', {
      stageName: config.name,
      prefix: config.prefix,
      removalPolicy,
    });
    const secrets = { personKey: this.personKeySecret.secret };

    this.storage = new IngestionStorage(this, 'IngestionStorage', {
      removalPolicy,
      encryptionKey: keys.uploads,
      accessLogsRetention: Duration.days(config.auditLogRetentionDays),
      retention: config.retention,
    });
    this.tables = new DataTables(this, 'Tables', {
      removalPolicy,
      deletionProtection: config.retainData,
      encryptionKeys: {
        batches: keys.uploads,
        register: keys.register,
        // names and ID numbers before and after each change: the register's data, under the register's key
        history: keys.register,
        applications: keys.applications,
        // no personal data: agencies ride with the batches they own
        agencies: keys.uploads,
        // ID numbers in clear, of persons of the register: under the register's key
        ids: keys.register,
      },
    });
    this.ingestion = new IngestionPipeline(this, 'Ingestion', {
      storage: this.storage,
      tables: this.tables.tables,
      secrets,
      stage: config,
      keys,
    });

    const apiProps = {
      tables: this.tables.tables,
      stage: config,
      resources: {
        buckets: { batches: this.storage.batchesBucket },
        tables: this.tables.tables,
        queues: mapSpecs(this.ingestion.queues, ({ queue }) => queue),
        secrets,
      },
    };
    const { waf } = config.http;
    this.signIn = new PeopleSignIn(this, 'People', { stage: config, removalPolicy });
    this.httpFunctions = new HttpFunctions(this, 'Http', apiProps).functions;
    const functions = this.httpFunctions;
    functions.authorizer.function.addEnvironment('TOKEN_ISSUER', this.signIn.issuer);
    // with the WAF, citizens reach their API only through CloudFront: its own address is disabled
    this.citizenApi = new HttpApi(this, 'CitizenApi', {
      api: 'citizen',
      functions,
      stage: config,
      disableExecuteApiEndpoint: waf.enabled,
    });
    this.peopleApi = new HttpApi(this, 'PeopleApi', {
      api: 'people',
      functions,
      stage: config,
      authorizer: new HttpJwtAuthorizer('PeopleAuthorizer', this.signIn.issuer, {
        jwtAudience: [this.signIn.peopleClient.userPoolClientId],
      }),
    });
    // the people's pages sign in with the hosted UI and come back to themselves (docs/coverage.md "The page")
    const pages = HTTP_FUNCTIONS.agency.routes.filter((route) => route.page);
    this.signIn.addPageUrls(pages.map((route) => `${this.peopleApi.url}${route.path}`));
    functions.agency.function.addEnvironment('SIGN_IN_URL', this.signIn.domain.baseUrl());
    functions.agency.function.addEnvironment('PEOPLE_CLIENT_ID', this.signIn.peopleClient.userPoolClientId);
    this.machineApi = new HttpApi(this, 'MachineApi', {
      api: 'machine',
      functions,
      stage: config,
      authorizer: new HttpLambdaAuthorizer('MachineAuthorizer', functions.authorizer.function, {
        responseTypes: [HttpLambdaResponseType.SIMPLE],
        identitySource: ['$request.header.Authorization'],
        // a token's answer is kept 5 minutes: a disabled agency is still refused by the agency function (within its
        // minute of cache); a removed client's token passes for what is left of those 5 minutes
        resultsCacheTtl: Duration.minutes(5),
      }),
    });
    if (waf.enabled && waf.webAclArn && waf.originDomain) {
      this.edge = new CitizenEdge(this, 'CitizenEdge', {
        api: this.citizenApi.api,
        stage: this.citizenApi.stage,
        webAclArn: waf.webAclArn,
        originDomain: waf.originDomain,
      });
      this.httpFunctions.lookup.function.addEnvironment(
        'EDGE_SECRET',
        this.edge.edgeSecret.secretValue.unsafeUnwrap(),
      );
    } else if (waf.enabled) {
      // an error, not a warning: deployed like this the citizen API would have no way in at all. The WAF stack is
      // a stack of its own, so `cdk deploy DancuWaf-{stage}` still works (docs/operations.md "Citizen API").
      Annotations.of(this).addError(
        `stage ${config.name} enables the WAF but names no ${waf.webAclArn ? 'http.waf.originDomain' : 'http.waf.webAclArn'}: deploy DancuWaf-${config.name} (us-east-1) first, then set http.waf.webAclArn (its output WebAclArn) and http.waf.originDomain (a domain with an ACM certificate in this region) in infra/stages.ts`,
      );
    }

    // the split accepts an upload only when the agency function signed its address (functions/agency/uploads.ts)
    this.ingestion.functions.split.function.addEnvironment(
      'UPLOAD_SIGNER',
      (functions.agency.function.role as Role).roleId,
    );
    this.eventSenders = new EventSenderRoles(this, 'EventSenders', {
      stage: config,
      queues: [
        { queue: this.ingestion.queues.procedureEvents.queue, key: keys.applications },
        { queue: this.ingestion.queues.births.queue, key: keys.register },
      ],
    });
    // the status and births functions refuse an event whose sender is not a role of the event's agency
    this.ingestion.functions.status.function.addEnvironment('EVENT_SENDERS', this.eventSenders.senders());
    this.ingestion.functions.births.function.addEnvironment('EVENT_SENDERS', this.eventSenders.senders());

    this.observability = new Observability(this, 'Observability', {
      stage: config,
      queues: this.ingestion.queues,
      functions: { ...this.ingestion.functions, ...this.httpFunctions },
      apis: { citizen: this.citizenApi.api, people: this.peopleApi.api, machine: this.machineApi.api },
      // the alarm topic stays under the key it had; the alarms carry no personal data
      key: keys.uploads,
    });

    this.addOutputs();
  }

  /** What an operator needs to upload, watch, redrive and read logs; named after the ids in resources.ts. */
  private addOutputs(): void {
    const keys = this.keys;
    const output = (id: string, description: string, value: string) =>
      new CfnOutput(this, id, { description, value });

    output(
      'BatchesBucketName',
      `Agencies upload to ${objectKeys.uploadPrefix('{agencyCode}')}; reports are written under ${PREFIXES.reports}`,
      this.storage.batchesBucket.bucketName,
    );
    output(
      'AccessLogsBucketName',
      'Server access logs of the batches bucket',
      this.storage.accessLogsBucket.bucketName,
    );
    for (const spec of Object.values(QUEUES)) {
      const { queue, deadLetterQueue } = this.ingestion.queues[spec.id];
      const name = pascalCase(spec.id);
      output(`${name}QueueUrl`, spec.description, queue.queueUrl);
      output(
        `${name}DeadLetterQueueUrl`,
        `Messages of the ${spec.id} queue that failed every try`,
        deadLetterQueue.queueUrl,
      );
      // StartMessageMoveTask (redrive) takes the dead-letter queue's ARN, not its URL.
      output(
        `${name}DeadLetterQueueArn`,
        `Redrive source for the ${spec.id} queue`,
        deadLetterQueue.queueArn,
      );
    }
    if (!this.config.http.waf.enabled) {
      output(
        'CitizenApiUrl',
        'Citizen page at /, GET /applications/{code}, /openapi.json',
        this.citizenApi.url,
      );
    }
    output('PeopleApiUrl', 'Agency routes for people: a Cognito ID token (Bearer)', this.peopleApi.url);
    output(
      'MachineApiUrl',
      'Agency routes for agency systems: an OAuth access token (Bearer)',
      this.machineApi.url,
    );
    output(
      'UserPoolId',
      'The people of every agency (npm run agencies -- add-person)',
      this.signIn.pool.userPoolId,
    );
    output(
      'PeopleClientId',
      'The app client people sign in with (hosted UI, code + PKCE)',
      this.signIn.peopleClient.userPoolClientId,
    );
    output(
      'SignInUrl',
      'The hosted sign-in (and /oauth2/token for agency systems)',
      this.signIn.domain.baseUrl(),
    );
    for (const spec of Object.values(TABLES)) {
      output(`${pascalCase(spec.id)}TableName`, spec.description, this.tables.tables[spec.id].tableName);
    }
    for (const spec of Object.values(FUNCTIONS)) {
      output(
        `${pascalCase(spec.id)}FunctionName`,
        spec.description,
        this.ingestion.functions[spec.id].function.functionName,
      );
      output(
        `${pascalCase(spec.id)}LogGroupName`,
        `Logs of the ${spec.id} function`,
        this.ingestion.functions[spec.id].logGroup.logGroupName,
      );
    }
    for (const spec of Object.values(HTTP_FUNCTIONS)) {
      output(
        `${pascalCase(spec.id)}FunctionName`,
        spec.description,
        this.httpFunctions[spec.id].function.functionName,
      );
      output(
        `${pascalCase(spec.id)}LogGroupName`,
        `Logs of the ${spec.id} function`,
        this.httpFunctions[spec.id].logGroup.logGroupName,
      );
    }
    if (this.edge) {
      output(
        'CitizenApiUrl',
        'The citizen API behind CloudFront and the WAF: give citizens this address',
        `https://${this.edge.distribution.distributionDomainName}`,
      );
      output(
        'CitizenOriginTarget',
        `Point ${this.config.http.waf.originDomain?.name} (CNAME) here: CloudFront reaches the citizen API there`,
        this.edge.domain.regionalDomainName,
      );
    }
    output(
      'CitizenApiAccessLogGroupName',
      'Citizen API access logs (who called what)',
      this.citizenApi.accessLogs.logGroupName,
    );
    output(
      'PeopleApiAccessLogGroupName',
      'People API access logs (which person called what)',
      this.peopleApi.accessLogs.logGroupName,
    );
    output(
      'MachineApiAccessLogGroupName',
      'Machine API access logs (which agency system called what)',
      this.machineApi.accessLogs.logGroupName,
    );
    output(
      'DataKeyArn',
      'Customer managed key of the uploads and reports (rotated yearly)',
      keys.uploads.keyArn,
    );
    output(
      'RegisterKeyArn',
      'Customer managed key of the register table (rotated yearly)',
      keys.register.keyArn,
    );
    output(
      'ApplicationsKeyArn',
      'Customer managed key of the applications and their events (rotated yearly)',
      keys.applications.keyArn,
    );
    output(
      'PersonKeySecretArn',
      'Secret the person keys are an HMAC under (retained; rotate it only by re-keying the register)',
      this.personKeySecret.secret.secretArn,
    );
    output('AlarmTopicArn', 'Subscribe here to receive the alarms', this.observability.topic.topicArn);
    output(
      'DashboardName',
      'CloudWatch dashboard of the pipeline and the API',
      this.observability.dashboard.dashboardName,
    );
  }
}
