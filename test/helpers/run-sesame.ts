// Runs the `sesame` command from the TypeScript sources, for tests (no build step needed).
import { run } from '../../src/main.js';

await run(process.argv.slice(2));
