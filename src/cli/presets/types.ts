/**
 * What `sesame client add <preset>` knows about one kind of relying party: how to register it
 * and what to tell the operator to enter in the app. Each preset is a small data module in
 * this folder; every redirect URI pattern and form label in it comes from the app's own
 * documentation (or source), cited in `docs`.
 *
 * Trust (`trusted: yes` skips the consent page): a preset for a named app is trusted by
 * default. The operator who runs `sesame client add nextcloud --url …` administers both the
 * provider and that app and has just decided that its users sign in with Sesame; a consent
 * page asking each user to approve the operator's own app adds a click and no protection
 * (Konnect setups, like Cloudron's guide, register these apps `trusted: yes` for that reason).
 * `generic` is not trusted by default: it may be anything, including someone else's service.
 * `--consent` and `--trusted` override either default.
 */
export interface Preset {
  /** The name on the command line, e.g. `matrix-synapse`. */
  readonly name: string;
  /** The app and the part of it that is configured, in the app's own words. */
  readonly app: string;
  /** Documentation (or source) the redirect URIs, labels and values below are taken from. */
  readonly docs: readonly string[];
  /** The client id when `--id` is not given. */
  readonly clientId: string;
  /** The client's display name (consent page, account page) when `--name` is not given. */
  readonly clientName: string;
  /** Whether the client skips the consent page by default (see above). */
  readonly trusted: boolean;
  /** How the app sends its secret to the token endpoint (RFC 7591 §2 names). */
  readonly tokenEndpointAuthMethod: 'client_secret_basic' | 'client_secret_post';
  /** The scopes it asks for, `openid` first. */
  readonly scopes: readonly string[];
  /** Also ask for `groups` when the directory releases group membership. */
  readonly groupsScope?: boolean;
  /**
   * Also ask for `konnect/hashed_sub` under Konnect compatibility: published Konnect guides
   * have the app request it, and the hashed `sub` is Sesame's default anyway (konnect-spec §5.1).
   */
  readonly konnectHashedSub?: boolean;
  /** The redirect URIs to register, from the app's address and the provider name. */
  redirectUris(app: AppAddress): readonly string[];
  /** Where the app sends the browser after signing out, to register; none when absent. */
  postLogoutRedirectUris?(app: AppAddress): readonly string[];
  /** What to enter in the app. */
  instructions(values: PresetValues): Instructions;
}

/** The app as the operator named it. */
export interface AppAddress {
  /** `--url`, without a trailing slash (`https://cloud.example.com`, `https://example.com/wiki`). */
  readonly url: string;
  /** `--provider-name`: the name the app knows Sesame by (default `sesame`). */
  readonly providerName: string;
  /** `--redirect-uri` values (generic only). */
  readonly redirectUris: readonly string[];
}

/** Everything an app's form or configuration snippet is filled in with. */
export interface PresetValues extends AppAddress {
  readonly issuer: string;
  /** Absolute endpoint URLs (Konnect's paths at the issuer's origin). */
  readonly endpoints: {
    readonly discovery: string;
    readonly authorize: string;
    readonly token: string;
    readonly userinfo: string;
    readonly endSession: string;
    readonly jwks: string;
  };
  /** The issuer's origin, for apps that take a base URL and paths. */
  readonly origin: string;
  /** Endpoint paths relative to `origin`. */
  readonly paths: { readonly authorize: string; readonly token: string; readonly userinfo: string };
  readonly clientId: string;
  readonly secret: string;
  /** The scopes to enter, in order. */
  readonly scopes: readonly string[];
  /** The claim carrying group names, when the directory releases groups; else null. */
  readonly groupsClaim: string | null;
  /** The redirect URIs registered. */
  readonly registeredRedirectUris: readonly string[];
  /** The post-logout redirect URIs registered. */
  readonly postLogoutRedirectUris: readonly string[];
  /**
   * The end-session URL that signs the user out of Sesame and returns to the first registered
   * post-logout URI (client_id names the client, RP-Initiated Logout 1.0 §2); null without one.
   */
  readonly logoutUrl: string | null;
}

/** One field of an app's settings form: its label as the app shows it, and what to enter. */
export interface FormField {
  readonly label: string;
  readonly value: string;
  /** Why, or what to do instead; printed after the value. */
  readonly note?: string;
}

/** A form to fill in, or a configuration snippet to paste into a file. */
export type Instructions =
  | {
      readonly kind: 'form';
      /** Where the form is, in the app's menus. */
      readonly where: string;
      readonly fields: readonly FormField[];
      readonly notes?: readonly string[];
    }
  | {
      readonly kind: 'snippet';
      /** The file (or place) the snippet goes into. */
      readonly where: string;
      readonly text: string;
      readonly notes?: readonly string[];
    };
