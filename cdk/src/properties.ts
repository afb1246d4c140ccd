import { S3OutputOptions, CloudWatchLogsOutputOptions, ScanLogsOutputOptions } from './scan-logs-output';
import { SbomOutputConfig } from './sbom-output';

/**
 * The custom resource's properties: what `imagegate lambda` reads
 * (src/aws/custom_resource.cpp maps them to `check` flags). CloudFormation
 * passes scalars as strings, so booleans and numbers are strings here too.
 * Names follow ecr-scan-verifier's where the meaning is the same.
 */
export interface VerifierProperties {
  readonly addr: string;
  readonly repositoryName?: string;
  readonly repositoryUri: string;
  readonly imageTag: string;
  readonly scanType: string;
  readonly startScan: string;
  readonly severity?: string[];
  readonly failOnVulnerability: string;
  readonly ignoreFindings: string[];
  readonly output?: ScanLogsOutputOptions | S3OutputOptions | CloudWatchLogsOutputOptions;
  readonly sbom?: SbomOutputConfig;
  readonly signatureVerification?: {
    readonly type: string;
    readonly trustedIdentities?: string[];
    readonly publicKey?: string;
    readonly kmsKeyArn?: string;
    readonly identity?: string;
    readonly issuer?: string;
    readonly trustedRoot?: string;
    readonly failOnUnsigned: string;
  };
  readonly suppressErrorOnRollback: string;
  readonly vulnsTopicArn?: string;
  readonly defaultLogGroupName: string;
  readonly pollingTimeoutSeconds: string;
  readonly policy?: string;
  readonly database?: string;
  readonly attestKey?: string;
}
