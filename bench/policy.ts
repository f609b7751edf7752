/**
 * Policy decisions per second on one core (target ≥ 1,000,000/s): 20 realistic identity
 * policies with conditions (source IP, time window, tags, string patterns) and a mix of
 * requests that end in Allow, ExplicitDeny and ImplicitDeny. Prints, never asserts. Each rate is
 * also scaled to the reference machine of perf-baseline.md by an RSA-verify yardstick measured in
 * the same run (bench/reference-machine.ts): an estimate, printed next to what was measured.
 * Run: npm run bench:policy   (BENCH_SECONDS=… to change the duration of each run)
 */
import {
  compilePolicy,
  compilePolicySet,
  evaluate,
  evaluateSession,
  prepareRequest,
  type AccessRequest,
  type CompiledPolicy,
  type PreparedRequest,
} from '../src/core/policy/index.js';
import {
  describeMachine,
  measureMachineSpeed,
  REFERENCE_RSA_VERIFY_PER_SECOND,
} from './reference-machine.js';

const ACCOUNT = '1234567890123456';
const SECONDS = Number(process.env.BENCH_SECONDS ?? 2);
const REGIONS = ['cn-hangzhou', 'cn-shanghai', 'cn-beijing', 'ap-southeast-1'];
const SERVICES = ['ecs', 'oss', 'rds', 'slb', 'vpc', 'log', 'kms', 'ram', 'cms', 'fc'];
const VERBS = ['Describe', 'List', 'Get', 'Create', 'Delete', 'Modify', 'Start', 'Stop', 'Query', 'Put'];

const statement = (
  effect: 'Allow' | 'Deny',
  action: string | string[],
  resource: string | string[],
  condition?: object,
) => ({
  Effect: effect,
  Action: action,
  Resource: resource,
  ...(condition ? { Condition: condition } : {}),
});
const OFFICE = { IpAddress: { 'acs:SourceIp': ['203.0.113.0/24', '198.51.100.0/24', '2001:db8:10::/48'] } };
const BUSINESS_HOURS = {
  DateGreaterThan: { 'acs:CurrentTime': '2020-01-01T00:00:00Z' },
  DateLessThan: { 'acs:CurrentTime': '2030-01-01T00:00:00Z' },
};

function policies(): CompiledPolicy[] {
  const docs: object[][] = [];
  for (let i = 0; i < 10; i++) {
    const service = SERVICES[i] as string;
    docs.push([
      statement('Allow', [`${service}:Describe*`, `${service}:List*`, `${service}:Get*`], '*', OFFICE),
      statement('Allow', [`${service}:Create*`, `${service}:Modify*`], `acs:${service}:cn-*:${ACCOUNT}:*`, {
        StringEquals: { [`${service}:tag/team`]: ['core', 'platform'] },
        ...BUSINESS_HOURS,
      }),
      statement('Deny', `${service}:Delete*`, '*', {
        StringNotLike: { [`${service}:tag/env`]: ['dev-*', 'test-*'] },
      }),
    ]);
  }
  for (let i = 0; i < 10; i++) {
    const bucket = `team-${i}-bucket`;
    docs.push([
      statement('Allow', ['oss:GetObject', 'oss:PutObject'], [`acs:oss:*:${ACCOUNT}:${bucket}/home/*`], {
        StringLike: { 'oss:Prefix': [`home/user-${i}/*`, 'shared/*'] },
        Bool: { 'acs:SecureTransport': 'true' },
      }),
      statement('Deny', 'oss:*', `acs:oss:*:${ACCOUNT}:${bucket}/*`, {
        NotIpAddress: { 'acs:SourceIp': ['10.0.0.0/8', '203.0.113.0/24'] },
      }),
    ]);
  }
  return docs.map((statements, i) =>
    compilePolicy(JSON.stringify({ Version: '1', Statement: statements }), 'identity', { name: `P${i}` }),
  );
}

function requests(count: number): AccessRequest[] {
  const out: AccessRequest[] = [];
  for (let i = 0; i < count; i++) {
    const service = SERVICES[i % SERVICES.length] as string;
    const verb = VERBS[(i * 7) % VERBS.length] as string;
    const oss = i % 5 === 0;
    out.push({
      action: oss ? (i % 2 ? 'oss:GetObject' : 'oss:PutObject') : `${service}:${verb}Instances`,
      resource: oss
        ? `acs:oss:*:${ACCOUNT}:team-${i % 10}-bucket/home/user-${i % 12}/file-${i}.txt`
        : `acs:${service}:${REGIONS[i % REGIONS.length]}:${ACCOUNT}:instance/i-${i.toString(16).padStart(8, '0')}`,
      context: {
        'acs:SourceIp':
          i % 3 === 0 ? `203.0.113.${i % 250}` : i % 3 === 1 ? `10.${i % 200}.1.2` : '2001:db8:10::42',
        'acs:CurrentTime': new Date(Date.UTC(2026, 0, 1 + (i % 28), 9, 30)).toISOString(),
        'acs:SecureTransport': i % 4 !== 0,
        [`${service}:tag/team`]: i % 2 ? 'core' : 'web',
        [`${service}:tag/env`]: i % 3 ? 'prod' : 'dev-1',
        'oss:Prefix': `home/user-${i % 12}/x`,
      },
    });
  }
  return out;
}

