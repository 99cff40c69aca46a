import { RemovalPolicy, Validations } from 'aws-cdk-lib';
import {
  ApiMapping,
  DomainName,
  EndpointType,
  type HttpApi,
  type HttpStage,
  SecurityPolicy,
} from 'aws-cdk-lib/aws-apigatewayv2';
import { Certificate } from 'aws-cdk-lib/aws-certificatemanager';
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
import { Secret } from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import { EDGE_HEADER } from '../../shared/api/edge.ts';

export interface CitizenEdgeProps {
  /** the citizen API, its `execute-api` address disabled */
  readonly api: HttpApi;
  readonly stage: HttpStage;
  /** the CloudFront-scope web ACL of DancuWafStack (us-east-1) */
  readonly webAclArn: string;
  /** the API's custom domain CloudFront reaches it at, with its certificate in the API's region */
  readonly originDomain: { name: string; certificateArn: string };
}

/**
 * CloudFront in front of the citizen API, so its routes get the WAF (which cannot be attached to an HTTP API): HTTPS
 * only, nothing cached (statuses change), security headers, every viewer header but Host forwarded. The API's own
 * `execute-api` address is disabled; CloudFront reaches it at a custom domain and proves itself with a header
 * whose value only it and the lookup function hold (`edgeSecret`), so the domain cannot be called around the WAF.
 */
export class CitizenEdge extends Construct {
  readonly distribution: Distribution;
  readonly domain: DomainName;
  /** the value CloudFront sends in `x-dancu-edge`; the lookup refuses a request without it */
  readonly edgeSecret: Secret;

  constructor(scope: Construct, id: string, { api, stage, webAclArn, originDomain }: CitizenEdgeProps) {
    super(scope, id);
    this.domain = new DomainName(this, 'OriginDomain', {
      domainName: originDomain.name,
      certificate: Certificate.fromCertificateArn(this, 'OriginCertificate', originDomain.certificateArn),
      endpointType: EndpointType.REGIONAL,
      securityPolicy: SecurityPolicy.TLS_1_2,
    });
    new ApiMapping(this, 'OriginMapping', { api, domainName: this.domain, stage });
    this.edgeSecret = new Secret(this, 'EdgeSecret', {
      description: 'dancu: the header value CloudFront sends the citizen API, which the lookup checks',
      generateSecretString: { passwordLength: 48, excludePunctuation: true },
      // nothing to keep: a new one is made with the distribution
      removalPolicy: RemovalPolicy.DESTROY,
    });
    Validations.of(this.edgeSecret).acknowledge({
      id: 'AwsSolutions-SMG4',
      reason:
        'Not a credential to data: it proves a request came through CloudFront. It changes with a redeploy that replaces it (docs/operations.md "Citizen API"); rotating it in place would refuse requests until both sides read the new value.',
    });
    this.distribution = new Distribution(this, 'Distribution', {
      comment: 'dancu citizen API (WAF)',
      webAclId: webAclArn,
      priceClass: PriceClass.PRICE_CLASS_200, // includes Asia, where the citizens are
      defaultBehavior: {
        origin: new HttpOrigin(originDomain.name, {
          protocolPolicy: OriginProtocolPolicy.HTTPS_ONLY,
          // set by CloudFront over any a viewer sends
          customHeaders: { [EDGE_HEADER]: this.edgeSecret.secretValue.unsafeUnwrap() },
        }),
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
