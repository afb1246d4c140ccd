import { mkdtempSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { App, Duration, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import { Repository } from 'aws-cdk-lib/aws-ecr';
import { Key, KeySpec, KeyUsage } from 'aws-cdk-lib/aws-kms';
import { Architecture } from 'aws-cdk-lib/aws-lambda';
import { LogGroup } from 'aws-cdk-lib/aws-logs';
import { Bucket } from 'aws-cdk-lib/aws-s3';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  EcrScanVerifier,
  EcrScanVerifierProps,
  SbomOutput,
  ScanConfig,
  ScanLogsOutput,
  Severity,
  SignatureVerification,
} from '../src';

const PEM = '-----BEGIN PUBLIC KEY-----\nMFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE\n-----END PUBLIC KEY-----\n';

beforeAll(() => {
  // Any Docker call during synthesis would fail: synthesis must not need it.
  process.env.CDK_DOCKER = '/nonexistent/docker-must-not-run';
});

function stackWith(props: (s: Stack) => Partial<EcrScanVerifierProps>) {
  const app = new App({ outdir: mkdtempSync(join(tmpdir(), 'imagegate-cdk-')) });
  const stack = new Stack(app, 'TestStack', { env: { account: '111122223333', region: 'eu-west-1' } });
  const repository = new Repository(stack, 'Repo');
  const p = props(stack);
  new EcrScanVerifier(stack, 'Verifier', {
    repository: 'imageUri' in p ? undefined : repository,
    scanConfig: ScanConfig.basic(),
    ...p,
  } as EcrScanVerifierProps);
  return { stack, template: Template.fromStack(stack) };
}

// Every IAM action granted to roles in the template.
function actions(template: Template): Set<string> {
  const out = new Set<string>();
  for (const policy of Object.values(template.findResources('AWS::IAM::Policy'))) {
    for (const st of (policy as any).Properties.PolicyDocument.Statement) {
      for (const a of [st.Action].flat()) out.add(a);
    }
  }
  return out;
}

function verifierProps(template: Template): Record<string, any> {
  const resources = Object.values(template.findResources('Custom::ImagegateVerifier'));
  expect(resources).toHaveLength(1);
  return (resources[0] as any).Properties;
}

const LOGGING = new Set(['logs:CreateLogGroup', 'logs:CreateLogStream', 'logs:PutLogEvents']);
function own(template: Template): string[] {
  return [...actions(template)].filter((a) => !LOGGING.has(a)).sort();
}

describe('modes and their IAM', () => {
  it('basic: describe, findings, start scan, rollback check; no pull', () => {
    const { template } = stackWith(() => ({}));
    expect(own(template)).toEqual(
      ['cloudformation:DescribeStacks', 'ecr:DescribeImageScanFindings', 'ecr:DescribeImages', 'ecr:StartImageScan'].sort(),
    );
    template.hasResourceProperties('AWS::Lambda::Function', {
      PackageType: 'Image',
      Architectures: ['arm64'],
      Timeout: 900,
      MemorySize: 1024,
    });
    const p = verifierProps(template);
    expect(p.scanType).toBe('BASIC');
    expect(p.startScan).toBe('true');
    expect(p.failOnVulnerability).toBe('true');
    expect(p.suppressErrorOnRollback).toBe('true');
    expect(p.pollingTimeoutSeconds).toBe('840');
    expect(p.imageTag).toBe('latest');
    expect(p.ignoreFindings).toEqual([]);
    // The function answers CloudFormation itself.
    expect(p.ServiceToken['Fn::GetAtt'][1]).toBe('Arn');
  });

  it('basic without startScan reads the registry scanning configuration instead', () => {
    const { template } = stackWith(() => ({ scanConfig: ScanConfig.basic({ startScan: false }) }));
    const a = own(template);
    expect(a).toContain('ecr:GetRegistryScanningConfiguration');
    expect(a).not.toContain('ecr:StartImageScan');
    expect(verifierProps(template).startScan).toBe('false');
  });

  it('enhanced: Inspector findings, and SBOM export only with sbomOutput', () => {
    const plain = own(stackWith(() => ({ scanConfig: ScanConfig.enhanced() })).template);
    expect(plain).toContain('inspector2:ListFindings');
    expect(plain).not.toContain('inspector2:CreateSbomExport');
    expect(plain).not.toContain('ecr:StartImageScan');

    const { template } = stackWith((s) => ({
      scanConfig: ScanConfig.enhanced({
        sbomOutput: SbomOutput.cycloneDx14({ bucket: new Bucket(s, 'Sbom'), prefix: 'sbom/', encryptionKey: new Key(s, 'K') }),
      }),
    }));
    const a = own(template);
    expect(a).toContain('inspector2:CreateSbomExport');
    expect(a).toContain('inspector2:GetSbomExport');
    expect(a).toContain('s3:PutObject');
    expect(verifierProps(template).sbom).toMatchObject({ format: 'CYCLONEDX_1_4', prefix: 'sbom/' });
    template.hasResourceProperties('AWS::S3::BucketPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Principal: { Service: 'inspector2.amazonaws.com' }, Action: ['s3:PutObject', 's3:AbortMultipartUpload'] }),
        ]),
      },
    });
  });

  it('top-level sbomOutput (ecr-scan-verifier 0.1) works like the nested one', () => {
    const { template } = stackWith((s) => ({
      scanConfig: ScanConfig.enhanced(),
      sbomOutput: SbomOutput.spdx23({ bucket: new Bucket(s, 'Sbom'), encryptionKey: new Key(s, 'K') }),
    }));
    expect(verifierProps(template).sbom.format).toBe('SPDX_2_3');
    expect(own(template)).toContain('inspector2:CreateSbomExport');
  });

  it('signatureOnly with a cosign key: pull, no scanning calls', () => {
    const { template } = stackWith(() => ({
      scanConfig: ScanConfig.signatureOnly(),
      signatureVerification: SignatureVerification.cosignPublicKey({ publicKey: PEM, failOnUnsigned: false }),
    }));
    expect(own(template)).toEqual(
      ['cloudformation:DescribeStacks', 'ecr:BatchGetImage', 'ecr:GetAuthorizationToken', 'ecr:GetDownloadUrlForLayer'].sort(),
    );
    const p = verifierProps(template);
    expect(p.scanType).toBe('SIGNATURE_ONLY');
    expect(p.signatureVerification).toEqual({ type: 'COSIGN', publicKey: PEM, failOnUnsigned: 'false' });
  });

  it('cosign key from a file, read at synthesis', () => {
    const dir = mkdtempSync(join(tmpdir(), 'imagegate-cdk-key-'));
    writeFileSync(join(dir, 'cosign.pub'), PEM);
    const { template } = stackWith(() => ({
      signatureVerification: SignatureVerification.cosignPublicKey({ publicKeyPath: join(dir, 'cosign.pub') }),
    }));
    expect(verifierProps(template).signatureVerification.publicKey).toBe(PEM);
  });

  it('cosign with KMS: GetPublicKey and Verify on that key', () => {
    const { template } = stackWith((s) => ({
      signatureVerification: SignatureVerification.cosignKms({
        key: new Key(s, 'Signing', { keySpec: KeySpec.ECC_NIST_P256, keyUsage: KeyUsage.SIGN_VERIFY }),
      }),
    }));
    const a = own(template);
    expect(a).toContain('kms:GetPublicKey');
    expect(a).toContain('kms:Verify');
    expect(a).not.toContain('kms:Sign');
    expect(verifierProps(template).signatureVerification.kmsKeyArn).toBeDefined();
  });

  it('notation and keyless', () => {
    const n = verifierProps(
      stackWith(() => ({
        signatureVerification: SignatureVerification.notation({ trustedIdentities: ['arn:aws:signer:eu-west-1:1:/signing-profiles/p'] }),
      })).template,
    );
    expect(n.signatureVerification).toEqual({
      type: 'NOTATION',
      trustedIdentities: ['arn:aws:signer:eu-west-1:1:/signing-profiles/p'],
      failOnUnsigned: 'true',
    });
    const k = verifierProps(
      stackWith(() => ({
        scanConfig: ScanConfig.imagegate(),
        signatureVerification: SignatureVerification.keyless({
          identity: 'https://github.com/org/app/.github/workflows/release.yml@refs/heads/main',
          issuer: 'https://token.actions.githubusercontent.com',
        }),
      })).template,
    );
    expect(k.signatureVerification.type).toBe('KEYLESS');
    expect(k.signatureVerification.issuer).toBe('https://token.actions.githubusercontent.com');
  });

  it('imagegate: pull the image and the database, policy in the properties, no ECR scan calls', () => {
    const { template } = stackWith(() => ({
      scanConfig: ScanConfig.imagegate({
        policy: 'version: 1\nvulnerabilities: {severities: [CRITICAL, HIGH]}\n',
        database: '444455556666.dkr.ecr.eu-west-1.amazonaws.com/security/imagegate-db:v1',
      }),
    }));
    expect(own(template)).toEqual(
      ['cloudformation:DescribeStacks', 'ecr:BatchGetImage', 'ecr:GetAuthorizationToken', 'ecr:GetDownloadUrlForLayer'].sort(),
    );
    const statements = Object.values(template.findResources('AWS::IAM::Policy')).flatMap(
      (p: any) => p.Properties.PolicyDocument.Statement,
    );
    expect(JSON.stringify(statements)).toContain('arn:aws:ecr:eu-west-1:444455556666:repository/security/imagegate-db');
    const p = verifierProps(template);
    expect(p.scanType).toBe('IMAGEGATE');
    expect(p.policy).toContain('severities');
    expect(p.database).toContain('imagegate-db:v1');
    expect(p.severity).toBeUndefined();
  });

  it('imagegate on another registry by imageUri', () => {
    const { template } = stackWith(() => ({ scanConfig: ScanConfig.imagegate(), imageUri: 'ghcr.io/org/app', imageTag: 'sha256:abc' }));
    const p = verifierProps(template);
    expect(p.repositoryUri).toBe('ghcr.io/org/app');
    expect(p.imageTag).toBe('sha256:abc');
    expect(own(template)).toEqual(['cloudformation:DescribeStacks']);
  });

  it('attest: sign with the KMS key and push the attestation', () => {
    const { template } = stackWith((s) => ({
      scanConfig: ScanConfig.imagegate(),
      attest: { key: new Key(s, 'Attest', { keySpec: KeySpec.ECC_NIST_P256, keyUsage: KeyUsage.SIGN_VERIFY }) },
    }));
    const a = own(template);
    for (const x of ['kms:Sign', 'kms:GetPublicKey', 'ecr:PutImage', 'ecr:CompleteLayerUpload', 'ecr:UploadLayerPart']) {
      expect(a).toContain(x);
    }
    expect(verifierProps(template).attestKey).toBeDefined();
  });
});

