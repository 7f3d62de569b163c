// Type declarations of @telegate/sdk (telegate.js), served at /sdk/telegate.d.ts and /sdk/<version>/telegate.d.ts.

/** An exchange, refresh or revocation that Telegate refused, or a failure of the SDK itself. */
export declare class TelegateError extends Error {
  constructor(code: string, message?: string, options?: { status?: number; reason?: string; retryAfter?: number });
  /** The stable problem code (docs/errors.md) or OAuth error (`invalid_grant`, …). */
  readonly code: string;
  /** The HTTP status, `0` when there was no answer. */
  readonly status: number;
  /** The problem's `reason`, when it has one. */
  readonly reason?: string;
  /** Seconds to wait before trying again, from `Retry-After`. */
  readonly retryAfter?: number;
}

/** The local user, as the exchange answers it (docs/api.md). */
export interface TelegateUser {
  id: string;
  app: string;
  telegramId: number;
  status: string;
  firstName: string;
  lastName?: string;
  username?: string;
  photoUrl?: string;
  languageCode?: string;
  isPremium?: boolean;
  allowsWriteToPm?: boolean;
  lastLoginAt?: number;
  lastProof?: "initData" | "widget" | "telegramOIDC";
  createdAt: number;
  updatedAt: number;
  sessionsRevokedAt?: number;
  created?: boolean;
}

/** The built-in issuer's credential (an `oidc` adapter). */
export interface OIDCCredential {
  type: "oidc";
  idToken: string;
  accessToken: string;
  tokenType: string;
  expiresIn: number;
  scope?: string;
  refreshToken?: string;
  refreshExpiresIn?: number;
}
export interface ClerkTicketCredential {
  type: "clerk_ticket";
  ticket: string;
  clerkUserId?: string;
  [member: string]: unknown;
}
export interface FirebaseCustomTokenCredential {
  type: "firebase_custom_token";
  customToken: string;
  [member: string]: unknown;
}
export interface SupabaseOTPCredential {
  type: "supabase_otp";
  tokenHash: string;
  verificationType?: string;
  [member: string]: unknown;
}
/** Another adapter's credential. */
export interface OtherCredential {
  type: string;
  [member: string]: unknown;
}
export type Credential = OIDCCredential | ClerkTicketCredential | FirebaseCustomTokenCredential | SupabaseOTPCredential | OtherCredential;

/** The exchange's answer. */
export interface ExchangeResult {
  user: TelegateUser;
  provider: string;
  credential: Credential;
}

/** Login Widget data: the callback's object, the redirect's query string or a `tgAuthResult` value. */
export type WidgetData = string | Record<string, string | number>;

/** One Telegram proof; without one, the Mini App's `initData`. */
export interface ProofOptions {
  initData?: string;
  widget?: WidgetData;
  idToken?: string;
  /** With `idToken`: the nonce the Telegram login started with; otherwise a nonce an `oidc` adapter binds. */
  nonce?: string;
}

export type FetchFunction = (input: string, init?: RequestInit) => Promise<Response>;

export interface ExchangeOptions extends ProofOptions {
  baseURL: string;
  app: string;
  provider?: string;
  organization?: string;
  fetch?: FetchFunction;
}

/** Exchanges one Telegram proof for a credential of the app's identity provider. */
export declare function exchange(options: ExchangeOptions): Promise<ExchangeResult>;

/** Where a client keeps its session. `shared`: whether every tab reads the same values. */
export interface TelegateStorage {
  readonly kind: string;
  readonly shared: boolean;
  get(key: string): Promise<string | null>;
  set(key: string, value: string): Promise<void>;
  remove(key: string): Promise<void>;
}
export declare function telegramSecureStorage(): TelegateStorage | null;
export declare function telegramDeviceStorage(): TelegateStorage | null;
export declare function sessionStorageStore(): TelegateStorage | null;
export declare function memoryStorage(): TelegateStorage;
/** SecureStorage, then DeviceStorage, then sessionStorage, then memory; a failing storage is left for the next. */
export declare function detectStorage(): TelegateStorage;

/** The claims of a JWT, unverified (`{}` for anything else). */
export declare function decodeJWT(jwt: string): { exp?: number; iat?: number; [claim: string]: unknown };

export interface CreateTelegateOptions {
  baseURL: string;
  app: string;
  /** The adapter to issue with; by default the app's default adapter. */
  provider?: string;
  organization?: string;
  /** By default detectStorage(). */
  storage?: TelegateStorage;
  fetch?: FetchFunction;
  /** initData to sign in with instead of `Telegram.WebApp.initData`. */
  initData?: string;
  /** How many times a transient failure (network, 429, 5xx) is retried; default 4. */
  retries?: number;
  /** Whether the session is refreshed ahead of expiry while someone listens to onTokenChange; default true. */
  autoRefresh?: boolean;
}

