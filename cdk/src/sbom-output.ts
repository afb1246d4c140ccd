import { ArnFormat, Stack } from 'aws-cdk-lib';
import { IGrantable, PolicyStatement, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { IKey } from 'aws-cdk-lib/aws-kms';
import { IBucket } from 'aws-cdk-lib/aws-s3';
import { objectPattern } from './scan-logs-output';
import { SbomFormat } from './types';

/** A bound SBOM destination. */
export interface SbomOutputConfig {
  /** The SBOM's format. */
  readonly format: SbomFormat;
  /** The bucket's name. */
  readonly bucketName: string;
  /** The key prefix. */
  readonly prefix?: string;
  /** The KMS key the objects are encrypted with. */
  readonly kmsKeyArn?: string;
}

/** Props of `SbomOutput.cycloneDx14()` and `.spdx23()`. */
export interface SbomOutputProps {
  /** The bucket the SBOM is written to. */
  readonly bucket: IBucket;
  /**
   * Key prefix.
   *
   * @default - the bucket's root
   */
  readonly prefix?: string;
  /**
   * The KMS key the SBOM is encrypted with (SSE-KMS).
   *
   * @default - the bucket's default encryption
   */
  readonly encryptionKey?: IKey;
}

/** Where the image's SBOM goes. */
export abstract class SbomOutput {
  /** CycloneDX 1.4 JSON. */
  public static cycloneDx14(props: SbomOutputProps): SbomOutput {
    return new SbomOutputImpl(props, SbomFormat.CYCLONEDX_1_4);
  }

  /** SPDX 2.3 JSON. */
  public static spdx23(props: SbomOutputProps): SbomOutput {
    return new SbomOutputImpl(props, SbomFormat.SPDX_2_3);
  }

  /** Grants `grantee` what writing needs and returns the destination. */
  public abstract bind(grantee: IGrantable, enhanced: boolean): SbomOutputConfig;
}

class SbomOutputImpl extends SbomOutput {
  constructor(
    private readonly props: SbomOutputProps,
    private readonly format: SbomFormat,
  ) {
    super();
  }

  public bind(grantee: IGrantable, enhanced: boolean): SbomOutputConfig {
    this.props.bucket.grantPut(grantee, objectPattern(this.props.prefix));
    if (this.props.encryptionKey) {
      // SSE-KMS on PutObject: the writer needs a data key.
      this.props.encryptionKey.grant(grantee, 'kms:GenerateDataKey');
      // Inspector's export is read back to name the file.
      if (enhanced) this.props.encryptionKey.grantDecrypt(grantee);
    }
    if (enhanced) {
      this.props.bucket.grantRead(grantee, objectPattern(this.props.prefix));
      this.allowInspectorExport();
    }
    return {
      format: this.format,
      bucketName: this.props.bucket.bucketName,
      prefix: this.props.prefix,
      kmsKeyArn: this.props.encryptionKey?.keyArn,
    };
  }

  // Inspector's CreateSbomExport writes into the bucket itself, as the
  // inspector2 service principal, for this account's reports only.
  private allowInspectorExport(): void {
    const stack = Stack.of(this.props.bucket);
    const conditions = {
      StringEquals: { 'aws:SourceAccount': stack.account },
      ArnLike: {
        'aws:SourceArn': stack.formatArn({
          service: 'inspector2',
          resource: 'report',
          resourceName: '*',
          arnFormat: ArnFormat.SLASH_RESOURCE_NAME,
        }),
      },
    };
    const inspector = new ServicePrincipal('inspector2.amazonaws.com');
    this.props.bucket.addToResourcePolicy(
      new PolicyStatement({
        actions: ['s3:PutObject', 's3:AbortMultipartUpload'],
        principals: [inspector],
        resources: [this.props.bucket.arnForObjects(objectPattern(this.props.prefix))],
        conditions,
      }),
    );
    this.props.encryptionKey?.addToResourcePolicy(
      new PolicyStatement({
        actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
        principals: [inspector],
        resources: ['*'],
        conditions,
      }),
    );
  }
}
