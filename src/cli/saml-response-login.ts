/**
 * `ramgate login --saml-response <file|->`: a SAMLResponse obtained elsewhere (CI) is exchanged
 * through the gateway's anonymous STS AssumeRoleWithSAML. The roles are read from the (not yet
 * verified) response only to pick one; the gateway verifies everything.
 */
import { readFile } from 'node:fs/promises';
import { parseArn } from '../core/arn.js';
import { attr, childElements, parseXml, textOf, walkElements } from '../saml/xml/index.js';
import { matchesRole } from '../sso/role-sso.js';
import { offeredRoles, ROLE_ATTRIBUTE, type OfferedRole } from '../sso/role-attributes.js';
import { SAML_ASSERTION_MAX_LENGTH } from '../sso/sts-api.js';
import { gatewayBase, postToGateway, type CliIo, type LoginResult } from './cli-io.js';

const ASSERTION_NS = 'urn:oasis:names:tc:SAML:2.0:assertion';

export interface SamlResponseLoginParams {
  gateway: string;
  /** A file path, or `-` for stdin. */
  samlResponse: string;
  role?: string | undefined;
  /** SAML provider ARN; needed only when the roles cannot be read (encrypted assertion). */
  provider?: string | undefined;
  duration?: number | undefined;
}

async function readInput(source: string): Promise<string> {
  if (source !== '-') return readFile(source, 'utf8');
  const chunks: Buffer[] = [];
  let length = 0;
  for await (const chunk of process.stdin) {
    length += (chunk as Buffer).length;
    if (length > SAML_ASSERTION_MAX_LENGTH * 2) break;
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** The base64 SAMLResponse from base64 text (line breaks allowed) or from the XML itself. */
export function normalizeSamlResponse(text: string): string {
  const trimmed = text.trim();
  const base64 = trimmed.startsWith('<')
    ? Buffer.from(trimmed, 'utf8').toString('base64')
    : trimmed.replace(/\s+/g, '');
  if (base64.length === 0) throw new Error('The SAMLResponse input is empty.');
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(base64))
    throw new Error('The SAMLResponse is neither base64 nor XML (as POSTed by the IdP, field SAMLResponse).');
  if (base64.length > SAML_ASSERTION_MAX_LENGTH)
    throw new Error(
      `The SAMLResponse is ${base64.length} base64 characters; at most ${SAML_ASSERTION_MAX_LENGTH} are accepted.`,
    );
  return base64;
}

/** Roles the response offers, read without verification; [] when they cannot be read (e.g. encrypted). */
export function rolesInResponse(base64: string): OfferedRole[] {
  const values: string[] = [];
  try {
    const doc = parseXml(Buffer.from(base64, 'base64').toString('utf8'));
    walkElements(doc.documentElement, (el) => {
      if (
        el.namespaceURI !== ASSERTION_NS ||
        el.localName !== 'Attribute' ||
        attr(el, 'Name') !== ROLE_ATTRIBUTE
      )
        return;
      for (const value of childElements(el, ASSERTION_NS, 'AttributeValue'))
        values.push(textOf(value).text.trim());
    });
    return offeredRoles({ [ROLE_ATTRIBUTE]: values });
  } catch (error) {
    throw new Error(`The SAMLResponse cannot be read: ${(error as Error).message}`);
  }
}

function roleFromArns(roleArn: string, providerArn: string): OfferedRole {
  const role = parseArn(roleArn);
  const provider = parseArn(providerArn);
  if (role.kind !== 'role' || provider.kind !== 'saml-provider')
    throw new Error(
      '--role must be a role ARN and --provider a SAML provider ARN when the response hides its roles.',
    );
  return {
    roleArn,
    providerArn,
    accountId: role.accountId,
    roleName: role.name,
    providerName: provider.name,
  };
}

async function pickRole(
  roles: OfferedRole[],
  params: SamlResponseLoginParams,
  io: CliIo,
): Promise<OfferedRole> {
  if (roles.length === 0) {
    if (params.role?.startsWith('acs:') && params.provider?.startsWith('acs:'))
      return roleFromArns(params.role, params.provider);
    throw new Error(
      'The SAMLResponse offers no readable role (none, or the assertion is encrypted): pass --role <role ARN> and --provider <SAML provider ARN>.',
    );
  }
  const list = roles.map((r) => `${r.roleName} (${r.roleArn})`).join(', ');
  if (params.role) {
    const wanted = params.role;
    const found = roles.find((r) => matchesRole(r, wanted));
    if (!found) throw new Error(`The SAMLResponse does not offer the role "${wanted}"; it offers: ${list}.`);
    return found;
  }
  if (roles.length === 1) return roles[0] as OfferedRole;
  const index = await io.chooseRole(roles);
  const chosen = index === undefined ? undefined : roles[index];
  if (!chosen) throw new Error(`The SAMLResponse offers several roles; choose one with --role: ${list}.`);
  return chosen;
}

function sessionNameOf(assumedRoleArn: string): string {
  return assumedRoleArn.slice(assumedRoleArn.lastIndexOf('/') + 1);
}

export async function samlResponseLogin(params: SamlResponseLoginParams, io: CliIo): Promise<LoginResult> {
  const samlResponse = normalizeSamlResponse(await readInput(params.samlResponse));
  const role = await pickRole(rolesInResponse(samlResponse), params, io);
  io.err(`Exchanging the SAMLResponse for ${role.roleName} (AssumeRoleWithSAML)…\n`);
  const body = (await postToGateway(
    `${gatewayBase(params.gateway)}/`,
    {
      Action: 'AssumeRoleWithSAML',
      Version: '2015-04-01',
      Format: 'JSON',
      SAMLProviderArn: role.providerArn,
      RoleArn: role.roleArn,
      SAMLAssertion: samlResponse,
      ...(params.duration !== undefined ? { DurationSeconds: String(params.duration) } : {}),
    },
    io.signal,
  )) as Pick<LoginResult, 'Credentials' | 'AssumedRoleUser'>;
  if (!body.Credentials?.AccessKeyId)
    throw new Error('The gateway answered AssumeRoleWithSAML without credentials.');
  return {
    Credentials: body.Credentials,
    AssumedRoleUser: { Arn: body.AssumedRoleUser.Arn },
    AccountId: role.accountId,
    RoleName: role.roleName,
    RoleArn: role.roleArn,
    SAMLProviderArn: role.providerArn,
    RoleSessionName: sessionNameOf(body.AssumedRoleUser.Arn),
  };
}
