/**
 * The peer bench/http.ts measures ramgate against: a bare node:http server doing the least any
 * gateway must do for an AssumeRoleWithSAML request — read the body, parse the form, answer JSON of
 * the same size — and nothing else. Prints {"url": …} once it listens. Argument: the answer's size.
 */
import { createServer } from 'node:http';

const answer = JSON.stringify({ RequestId: '', padding: 'x'.repeat(Number(process.argv[2] ?? 1500)) });
const server = createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (chunk: Buffer) => chunks.push(chunk));
  req.on('end', () => {
    const form = new URLSearchParams(Buffer.concat(chunks).toString('latin1'));
    if (!form.get('SAMLAssertion')) res.statusCode = 400;
    res.setHeader('content-type', 'application/json;charset=utf-8');
    res.end(answer);
  });
});
server.listen(0, '127.0.0.1', () => {
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  process.stdout.write(`${JSON.stringify({ url: `http://127.0.0.1:${port}` })}\n`);
});
process.once('SIGTERM', () => server.close(() => process.exit(0)));
