// A minimal Better-Auth 1.7 server, the "Node app" that shares vibework's MySQL database:
// betterAuth with email and password, the Drizzle adapter over mysql2 (schema.mjs), the same
// secret as vibework, both origins trusted.
//
//   PORT=4000 AUTH_SECRET=... MYSQL_DATABASE=... VIBEWORK_URL=http://127.0.0.1:3000 node server.mjs
//
// Prints "listening on <url>" once it accepts connections.
//
// Its mails (verification links and password-reset links) are not sent anywhere: they are kept
// in memory, and the test-only route GET /test/outbox?email=<address> hands over (and forgets)
// those sent to that address as a JSON array of {type: "verify-email" | "reset-password", url,
// token}. Better-Auth needs these senders configured to answer send-verification-email and
// request-password-reset at all.
import http from "node:http";
import { verify as argon2Verify } from "@node-rs/argon2";
import { betterAuth } from "better-auth";
import { drizzleAdapter } from "better-auth/adapters/drizzle";
import { hashPassword, verifyPassword } from "better-auth/crypto";
import { toNodeHandler } from "better-auth/node";
import { drizzle } from "drizzle-orm/mysql2";
import mysql from "mysql2/promise";
import * as schema from "./schema.mjs";

const env = process.env;
const port = Number(env.PORT);
const host = env.HOST ?? "127.0.0.1";
const baseURL = `http://${host}:${port}`;
for (const name of ["PORT", "AUTH_SECRET", "MYSQL_DATABASE", "VIBEWORK_URL"]) {
  if (!env[name]) {
    console.error(`server.mjs: ${name} is not set`);
    process.exit(2);
  }
}

const pool = mysql.createPool({
  host: env.MYSQL_HOST ?? "127.0.0.1",
  port: Number(env.MYSQL_PORT ?? 3306),
  user: env.MYSQL_USER ?? "root",
  password: env.MYSQL_PASSWORD ?? "password",
  database: env.MYSQL_DATABASE,
  connectionLimit: Number(env.MYSQL_POOL_SIZE ?? 10),
});
// Drizzle writes and reads timestamp(3) as UTC wall-clock text; MySQL converts TIMESTAMP values
// through the session time zone, so every connection runs in UTC (as vibework's do).
pool.pool.on("connection", (conn) => conn.query("SET time_zone = '+00:00'"));
const db = drizzle(pool, { schema, mode: "default" });

// Password verification: Better-Auth verifies only its own scrypt hashes ("<salt hex>:<key hex>").
// vibework writes Argon2id PHC strings ("$argon2id$v=19$m=19456,t=2,p=1$...") for new passwords,
// and (AUTH_REHASH, on by default) rewrites a scrypt hash as Argon2id when a user signs in through
// it. A team running both servers on one database, or migrating from Node to vibework, therefore
// teaches the Node app to verify Argon2id too; this is that hook. New hashes made here stay
// Better-Auth's default scrypt, so vibework must keep accepting those.
// Better-Auth normalizes passwords with NFKC before scrypt, and vibework does the same before
// Argon2id, so the same is done here.
async function verify({ hash, password }) {
  if (hash.startsWith("$argon2")) return argon2Verify(hash, password.normalize("NFKC"));
  return verifyPassword({ hash, password });
}

// The in-memory outbox: lower-cased address -> [{type, url, token}], at most 100 addresses.
const outbox = new Map();
function capture(type, { user, url, token }) {
  const key = user.email.toLowerCase();
  if (!outbox.has(key) && outbox.size >= 100) outbox.delete(outbox.keys().next().value);
  outbox.set(key, [...(outbox.get(key) ?? []), { type, url, token }]);
}

export const auth = betterAuth({
  baseURL,
  secret: env.AUTH_SECRET,
  database: drizzleAdapter(db, { provider: "mysql", schema }),
  emailAndPassword: {
    enabled: true,
    password: { hash: hashPassword, verify },
    sendResetPassword: async (data) => capture("reset-password", data),
  },
  // sendOnSignUp defaults to requireEmailVerification (false): only explicit requests mail.
  emailVerification: { sendVerificationEmail: async (data) => capture("verify-email", data) },
  // POST /delete-user answers only when enabled (else 404); vibework's AUTH_DELETE_USER_ENABLED.
  user: { deleteUser: { enabled: true } },
  trustedOrigins: [baseURL, env.VIBEWORK_URL],
  advanced: {
    // Plain HTTP on 127.0.0.1: cookies are not Secure, so both servers name them
    // better-auth.session_token (vibework decides the same from its http:// AUTH_URL).
    useSecureCookies: false,
    // Explicit, because Better-Auth turns the origin check off when NODE_ENV=test or TEST is set.
    disableOriginCheck: false,
    disableCSRFCheck: false,
  },
  // Off for the benchmark (bench/auth.sh floods sign-in from one address); Better-Auth only
  // enables it in production anyway. The tests of vibework's own limits are elsewhere.
  rateLimit: { enabled: env.RATE_LIMIT === "1" },
  telemetry: { enabled: false },
});

const handler = toNodeHandler(auth);
const server = http.createServer((req, res) => {
  if (req.url === "/health/live") {
    res.writeHead(200, { "content-type": "application/json" }).end('{"status":"ok"}');
    return;
  }
  if (req.method === "GET" && req.url.startsWith("/test/outbox?")) {
    const email = (new URL(req.url, baseURL).searchParams.get("email") ?? "").toLowerCase();
    const mails = outbox.get(email) ?? [];
    outbox.delete(email);
    res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(mails));
    return;
  }
  handler(req, res);
});
server.keepAliveTimeout = 30_000;
server.listen(port, host, () => {
  console.log(`listening on http://${host}:${server.address().port}`);
});

const stop = () => {
  server.close();
  server.closeAllConnections();
  pool.end().finally(() => process.exit(0));
};
process.on("SIGTERM", stop);
process.on("SIGINT", stop);
