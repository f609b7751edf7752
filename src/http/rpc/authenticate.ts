import { ApiError, missingParameter } from '../../core/errors.js';
import type { EphemeralStore } from '../../core/store/types.js';
import { checkNonceShape, checkTimestampWindow, consumeNonce, parseSignedTimestamp } from './freshness.js';
import type { RpcRequest } from './request.js';
import {
  ACS3_ALGORITHM,
  acs3CanonicalRequest,
  acs3Signature,
  acs3StringToSign,
  rpcV1Signature,
  rpcV1StringToSign,
  sha256Hex,
  signaturesEqual,
} from './signatures.js';
import type { Caller, CredentialResolver } from './types.js';

export type AuthSettings = {
  resolveCredential: CredentialResolver;
  nonces: Pick<EphemeralStore, 'putIfAbsent'>;
  nowMs: number;
  windowMs: number;
};

export type Authenticated = { caller: Caller; accessKeyId: string };

type SignedClaim = {
  accessKeyId: string;
  securityToken: string | undefined;
  timestampMs: number;
  /** Where the timestamp came from (`Timestamp` or `x-acs-date`), for messages. */
  timestampName: string;
  nonce: string;
  /** The server's string to sign, shown in SignatureDoesNotMatch. */
  stringToSign: string;
  /** The signature of the string to sign under a secret. */
  sign: (secret: string) => string;
  signature: string;
};

/** Verifies an ACS3-HMAC-SHA256 or RPC v1 HMAC-SHA1 signature and consumes its nonce. */
export async function authenticate(req: RpcRequest, settings: AuthSettings): Promise<Authenticated> {
  const claim = readSignedClaim(req);
  checkAccessKeyIdShape(claim.accessKeyId);
  checkTimestampWindow(claim.timestampMs, settings.nowMs, settings.windowMs, claim.timestampName);
  const { secret, caller } = await settings.resolveCredential(claim.accessKeyId, claim.securityToken);
  if (!signaturesEqual(claim.sign(secret), claim.signature)) {
    throw new ApiError(
      'SignatureDoesNotMatch',
      `Specified signature is not matched with our calculation. server string to sign is:${claim.stringToSign}`,
    );
  }
  await consumeNonce(
    settings.nonces,
    claim.accessKeyId,
    claim.nonce,
    claim.timestampMs,
    settings.nowMs,
    settings.windowMs,
  );
  return { caller, accessKeyId: claim.accessKeyId };
}

const ACCESS_KEY_ID = /^[A-Za-z0-9._-]{1,128}$/;

function checkAccessKeyIdShape(accessKeyId: string): void {
  if (!ACCESS_KEY_ID.test(accessKeyId)) {
    throw new ApiError(
      'InvalidAccessKeyId.NotFound',
      'Specified access key is not found: it is not a well-formed AccessKeyId.',
    );
  }
}

function readSignedClaim(req: RpcRequest): SignedClaim {
  const authorization = req.header('authorization');
  const v1Signature = req.params.get('Signature');
  if (authorization !== undefined && v1Signature !== undefined) {
    throw new ApiError(
      'IncompleteSignature',
      'The request carries both an Authorization header and a Signature parameter.',
    );
  }
  if (authorization !== undefined) return readAcs3Claim(req, authorization);
  if (v1Signature !== undefined) return readRpcV1Claim(req, v1Signature);
  throw new ApiError(
    'IncompleteSignature',
    'This action requires a signed request: an Authorization header (ACS3-HMAC-SHA256) or the Signature parameters (HMAC-SHA1).',
  );
}

// --- ACS3-HMAC-SHA256 ----------------------------------------------------------------------

const ACS3_AUTHORIZATION = /^(\S+) Credential=([^,\s]+),SignedHeaders=([^,\s]+),Signature=(\S+)$/;
const REQUIRED_SIGNED_HEADERS = [
  'host',
  'x-acs-action',
  'x-acs-version',
  'x-acs-date',
  'x-acs-signature-nonce',
  'x-acs-content-sha256',
];

export type Acs3Authorization = { accessKeyId: string; signedHeaders: string[]; signature: string };

export function parseAcs3Authorization(header: string): Acs3Authorization {
  const match = ACS3_AUTHORIZATION.exec(header);
  if (!match) {
    throw new ApiError(
      'IncompleteSignature',
      'The Authorization header must be "ACS3-HMAC-SHA256 Credential=<AccessKeyId>,SignedHeaders=<h1;h2…>,Signature=<hex>".',
    );
  }
  const [, algorithm = '', accessKeyId = '', signedHeaders = '', signature = ''] = match;
  if (algorithm !== ACS3_ALGORITHM) {
    throw new ApiError(
      'IncompleteSignature',
      `The signature algorithm "${algorithm.slice(0, 40)}" is not supported: use ${ACS3_ALGORITHM}.`,
    );
  }
  if (!/^[0-9a-f]{64}$/.test(signature)) {
    throw new ApiError(
      'IncompleteSignature',
      'The Signature of the Authorization header must be 64 lower-case hex digits.',
    );
  }
  return { accessKeyId, signedHeaders: signedHeaders.split(';'), signature };
}

