// Runs in a child process so that NODE_EXTRA_CA_CERTS (read once at start) can name the test CA:
// the official @alicloud/credentials ram_role_arn provider (which always builds https:// STS URLs)
// obtains role credentials from <endpoint>, and the official STS client signs GetCallerIdentity
// with them. Prints one JSON line; exits 1 with the error's message on failure.
//   node ram-role-arn-child.mjs <host:port> <accessKeyId> <accessKeySecret> <roleArn> <sessionName>
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const credentials = require('@alicloud/credentials');
const Sts = require('@alicloud/sts20150401');
const OpenApi = require('@alicloud/openapi-client');

const [endpoint, accessKeyId, accessKeySecret, roleArn, roleSessionName] = process.argv.slice(2);
try {
  const Credential = credentials.default ?? credentials;
  const credential = new Credential(
    new credentials.Config({
      type: 'ram_role_arn',
      accessKeyId,
      accessKeySecret,
      roleArn,
      roleSessionName,
      stsEndpoint: endpoint,
      roleSessionExpiration: 3600,
    }),
  );
  const obtained = await credential.getCredential();
  const StsClient = Sts.default ?? Sts;
  const client = new StsClient(new OpenApi.Config({ endpoint, protocol: 'https', credential }));
  const me = await client.getCallerIdentity();
  process.stdout.write(
    `${JSON.stringify({
      type: obtained.type,
      accessKeyId: obtained.accessKeyId,
      hasToken: Boolean(obtained.securityToken),
      arn: me.body?.arn,
      identityType: me.body?.identityType,
    })}\n`,
  );
} catch (error) {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
}
