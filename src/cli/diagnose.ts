/**
 * `ramgate diagnose <file|->`: run exactly the verification pipeline the ACS runs, offline, and print
 * every check in order with its result and the values it compared; with --provider-arn (and
 * --mapping rules) also what the role mapping makes of it. Exit 0 accepted, 1 rejected (or no
 * role / no session name by the mapping), 2 usage error.
 */
import { createPrivateKey, type KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { Command, CommanderError } from 'commander';
import { parse as parseYaml } from 'yaml';
import { RESPONSE_CHECKS } from '../saml/checks.js';
import { loadIdpMetadata, trustedIdpFromCertificates } from '../saml/metadata.js';
import { DEFAULT_ROLE_SP_ENTITY_ID } from '../saml/sp-metadata.js';
import type { TrustedIdp, VerifyOptions, VerifyResult } from '../saml/types.js';
import { verifyResponse } from '../saml/verify.js';
import { explainMapping } from '../sso/role-mapping.js';
import { flagsFromConfig } from './diagnose-config.js';
import { furtherChecks, notes, responseFacts, signatureHints, type FurtherChecks } from './diagnose-more.js';

const DEFAULT_ACS = 'https://signin.aliyun.com/saml-role/sso';

export interface DiagnoseFlags {
  metadata?: string;
  cert: string[];
  audience: string[];
  acs: string[];
  at?: string;
  requestId?: string;
  allowSha1?: boolean;
  allowAesCbc?: boolean;
  allowBareAssertion?: boolean;
  spKey: string[];
  skew?: string;
  json?: boolean;
  mapping?: string;
  providerArn?: string;
  config?: string;
  provider?: string;
  baseUrl?: string;
}

export class UsageError extends Error {}

const collect = (value: string, previous: string[]) => [...previous, value];

function readText(path: string, what: string): string {
  try {
    return path === '-' ? readFileSync(0, 'utf8') : readFileSync(path, 'utf8');
  } catch (err) {
    throw new UsageError(`cannot read ${what} ${path}: ${err instanceof Error ? err.message : String(err)}`);
  }
}

function trustFrom(flags: DiagnoseFlags): TrustedIdp {
  if (flags.metadata && flags.cert.length > 0) throw new UsageError('give --metadata or --cert, not both');
  if (flags.metadata) return loadIdpMetadata(readText(flags.metadata, 'metadata'));
  if (flags.cert.length === 0)
    throw new UsageError('the IdP key is needed: --metadata <file> or --cert <pem>');
  if (flags.cert.length > 2) throw new UsageError('at most two --cert (key rollover)');
  return trustedIdpFromCertificates(
    null,
    flags.cert.map((c) => readText(c, 'certificate')),
  );
}

function spKeys(flags: DiagnoseFlags): KeyObject[] {
  return flags.spKey.map((path) => {
    try {
      return createPrivateKey(readText(path, 'SP key'));
    } catch (err) {
      if (err instanceof UsageError) throw err;
      throw new UsageError(`${path} is not a PEM private key`);
    }
  });
}

function clock(at: string | undefined): number {
  if (at === undefined) return Date.now();
  const ms = Date.parse(at);
  if (!/^\d{4}-\d{2}-\d{2}T/.test(at) || Number.isNaN(ms))
    throw new UsageError(`--at ${at} is not an ISO 8601 time`);
  return ms;
}

export function diagnoseOptions(flags: DiagnoseFlags, input: string): VerifyOptions {
  const skew = flags.skew === undefined ? 180 : Number(flags.skew);
  if (!Number.isInteger(skew) || skew < 0 || skew > 3600)
    throw new UsageError('--skew must be 0–3600 seconds');
  const now = clock(flags.at);
  const keys = spKeys(flags);
  return {
    idp: trustFrom(flags),
    audience: flags.audience.length > 0 ? flags.audience : DEFAULT_ROLE_SP_ENTITY_ID,
    acsUrl: flags.acs.length > 0 ? flags.acs : DEFAULT_ACS,
    replay: 'skip',
    encoding: input.trimStart().startsWith('<') ? 'xml' : 'base64',
    now: () => now,
    skewSeconds: skew,
    allowSha1: flags.allowSha1 ?? false,
    allowAesCbc: flags.allowAesCbc ?? false,
    allowBareAssertion: flags.allowBareAssertion ?? false,
    ...(keys.length > 0 ? { spDecryptionKeys: keys } : {}),
    ...(flags.requestId !== undefined
      ? { expectedRequestId: flags.requestId }
      : { inResponseTo: 'report-only' as const }),
  };
}

function asJson(result: VerifyResult): string {
  const body: Record<string, unknown> = { valid: result.ok, checks: result.checks };
  if (result.ok) {
    const a = result.assertion;
    body.assertion = {
      issuer: a.issuer,
      nameId: a.nameId ?? null,
      nameIdFormat: a.nameIdFormat ?? null,
      sessionIndex: a.sessionIndex ?? null,
      notOnOrAfter: new Date(a.notOnOrAfter).toISOString(),
      attributes: a.attributes,
    };
    body.warnings = a.warnings;
  } else {
    body.error = { code: result.error.code, check: result.check, message: result.message };
  }
  return JSON.stringify(body, null, 2);
}

interface Extras {
  further: FurtherChecks;
  hints: string[];
  notes: string[];
}

function asText(result: VerifyResult, extras: Extras, mapping: Mapping | undefined): string {
  const width = Math.max(...RESPONSE_CHECKS.map((name) => name.length));
  const line = (c: { ok: boolean; name: string; detail: string }, mark = ' ') =>
    `  ${c.ok ? 'ok  ' : 'FAIL'}${mark}${c.name.padEnd(width)}  ${c.detail}`;
  const lines = result.checks.map((c) => line(c));
  if (result.ok) {
    const a = result.assertion;
    lines.unshift(
      mapping?.loginError
        ? `NO LOGIN: the response verifies (all ${result.checks.length} checks passed), but ${mapping.loginError.charAt(0).toLowerCase()}${mapping.loginError.slice(1)}`
        : `ACCEPTED: all ${result.checks.length} checks passed`,
    );
    lines.push(
      '',
      `issuer        ${a.issuer}`,
      `nameId        ${a.nameId ?? '(none)'}${a.nameIdFormat ? ` (${a.nameIdFormat})` : ''}`,
    );
    if (a.sessionIndex) lines.push(`sessionIndex  ${a.sessionIndex}`);
    lines.push(`notOnOrAfter  ${new Date(a.notOnOrAfter).toISOString()}`, `signedBy      ${a.signedBy}`);
    for (const [name, values] of Object.entries(a.attributes))
      lines.push(`attribute     ${name} = ${values.join(' | ')}`);
    for (const w of a.warnings) lines.push(`warning       ${w}`);
  } else {
    const more = extras.further.checks.filter((c) => !c.ok).length;
    lines.unshift(
      `REJECTED at ${result.check} (${result.error.code}): ${result.message}` +
        (more > 0 ? ` (and ${more} more failed check${more > 1 ? 's' : ''} below)` : ''),
    );
    for (const c of extras.further.checks) lines.push(line(c, '*'));
    const ran = new Set([...result.checks, ...extras.further.checks].map((c) => c.name));
    for (const name of RESPONSE_CHECKS)
      if (!ran.has(name)) lines.push(`  -    ${name.padEnd(width)}  not run (depends on a failed check)`);
    if (extras.further.checks.length > 0)
      lines.push(
        `  * checked as if ${extras.further.relaxed.join(', ')} had passed (to show what else is wrong)`,
      );
    for (const hint of extras.hints) lines.push(`hint          ${hint}`);
  }
  for (const note of extras.notes) lines.push(`note          ${note}`);
  return lines.join('\n');
}

type Mapping = ReturnType<typeof explainMapping>;

/** `--mapping`: inline JSON, or a JSON/YAML file holding the provider's `mapping:` rules. */
function mappingRules(flags: DiagnoseFlags): unknown {
  if (flags.mapping === undefined) return undefined;
  if (!flags.providerArn)
    throw new UsageError("--mapping needs --provider-arn (rules map to roles of that provider's account)");
  const text = flags.mapping.trimStart().startsWith('{') ? flags.mapping : readText(flags.mapping, 'mapping');
  try {
    return parseYaml(text) as unknown;
  } catch (err) {
    throw new UsageError(`--mapping is neither JSON nor YAML: ${(err as Error).message}`);
  }
}

function mappingOf(result: VerifyResult, flags: DiagnoseFlags, rules: unknown): Mapping | undefined {
  if (!result.ok || !flags.providerArn) return undefined;
  try {
    return explainMapping(result.assertion, flags.providerArn, rules);
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
}

function mappingText(m: Mapping): string {
  const lines = ['', '', `mapping       through ${m.provider}`];
  lines.push(`  received    ${m.attributesReceived.join(', ') || '(no attributes)'}`);
  for (const line of m.explanation) lines.push(`  rule        ${line}`);
  for (const r of m.roles) lines.push(`  offers      ${r.roleArn}`);
  lines.push(
    `  session     ${m.sessionName ?? '(none)'}`,
    `  duration    ${m.sessionDuration ?? '(default 3600)'}`,
  );
  if (m.loginError) lines.push(`  NO LOGIN    ${m.loginError}`);
  return lines.join('\n');
}

async function extrasOf(input: string, options: VerifyOptions, result: VerifyResult): Promise<Extras> {
  const facts = responseFacts(input);
  const failedSignature = !result.ok && result.check === 'signature-value';
  return {
    further: result.ok ? { checks: [], relaxed: [] } : await furtherChecks(input, options, result, facts),
    hints: failedSignature ? signatureHints(facts, options.idp.signingKeys) : [],
    notes: notes(facts, options.now?.() ?? Date.now()),
  };
}

async function run(file: string, flags: DiagnoseFlags): Promise<number> {
  const input = readText(file, 'response')
    .replace(/^\uFEFF/, '')
    .trim();
  if (input === '') throw new UsageError('the response file is empty');
  if (flags.config) Object.assign(flags, await flagsFromConfig(flags, input));
  const rules = mappingRules(flags);
  const options = diagnoseOptions(flags, input);
  const result = await verifyResponse(input, options);
  const mapping = mappingOf(result, flags, rules);
  const extras = await extrasOf(input, options, result);
  if (flags.json) {
    const body = JSON.parse(asJson(result)) as Record<string, unknown>;
    if (mapping) body.mapping = mapping;
    body.outcome = !result.ok ? 'rejected' : mapping?.loginError ? 'no-login' : 'accepted';
    if (extras.further.checks.length > 0)
      body.furtherChecks = { relaxed: extras.further.relaxed, checks: extras.further.checks };
    if (extras.hints.length > 0) body.hints = extras.hints;
    body.notes = extras.notes;
    process.stdout.write(`${JSON.stringify(body, null, 2)}\n`);
  } else {
    process.stdout.write(`${asText(result, extras, mapping)}${mapping ? mappingText(mapping) : ''}\n`);
  }
  return result.ok && !mapping?.loginError ? 0 : 1;
}

export function diagnoseCommand(): Command {
  return new Command('diagnose')
    .description('verify a SAML response offline and print every check with the values it compared')
    .argument('<file>', 'the SAMLResponse (XML or base64), or - for stdin')
    .option('--metadata <file>', 'IdP metadata XML (or base64) holding the signing certificate(s)')
    .option('--cert <pem>', 'IdP signing certificate, PEM (repeatable, at most two)', collect, [])
    .option(
      '--audience <entityID>',
      `SP entityID (repeatable; default ${DEFAULT_ROLE_SP_ENTITY_ID})`,
      collect,
      [],
    )
    .option('--acs <url>', `ACS URL (repeatable; default ${DEFAULT_ACS})`, collect, [])
    .option('--at <time>', 'verify as of this ISO 8601 time (default now)')
    .option('--request-id <id>', 'expected InResponseTo; when absent InResponseTo is reported, not enforced')
    .option('--allow-sha1', 'accept rsa-sha1/sha1 (provider AuthnSignAlgo rsa-sha1)')
    .option('--allow-aes-cbc', 'accept AES-CBC encrypted assertions')
    .option('--allow-bare-assertion', 'accept a bare saml:Assertion document (WS-Fed token)')
    .option('--sp-key <pem>', 'SP private key for EncryptedAssertion (repeatable)', collect, [])
    .option('--skew <seconds>', 'allowed clock skew (default 180)')
    .option('--json', 'print JSON: {valid, checks, assertion, mapping}')
    .option('--provider-arn <arn>', 'show the roles offered through this SAML provider (and why none)')
    .option(
      '--mapping <json|file>',
      "the provider's mapping rules (JSON, or a JSON/YAML file); needs --provider-arn",
    )
    .option(
      '--config <file>',
      "the gateway's config: takes the IdP metadata, audience, ACS, SHA-1 setting and mapping of the provider that issued the response",
    )
    .option(
      '--provider <name>',
      'with --config: the SAML provider (default: the one whose metadata entityID is the Issuer)',
    )
    .option(
      '--base-url <url>',
      "with --config: the gateway's public URL when the config has no gateway.baseUrl",
    )
    .exitOverride((err: CommanderError) => {
      process.exit(err.exitCode === 0 ? 0 : 2);
    })
    .action(async (file: string, flags: DiagnoseFlags) => {
      try {
        process.exitCode = await run(file, flags);
      } catch (err) {
        const message = err instanceof Error ? err.message : String(err);
        process.stderr.write(`ramgate diagnose: ${message}\n`);
        process.exitCode = 2;
      }
    });
}
