// The bare-Fastify limit of the benchmark (issue 11): Fastify 5 answering GET / with a small
// JSON object, nothing else. Plain JavaScript without a loader, like the peer.
// Usage: node fastify-hello.mjs <port>
// eslint-disable-next-line no-restricted-imports -- a bare Fastify outside Sesame is the point
import Fastify from 'fastify';

const app = Fastify({ logger: false });
app.get('/', async () => ({ hello: 'world' }));
await app.listen({ port: Number(process.argv[2]), host: '127.0.0.1' });
