/**
 * A `serve --demo` gateway for a test file and the official IMS SDK pointed at it: the file calls
 * useImsDemo() at its top level (it registers the start and the stop) and reads the fields in tests.
 */
import Ims from '@alicloud/ims20190815';
import * as OpenApi from '@alicloud/openapi-core';
import { pino } from 'pino';
import { afterAll, beforeAll } from 'vitest';
import { startGateway, type RunningGateway } from '../../src/cli/start.js';

const ImsClient = (Ims.default ?? Ims) as typeof Ims.default;
export const DEMO_ACCOUNT = '1234567890123456';
export const DEMO_ROOT = {
  accessKeyId: 'LTAIdemo0000000000000001',
  accessKeySecret: 'demoSecretDoNotUseInProduction',
};
export type Keys = { accessKeyId: string; accessKeySecret: string; securityToken?: string };

export interface ImsDemo {
  gateway: RunningGateway;
  /** The demo account's default domain (`<alias>.onaliyun.com`). */
  domain: string;
  ims(keys: Keys): InstanceType<typeof ImsClient>;
}

export function useImsDemo(): ImsDemo {
  let endpoint = '';
  const demo: ImsDemo = {
    gateway: undefined as unknown as RunningGateway,
    domain: '',
    ims: (keys) => new ImsClient(new OpenApi.$OpenApiUtil.Config({ endpoint, protocol: 'http', ...keys })),
  };
  beforeAll(async () => {
    demo.gateway = await startGateway({ demo: true, logger: pino({ level: 'silent' }) });
    endpoint = new URL(demo.gateway.url).host;
    demo.domain = (await demo.ims(DEMO_ROOT).getDefaultDomain()).body?.defaultDomainName ?? '';
  });
  afterAll(() => demo.gateway?.close());
  return demo;
}