/** The session as listeners see it. */
export interface TelegateSession {
  accessToken?: string;
  idToken?: string;
  user: TelegateUser | null;
}

export type TokenKind = "access" | "id";

export interface GetTokenOptions {
  /** Refresh now, even when the token held is still good. */
  forceRefresh?: boolean;
  /** "access" (default) or "id". */
  kind?: TokenKind;
}

export interface TelegateClient {
  /** Exchanges a Telegram proof (picked by itself when none is given) and keeps the session it opens. */
  signIn(options?: ProofOptions): Promise<ExchangeResult>;
  /** A valid token, refreshed (or signed in again) when it is about to expire. */
  getToken(options?: GetTokenOptions): Promise<string>;
  /** The session's tokens and user, or `null` when signed out. */
  getSession(): Promise<TelegateSession | null>;
  /** Calls `listener` whenever the session changes, in this tab or another; returns the unsubscribe function. */
  onTokenChange(listener: (session: TelegateSession | null) => void): () => void;
  /** Forgets the session in every tab and revokes its refresh family. */
  signOut(): Promise<void>;
  /** The kind of storage holding the session. */
  readonly storageKind: string;
}

/** A session client for an app's built-in issuer (an `oidc` adapter). */
export declare function createTelegate(options: CreateTelegateOptions): TelegateClient;

/** The Clerk object: the Clerk instance, or `{signIn, setActive}` from the hooks. */
export interface ClerkLike {
  user?: { id: string } | null;
  session?: { id: string } | null;
  signIn?: unknown;
  client?: { signIn?: unknown };
  setActive?: (params: { session: string | null }) => Promise<void>;
  signOut?: () => Promise<void>;
  [member: string]: unknown;
}
export interface ClerkSignInResult {
  status: "complete";
  sessionId: string | undefined;
  alreadyActive: boolean;
}
export declare function signInWithClerk(clerk: ClerkLike, credential: ExchangeResult | Credential | string): Promise<ClerkSignInResult>;

export interface FirebaseOptions {
  /** `signInWithCustomToken` from firebase/auth (v9+). */
  signInWithCustomToken?: (auth: any, token: string) => Promise<any>;
}
export declare function signInWithFirebase(auth: any, credential: ExchangeResult | Credential, options?: FirebaseOptions): Promise<any>;

export interface SupabaseOptions {
  /** The provider's name in Supabase for the OIDC route, e.g. `custom:telegate`. */
  provider?: string;
  /** The raw nonce whose SHA-256 the exchange put in the ID token. */
  nonce?: string;
}
export declare function signInWithSupabase(
  supabase: { auth: any },
  credential: ExchangeResult | Credential,
  options?: SupabaseOptions,
): Promise<{ session: any; user: any }>;

/** Convex's `fetchAccessToken` for `ConvexProviderWithAuth`. */
export type ConvexFetchAccessToken = (args?: { forceRefreshToken?: boolean }) => Promise<string | null>;
export declare function convexFetchAccessToken(client: TelegateClient, options?: { kind?: TokenKind }): ConvexFetchAccessToken;
export declare function convexAuth(options: {
  baseURL: string;
  app: string;
  provider?: string;
  token?: "idToken" | "accessToken";
  initData?: string;
  fetch?: FetchFunction;
}): ConvexFetchAccessToken;
/** supabase-js's `accessToken` option. */
export declare function supabaseAccessToken(client: TelegateClient): () => Promise<string>;
export declare function signInToClerk(client: TelegateClient, clerk: ClerkLike, options?: ProofOptions): Promise<ClerkSignInResult>;
export declare function signInToFirebase(
  client: TelegateClient,
  auth: any,
  firebaseOptions?: FirebaseOptions,
  options?: ProofOptions,
): Promise<any>;

/** `connectionParams` for tRPC's createWSClient and graphql-ws' createClient: `{token}`, read at each connection. */
export declare function trpcConnectionParams(client: TelegateClient, options?: { kind?: TokenKind }): () => Promise<{ token: string }>;
export declare function graphqlWsConnectionParams(client: TelegateClient, options?: { kind?: TokenKind }): () => Promise<{ token: string }>;

/** What authenticateSocket needs of a WebSocket. */
export interface AuthenticatedSocket {
  readonly readyState: number;
  send(data: string): void;
  close(code?: number, reason?: string): void;
}
export interface AuthenticateSocketOptions {
  kind?: TokenKind;
  /** Send `{type: "auth", token}` on each change (default); `false` reconnects instead. */
  inPlace?: boolean;
  /** Called instead of closing the socket when `inPlace` is false. */
  reconnect?: () => void;
}
/** Sends `{type: "auth", token}` over the open socket on every token change; returns the unsubscribe function. */
export declare function authenticateSocket(
  client: TelegateClient,
  socket: AuthenticatedSocket | (() => AuthenticatedSocket | null | undefined),
  options?: AuthenticateSocketOptions,
): () => void;
