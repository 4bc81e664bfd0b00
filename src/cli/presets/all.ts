import { generic } from './generic.js';
import { gitlab } from './gitlab.js';
import { grafana } from './grafana.js';
import { matrixSynapse } from './matrix-synapse.js';
import { nextcloud } from './nextcloud.js';
import { outline } from './outline.js';
import { portainer } from './portainer.js';
import { rocketchat } from './rocketchat.js';
import type { Preset } from './types.js';
import { wordpress } from './wordpress.js';

/** Every preset of `sesame client add`, by name, in the order help lists them. */
export const presets: ReadonlyMap<string, Preset> = new Map(
  [nextcloud, rocketchat, gitlab, grafana, wordpress, matrixSynapse, outline, portainer, generic].map(
    (preset) => [preset.name, preset],
  ),
);
