// What the tests share: the two servers under test, the official Better-Auth client with a
// cookie jar, shape checks from /work/shared/better-auth.md, and the database.
//
// run.sh sets VIBEWORK_URL, NODE_URL (the Better-Auth 1.7 server, server.mjs), AUTH_SECRET and
// the MYSQL_* variables of the run's database.
import assert from "node:assert/strict";
import { createHmac, randomUUID } from "node:crypto";
import { createAuthClient } from "better-auth/client";
import mysql from "mysql2/promise";

export const env = process.env;
for (const name of ["VIBEWORK_URL", "NODE_URL", "AUTH_SECRET", "MYSQL_DATABASE"]) {
  if (!env[name]) throw new Error(`${name} is not set; run the tests through run.sh`);
}

// Better-Auth on Node is the reference: each behaviour test runs against it first, so a test
// that fails there is a wrong test, and one that fails only on vibework is a deviation.
export const servers = {
  node: { name: "better-auth (node)", url: env.NODE_URL },
  vibework: { name: "vibework", url: env.VIBEWORK_URL },
  // A second vibework on the same database with AUTH_REQUIRE_EMAIL_VERIFICATION=true (run.sh).
  strict: { name: "vibework (AUTH_REQUIRE_EMAIL_VERIFICATION)", url: env.VIBEWORK_STRICT_URL },
};
// TARGETS=vibework (or node) runs the behaviour tests against one server only.
export const targets = (env.TARGETS ?? "node,vibework").split(",").map((t) => servers[t.trim()]);

export const COOKIE = "better-auth.session_token";
export const DONT_REMEMBER = "better-auth.dont_remember";
export const TOKEN = /^[A-Za-z0-9]{32}$/;
export const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
export const DAY = 86400;

export const uniqueEmail = (tag = "user") => `${tag}-${randomUUID()}@example.com`;
export const PASSWORD = "correct horse battery";

// --- cookies -----------------------------------------------------------------------------

// One parsed Set-Cookie header: name, value (as sent, still percent-encoded) and attributes
// (lower-case names; flags map to true).
export function parseSetCookie(header) {
  const [pair, ...rest] = header.split(";");
  const eq = pair.indexOf("=");
  const attributes = {};
  for (const part of rest) {
    const i = part.indexOf("=");
    const key = (i < 0 ? part : part.slice(0, i)).trim().toLowerCase();
    if (key) attributes[key] = i < 0 ? true : part.slice(i + 1).trim();
  }
  return { name: pair.slice(0, eq).trim(), value: pair.slice(eq + 1).trim(), attributes, header };
}

