#!/usr/bin/env node
// The `konnectd` command: Kopano Konnect's command line over Sesame.
import { runKonnectd } from '../dist/konnectd.js';

await runKonnectd(process.argv.slice(2));