/** Signed headers: lower-case, sorted, unique, present, and covering everything that matters. */
export function checkSignedHeaderSet(req: RpcRequest, signedHeaders: readonly string[]): void {
  signedHeaders.forEach((name, index) => {
    if (name !== name.toLowerCase() || (index > 0 && name <= (signedHeaders[index - 1] ?? ''))) {
      throw new ApiError(
        'IncompleteSignature',
        'SignedHeaders must be lower-case names, sorted and without repeats.',
      );
    }
    if (req.headerValues(name).length === 0) {
      throw new ApiError('IncompleteSignature', `The signed header "${name}" is missing from the request.`);
    }
  });
  const mustBeSigned = [
    ...REQUIRED_SIGNED_HEADERS,
    ...req.headerNames.filter((name) => name.startsWith('x-acs-') || name === 'content-type'),
  ];
  const unsigned = mustBeSigned.find((name) => !signedHeaders.includes(name));
  if (unsigned !== undefined) {
    throw new ApiError(
      'IncompleteSignature',
      `The header "${unsigned}" must be present and listed in SignedHeaders.`,
    );
  }
}

/** x-acs-content-sha256 is what the signature covers of the body: it must be the body's hash. */
export function checkPayloadHash(req: RpcRequest): string {
  const declared = req.header('x-acs-content-sha256') ?? '';
  if (declared !== sha256Hex(req.body)) {
    throw new ApiError(
      'SignatureDoesNotMatch',
      'The x-acs-content-sha256 header is not the SHA-256 (hex) of the request body.',
    );
  }
  return declared;
}

function readAcs3Claim(req: RpcRequest, header: string): SignedClaim {
  const authorization = parseAcs3Authorization(header);
  checkSignedHeaderSet(req, authorization.signedHeaders);
  const payloadHash = checkPayloadHash(req);
  const keyHeader = req.header('x-acs-accesskey-id');
  if (keyHeader !== undefined && keyHeader !== authorization.accessKeyId) {
    throw new ApiError(
      'IncompleteSignature',
      'The x-acs-accesskey-id header differs from the Credential of the Authorization header.',
    );
  }
  const stringToSign = acs3StringToSign(
    acs3CanonicalRequest({
      method: req.method,
      canonicalUri: '/',
      query: req.query,
      signedHeaders: authorization.signedHeaders,
      headerValues: req.headerValues,
      payloadHash,
    }),
  );
  return {
    accessKeyId: authorization.accessKeyId,
    securityToken: req.header('x-acs-security-token') || undefined,
    timestampMs: parseSignedTimestamp(req.header('x-acs-date'), 'x-acs-date'),
    timestampName: 'x-acs-date',
    nonce: checkNonceShape(req.header('x-acs-signature-nonce'), 'x-acs-signature-nonce'),
    stringToSign,
    sign: (secret) => acs3Signature(stringToSign, secret),
    signature: authorization.signature,
  };
}

// --- RPC v1 HMAC-SHA1 ----------------------------------------------------------------------

function requireParam(req: RpcRequest, name: string, expected?: string): string {
  const value = req.params.get(name);
  if (value === undefined || value === '') throw missingParameter(name);
  if (expected !== undefined && value !== expected) {
    throw new ApiError(
      'IncompleteSignature',
      `The ${name} "${value.slice(0, 40)}" is not supported: use ${expected}.`,
    );
  }
  return value;
}

function readRpcV1Claim(req: RpcRequest, signature: string): SignedClaim {
  // v1 signs parameters only: the action and version must be signed parameters, not headers.
  requireParam(req, 'Action');
  requireParam(req, 'Version');
  requireParam(req, 'SignatureMethod', 'HMAC-SHA1');
  requireParam(req, 'SignatureVersion', '1.0');
  // The Go and Python SDKs send an empty SignatureType with AccessKey signatures.
  if ((req.params.get('SignatureType') ?? '') !== '') {
    throw new ApiError('IncompleteSignature', 'SignatureType (bearer tokens) is not supported.');
  }
  const stringToSign = rpcV1StringToSign(req.method, req.params);
  return {
    accessKeyId: requireParam(req, 'AccessKeyId'),
    securityToken: req.params.get('SecurityToken') || undefined,
    timestampMs: parseSignedTimestamp(req.params.get('Timestamp'), 'Timestamp'),
    timestampName: 'Timestamp',
    nonce: checkNonceShape(req.params.get('SignatureNonce'), 'SignatureNonce'),
    stringToSign,
    sign: (secret) => rpcV1Signature(stringToSign, secret),
    signature,
  };
}
