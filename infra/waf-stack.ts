import { CfnOutput, Stack, type StackProps } from 'aws-cdk-lib';
import { CfnWebACL } from 'aws-cdk-lib/aws-wafv2';
import type { Construct } from 'constructs';
import type { StageConfig } from './stages.ts';

export interface DancuWafStackProps extends StackProps {
  readonly stage: StageConfig;
}

// what the citizen routes may look like at the edge: /applications/ and a code-shaped segment (the lookup checks
// the exact pattern); anything else under /applications/ is blocked before it costs an invocation
const APPLICATION_PATH = '^/applications/[A-Za-z0-9.%+-]{1,96}$';

/**
 * The web ACL of the citizen API's CloudFront distribution. CloudFront-scope web ACLs live in us-east-1 whatever
 * the region of the API, so this is a stack of its own; its output WebAclArn goes into infra/stages.ts.
 */
export class DancuWafStack extends Stack {
  readonly webAcl: CfnWebACL;

  constructor(scope: Construct, id: string, props: DancuWafStackProps) {
    super(scope, id, props);
    const { stage } = props;
    const visibility = (metricName: string) => ({
      cloudWatchMetricsEnabled: true,
      sampledRequestsEnabled: false, // sampled requests would keep citizens' application codes
      metricName,
    });
    this.webAcl = new CfnWebACL(this, 'WebAcl', {
      name: `${stage.prefix}-citizen-api`,
      description: `dancu ${stage.name}: rate limit and request shape for the citizen API`,
      scope: 'CLOUDFRONT',
      defaultAction: { allow: {} },
      visibilityConfig: visibility(`${stage.prefix}-citizen-api`),
      rules: [
        {
          name: 'RateLimitPerIp',
          priority: 0,
          action: { block: {} },
          statement: {
            rateBasedStatement: {
              limit: stage.http.waf.requestsPer5MinutesPerIp,
              evaluationWindowSec: 300,
              aggregateKeyType: 'IP',
            },
          },
          visibilityConfig: visibility('RateLimitPerIp'),
        },
        {
          // inside the limit above: lookups alone, so one client cannot sweep codes and years, nor use up the stage's
          // shared throttle (prod: 300 per 5 minutes, one a second, against 500 a second for everyone)
          name: 'LookupRatePerIp',
          priority: 1,
          action: { block: {} },
          statement: {
            rateBasedStatement: {
              limit: stage.http.waf.lookupsPer5MinutesPerIp,
              evaluationWindowSec: 300,
              aggregateKeyType: 'IP',
              scopeDownStatement: {
                byteMatchStatement: {
                  fieldToMatch: { uriPath: {} },
                  positionalConstraint: 'STARTS_WITH',
                  searchString: '/applications/',
                  textTransformations: [{ priority: 0, type: 'NONE' }],
                },
              },
            },
          },
          visibilityConfig: visibility('LookupRatePerIp'),
        },
        {
          name: 'ApplicationCodeShape',
          priority: 2,
          action: { block: {} },
          statement: {
            andStatement: {
              statements: [
                {
                  byteMatchStatement: {
                    fieldToMatch: { uriPath: {} },
                    positionalConstraint: 'STARTS_WITH',
                    searchString: '/applications/',
                    textTransformations: [{ priority: 0, type: 'NONE' }],
                  },
                },
                {
                  notStatement: {
                    statement: {
                      regexMatchStatement: {
                        fieldToMatch: { uriPath: {} },
                        regexString: APPLICATION_PATH,
                        textTransformations: [{ priority: 0, type: 'NONE' }],
                      },
                    },
                  },
                },
              ],
            },
          },
          visibilityConfig: visibility('ApplicationCodeShape'),
        },
        {
          name: 'AwsCommonRules',
          priority: 3,
          overrideAction: { none: {} },
          statement: {
            managedRuleGroupStatement: { vendorName: 'AWS', name: 'AWSManagedRulesCommonRuleSet' },
          },
          visibilityConfig: visibility('AwsCommonRules'),
        },
        {
          name: 'AwsKnownBadInputs',
          priority: 4,
          overrideAction: { none: {} },
          statement: {
            managedRuleGroupStatement: { vendorName: 'AWS', name: 'AWSManagedRulesKnownBadInputsRuleSet' },
          },
          visibilityConfig: visibility('AwsKnownBadInputs'),
        },
      ],
    });
    new CfnOutput(this, 'WebAclArn', {
      description: 'Set as http.waf.webAclArn of this stage in infra/stages.ts, then deploy Dancu-{stage}',
      value: this.webAcl.attrArn,
    });
  }
}
