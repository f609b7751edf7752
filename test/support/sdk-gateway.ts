/**
 * A demo gateway in this process for tests of the official SDKs (@alicloud/ims20190815,
 * @alicloud/sts20150401): started before the file's tests, closed after, with clients that sign
 * with the given keys (the demo account's root AccessKey by default).
 */
import Ims from '@alicloud/ims20190815';
import * as OpenApi from '@alicloud/openapi-core';
import Sts from '@alicloud/sts20150401';
import { pino } from 'pino';
import { afterAll, beforeAll } from 'vitest';
import { startGateway, type RunningGateway } from '../../src/cli/start.js';

// Node's ESM loader exposes the CJS module object as the default export, vitest the class itself.
const ImsClient = (Ims.default ?? Ims) as typeof Ims.default;
const StsClient = (Sts.default ?? Sts) as typeof Sts.default;

export const DEMO_ACCOUNT = '1234567890123456';
export const DEMO_ROOT = {
  accessKeyId: 'LTAIdemo0000000000000001',
  accessKeySecret: 'demoSecretDoNotUseInProduction',
};
export type SdkKeys = { accessKeyId: string; accessKeySecret: string; securityToken?: string };

export interface SdkGateway {
  readonly gateway: RunningGateway;
  /** The demo account's default domain (`<alias>.onaliyun.com`). */
  readonly domain: string;
  ims(keys?: SdkKeys): InstanceType<typeof ImsClient>;
  sts(keys?: SdkKeys): InstanceType<typeof StsClient>;
}

export function sdkGateway(): SdkGateway {
  let running: RunningGateway | undefined;
  let domain = '';
  beforeAll(async () => {
    running = await startGateway({ demo: true, logger: pino({ level: 'silent' }) });
    domain = (await fixture.ims().getDefaultDomain()).body?.defaultDomainName ?? '';
  });
  afterAll(() => running?.close());
  const config = (keys: SdkKeys) =>
    new OpenApi.$OpenApiUtil.Config({
      endpoint: new URL(fixture.gateway.url).host,
      protocol: 'http',
      ...keys,
    });
  const fixture: SdkGateway = {
    get gateway() {
      if (!running) throw new Error('sdkGateway: the gateway is not running (use it inside a test)');
      return running;
    },
    get domain() {
      return domain;
    },
    ims: (keys = DEMO_ROOT) => new ImsClient(config(keys)),
    sts: (keys = DEMO_ROOT) => new StsClient(config(keys)),
  };
  return fixture;
}
