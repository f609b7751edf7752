/** The README's list of actions, rendered from the table (a test keeps the README in step). */
import { ACTION_TABLE } from './table.js';
import type { ActionRow } from './types.js';

const AUTHORIZED_BY: Record<ActionRow['authorizedBy'], (row: ActionRow) => string> = {
  table: (row) => row.resources.map((r) => `\`${r.replace('acs:ram::{#accountId}:', '')}\``).join(' + '),
  'sts-core': () => 'the role (`RoleArn`), then its trust policy',
  none: (row) => (row.anonymous ? 'anonymous: the signed SAML assertion' : 'any signed caller'),
};

/** Markdown: one line per (version, action) with its policy action and what it is authorized on. */
export function renderActionList(): string {
  const lines = [
    '| version | action | policy action | authorized on (`acs:ram::<account>:…`) |',
    '|---|---|---|---|',
  ];
  const byVersion = [...ACTION_TABLE].flatMap((row) => row.versions.map((version) => ({ version, row })));
  byVersion.sort((a, b) => a.version.localeCompare(b.version) || a.row.action.localeCompare(b.row.action));
  for (const { version, row } of byVersion) {
    const name = row.extension ? `${row.action} (ramgate extension)` : row.action;
    lines.push(
      `| ${version} | ${name} | \`${row.policyAction}\` | ${AUTHORIZED_BY[row.authorizedBy](row)} |`,
    );
  }
  return [...lines, '', ...NOT_SERVED].join('\n');
}

/** IMS actions of Alibaba's table (reference/ims-actions.tsv) that ramgate leaves out, and why. */
export const NOT_SERVED: readonly string[] = [
  'Out of scope: Applications — `CreateApplication`, `GetApplication`, `UpdateApplication`, `DeleteApplication`,',
  '`ListApplications`, the OAuth apps and their AppSecrets (`CreateAppSecret`, `GetAppSecret`, `ListAppSecretIds`,',
  '`DeleteAppSecret`) and the permission-only `ProvisionExternalApplication` / `DeprovisionApplication`: ramgate is',
  'a SAML and STS gateway, not an OAuth authorization server; these answer `InvalidAction.NotFound`.',
  'Also not served: `GetAccountSecurityPracticeReport` (its `Score` and password level are computed by Alibaba by',
  'rules it does not publish; a number made up here would mislead), and `UpdateDefaultDomain`,',
  '`GetSamlSsoSettings` / `SetSamlSsoSettings`, which are permission-only (no API; `SetDefaultDomain` changes the',
  'default domain).',
];
