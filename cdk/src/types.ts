/**
 * Severity levels, named as Amazon ECR names them.
 *
 * imagegate's own scale is CRITICAL, HIGH, MEDIUM, LOW, UNKNOWN; it reads
 * INFORMATIONAL and UNDEFINED as UNKNOWN.
 */
export enum Severity {
  INFORMATIONAL = 'INFORMATIONAL',
  LOW = 'LOW',
  MEDIUM = 'MEDIUM',
  HIGH = 'HIGH',
  CRITICAL = 'CRITICAL',
  UNDEFINED = 'UNDEFINED',
}

/**
 * SBOM formats for `SbomOutput`.
 */
export enum SbomFormat {
  /** CycloneDX 1.4 JSON. */
  CYCLONEDX_1_4 = 'CYCLONEDX_1_4',
  /** SPDX 2.3 JSON. */
  SPDX_2_3 = 'SPDX_2_3',
}
