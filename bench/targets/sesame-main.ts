// Runs the `sesame` command from the TypeScript sources (no build step), for the benchmark.
import { run } from '../../src/main.js';

await run(process.argv.slice(2));
