import { join } from 'path';
import { Annotations, CustomResource, Duration, Size, Stack, Token } from 'aws-cdk-lib';
import { IRepository } from 'aws-cdk-lib/aws-ecr';
import { Platform } from 'aws-cdk-lib/aws-ecr-assets';
import { IGrantable, PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { IKey } from 'aws-cdk-lib/aws-kms';
import { Architecture, Code, Handler, Runtime, SingletonFunction } from 'aws-cdk-lib/aws-lambda';
import { ILogGroup } from 'aws-cdk-lib/aws-logs';
import { ITopic } from 'aws-cdk-lib/aws-sns';
import { Provider } from 'aws-cdk-lib/custom-resources';
import { Construct, IConstruct } from 'constructs';
import { VerifierProperties } from './properties';
import { SbomOutput } from './sbom-output';
import { ScanConfig } from './scan-config';
import { ScanLogsOutput } from './scan-logs-output';
import { SignatureVerification } from './signature-verification';
import { Severity } from './types';

/** Options of `attest`: sign the verdict and attach it to the image. */
export interface AttestOptions {
  /** The asymmetric KMS signing key (ECC_NIST_P256 or RSA) the verdict is signed with. */
  readonly key: IKey;
}

/** Properties of `EcrScanVerifier`; the names and defaults are ecr-scan-verifier's. */
export interface EcrScanVerifierProps {
  /**
   * The ECR repository of the image. Give this or `imageUri`.
   *
   * @default - none; then `imageUri` is required
   */
  readonly repository?: IRepository;

  /**
   * An image in any registry the function reaches (`ScanConfig.imagegate()`
   * and `signatureOnly()` only), e.g. `ghcr.io/org/app`; `imageTag` still
   * picks the tag or digest.
   *
   * @default - the repository's URI
   */
  readonly imageUri?: string;

  /**
   * Tag or digest; a value starting with `sha256:` is a digest.
   *
   * @default 'latest'
   */
  readonly imageTag?: string;

  /** Where findings come from: basic, enhanced, signatureOnly or imagegate. */
  readonly scanConfig: ScanConfig;

  /**
   * The severities that deny (an exact set, not a threshold).
   *
   * @default [Severity.CRITICAL], or the policy's rules with `ScanConfig.imagegate({ policy })`
   */
  readonly severity?: Severity[];

  /**
   * Fail the deployment when a rule fires; false only warns (and notifies).
   *
   * @default true
   */
  readonly failOnVulnerability?: boolean;

  /**
   * Finding ids (CVE ids, or an alias) that never count.
   *
   * @default - none
   */
  readonly ignoreFindings?: string[];

  /**
   * Where the verdict, findings and SBOM are written besides the function's log.
   *
   * @default - the function's log only
   */
  readonly scanLogsOutput?: ScanLogsOutput;

  /**
   * The function's log group. Every instance in a stack shares one function,
   * so they must name the same group (a warning says when they do not).
   *
   * @default - the one Lambda creates
   */
  readonly defaultLogGroup?: ILogGroup;

  /**
   * SBOM output (as ecr-scan-verifier 0.1 took it; later versions take it
   * inside `ScanConfig.enhanced({ sbomOutput })`, which works too).
   *
   * @default - no SBOM
   */
  readonly sbomOutput?: SbomOutput;

  /**
   * Verify the image's signature before scanning.
   *
   * @default - no signature check
   */
  readonly signatureVerification?: SignatureVerification;

  /**
   * SNS topic told when a rule fires (also with failOnVulnerability: false).
   *
   * @default - no notification
   */
  readonly vulnsNotificationTopic?: ITopic;

  /**
   * Constructs created only after the check succeeded.
   *
   * @default - none
   */
  readonly blockConstructs?: IConstruct[];

  /**
   * Report success instead of a failure while the stack rolls back, so a
   * failing check never blocks a rollback.
   *
   * @default true
   */
  readonly suppressErrorOnRollback?: boolean;

  /**
   * The function's architecture: ARM_64 or X86_64.
   *
   * @default Architecture.ARM_64
   */
  readonly architecture?: Architecture;

  /**
   * How long to wait for an ECR or Inspector scan (1 to 840 seconds); with
   * `ScanConfig.imagegate()` the check's own time limit.
   *
   * @default Duration.minutes(14)
   */
  readonly pollingTimeout?: Duration;

  /**
   * The function's memory (128 to 10240 MB); the first instance in a stack decides.
   *
   * @default 1024
   */
  readonly memorySize?: number;

  /**
   * Sign the verdict (allow, warn or deny) with a KMS key and attach it to
   * the image as an in-toto attestation (`imagegate verify-attestation`).
   *
   * @default - no attestation
   */
  readonly attest?: AttestOptions;

  /**
   * The function's code instead of the image built from this package's
   * Dockerfile, e.g. `Code.fromEcrImage(repo, { tagOrDigest })` of a prebuilt
   * image. Its entry point must be `imagegate lambda`.
   *
   * @default - built from lambda/Dockerfile at deployment
   */
  readonly lambdaCode?: Code;

  /**
   * Answer through the CDK Provider framework (a second, Node.js function
   * that relays) instead of the function answering CloudFormation itself.
   *
   * @default false
   */
  readonly useProviderFramework?: boolean;
}

const POLLING_TIMEOUT_MAX_SECONDS = 840;
const MEMORY_MIN_MB = 128;
const MEMORY_MAX_MB = 10240;
const MEMORY_DEFAULT_MB = 1024;
const LAMBDA_TIMEOUT = Duration.seconds(900);
const SINGLETON_UUID = '0f6c1c55-9d0e-4c8e-9a55-2e1f6a1d7b21';
const LOG_GROUP_KEY = Symbol.for('imagegate-cdk.defaultLogGroup');

/**
 * Blocks a deployment until the image passes imagegate's check: a custom
 * resource whose function runs `imagegate lambda`. Drop-in for
 * ecr-scan-verifier's construct of the same name.
 */
export class EcrScanVerifier extends Construct {
  /** The custom resource; `getAttString('Decision')` and friends read the verdict. */
  public readonly resource: CustomResource;

  constructor(scope: Construct, id: string, props: EcrScanVerifierProps) {
    super(scope, id);
    const stack = Stack.of(this);
    const scan = props.scanConfig.bind();

    const pollingTimeout = (props.pollingTimeout ?? Duration.seconds(POLLING_TIMEOUT_MAX_SECONDS)).toSeconds();
    if (pollingTimeout < 1 || pollingTimeout > POLLING_TIMEOUT_MAX_SECONDS) {
      throw new Error(
        `pollingTimeout must be between 1 and ${POLLING_TIMEOUT_MAX_SECONDS} seconds (the function's 900 s limit less time to answer), got ${pollingTimeout}.`,
      );
    }
    const memorySize = props.memorySize ?? MEMORY_DEFAULT_MB;
    if (!Token.isUnresolved(memorySize) && (memorySize < MEMORY_MIN_MB || memorySize > MEMORY_MAX_MB)) {
      throw new Error(`memorySize must be between ${MEMORY_MIN_MB} and ${MEMORY_MAX_MB} MB, got ${memorySize}.`);
    }
    if (scan.scanType === 'SIGNATURE_ONLY' && !props.signatureVerification) {
      throw new Error('ScanConfig.signatureOnly() needs signatureVerification: there is nothing else to check.');
    }
    if (!props.repository && !props.imageUri) {
      throw new Error('Give repository (an ECR repository) or imageUri (an image in any registry).');
    }
    if (props.repository && props.imageUri) {
      throw new Error('Give repository or imageUri, not both.');
    }
    if (props.imageUri && (scan.scanType === 'BASIC' || scan.scanType === 'ENHANCED')) {
      throw new Error('imageUri works with ScanConfig.imagegate() and signatureOnly(); ECR scanning needs repository.');
    }
    if (props.sbomOutput && scan.sbomOutput) {
      throw new Error('Give sbomOutput once: at the top level or inside the ScanConfig, not both.');
    }
    const sbomOutput = props.sbomOutput ?? scan.sbomOutput;
    if (sbomOutput && scan.scanType !== 'ENHANCED' && scan.scanType !== 'IMAGEGATE') {
      throw new Error('sbomOutput needs ScanConfig.enhanced() (Amazon Inspector) or ScanConfig.imagegate().');
    }

    const architecture = props.architecture ?? Architecture.ARM_64;
    const platform = platformOf(architecture);
    const fn = new SingletonFunction(this, 'CustomResourceLambda', {
      uuid: SINGLETON_UUID,
      lambdaPurpose: 'Custom::ImagegateVerifierLambda',
      runtime: Runtime.FROM_IMAGE,
      handler: Handler.FROM_IMAGE,
      // fromAssetImage only stages the directory at synthesis; the image is
      // built when the assets are published, so `cdk synth` needs no Docker.
      code:
        props.lambdaCode ??
        Code.fromAssetImage(join(__dirname, '..', 'lambda'), {
          platform,
          buildArgs: { TARGETARCH: platform === Platform.LINUX_ARM64 ? 'arm64' : 'amd64' },
        }),
      architecture,
      timeout: LAMBDA_TIMEOUT,
      memorySize,
      // Layers and the database are cached in /tmp between invocations.
      ephemeralStorageSize: Size.gibibytes(4),
      retryAttempts: 0,
      logGroup: props.defaultLogGroup,
    });

    this.warnOnSecondLogGroup(props.defaultLogGroup);

    const output = props.scanLogsOutput?.bind(fn);
    const sbom = sbomOutput?.bind(fn, scan.scanType === 'ENHANCED');
    const signature = props.signatureVerification?.bind(fn);
    this.grantScanning(fn, props, scan.scanType, scan.startScan, sbom !== undefined);
    const readsImage = scan.scanType === 'IMAGEGATE' || signature !== undefined || props.attest !== undefined;
    if (readsImage) this.grantPull(fn, props.repository);
    if (scan.database) this.grantDatabasePull(fn, scan.database);
    if (props.attest) {
      props.attest.key.grant(fn, 'kms:Sign', 'kms:GetPublicKey');
      if (props.repository) {
        // The attestation is pushed beside the image as a referrer.
        fn.addToRolePolicy(
          new PolicyStatement({
            actions: [
              'ecr:BatchCheckLayerAvailability',
              'ecr:InitiateLayerUpload',
              'ecr:UploadLayerPart',
              'ecr:CompleteLayerUpload',
              'ecr:PutImage',
            ],
            resources: [props.repository.repositoryArn],
          }),
        );
      }
    }
    props.vulnsNotificationTopic?.grantPublish(fn);
    const suppressErrorOnRollback = props.suppressErrorOnRollback ?? true;
    if (suppressErrorOnRollback) {
      fn.addToRolePolicy(new PolicyStatement({ actions: ['cloudformation:DescribeStacks'], resources: [stack.stackId] }));
    }

    const properties: VerifierProperties = {
      addr: this.node.addr,
      repositoryName: props.repository?.repositoryName,
      repositoryUri: props.repository?.repositoryUri ?? props.imageUri!,
      imageTag: props.imageTag ?? 'latest',
      scanType: scan.scanType,
      startScan: String(scan.startScan),
      severity: props.severity,
      failOnVulnerability: String(props.failOnVulnerability ?? true),
      ignoreFindings: props.ignoreFindings ?? [],
      output,
      sbom,
      signatureVerification: signature ? { ...signature, failOnUnsigned: String(signature.failOnUnsigned) } : undefined,
      suppressErrorOnRollback: String(suppressErrorOnRollback),
      vulnsTopicArn: props.vulnsNotificationTopic?.topicArn,
      defaultLogGroupName: props.defaultLogGroup?.logGroupName ?? `/aws/lambda/${fn.functionName}`,
      pollingTimeoutSeconds: String(pollingTimeout),
      policy: scan.policy,
      database: scan.database,
      attestKey: props.attest?.key.keyArn,
    };

    const serviceToken = props.useProviderFramework
      ? new Provider(this, 'Provider', { onEventHandler: fn }).serviceToken
      : fn.functionArn;
    this.resource = new CustomResource(this, 'Resource', {
      resourceType: 'Custom::ImagegateVerifier',
      serviceToken,
      properties: dropUndefined(properties),
      // A direct resource answers within the function's own limit.
      serviceTimeout: props.useProviderFramework ? undefined : LAMBDA_TIMEOUT.plus(Duration.seconds(60)),
    });

    for (const c of props.blockConstructs ?? []) c.node.addDependency(this);
  }

  // ECR and Inspector calls, per mode and nothing more.
  private grantScanning(fn: IGrantable, props: EcrScanVerifierProps, type: string, startScan: boolean, sbom: boolean) {
    if (type !== 'BASIC' && type !== 'ENHANCED') return;
    const repo = props.repository!.repositoryArn;
    fn.grantPrincipal.addToPrincipalPolicy(
      new PolicyStatement({ actions: ['ecr:DescribeImages', 'ecr:DescribeImageScanFindings'], resources: [repo] }),
    );
    if (startScan) {
      fn.grantPrincipal.addToPrincipalPolicy(new PolicyStatement({ actions: ['ecr:StartImageScan'], resources: [repo] }));
    } else {
      // Tells "no scan will ever come" from "not yet", to fail fast.
      fn.grantPrincipal.addToPrincipalPolicy(
        new PolicyStatement({ actions: ['ecr:GetRegistryScanningConfiguration'], resources: ['*'] }),
      );
    }
    if (type === 'ENHANCED') {
      fn.grantPrincipal.addToPrincipalPolicy(new PolicyStatement({ actions: ['inspector2:ListFindings'], resources: ['*'] }));
      if (sbom) {
        fn.grantPrincipal.addToPrincipalPolicy(
          new PolicyStatement({ actions: ['inspector2:CreateSbomExport', 'inspector2:GetSbomExport'], resources: ['*'] }),
        );
      }
    }
  }

  // Reading the image's manifest, config and layers from ECR.
  private grantPull(fn: IGrantable, repository?: IRepository) {
    if (!repository) return;
    fn.grantPrincipal.addToPrincipalPolicy(new PolicyStatement({ actions: ['ecr:GetAuthorizationToken'], resources: ['*'] }));
    fn.grantPrincipal.addToPrincipalPolicy(
      new PolicyStatement({ actions: ['ecr:BatchGetImage', 'ecr:GetDownloadUrlForLayer'], resources: [repository.repositoryArn] }),
    );
  }

  // The database artifact, when it lives in ECR.
  private grantDatabasePull(fn: IGrantable, ref: string) {
    const m = /^(\d{12})\.dkr\.ecr\.([a-z0-9-]+)\.amazonaws\.com(?:\.cn)?\/([^:@]+)/.exec(ref);
    if (!m) return;
    const partition = ref.includes('.amazonaws.com.cn/') ? 'aws-cn' : 'aws';
    fn.grantPrincipal.addToPrincipalPolicy(new PolicyStatement({ actions: ['ecr:GetAuthorizationToken'], resources: ['*'] }));
    fn.grantPrincipal.addToPrincipalPolicy(
      new PolicyStatement({
        actions: ['ecr:BatchGetImage', 'ecr:GetDownloadUrlForLayer'],
        resources: [`arn:${partition}:ecr:${m[2]}:${m[1]}:repository/${m[3]}`],
      }),
    );
  }

  // One function serves the stack, so one log group: the first instance's.
  private warnOnSecondLogGroup(logGroup?: ILogGroup) {
    const stack = Stack.of(this) as unknown as Record<symbol, string | undefined>;
    const path = logGroup?.node.path ?? '';
    if (!(LOG_GROUP_KEY in stack)) {
      stack[LOG_GROUP_KEY] = path;
      return;
    }
    if (stack[LOG_GROUP_KEY] !== path) {
      Annotations.of(this).addWarningV2(
        '@imagegate-cdk:duplicateLambdaDefaultLogGroup',
        "Every EcrScanVerifier in a stack shares one function: give them all the same 'defaultLogGroup'.",
      );
    }
  }
}

function platformOf(architecture: Architecture): Platform {
  if (architecture.name === Architecture.ARM_64.name) return Platform.LINUX_ARM64;
  if (architecture.name === Architecture.X86_64.name) return Platform.LINUX_AMD64;
  throw new Error(`architecture ${architecture.name} is not supported: use Architecture.ARM_64 or Architecture.X86_64.`);
}

function dropUndefined<T extends object>(o: T): Record<string, unknown> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined));
}
