import { SbomOutput } from './sbom-output';

/** Options of `ScanConfig.basic()`. */
export interface BasicScanConfigOptions {
  /**
   * Start an ECR basic scan (StartImageScan) instead of waiting for a
   * scan-on-push result.
   *
   * @default true
   */
  readonly startScan?: boolean;
}

/** Options of `ScanConfig.enhanced()`. */
export interface EnhancedScanConfigOptions {
  /**
   * Where to write the image's SBOM.
   *
   * @default - no SBOM
   */
  readonly sbomOutput?: SbomOutput;
}

/** Options of `ScanConfig.signatureOnly()` (none yet). */
export interface SignatureOnlyConfigOptions {}

/** Options of `ScanConfig.imagegate()`. */
export interface ImagegateScanConfigOptions {
  /**
   * The contents of an imagegate policy file (YAML or JSON; see imagegate's
   * docs/check.md). It decides what denies: signatures, vulnerabilities,
   * image config, licenses.
   *
   * @default - imagegate's default policy: CRITICAL findings deny (or the
   * construct's `severity`)
   */
  readonly policy?: string;

  /**
   * The vulnerability database artifact to pull (`imagegate db push` wrote
   * it), e.g. `123456789012.dkr.ecr.eu-west-1.amazonaws.com/security/imagegate-db:v1`.
   * It is cached in the function's /tmp between invocations.
   *
   * @default - none: the function then needs a database in its image
   */
  readonly database?: string;

  /**
   * SBOM output; the same as the top-level `sbomOutput`.
   *
   * @default - no SBOM
   */
  readonly sbomOutput?: SbomOutput;
}

/** What a `ScanConfig` says, for the construct. */
export interface ScanConfigBindOutput {
  /** BASIC, ENHANCED, SIGNATURE_ONLY or IMAGEGATE. */
  readonly scanType: string;
  /** Whether the function starts an ECR scan. */
  readonly startScan: boolean;
  /** SBOM output given to the scan config. */
  readonly sbomOutput?: SbomOutput;
  /** The policy file's contents (IMAGEGATE only). */
  readonly policy?: string;
  /** The database artifact reference (IMAGEGATE only). */
  readonly database?: string;
}

/**
 * Where findings come from.
 *
 * `basic()`, `enhanced()` and `signatureOnly()` behave as in
 * ecr-scan-verifier; `imagegate()` reads the image itself and scans it with
 * imagegate's engine under a policy.
 */
export abstract class ScanConfig {
  /** Amazon ECR basic scanning (OS packages). */
  public static basic(options?: BasicScanConfigOptions): ScanConfig {
    return new FixedScanConfig({ scanType: 'BASIC', startScan: options?.startScan ?? true });
  }

  /** Amazon Inspector enhanced scanning (scan on push). */
  public static enhanced(options?: EnhancedScanConfigOptions): ScanConfig {
    return new FixedScanConfig({ scanType: 'ENHANCED', startScan: false, sbomOutput: options?.sbomOutput });
  }

  /** No vulnerability scan: only `signatureVerification`, which is then required. */
  public static signatureOnly(_options?: SignatureOnlyConfigOptions): ScanConfig {
    return new FixedScanConfig({ scanType: 'SIGNATURE_ONLY', startScan: false });
  }

  /**
   * imagegate's own engine on the image's bytes, under a policy: any
   * registry the function reaches, no ECR scan quota, licenses and config
   * rules, SBOMs without Inspector.
   */
  public static imagegate(options?: ImagegateScanConfigOptions): ScanConfig {
    return new FixedScanConfig({
      scanType: 'IMAGEGATE',
      startScan: false,
      policy: options?.policy,
      database: options?.database,
      sbomOutput: options?.sbomOutput,
    });
  }

  /** The configuration, for the construct. */
  public abstract bind(): ScanConfigBindOutput;
}

class FixedScanConfig extends ScanConfig {
  constructor(private readonly output: ScanConfigBindOutput) {
    super();
  }

  public bind(): ScanConfigBindOutput {
    return this.output;
  }
}
