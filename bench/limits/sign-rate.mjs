// The one-core signing limit of the benchmark (issue 11): how many JWS signatures node:crypto
// makes per second with the run's alg and key, signing only (no JSON, no base64url of the
// result). Prints one JSON line: {"operations":…,"seconds":…}.
// Usage: node sign-rate.mjs <alg> <PEM key file> <seconds>
import { constants, createPrivateKey, sign } from 'node:crypto';
import { Buffer } from 'node:buffer';
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';

const [alg = 'RS256', keyFile = '', seconds = '3'] = process.argv.slice(2);
const key = createPrivateKey(readFileSync(keyFile));
// A signing input the size of an ID token's (header.payload, base64url).
const input = Buffer.from('eyJhbGciOiJSUzI1NiIsImtpZCI6ImJlbmNoIn0.'.padEnd(600, 'a'));
const signers = {
  RS256: () => sign('sha256', input, key),
  PS256: () => sign('sha256', input, { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 }),
  ES256: () => sign('sha256', input, { key, dsaEncoding: 'ieee-p1363' }),
  EdDSA: () => sign(null, input, key),
};
const signOnce = signers[alg];
if (!signOnce) throw new Error(`unknown alg ${alg}`);
for (let i = 0; i < 50; i++) signOnce();
const started = performance.now();
const until = started + Number(seconds) * 1000;
let operations = 0;
while (performance.now() < until) {
  signOnce();
  operations++;
}
console.log(JSON.stringify({ operations, seconds: (performance.now() - started) / 1000 }));
