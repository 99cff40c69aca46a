import { Fn, Validations } from 'aws-cdk-lib';
import type { HttpApi } from 'aws-cdk-lib/aws-apigatewayv2';
import {
  AllowedMethods,
  CachePolicy,
  type CfnDistribution,
  Distribution,
  OriginProtocolPolicy,
  OriginRequestPolicy,
  PriceClass,
  ResponseHeadersPolicy,
  ViewerProtocolPolicy,
} from 'aws-cdk-lib/aws-cloudfront';
import { HttpOrigin } from 'aws-cdk-lib/aws-cloudfront-origins';
import { Construct } from 'constructs';

export interface CitizenEdgeProps {
  readonly api: HttpApi;
  /** the CloudFront-scope web ACL of DancuWafStack (us-east-1) */
  readonly webAclArn: string;
}

/**
 * CloudFront in front of the HTTP API, so the citizen routes get the WAF (which cannot be attached to an HTTP API):
 * HTTPS only, nothing cached (statuses change), security headers, every viewer header but Host forwarded.
 */
export class CitizenEdge extends Construct {
  readonly distribution: Distribution;

  constructor(scope: Construct, id: string, { api, webAclArn }: CitizenEdgeProps) {
    super(scope, id);
    // https://{apiId}.execute-api.{region}.amazonaws.com → its host name
    const apiHost = Fn.select(2, Fn.split('/', api.apiEndpoint));
    this.distribution = new Distribution(this, 'Distribution', {
      comment: 'dancu citizen API (WAF)',
      webAclId: webAclArn,
      priceClass: PriceClass.PRICE_CLASS_200, // includes Asia, where the citizens are
      defaultBehavior: {
        origin: new HttpOrigin(apiHost, { protocolPolicy: OriginProtocolPolicy.HTTPS_ONLY }),
        viewerProtocolPolicy: ViewerProtocolPolicy.HTTPS_ONLY,
        allowedMethods: AllowedMethods.ALLOW_GET_HEAD_OPTIONS,
        cachePolicy: CachePolicy.CACHING_DISABLED,
        originRequestPolicy: OriginRequestPolicy.ALL_VIEWER_EXCEPT_HOST_HEADER,
        responseHeadersPolicy: ResponseHeadersPolicy.SECURITY_HEADERS,
      },
    });
    const cfn = this.distribution.node.defaultChild as CfnDistribution;
    Validations.of(cfn).acknowledge({
      id: 'AwsSolutions-CFR1',
      reason:
        'Citizens look up their applications from wherever they are (abroad included); the WAF rate-limits per IP instead.',
    });
    Validations.of(cfn).acknowledge({
      id: 'AwsSolutions-CFR4',
      reason:
        'On the default *.cloudfront.net name CloudFront accepts TLS 1.0 and cannot be told otherwise; a custom domain with its ACM certificate (TLSv1.2_2021) lifts this. The origin leg to API Gateway is TLS 1.2.',
    });
    Validations.of(cfn).acknowledge({
      id: 'AwsSolutions-CFR3',
      reason:
        "CloudFront's logs would keep citizens' application codes (they are in the paths) in a second store; the HTTP API's access logs behind it record every request by route template, status and caller, without them.",
    });
  }
}
