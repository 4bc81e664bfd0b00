// The one-core argon2id limit of the benchmark (issue 11): how many argon2id hashes
// @node-rs/argon2 (Sesame's library) makes per second with Sesame's parameters, one at a time.
// A verification costs one hash. Prints one JSON line: {"operations":…,"seconds":…}.
// Usage: node argon2-rate.mjs <m KiB> <t> <p> <seconds>
import { hash } from '@node-rs/argon2';
import { performance } from 'node:perf_hooks';

const [m = '19456', t = '2', p = '1', seconds = '3'] = process.argv.slice(2);
// algorithm 2 is Argon2id (the package's const enum cannot be imported here).
const options = { algorithm: 2, memoryCost: Number(m), timeCost: Number(t), parallelism: Number(p) };
await hash('warm-up password', options);
const started = performance.now();
const until = started + Number(seconds) * 1000;
let operations = 0;
while (performance.now() < until) {
  await hash('correct horse battery staple', options);
  operations++;
}
console.log(JSON.stringify({ operations, seconds: (performance.now() - started) / 1000 }));
