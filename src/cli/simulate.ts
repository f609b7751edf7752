/**
 * `ramgate simulate`: may the credentials of a profile (or the user, group or role named) perform
 * these actions on these resources? Asks the gateway's RamgateSimulatePrincipalPolicy with the
 * profile's own keys and prints one line per action and resource (or the JSON answer).
 */
import { Command, Option } from 'commander';
import { profileKeys, signedCall } from './rpc-client.js';

interface SimulateOptions {
  gateway: string;
  profile: string;
  action: string[];
  resource?: string[];
  context?: string[];
  user?: string;
  group?: string;
  role?: string;
  sessionPolicy?: string;
  json?: boolean;
  timeout: string;
}

const collect = (value: string, previous: string[] = []) => [...previous, value];

/** `key=value`; a value that parses as JSON (true, 3, ["a","b"]) is taken as such. */
function contextEntries(pairs: string[] = []): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const pair of pairs) {
    const eq = pair.indexOf('=');
    if (eq <= 0) throw new Error(`--context ${pair}: expected key=value, e.g. oss:Prefix=dir111/`);
    const raw = pair.slice(eq + 1);
    let value: unknown = raw;
    try {
      value = JSON.parse(raw);
    } catch {
      // a plain string
    }
    out[pair.slice(0, eq)] = value;
  }
  return out;
}

type Result = {
  ActionName: string;
  ResourceArn: string;
  Decision: string;
  DecidedBy: string;
  MatchedStatements: { Statement?: unknown[] } | unknown[];
};

function describe(r: Result): string {
  const statements = (Array.isArray(r.MatchedStatements) ? r.MatchedStatements : []) as Array<
    Record<string, unknown>
  >;
  const why = statements.map((s) => `${String(s.PolicyName)}#${String(s.StatementIndex)}`).join(', ');
  return `${r.Decision.padEnd(12)} ${r.ActionName} on ${r.ResourceArn}${why ? `  (${why})` : ''}${r.DecidedBy === 'session' ? '  [session policy]' : r.DecidedBy === 'self-service' ? '  [self-service: security preference]' : ''}`;
}

async function run(options: SimulateOptions): Promise<number> {
  const keys = await profileKeys(options.profile);
  const params: Record<string, string> = {
    ActionNames: JSON.stringify(options.action),
    ...(options.resource?.length ? { ResourceArns: JSON.stringify(options.resource) } : {}),
    ...(options.context?.length ? { ContextEntries: JSON.stringify(contextEntries(options.context)) } : {}),
    ...(options.user ? { UserName: options.user } : {}),
    ...(options.group ? { GroupName: options.group } : {}),
    ...(options.role ? { RoleName: options.role } : {}),
    ...(options.sessionPolicy ? { SessionPolicy: options.sessionPolicy } : {}),
  };
  const answer = await signedCall(
    options.gateway,
    keys,
    'RamgateSimulatePrincipalPolicy',
    '2015-05-01',
    params,
    Number(options.timeout) * 1000,
  );
  if (answer.status !== 200) {
    process.stderr.write(
      `ramgate simulate: ${String(answer.body.Code)}: ${String(answer.body.Message)} (request ${String(answer.body.RequestId)})\n`,
    );
    return 2;
  }
  if (options.json) {
    process.stdout.write(`${JSON.stringify(answer.body, null, 2)}\n`);
  } else {
    const results =
      (answer.body.EvaluationResults as { EvaluationResult?: Result[] })?.EvaluationResult ?? [];
    process.stdout.write(`principal ${String(answer.body.Principal)}\n`);
    for (const r of results) process.stdout.write(`${describe(r)}\n`);
  }
  const results = (answer.body.EvaluationResults as { EvaluationResult?: Result[] })?.EvaluationResult ?? [];
  return results.every((r) => r.Decision === 'Allow') ? 0 : 1;
}

export function simulateCommand(): Command {
  return new Command('simulate')
    .description(
      'may these credentials (or the user, group or role named) perform these actions on these resources?',
    )
    .requiredOption('--gateway <url>', 'gateway base URL, e.g. https://signin.example.com')
    .option(
      '--profile <name>',
      'aliyun CLI profile whose credentials ask (and are simulated unless one is named)',
      'default',
    )
    .requiredOption('--action <action>', 'policy action, e.g. oss:GetObject (repeatable)', collect)
    .option(
      '--resource <arn>',
      'resource ARN, e.g. acs:oss:*:*:bucket/dir/a.txt (repeatable; default *)',
      collect,
    )
    .option(
      '--context <key=value>',
      'condition key, e.g. oss:Prefix=dir/ or acs:SourceIp=10.0.0.1 (repeatable)',
      collect,
    )
    .option(
      '--user <name>',
      'simulate this RAM user (authorized as ram:RamgateSimulatePrincipalPolicy on it)',
    )
    .option('--group <name>', 'simulate this group')
    .option('--role <name>', 'simulate this role')
    .option('--session-policy <json>', 'intersect a named user or role with this session policy')
    .option('--json', 'print the API answer as JSON')
    .addOption(new Option('--timeout <seconds>', 'give up after this long').default('30'))
    .action(async (options: SimulateOptions) => {
      try {
        process.exitCode = await run(options);
      } catch (error) {
        process.stderr.write(`ramgate simulate: ${(error as Error).message}\n`);
        process.exitCode = 2;
      }
    });
}