describe('options', () => {
  it('severity, ignoreFindings, failOnVulnerability, tag and timeout as strings', () => {
    const { template } = stackWith(() => ({
      severity: [Severity.CRITICAL, Severity.HIGH],
      ignoreFindings: ['CVE-2023-37920'],
      failOnVulnerability: false,
      imageTag: 'v1.2',
      pollingTimeout: Duration.minutes(5),
    }));
    const p = verifierProps(template);
    expect(p.severity).toEqual(['CRITICAL', 'HIGH']);
    expect(p.ignoreFindings).toEqual(['CVE-2023-37920']);
    expect(p.failOnVulnerability).toBe('false');
    expect(p.imageTag).toBe('v1.2');
    expect(p.pollingTimeoutSeconds).toBe('300');
  });

  it('scan logs to S3: writes under the prefix only', () => {
    const { template } = stackWith((s) => ({ scanLogsOutput: ScanLogsOutput.s3({ bucket: new Bucket(s, 'Logs'), prefix: 'scan/' }) }));
    const a = own(template);
    expect(a).toContain('s3:PutObject');
    expect(a).not.toContain('s3:GetObject*');
    expect(verifierProps(template).output).toMatchObject({ type: 's3', prefix: 'scan/' });
    expect(JSON.stringify(template.findResources('AWS::IAM::Policy'))).toContain('/scan/*');
  });

  it('scan logs to CloudWatch Logs: that group only', () => {
    const { template } = stackWith((s) => ({ scanLogsOutput: ScanLogsOutput.cloudWatchLogs({ logGroup: new LogGroup(s, 'Scan') }) }));
    expect(actions(template)).toContain('logs:PutLogEvents');
    expect(verifierProps(template).output.type).toBe('cloudWatchLogs');
  });

  it('SNS topic: publish', () => {
    const { template } = stackWith((s) => ({ vulnsNotificationTopic: new Topic(s, 'T') }));
    expect(own(template)).toContain('sns:Publish');
    expect(verifierProps(template).vulnsTopicArn).toBeDefined();
  });

  it('suppressErrorOnRollback: false drops DescribeStacks', () => {
    const { template } = stackWith(() => ({ suppressErrorOnRollback: false }));
    expect(own(template)).not.toContain('cloudformation:DescribeStacks');
    expect(verifierProps(template).suppressErrorOnRollback).toBe('false');
  });

  it('blockConstructs depend on the verifier', () => {
    const { template } = stackWith((s) => ({ blockConstructs: [new Topic(s, 'Blocked')] }));
    const topic = Object.entries(template.findResources('AWS::SNS::Topic'))[0][1] as any;
    const verifierId = Object.keys(template.findResources('Custom::ImagegateVerifier'))[0];
    expect(topic.DependsOn).toContain(verifierId);
  });

  it('architecture X86_64', () => {
    const { template } = stackWith(() => ({ architecture: Architecture.X86_64 }));
    template.hasResourceProperties('AWS::Lambda::Function', { Architectures: ['x86_64'] });
  });

  it('defaultLogGroup: the function logs there', () => {
    const { template } = stackWith((s) => ({ defaultLogGroup: new LogGroup(s, 'Fn') }));
    template.hasResourceProperties('AWS::Lambda::Function', { LoggingConfig: { LogGroup: Match.anyValue() } });
  });

  it('the Provider framework when asked', () => {
    const { template } = stackWith(() => ({ useProviderFramework: true }));
    // Ours and the framework's relay.
    expect(Object.keys(template.findResources('AWS::Lambda::Function')).length).toBe(2);
    const token = verifierProps(template).ServiceToken;
    expect(JSON.stringify(token)).toContain('Provider');
  });

  it('one function for several verifiers in a stack', () => {
    const app = new App();
    const stack = new Stack(app, 'S');
    const repository = new Repository(stack, 'Repo');
    new EcrScanVerifier(stack, 'A', { repository, scanConfig: ScanConfig.basic() });
    new EcrScanVerifier(stack, 'B', { repository, scanConfig: ScanConfig.imagegate() });
    const t = Template.fromStack(stack);
    expect(Object.keys(t.findResources('AWS::Lambda::Function')).length).toBe(1);
    expect(Object.keys(t.findResources('Custom::ImagegateVerifier')).length).toBe(2);
  });
});

