export * from './ecr-scan-verifier';
export * from './scan-config';
export * from './scan-logs-output';
export * from './sbom-output';
export * from './signature-verification';
export * from './types';
