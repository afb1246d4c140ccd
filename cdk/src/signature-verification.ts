import { readFileSync } from 'fs';
import { IGrantable } from 'aws-cdk-lib/aws-iam';
import { IKey } from 'aws-cdk-lib/aws-kms';

/** Options of `SignatureVerification.notation()`. */
export interface NotationVerificationOptions {
  /** AWS Signer signing profile ARNs whose signatures are accepted; at least one. */
  readonly trustedIdentities: string[];
  /**
   * Deny an unsigned image (false: it only warns).
   *
   * @default true
   */
  readonly failOnUnsigned?: boolean;
}

/** Options of `SignatureVerification.cosignPublicKey()`. */
export interface CosignPublicKeyVerificationOptions {
  /** The PEM public key's contents. Give this or `publicKeyPath`. */
  readonly publicKey?: string;
  /** A PEM public key file, read at synthesis. Give this or `publicKey`. */
  readonly publicKeyPath?: string;
  /**
   * Deny an unsigned image (false: it only warns).
   *
   * @default true
   */
  readonly failOnUnsigned?: boolean;
}

/** Options of `SignatureVerification.cosignKms()`. */
export interface CosignKmsVerificationOptions {
  /** The asymmetric KMS key the image was signed with. */
  readonly key: IKey;
  /**
   * Deny an unsigned image (false: it only warns).
   *
   * @default true
   */
  readonly failOnUnsigned?: boolean;
}

/** Options of `SignatureVerification.keyless()`. */
export interface KeylessVerificationOptions {
  /** The signer's certificate identity (e.g. a workflow's URL or an e-mail). */
  readonly identity: string;
  /** The OIDC issuer of that identity (e.g. https://token.actions.githubusercontent.com). */
  readonly issuer: string;
  /**
   * A Sigstore trusted_root.json's contents.
   *
   * @default - the public-good Sigstore root shipped in the function's image
   */
  readonly trustedRoot?: string;
  /**
   * Deny an unsigned image (false: it only warns).
   *
   * @default true
   */
  readonly failOnUnsigned?: boolean;
}

/** What a `SignatureVerification` says, for the construct. */
export interface SignatureVerificationBindOutput {
  /** NOTATION, COSIGN or KEYLESS. */
  readonly type: string;
  /** Signing profile ARNs (NOTATION). */
  readonly trustedIdentities?: string[];
  /** PEM public key (COSIGN with a key). */
  readonly publicKey?: string;
  /** KMS key ARN (COSIGN with KMS). */
  readonly kmsKeyArn?: string;
  /** Certificate identity (KEYLESS). */
  readonly identity?: string;
  /** OIDC issuer (KEYLESS). */
  readonly issuer?: string;
  /** Trusted root contents (KEYLESS). */
  readonly trustedRoot?: string;
  /** Whether an unsigned image is denied. */
  readonly failOnUnsigned: boolean;
}

/** How the image's signature is checked, before any scan. */
export abstract class SignatureVerification {
  /** Notation signatures by AWS Signer signing profiles. */
  public static notation(options: NotationVerificationOptions): SignatureVerification {
    if (options.trustedIdentities.length === 0) {
      throw new Error('trustedIdentities must name at least one AWS Signer signing profile ARN.');
    }
    return new Fixed({
      type: 'NOTATION',
      trustedIdentities: options.trustedIdentities,
      failOnUnsigned: options.failOnUnsigned ?? true,
    });
  }

  /** Cosign signatures made with a key pair (the public key's PEM). */
  public static cosignPublicKey(options: CosignPublicKeyVerificationOptions): SignatureVerification {
    if ((options.publicKey === undefined) === (options.publicKeyPath === undefined)) {
      throw new Error('cosignPublicKey needs exactly one of publicKey (the PEM) and publicKeyPath (a file).');
    }
    return new CosignPublicKey(options);
  }

  /** Cosign signatures made with an AWS KMS key. */
  public static cosignKms(options: CosignKmsVerificationOptions): SignatureVerification {
    return new CosignKms(options);
  }

  /** Sigstore keyless signatures by this identity and issuer (imagegate only). */
  public static keyless(options: KeylessVerificationOptions): SignatureVerification {
    if (!options.identity || !options.issuer) {
      throw new Error('keyless verification needs both identity and issuer.');
    }
    return new Fixed({
      type: 'KEYLESS',
      identity: options.identity,
      issuer: options.issuer,
      trustedRoot: options.trustedRoot,
      failOnUnsigned: options.failOnUnsigned ?? true,
    });
  }

  /** Grants `grantee` what verifying needs and returns the configuration. */
  public abstract bind(grantee: IGrantable): SignatureVerificationBindOutput;
}

class Fixed extends SignatureVerification {
  constructor(private readonly output: SignatureVerificationBindOutput) {
    super();
  }

  public bind(_grantee: IGrantable): SignatureVerificationBindOutput {
    return this.output;
  }
}

class CosignPublicKey extends SignatureVerification {
  constructor(private readonly options: CosignPublicKeyVerificationOptions) {
    super();
  }

  public bind(_grantee: IGrantable): SignatureVerificationBindOutput {
    const publicKey = this.options.publicKey ?? readFileSync(this.options.publicKeyPath!, 'utf-8');
    return { type: 'COSIGN', publicKey, failOnUnsigned: this.options.failOnUnsigned ?? true };
  }
}

class CosignKms extends SignatureVerification {
  constructor(private readonly options: CosignKmsVerificationOptions) {
    super();
  }

  public bind(grantee: IGrantable): SignatureVerificationBindOutput {
    this.options.key.grant(grantee, 'kms:GetPublicKey', 'kms:Verify');
    return { type: 'COSIGN', kmsKeyArn: this.options.key.keyArn, failOnUnsigned: this.options.failOnUnsigned ?? true };
  }
}