interface Result {
  name: string;
  /** Decisions per CPU second over the whole run. */
  rate: number;
  /** The best of its quarter-second slices: the rate when no other work got in the way. */
  bestRate: number;
  wallRate: number;
  checksum: number;
}

/** RSA-verify rates per CPU second, taken before and after every run. */
const yardsticks: number[] = [];

/**
 * Rates are per CPU second of this process (process.cpuUsage), so other work on a shared machine
 * distorts them less than wall time; the run is cut into slices and the best one kept too.
 */
function run(name: string, batch: () => number, perBatch: number): Result {
  for (let i = 0; i < 20; i++) batch(); // warm-up
  yardsticks.push(measureMachineSpeed(0.5).rsaVerifyPerSecond);
  let decisions = 0;
  let cpuMicros = 0;
  let bestRate = 0;
  let sink = 0;
  const wallStart = performance.now();
  while (performance.now() < wallStart + SECONDS * 1000) {
    const sliceEnd = performance.now() + 250;
    const cpuStart = process.cpuUsage();
    let n = 0;
    while (performance.now() < sliceEnd) {
      sink += batch();
      n += perBatch;
    }
    const cpu = process.cpuUsage(cpuStart);
    decisions += n;
    cpuMicros += cpu.user + cpu.system;
    bestRate = Math.max(bestRate, n / ((cpu.user + cpu.system) / 1e6));
  }
  const wallSeconds = (performance.now() - wallStart) / 1000;
  yardsticks.push(measureMachineSpeed(0.5).rsaVerifyPerSecond);
  const rate = decisions / (cpuMicros / 1e6);
  return { name, rate, bestRate, wallRate: decisions / wallSeconds, checksum: sink % 1000 };
}

const fmt = (n: number) => Math.round(n).toLocaleString('en');

/**
 * The estimate compares like with like: the best slice here against the fastest yardstick here
 * (both as free of other work as this machine allowed), scaled to the reference machine.
 */
function print(results: readonly Result[]): void {
  const fastest = Math.max(...yardsticks);
  const slowdown = REFERENCE_RSA_VERIFY_PER_SECOND / fastest;
  console.log(
    `${describeMachine({ rsaVerifyPerSecond: fastest, slowdown })}: the fastest of ${yardsticks.length}` +
      ` yardsticks (${fmt(Math.min(...yardsticks))}–${fmt(fastest)}/CPU-s) against each run's best slice`,
  );
  for (const r of results) {
    console.log(
      `${r.name.padEnd(50)} ${fmt(r.rate).padStart(10)} /CPU-s ${`${(1e9 / r.rate).toFixed(0)} ns`.padStart(8)}` +
        `  best ${fmt(r.bestRate).padStart(10)}  ref≈ ${fmt(r.bestRate * slowdown).padStart(10)} /s` +
        `   wall ${fmt(r.wallRate)}/s  (checksum ${r.checksum})`,
    );
  }
}

const set = policies();
const reqs = requests(4096);
const tally = { Allow: 0, ExplicitDeny: 0, ImplicitDeny: 0 };
for (const r of reqs) tally[evaluate(set, r).decision]++;
console.log(
  `20 policies, ${set.reduce((n, p) => n + p.statements.length, 0)} statements; ${reqs.length} distinct requests → ${JSON.stringify(tally)}`,
);

const countAllows = (decide: (r: AccessRequest) => string) => () => {
  let allows = 0;
  for (let i = 0; i < reqs.length; i++) if (decide(reqs[i] as AccessRequest) === 'Allow') allows++;
  return allows;
};
const merged = compilePolicySet(set);
const session = compilePolicy(
  JSON.stringify({ Version: '1', Statement: [statement('Allow', ['ecs:*', 'oss:*', 'rds:Describe*'], '*')] }),
  'session',
);
const prepared = reqs.map(prepareRequest);
const compileText = set[0]?.text ?? '';

const results = [
  run(
    'evaluate(20 policies, plain request)',
    countAllows((r) => evaluate(set, r).decision),
    reqs.length,
  ),
  run(
    'evaluate(policy set of the 20, plain request)',
    countAllows((r) => evaluate(merged, r).decision),
    reqs.length,
  ),
  run(
    'evaluateSession(policy set + session policy)',
    countAllows((r) => evaluateSession(merged, session, r).decision),
    reqs.length,
  ),
  run(
    'evaluate(policy set, prepared request reused)',
    () => {
      let allows = 0;
      for (let i = 0; i < prepared.length; i++)
        if (evaluate(merged, prepared[i] as PreparedRequest).decision === 'Allow') allows++;
      return allows;
    },
    prepared.length,
  ),
  run(
    'compilePolicy (one 3-statement policy, for scale)',
    () => (compilePolicy(compileText, 'identity').statements.length > 0 ? 1 : 0),
    1,
  ),
];
print(results);
console.log('target: ≥ 1,000,000 decisions/s on one core of the reference machine (compare the ref≈ column)');
