// A tRPC backend whose WebSocket is authenticated by its first message with Telegate access tokens, and whose
// connections take a refreshed token in place ({"type":"auth","token":"…"}) without dropping subscriptions.
// Protocol and close codes: docs/websockets.md.
import { readFile } from "node:fs/promises";
import { createServer } from "node:http";
import { initTRPC, TRPCError } from "@trpc/server";
import { getWSConnectionHandler } from "@trpc/server/adapters/ws";
import { createRemoteJWKSet, decodeJwt, errors, jwtVerify } from "jose";
import { WebSocketServer } from "ws";

const ISSUER = process.env.TELEGATE_ISSUER ?? "https://auth.example.com/apps/poll";
const AUDIENCE = process.env.TELEGATE_AUDIENCE ?? `${ISSUER}/api/convex`;
const PORT = Number(process.env.PORT ?? 3001);

// ---------------------------------------------------------------------------------------------------------------
// Tokens

const jwks = createRemoteJWKSet(new URL(`${ISSUER}/.well-known/jwks.json`));

/** A token of another issuer or audience, recognised before any key lookup. */
class ForeignToken extends Error {}

/** The claims of a Telegate access token (RFC 9068: typ at+jwt); throws when it is refused. */
async function verifyAccessToken(token) {
  // Each app signs with its own keys: another app's token would fail the key lookup (4401, and a JWKS refetch)
  // before its iss is read. Its unverified iss and aud tell it apart first; jwtVerify still checks every other token.
  const { iss, aud } = decodeJwt(token);
  if (iss !== ISSUER || ![aud].flat().includes(AUDIENCE)) throw new ForeignToken();
  const { payload } = await jwtVerify(token, jwks, {
    issuer: ISSUER,
    audience: AUDIENCE,
    typ: "at+jwt",
    algorithms: ["RS256", "ES256"],
  });
  return payload;
}

/** The close code for a refused token: 4403 for another issuer or audience, 1013 when the keys are unreachable. */
function closeCodeFor(error) {
  if (error instanceof ForeignToken) return 4403;
  if (error instanceof errors.JOSEError && !(error instanceof errors.JWKSTimeout)) return 4401;
  return 1013;
}

// ---------------------------------------------------------------------------------------------------------------
// One identity per connection, swapped in place, closed with 4401 at its token's exp

const identities = new WeakMap(); // socket → { claims, timer }

function adopt(socket, claims) {
  clearTimeout(identities.get(socket)?.timer);
  const timer = setTimeout(() => socket.close(4401, "unauthorized"), claims.exp * 1000 - Date.now());
  identities.set(socket, { claims, timer });
}

/** A later auth message's claims: the same user's newer token swaps in place; another user's closes with 1008. */
function readopt(socket, claims) {
  const current = identities.get(socket)?.claims;
  if (current !== undefined && current.sub !== claims.sub) return socket.close(1008, "another user");
  adopt(socket, claims);
}

/** An auth message's token (null when it has none); undefined for every other message. */
function authToken(data) {
  let message;
  try {
    message = JSON.parse(String(data));
  } catch {
    return undefined;
  }
  if (message === null || typeof message !== "object" || message.type !== "auth") return undefined;
  return typeof message.token === "string" && message.token !== "" ? message.token : null;
}

// ---------------------------------------------------------------------------------------------------------------
// tRPC

/** Runs once per connection, with the first message's connectionParams; `user` follows the identity swaps. */
async function createContext({ res: socket, info }) {
  try {
    adopt(socket, await verifyAccessToken(String(info.connectionParams?.token ?? "")));
  } catch (error) {
    socket.close(closeCodeFor(error), "unauthorized");
    throw new TRPCError({ code: "UNAUTHORIZED" });
  }
  return {
    get user() {
      return identities.get(socket)?.claims;
    },
  };
}

const t = initTRPC.context().create();
const authed = t.procedure.use(({ ctx, next }) => {
  if (!ctx.user) throw new TRPCError({ code: "UNAUTHORIZED" });
  return next();
});

const appRouter = t.router({
  whoami: authed.query(({ ctx }) => ({ sub: ctx.user.sub })),
  /** A tick every second, tagged with the connection's identity at that moment. */
  ticks: authed.subscription(async function* ({ ctx, signal }) {
    for (let tick = 1; !signal?.aborted; tick += 1) {
      yield { tick, sub: ctx.user.sub, jti: ctx.user.jti, exp: ctx.user.exp };
      await new Promise((resolve) => setTimeout(resolve, 1000));
    }
  }),
});

// ---------------------------------------------------------------------------------------------------------------
// HTTP (the page) and WebSocket (/trpc) on one port

const page = await readFile(new URL("./index.html", import.meta.url), "utf8");
const server = createServer((request, response) => {
  response.writeHead(200, { "Content-Type": "text/html; charset=utf-8" });
  response.end(page);
});

const handleConnection = getWSConnectionHandler({ router: appRouter, createContext });
const wss = new WebSocketServer({ server, path: "/trpc" });
wss.on("connection", (socket, request) => {
  // auth messages are taken out before tRPC sees them, in order: a message after one runs under the new identity.
  const emit = socket.emit.bind(socket);
  let queue = Promise.resolve();
  socket.emit = (event, ...args) => {
    if (event !== "message") return emit(event, ...args);
    queue = queue.then(async () => {
      const token = authToken(args[0]);
      if (token === undefined) return emit("message", ...args);
      try {
        readopt(socket, await verifyAccessToken(token ?? ""));
      } catch (error) {
        socket.close(closeCodeFor(error), "unauthorized");
      }
    });
    return true;
  };
  socket.on("close", () => clearTimeout(identities.get(socket)?.timer));
  handleConnection(socket, request);
});

server.listen(PORT, () => console.log(`http://localhost:${PORT} (WebSocket: /trpc), tokens of ${ISSUER}`));