describe('validation at synthesis', () => {
  const build = (p: Partial<EcrScanVerifierProps>) => () => stackWith(() => p);

  it('signatureOnly needs a signature verification', () => {
    expect(build({ scanConfig: ScanConfig.signatureOnly() })).toThrow(/signatureOnly\(\) needs signatureVerification/);
  });

  it('notation needs a trusted identity', () => {
    expect(() => SignatureVerification.notation({ trustedIdentities: [] })).toThrow(/at least one/);
  });

  it('pollingTimeout within 1..840 seconds', () => {
    expect(build({ pollingTimeout: Duration.seconds(841) })).toThrow(/between 1 and 840 seconds.*got 841/);
    expect(build({ pollingTimeout: Duration.seconds(0) })).toThrow(/got 0/);
    expect(build({ pollingTimeout: Duration.seconds(840) })).not.toThrow();
    expect(build({ pollingTimeout: Duration.seconds(1) })).not.toThrow();
  });

  it('memorySize within the Lambda limits', () => {
    expect(build({ memorySize: 64 })).toThrow(/memorySize must be between 128 and 10240/);
  });

  it('sbomOutput needs enhanced or imagegate, and is given once', () => {
    const app = new App();
    const s = new Stack(app, 'S');
    const sbom = SbomOutput.cycloneDx14({ bucket: new Bucket(s, 'B') });
    const repository = new Repository(s, 'R');
    expect(() => new EcrScanVerifier(s, 'V1', { repository, scanConfig: ScanConfig.basic(), sbomOutput: sbom })).toThrow(
      /sbomOutput needs/,
    );
    expect(
      () => new EcrScanVerifier(s, 'V2', { repository, scanConfig: ScanConfig.enhanced({ sbomOutput: sbom }), sbomOutput: sbom }),
    ).toThrow(/once/);
  });

  it('imageUri only for engines that read the image', () => {
    expect(build({ imageUri: 'ghcr.io/org/app', scanConfig: ScanConfig.basic() })).toThrow(/imageUri works with/);
  });

  it('cosignPublicKey needs exactly one key source', () => {
    expect(() => SignatureVerification.cosignPublicKey({})).toThrow(/exactly one/);
  });
});

describe('default log group warning', () => {
  function twoVerifiers(same: boolean) {
    const app = new App();
    const stack = new Stack(app, 'S');
    const repository = new Repository(stack, 'Repo');
    const first = new LogGroup(stack, 'First');
    new EcrScanVerifier(stack, 'A', { repository, scanConfig: ScanConfig.basic(), defaultLogGroup: first });
    new EcrScanVerifier(stack, 'B', {
      repository,
      scanConfig: ScanConfig.basic(),
      defaultLogGroup: same ? first : new LogGroup(stack, 'Second'),
    });
    return Annotations.fromStack(stack);
  }

  it('warns when instances name different groups', () => {
    twoVerifiers(false).hasWarning('/S/B', Match.stringLikeRegexp('same .defaultLogGroup.'));
  });

  it('is quiet when they share one', () => {
    twoVerifiers(true).hasNoWarning('*', Match.stringLikeRegexp('defaultLogGroup'));
  });
});
