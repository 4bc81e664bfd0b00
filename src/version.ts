import { readFileSync } from 'node:fs';

/** Reads the package version without bundling package.json into the build. */
export function version(): string {
  const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
    version: string;
  };
  return pkg.version;
}
