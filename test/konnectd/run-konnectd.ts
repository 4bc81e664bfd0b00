// Runs the `konnectd` command from the TypeScript sources, for tests (no build step needed).
import { runKonnectd } from '../../src/konnectd.js';

await runKonnectd(process.argv.slice(2));