// A browser's cookie store, reduced to what these tests need. Cookies are host-scoped, not
// port-scoped, so a browser sends the same cookies to 127.0.0.1:A and 127.0.0.1:B: one jar
// shared by a vibework client and a Node client is exactly that.
export class CookieJar {
  #cookies = new Map();
  store(setCookieHeaders) {
    for (const header of setCookieHeaders) {
      const c = parseSetCookie(header);
      if (c.attributes["max-age"] === "0" || c.value === "") this.#cookies.delete(c.name);
      else this.#cookies.set(c.name, c.value);
    }
  }
  get(name) {
    return this.#cookies.get(name);
  }
  set(name, value) {
    this.#cookies.set(name, value);
  }
  delete(name) {
    this.#cookies.delete(name);
  }
  names() {
    return [...this.#cookies.keys()];
  }
  header() {
    return [...this.#cookies].map(([k, v]) => `${k}=${v}`).join("; ");
  }
  copy() {
    const jar = new CookieJar();
    for (const [k, v] of this.#cookies) jar.set(k, v);
    return jar;
  }
}

// The official client (`createAuthClient` from better-auth/client) against `server`, through a
// fetch that keeps cookies in `jar` and sends `origin` as the Origin header, as a browser on that
// origin would (Node's fetch sends neither by itself). `origin: null` sends no Origin at all.
// `last` is the last raw exchange: status, headers, Set-Cookie headers and the body text.
export function makeClient(server, { jar = new CookieJar(), origin = server.url, userAgent = "vibework-e2e" } = {}) {
  const state = { last: null, exchanges: [] };
  const customFetchImpl = async (input, init = {}) => {
    const headers = new Headers(init.headers);
    if (origin !== null) headers.set("origin", origin);
    headers.set("user-agent", userAgent);
    const cookie = jar.header();
    if (cookie) headers.set("cookie", cookie);
    const response = await fetch(input, { ...init, headers, signal: init.signal ?? AbortSignal.timeout(30_000) });
    const setCookies = response.headers.getSetCookie();
    jar.store(setCookies);
    const url = new URL(typeof input === "string" || input instanceof URL ? input : input.url);
    state.last = {
      method: init.method ?? "GET",
      path: url.pathname + url.search,
      status: response.status,
      headers: response.headers,
      setCookies: setCookies.map(parseSetCookie),
      body: await response.clone().text(),
    };
    state.exchanges.push(state.last);
    return response;
  };
  const client = createAuthClient({ baseURL: server.url, fetchOptions: { customFetchImpl } });
  const extras = {
    jar,
    server,
    // The Set-Cookie of `name` in the last response, or undefined.
    lastCookie(name) {
      return state.last?.setCookies.find((c) => c.name === name);
    },
    // A human-readable account of the last exchange, for assertion messages.
    describeLast() {
      const l = state.last;
      if (!l) return "(no request made)";
      return `${server.name}: ${l.method} ${l.path} -> ${l.status} ${l.body.slice(0, 400)}`;
    },
  };
  // The client is itself a Proxy that turns every property into an endpoint path, so the extras
  // are served by a Proxy in front of it.
  return new Proxy(client, {
    get(target, prop, receiver) {
      if (prop === "last") return state.last;
      if (Object.hasOwn(extras, prop)) return extras[prop];
      return Reflect.get(target, prop, receiver);
    },
  });
}

// --- shapes from the facts file ------------------------------------------------------------

const USER_KEYS = ["createdAt", "email", "emailVerified", "id", "image", "name", "updatedAt"];
const SESSION_KEYS = ["createdAt", "expiresAt", "id", "ipAddress", "token", "updatedAt", "userAgent", "userId"];

function assertDate(value, what) {
  assert.ok(value instanceof Date, `${what} is a Date (the client parses ISO strings): ${value}`);
  assert.ok(!Number.isNaN(value.getTime()), `${what} is a valid date`);
}

// A user object as the client hands it over (dates already Date objects).
export function assertUser(user, { email, name } = {}) {
  assert.ok(user && typeof user === "object", `a user object: ${JSON.stringify(user)}`);
  assert.deepEqual(Object.keys(user).sort(), USER_KEYS, "the user's fields are exactly Better-Auth's core fields (no password)");
  assert.equal(typeof user.id, "string");
  assert.ok(user.id.length > 0);
  assert.equal(typeof user.name, "string");
  assert.equal(typeof user.emailVerified, "boolean");
  assert.ok(user.image === null || typeof user.image === "string");
  assert.equal(user.email, user.email.toLowerCase(), "the email is lower-case");
  assertDate(user.createdAt, "user.createdAt");
  assertDate(user.updatedAt, "user.updatedAt");
  if (email !== undefined) assert.equal(user.email, email.toLowerCase());
  if (name !== undefined) assert.equal(user.name, name);
}

export function assertSession(session, { userId, token } = {}) {
  assert.ok(session && typeof session === "object", `a session object: ${JSON.stringify(session)}`);
  assert.deepEqual(Object.keys(session).sort(), SESSION_KEYS, "the session's fields are exactly Better-Auth's");
  assert.match(session.token, TOKEN, "session.token is 32 characters of [A-Za-z0-9]");
  assert.equal(typeof session.id, "string");
  assert.equal(typeof session.userId, "string");
  assert.ok(session.ipAddress === null || typeof session.ipAddress === "string");
  assert.ok(session.userAgent === null || typeof session.userAgent === "string");
  assertDate(session.expiresAt, "session.expiresAt");
  assertDate(session.createdAt, "session.createdAt");
  assertDate(session.updatedAt, "session.updatedAt");
  if (userId !== undefined) assert.equal(session.userId, userId);
  if (token !== undefined) assert.equal(session.token, token);
}

// Every date in a raw JSON body is ISO-8601 UTC with milliseconds and a Z.
export function assertWireDates(bodyText) {
  const walk = (v, path) => {
    if (Array.isArray(v)) v.forEach((x, i) => walk(x, `${path}[${i}]`));
    else if (v && typeof v === "object") for (const [k, x] of Object.entries(v)) walk(x, `${path}.${k}`);
    else if (typeof v === "string" && /At$/.test(path)) assert.match(v, ISO, `${path} on the wire`);
  };
  walk(JSON.parse(bodyText), "body");
}

// `seconds` from now, within `slack` seconds.
export function assertAbout(date, seconds, slack = 120) {
  const delta = (date.getTime() - Date.now()) / 1000;
  assert.ok(Math.abs(delta - seconds) <= slack, `expected about now + ${seconds} s, got now + ${Math.round(delta)} s (${date.toISOString()})`);
}

// The session cookie as Better-Auth signs it: encodeURIComponent(token + "." + base64(HMAC-SHA256)).
export function assertSignedSessionCookie(cookie, token, { remember = true } = {}) {
  assert.ok(cookie, `a ${COOKIE} Set-Cookie`);
  const value = decodeURIComponent(cookie.value);
  const dot = value.lastIndexOf(".");
  assert.equal(value.slice(0, dot), token, "the cookie carries the session token");
  const signature = createHmac("sha256", env.AUTH_SECRET).update(token).digest("base64");
  assert.equal(value.slice(dot + 1), signature, "signed with HMAC-SHA256(secret), standard base64");
  assert.equal(cookie.value, encodeURIComponent(value), "the value is percent-encoded as encodeURIComponent does");
  assert.equal(cookie.attributes.path, "/");
  assert.equal(cookie.attributes.httponly, true, "HttpOnly");
  assert.equal(cookie.attributes.samesite, "Lax");
  assert.equal(cookie.attributes.secure, undefined, "not Secure on http://");
  if (remember) assert.equal(cookie.attributes["max-age"], "604800", "Max-Age = 7 days");
  else assert.equal(cookie.attributes["max-age"], undefined, "a browser-session cookie (no Max-Age) with rememberMe false");
}

// An error as the client reports it: {status, code, message}.
export function assertError(result, status, code, message, what = "") {
  assert.equal(result.data, null, `${what}: no data on error (got ${JSON.stringify(result.data)})`);
  assert.ok(result.error, `${what}: an error`);
  assert.equal(result.error.status, status, `${what}: status (body ${JSON.stringify(result.error)})`);
  if (code !== undefined) assert.equal(result.error.code, code, `${what}: code`);
  if (message !== undefined) assert.equal(result.error.message, message, `${what}: message`);
}

// `result.data` of a successful call, or a failure that shows the exchange.
export function ok(result, client, what = "") {
  assert.equal(result.error, null, `${what} failed: ${client.describeLast()}`);
  return result.data;
}

// A fresh user signed up on `server` with its own jar; returns {client, user, token, email}.
export async function signedUp(server, { email = uniqueEmail(), password = PASSWORD, name = "Test User" } = {}) {
  const client = makeClient(server);
  const data = ok(await client.signUp.email({ email, password, name }), client, "sign-up");
  return { client, user: data.user, token: data.token, email, password };
}

// --- the database --------------------------------------------------------------------------

let pool;
export function db() {
  if (pool) return pool;
  pool = mysql.createPool({
    host: env.MYSQL_HOST ?? "127.0.0.1",
    port: Number(env.MYSQL_PORT ?? 3306),
    user: env.MYSQL_USER ?? "root",
    password: env.MYSQL_PASSWORD ?? "password",
    database: env.MYSQL_DATABASE,
    connectionLimit: 2,
    timezone: "Z",
  });
  // TIMESTAMP values go through the session time zone; the servers both use UTC. (Once per
  // pool: a listener per call would pile up.)
  pool.pool.on("connection", (conn) => conn.query("SET time_zone = '+00:00'"));
  return pool;
}
export async function query(sql, params = []) {
  const [rows] = await db().query(sql, params);
  return rows;
}
export async function closeDb() {
  await pool?.end();
  pool = undefined;
}
export async function credentialAccount(userId) {
  const rows = await query("SELECT * FROM account WHERE user_id = ? AND provider_id = 'credential'", [userId]);
  assert.equal(rows.length, 1, `one credential account for ${userId}`);
  return rows[0];
}

// --- mail ------------------------------------------------------------------------------------

// Polls `probe` (async; a truthy result ends the wait) every `interval` ms until `timeout` ms have
// passed, then fails with `what`.
export async function waitFor(what, probe, { timeout = 15_000, interval = 100 } = {}) {
  const deadline = Date.now() + timeout;
  for (;;) {
    const result = await probe();
    if (result) return result;
    if (Date.now() >= deadline) throw new Error(`timed out after ${timeout} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, interval));
  }
}

// vibework's mails, as the local Mailpit (SMTP 1025) received them, read through its HTTP API.
// Every test mails its own fresh addresses, so the mails to one address are that test's.
export const MAILPIT_URL = env.MAILPIT_URL ?? "http://127.0.0.1:8025";

async function mailpit(path, init = {}) {
  const response = await fetch(`${MAILPIT_URL}${path}`, { ...init, signal: AbortSignal.timeout(10_000) });
  const text = await response.text();
  assert.equal(response.status, 200, `Mailpit ${init.method ?? "GET"} ${path}: ${text.slice(0, 200)}`);
  return init.method === "DELETE" ? text : JSON.parse(text); // DELETE answers "ok"
}

// The summaries of the messages Mailpit holds for `address` (newest first).
export async function mailpitMessagesTo(address) {
  const { messages } = await mailpit("/api/v1/messages?limit=500");
  const lower = address.toLowerCase();
  return messages.filter((m) => (m.To ?? []).some((to) => to.Address.toLowerCase() === lower));
}

// Waits for `count` mails to `address`, reads them (subject, text, html, and the first link in
// the text containing `linkPart`, when given), deletes them from Mailpit and returns them,
// oldest first.
export async function takeMails(address, { count = 1, linkPart, timeout = 15_000 } = {}) {
  const summaries = await waitFor(`${count} mail(s) to ${address} in Mailpit (${MAILPIT_URL})`, async () => {
    const found = await mailpitMessagesTo(address);
    return found.length >= count ? found : null;
  }, { timeout });
  const mails = [];
  for (const summary of summaries.reverse()) {
    const message = await mailpit(`/api/v1/message/${summary.ID}`);
    const links = (message.Text ?? "").match(/https?:\/\/[^\s<>"]+/g) ?? [];
    mails.push({
      id: summary.ID,
      subject: message.Subject,
      text: message.Text,
      html: message.HTML,
      link: linkPart === undefined ? links[0] : links.find((l) => l.includes(linkPart)),
    });
  }
  await deleteMails(mails.map((m) => m.id));
  return mails;
}
export async function takeMail(address, options = {}) {
  const mails = await takeMails(address, options);
  assert.equal(mails.length, 1, `exactly one mail to ${address}: ${mails.map((m) => m.subject).join(" | ")}`);
  return mails[0];
}
export async function deleteMails(ids) {
  if (ids.length === 0) return;
  await mailpit("/api/v1/messages", {
    method: "DELETE",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ IDs: ids }),
  });
}

// The Node server's mails (server.mjs keeps them in memory): waits for the first of `type`
// ("verify-email" or "reset-password") to `address` and returns {type, url, token}. Reading
// empties that address's outbox.
export async function takeNodeMail(address, type) {
  return waitFor(`a ${type} mail to ${address} from the Node server`, async () => {
    const response = await fetch(`${env.NODE_URL}/test/outbox?email=${encodeURIComponent(address)}`);
    assert.equal(response.status, 200, "GET /test/outbox on the Node server");
    const mails = await response.json();
    return mails.find((m) => m.type === type) ?? null;
  });
}
