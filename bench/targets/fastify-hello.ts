import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, startServer } from './server-process.js';
import type { RunningTarget, Target } from './types.js';

const SERVER = join(import.meta.dirname, '../limits/fastify-hello.mjs');

/** The limit of a Node HTTP server on one core: a bare Fastify 5 hello (issue 11). */
export const fastifyHelloTarget: Target = {
  id: 'fastify-hello',
  label: 'Fastify hello (limit)',
  kind: 'limit',
  scenarios: ['hello'],
  notes: {},
  description: 'a bare Fastify 5 answering GET / with {"hello":"world"}, no logging',
  spread: 'every request to the one instance',
  usesPostgres: false,
  unavailable: () => Promise.resolve(null),
  async start(settings): Promise<RunningTarget> {
    const dir = await mkdtemp(join(tmpdir(), 'sesame-bench-hello-'));
    try {
      const port = await freePort();
      const url = `http://127.0.0.1:${port}/`;
      const server = await startServer({
        name: 'A',
        dir,
        nodeArgs: [SERVER, String(port)],
        readyUrl: url,
        cpu: settings.serverCpu,
      });
      return {
        load: {
          instances: [{ name: 'A', urls: { hello: url } }],
          client: null,
          user: null,
          offlineAccess: {},
        },
        servers: [server],
        async stop() {
          await server.stop();
          await rm(dir, { recursive: true, force: true });
        },
      };
    } catch (error) {
      await rm(dir, { recursive: true, force: true });
      throw error;
    }
  },
};
