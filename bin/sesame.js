#!/usr/bin/env node
// The `sesame` command. Runs the compiled build (dist/, made by `npm ci` through `prepare`).
import { run } from '../dist/main.js';

await run(process.argv.slice(2));
