import { IGrantable } from 'aws-cdk-lib/aws-iam';
import { ILogGroup } from 'aws-cdk-lib/aws-logs';
import { IBucket } from 'aws-cdk-lib/aws-s3';

/** The kinds of scan-log destinations. */
export enum ScanLogsOutputType {
  /** A CloudWatch Logs log group. */
  CLOUDWATCH_LOGS = 'cloudWatchLogs',
  /** An S3 bucket. */
  S3 = 's3',
}

/** A bound scan-log destination. */
export interface ScanLogsOutputOptions {
  /** The destination's kind. */
  readonly type: ScanLogsOutputType;
}

/** A bound CloudWatch Logs destination. */
export interface CloudWatchLogsOutputOptions extends ScanLogsOutputOptions {
  /** The log group's name. */
  readonly logGroupName: string;
}

/** Props of `ScanLogsOutput.cloudWatchLogs()`. */
export interface CloudWatchLogsOutputProps {
  /** The log group the verdict and findings are written to. */
  readonly logGroup: ILogGroup;
}

/** A bound S3 destination. */
export interface S3OutputOptions extends ScanLogsOutputOptions {
  /** The bucket's name. */
  readonly bucketName: string;
  /** The key prefix. */
  readonly prefix?: string;
}

/** Props of `ScanLogsOutput.s3()`. */
export interface S3OutputProps {
  /** The bucket the verdict, findings and SBOM are written to. */
  readonly bucket: IBucket;
  /**
   * Key prefix.
   *
   * @default - the bucket's root
   */
  readonly prefix?: string;
}

/** Where the scan's results go besides the function's own log. */
export abstract class ScanLogsOutput {
  /** Write to a CloudWatch Logs log group. */
  public static cloudWatchLogs(options: CloudWatchLogsOutputProps): ScanLogsOutput {
    return new CloudWatchLogsOutput(options);
  }

  /** Write to an S3 bucket. */
  public static s3(options: S3OutputProps): ScanLogsOutput {
    return new S3Output(options);
  }

  /** Grants `grantee` what writing needs and returns the destination. */
  public abstract bind(grantee: IGrantable): ScanLogsOutputOptions;
}

class CloudWatchLogsOutput extends ScanLogsOutput {
  constructor(private readonly options: CloudWatchLogsOutputProps) {
    super();
  }

  public bind(grantee: IGrantable): CloudWatchLogsOutputOptions {
    // CreateLogStream and PutLogEvents on this group only.
    this.options.logGroup.grantWrite(grantee);
    return { type: ScanLogsOutputType.CLOUDWATCH_LOGS, logGroupName: this.options.logGroup.logGroupName };
  }
}

class S3Output extends ScanLogsOutput {
  constructor(private readonly options: S3OutputProps) {
    super();
  }

  public bind(grantee: IGrantable): S3OutputOptions {
    // Writes only: the function never reads its outputs back.
    this.options.bucket.grantPut(grantee, objectPattern(this.options.prefix));
    return { type: ScanLogsOutputType.S3, bucketName: this.options.bucket.bucketName, prefix: this.options.prefix };
  }
}

/** The object-key pattern a prefix allows. */
export function objectPattern(prefix?: string): string {
  if (!prefix) return '*';
  return `${prefix.replace(/^\/+/, '')}*`;
}
