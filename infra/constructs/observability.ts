import { Duration, Stack } from 'aws-cdk-lib';
import type { HttpApi } from 'aws-cdk-lib/aws-apigatewayv2';
import {
  Alarm,
  ComparisonOperator,
  Dashboard,
  GraphWidget,
  type IMetric,
  MathExpression,
  type Metric,
  TextWidget,
  TreatMissingData,
} from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import { PolicyStatement, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import { Construct } from 'constructs';
import type { HttpApiId } from '../../shared/resources.ts';
import type { StageConfig } from '../stages.ts';
import type { DancuFunction } from './dancu-function.ts';
import { METRICS_NAMESPACE } from './dancu-function.ts';
import { pascalCase } from './from-spec.ts';
import type { PipelineQueue } from './pipeline-queue.ts';

export interface ObservabilityProps {
  readonly stage: StageConfig;
  readonly queues: Record<string, PipelineQueue>;
  readonly functions: Record<string, DancuFunction>;
  /** the citizen API and the agency API, by HTTP_FUNCTIONS' `api` */
  readonly apis: Record<HttpApiId, HttpApi>;
  /** encrypts the alarm topic (alarm texts name resources, not people, but the topic is in the data account) */
  readonly key: IKey;
}

const FIVE_MINUTES = Duration.minutes(5);

/**
 * What an on-call engineer watches: an alarm topic, the alarms of the issue (dead letters, function errors and
 * throttles, age of the oldest message, API 5xx and p99 latency) with the stage's thresholds, and a dashboard
 * of the pipeline, the API and the EMF metrics the functions publish (functions/commons/observability.ts).
 */
export class Observability extends Construct {
  readonly topic: Topic;
  readonly alarms: Alarm[] = [];
  readonly dashboard: Dashboard;

  constructor(scope: Construct, id: string, { stage, queues, functions, apis, key }: ObservabilityProps) {
    super(scope, id);
    this.topic = new Topic(this, 'AlarmTopic', {
      topicName: `${stage.prefix}-alarms`,
      displayName: `dancu ${stage.name} alarms`,
      masterKey: key,
      enforceSSL: true,
    });
    // CloudWatch publishes to the encrypted topic only if it may use the key, for this account's alarms
    key.addToResourcePolicy(
      new PolicyStatement({
        principals: [new ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['kms:Decrypt', 'kms:GenerateDataKey'],
        resources: ['*'],
        conditions: { StringEquals: { 'aws:SourceAccount': Stack.of(this).account } },
      }),
    );
    if (stage.alarms.email) this.topic.addSubscription(new EmailSubscription(stage.alarms.email));
    const thresholds = stage.alarms;
    const alarm = (name: string, metric: IMetric, threshold: number, description: string) => {
      const created = new Alarm(this, name, {
        alarmName: `${stage.prefix}-${name}`,
        alarmDescription: description,
        metric,
        threshold,
        evaluationPeriods: 1,
        comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treatMissingData: TreatMissingData.NOT_BREACHING,
      });
      created.addAlarmAction(new SnsAction(this.topic));
      created.addOkAction(new SnsAction(this.topic));
      this.alarms.push(created);
    };

    for (const [id, { queue, deadLetterQueue }] of Object.entries(queues)) {
      const name = pascalCase(id);
      alarm(
        `${name}DeadLetters`,
        deadLetterQueue.metricApproximateNumberOfMessagesVisible({
          period: Duration.minutes(1),
          statistic: 'Maximum',
        }),
        1,
        `A message of the ${id} queue failed every try: see docs/operations.md "Redrive a dead-letter queue".`,
      );
      alarm(
        `${name}OldestMessage`,
        queue.metricApproximateAgeOfOldestMessage({ period: FIVE_MINUTES, statistic: 'Maximum' }),
        thresholds.oldestMessageAgeSeconds,
        `The ${id} queue has a message older than ${thresholds.oldestMessageAgeSeconds} s: its function is behind or stuck.`,
      );
    }
    for (const [id, fn] of Object.entries(functions)) {
      const name = pascalCase(id);
      alarm(
        `${name}Errors`,
        fn.function.metricErrors({ period: FIVE_MINUTES, statistic: 'Sum' }),
        thresholds.functionErrors,
        `The ${id} function failed ${thresholds.functionErrors} or more times in 5 minutes: see its log group.`,
      );
      alarm(
        `${name}Throttles`,
        fn.function.metricThrottles({ period: FIVE_MINUTES, statistic: 'Sum' }),
        thresholds.functionThrottles,
        `The ${id} function was throttled: the account's concurrency is short or a queue's maximumConcurrency too high.`,
      );
    }
    for (const [id, api] of Object.entries(apis)) {
      const name = `${pascalCase(id)}Api`;
      alarm(
        `${name}5xx`,
        api.metricServerError({ period: FIVE_MINUTES, statistic: 'Sum' }),
        thresholds.api5xx,
        `The ${id} HTTP API answered 5xx ${thresholds.api5xx} or more times in 5 minutes.`,
      );
      alarm(
        `${name}LatencyP99`,
        api.metricLatency({ period: FIVE_MINUTES, statistic: 'p99' }),
        thresholds.apiP99LatencyMs,
        `The ${id} HTTP API's p99 latency reached ${thresholds.apiP99LatencyMs} ms over 5 minutes.`,
      );
    }

    this.dashboard = new Dashboard(this, 'Dashboard', {
      dashboardName: `${stage.prefix}-operations`,
      defaultInterval: Duration.hours(6),
    });
    const perAgency = (metricName: string, label: string) =>
      new MathExpression({
        expression: `SEARCH('{${METRICS_NAMESPACE},agency,service} MetricName="${metricName}"', 'Sum', 300)`,
        label,
        period: FIVE_MINUTES,
      });
    const queueList = Object.values(queues);
    const functionList = Object.values(functions).map((fn) => fn.function);
    this.dashboard.addWidgets(
      new TextWidget({
        markdown: `# dancu ${stage.name}\nRunbook: docs/operations.md. Alarms go to the topic \`${stage.prefix}-alarms\`.`,
        width: 24,
        height: 2,
      }),
    );
    this.dashboard.addWidgets(
      new GraphWidget({
        title: 'Rows accepted per agency',
        left: [perAgency('RowsAccepted', 'accepted')],
        width: 8,
      }),
      new GraphWidget({
        title: 'Rows rejected per agency',
        left: [perAgency('RowsRejected', 'rejected')],
        width: 8,
      }),
      new GraphWidget({
        title: 'Conflicts, dead-letter sends',
        left: [perAgency('Conflicts', 'conflicts')],
        right: [
          new MathExpression({
            expression: `SEARCH('{${METRICS_NAMESPACE},queue,service} MetricName="DeadLetterSends"', 'Sum', 300)`,
            label: 'dead-letter sends',
            period: FIVE_MINUTES,
          }),
        ],
        width: 8,
      }),
    );
    this.dashboard.addWidgets(
      new GraphWidget({
        title: 'Messages waiting',
        left: queueList.map((q) => q.queue.metricApproximateNumberOfMessagesVisible() as Metric),
        right: queueList.map((q) => q.deadLetterQueue.metricApproximateNumberOfMessagesVisible() as Metric),
        width: 8,
      }),
      new GraphWidget({
        title: 'Age of oldest message (s)',
        left: queueList.map((q) => q.queue.metricApproximateAgeOfOldestMessage()),
        width: 8,
      }),
      new GraphWidget({
        title: 'Batch duration (s, per agency)',
        left: [
          new MathExpression({
            expression: `SEARCH('{${METRICS_NAMESPACE},agency,service} MetricName="BatchDuration"', 'Maximum', 300)`,
            label: 'batch duration',
            period: FIVE_MINUTES,
          }),
        ],
        width: 8,
      }),
    );
    this.dashboard.addWidgets(
      new GraphWidget({
        title: 'Function errors',
        left: functionList.map((fn) => fn.metricErrors({ period: FIVE_MINUTES })),
        width: 8,
      }),
      new GraphWidget({
        title: 'Function throttles',
        left: functionList.map((fn) => fn.metricThrottles({ period: FIVE_MINUTES })),
        width: 8,
      }),
      new GraphWidget({
        title: 'Function duration p99 (ms)',
        left: functionList.map((fn) => fn.metricDuration({ period: FIVE_MINUTES, statistic: 'p99' })),
        width: 8,
      }),
    );
    const apiList = Object.entries(apis);
    this.dashboard.addWidgets(
      new GraphWidget({
        title: 'API requests and errors (citizen, agency)',
        left: apiList.map(([id, api]) => api.metricCount({ period: FIVE_MINUTES, label: `${id} requests` })),
        right: apiList.flatMap(([id, api]) => [
          api.metricClientError({ period: FIVE_MINUTES, label: `${id} 4xx` }),
          api.metricServerError({ period: FIVE_MINUTES, label: `${id} 5xx` }),
        ]),
        width: 12,
      }),
      new GraphWidget({
        title: 'API latency (ms)',
        left: apiList.flatMap(([id, api]) => [
          api.metricLatency({ period: FIVE_MINUTES, statistic: 'p50', label: `${id} p50` }),
          api.metricLatency({ period: FIVE_MINUTES, statistic: 'p99', label: `${id} p99` }),
        ]),
        width: 12,
      }),
    );
  }
}
