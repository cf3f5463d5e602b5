// The email flows (/work/shared/better-auth.md §2.13-2.18) through the official client:
// verification links and password resets, the tokens of one server accepted by the other on the
// shared database, and the anti-enumeration answers.
//
// vibework's mails are read from the local Mailpit (its HTTP API, MAILPIT_URL); the Node
// server's from its in-memory outbox (server.mjs, GET /test/outbox). The links are followed as a
// browser would open them: a plain GET without Origin or cookies, redirects not followed.
import assert from "node:assert/strict";
import { createHmac } from "node:crypto";
import { after, describe, test } from "node:test";
import {
  PASSWORD,
  assertError,
  assertUser,
  closeDb,
  credentialAccount,
  env,
  makeClient,
  ok,
  query,
  servers,
  signedUp,
  takeMail,
  takeNodeMail,
  targets,
  uniqueEmail,
} from "./lib.mjs";

after(closeDb);

const { node, vibework, strict } = servers;
const RESET_MESSAGE = "If this email exists in our system, check your email for the reset link";
const RESET_TOKEN = /^[A-Za-z0-9]{24}$/;
const NEW_PASSWORD = "a brand new passphrase";

// The mail of `type` ("verify-email" or "reset-password") that `server` sent to `address`:
// {url, token}. The link must point at the server's own base URL (AUTH_URL / baseURL).
async function mailFrom(server, address, type) {
  let url;
  let subject;
  if (server === node) ({ url } = await takeNodeMail(address, type));
  else ({ link: url, subject } = await takeMail(address, { linkPart: `/api/auth/${type}` }));
  assert.ok(url, `${server.name}: a ${type} link in the mail to ${address}`);
  const parsed = new URL(url);
  assert.equal(parsed.origin, server.url, `${server.name}: the link is on the server's base URL: ${url}`);
  const token = type === "verify-email" ? parsed.searchParams.get("token") : parsed.pathname.split("/").pop();
  return { url, token, subject, callbackURL: parsed.searchParams.get("callbackURL") };
}

// A link opened as a browser opens it: GET, no Origin, no cookies, the redirect not followed.
async function follow(url) {
  const response = await fetch(url, { redirect: "manual", signal: AbortSignal.timeout(30_000) });
  return { status: response.status, location: response.headers.get("location"), body: await response.text() };
}
const describeFollow = (what, r) => `${what}: ${r.status} Location ${r.location} ${r.body.slice(0, 300)}`;

// A JWT's header and claims, and whether its HS256 signature is HMAC-SHA256(UTF-8 secret).
function decodeJwt(token) {
  const [header, payload, signature] = token.split(".");
  const json = (part) => JSON.parse(Buffer.from(part, "base64url").toString("utf8"));
  const expected = createHmac("sha256", Buffer.from(env.AUTH_SECRET, "utf8")).update(`${header}.${payload}`).digest("base64url");
  return { header: json(header), claims: json(payload), signedWithSecret: signature === expected };
}
function assertVerificationJwt(token, email, what) {
  const { header, claims, signedWithSecret } = decodeJwt(token);
  assert.deepEqual(header, { alg: "HS256" }, `${what}: the JWT header`);
  assert.ok(signedWithSecret, `${what}: signed HS256 with the UTF-8 secret`);
  assert.deepEqual(Object.keys(claims).sort(), ["email", "exp", "iat"], `${what}: the claims ${JSON.stringify(claims)}`);
  assert.equal(claims.email, email.toLowerCase(), `${what}: the email claim`);
  assert.equal(claims.exp - claims.iat, 3600, `${what}: exp = iat + 3600`);
  assert.ok(Math.abs(claims.iat - Date.now() / 1000) < 120, `${what}: iat is now`);
  return claims;
}

async function emailVerifiedInDb(userId) {
  const [row] = await query("SELECT email_verified FROM user WHERE id = ?", [userId]);
  return Number(row.email_verified) === 1;
}

for (const server of targets) {
  describe(`${server.name}: email flows`, () => {
    test("sendVerificationEmail mails a link that verifies the email and redirects to the callbackURL", async () => {
      const { client, user, email } = await signedUp(server, { email: uniqueEmail("verify") });
      assert.equal(user.emailVerified, false);
      const callbackURL = `${server.url}/verified?from=mail`;
      const sent = ok(await client.sendVerificationEmail({ email, callbackURL }), client, "send-verification-email");
      assert.deepEqual(sent, { status: true });

      const mail = await mailFrom(server, email, "verify-email");
      assert.equal(mail.url, `${server.url}/api/auth/verify-email?token=${mail.token}&callbackURL=${encodeURIComponent(callbackURL)}`);
      assertVerificationJwt(mail.token, email, server.name);
      assert.equal(await emailVerifiedInDb(user.id), false, "not verified before the link is opened");

      const opened = await follow(mail.url);
      assert.equal(opened.status, 302, describeFollow("the verification link", opened));
      assert.equal(opened.location, callbackURL, describeFollow("the verification link", opened));
      assert.equal(await emailVerifiedInDb(user.id), true, "email_verified = 1 in the database");

      const session = ok(await client.getSession(), client, "get-session after verification");
      assert.equal(session.user.emailVerified, true, "getSession shows emailVerified: true");
      const again = makeClient(server);
      const signedIn = ok(await again.signIn.email({ email, password: PASSWORD }), again, "sign-in after verification");
      assertUser(signedIn.user, { email });
      assert.equal(signedIn.user.emailVerified, true, "sign-in shows emailVerified: true");

      // The link again: already verified, still the redirect.
      const reopened = await follow(mail.url);
      assert.equal(reopened.status, 302, describeFollow("the verification link, again", reopened));
      assert.equal(reopened.location, callbackURL);
      // And with the session, a new mail is refused.
      assertError(await client.sendVerificationEmail({ email, callbackURL }), 400, "EMAIL_ALREADY_VERIFIED", undefined, server.name);
    });

    test("verify-email without a callbackURL answers {status: true, user: null}; a tampered token is refused", async () => {
      const { client, user, email } = await signedUp(server, { email: uniqueEmail("verify-json") });
      ok(await client.sendVerificationEmail({ email }), client, "send-verification-email");
      const mail = await mailFrom(server, email, "verify-email");
      assert.equal(mail.callbackURL, "/", "no callbackURL: the link carries callbackURL=%2F");

      const [h, p, s] = mail.token.split(".");
      const tampered = `${h}.${p}.${s.slice(0, -2)}${s.endsWith("AA") ? "BB" : "AA"}`;
      const refused = await follow(`${server.url}/api/auth/verify-email?token=${tampered}`);
      assert.equal(refused.status, 401, describeFollow("a tampered token", refused));
      assert.equal(JSON.parse(refused.body).code, "INVALID_TOKEN", describeFollow("a tampered token", refused));
      const redirected = await follow(`${server.url}/api/auth/verify-email?token=${tampered}&callbackURL=${encodeURIComponent(`${server.url}/cb`)}`);
      assert.equal(redirected.status, 302, describeFollow("a tampered token with a callbackURL", redirected));
      assert.equal(redirected.location, `${server.url}/cb?error=INVALID_TOKEN`);
      assert.equal(await emailVerifiedInDb(user.id), false);

      const verified = ok(await client.verifyEmail({ query: { token: mail.token } }), client, "verify-email");
      assert.deepEqual(verified, { status: true, user: null });
      assert.equal(await emailVerifiedInDb(user.id), true);
    });

    test("requestPasswordReset mails a link; resetPassword with its token changes the password once", async () => {
      const { client, user, email } = await signedUp(server, { email: uniqueEmail("reset") });
      const redirectTo = `${server.url}/reset-password-page`;
      const requested = ok(await client.requestPasswordReset({ email, redirectTo }), client, "request-password-reset");
      assert.deepEqual(requested, { status: true, message: RESET_MESSAGE });

      const mail = await mailFrom(server, email, "reset-password");
      assert.match(mail.token, RESET_TOKEN, "the reset token is 24 characters of [A-Za-z0-9]");
      assert.equal(mail.url, `${server.url}/api/auth/reset-password/${mail.token}?callbackURL=${encodeURIComponent(redirectTo)}`);
      const rows = await query("SELECT value, expires_at FROM verification WHERE identifier = ?", [`reset-password:${mail.token}`]);
      assert.equal(rows.length, 1, "one verification row reset-password:<token>");
      assert.equal(rows[0].value, user.id);

      const opened = await follow(mail.url);
      assert.equal(opened.status, 302, describeFollow("the reset link", opened));
      assert.equal(opened.location, `${redirectTo}?token=${mail.token}`, describeFollow("the reset link", opened));
      const token = new URL(opened.location).searchParams.get("token");

      const reset = ok(await client.resetPassword({ newPassword: NEW_PASSWORD, token }), client, "reset-password");
      assert.deepEqual(reset, { status: true });
      assert.equal((await query("SELECT 1 FROM verification WHERE identifier = ?", [`reset-password:${token}`])).length, 0, "the row is consumed");

      const fresh = makeClient(server);
      ok(await fresh.signIn.email({ email, password: NEW_PASSWORD }), fresh, "sign-in with the new password");
      const old = makeClient(server);
      assertError(await old.signIn.email({ email, password: PASSWORD }), 401, "INVALID_EMAIL_OR_PASSWORD", undefined, "the old password");
      const reused = makeClient(server);
      assertError(await reused.resetPassword({ newPassword: "yet another passphrase", token }), 400, "INVALID_TOKEN", undefined, "the used token");
      const reopened = await follow(mail.url);
      assert.equal(reopened.status, 302, describeFollow("the used reset link", reopened));
      assert.equal(reopened.location, `${redirectTo}?error=INVALID_TOKEN`);
      // revokeSessionsOnPasswordReset is off: the existing session lives on.
      assert.equal(ok(await client.getSession(), client, "get-session after the reset")?.user.id, user.id);
      await credentialAccount(user.id);
    });
  });
}

describe(`${strict.name}`, () => {
  test("sign-up mails a link; sign-in is refused until it is opened, then shows emailVerified: true", async () => {
    const email = uniqueEmail("strict");
    const client = makeClient(strict);
    const callbackURL = `${strict.url}/welcome`;
    const data = ok(await client.signUp.email({ email, password: PASSWORD, name: "Strict User", callbackURL }), client, "sign-up");
    assert.equal(data.token, null, "no session before verification");
    assert.equal(data.user.emailVerified, false);
    assert.equal(client.jar.names().length, 0, `no cookie: ${client.jar.names()}`);

    const mail = await mailFrom(strict, email, "verify-email");
    assert.equal(mail.callbackURL, callbackURL);
    assertVerificationJwt(mail.token, email, strict.name);
    const refused = makeClient(strict);
    assertError(await refused.signIn.email({ email, password: PASSWORD }), 403, "EMAIL_NOT_VERIFIED", undefined, "an unverified sign-in");

    const opened = await follow(mail.url);
    assert.equal(opened.status, 302, describeFollow("the verification link", opened));
    assert.equal(opened.location, callbackURL);
    const signedIn = ok(await refused.signIn.email({ email, password: PASSWORD }), refused, "sign-in after verification");
    assert.equal(signedIn.user.emailVerified, true);
    assert.equal(ok(await refused.getSession(), refused, "get-session").user.emailVerified, true);
  });
});

describe("verification tokens across the shared database", () => {
  test("a token minted by Node verifies on vibework's GET /verify-email", async () => {
    for (const withCallback of [true, false]) {
      const { user, email } = await signedUp(vibework, { email: uniqueEmail("node-jwt") });
      const nodeClient = makeClient(node);
      ok(await nodeClient.sendVerificationEmail({ email }), nodeClient, "Node send-verification-email (no session)");
      const { token } = await mailFrom(node, email, "verify-email");
      assertVerificationJwt(token, email, "Node's token");

      const callbackURL = `${vibework.url}/verified`;
      const url = `${vibework.url}/api/auth/verify-email?token=${token}${withCallback ? `&callbackURL=${encodeURIComponent(callbackURL)}` : ""}`;
      const opened = await follow(url);
      if (withCallback) {
        assert.equal(opened.status, 302, describeFollow("vibework, Node's token", opened));
        assert.equal(opened.location, callbackURL);
      } else {
        assert.equal(opened.status, 200, describeFollow("vibework, Node's token", opened));
        assert.deepEqual(JSON.parse(opened.body), { status: true, user: null });
      }
      assert.equal(await emailVerifiedInDb(user.id), true, "email_verified = 1 in the shared database");
    }
  });

  test("a token minted by vibework (read from Mailpit) verifies on Node's GET /verify-email", async () => {
    for (const withCallback of [true, false]) {
      const { user, email } = await signedUp(node, { email: uniqueEmail("vw-jwt") });
      const vwClient = makeClient(vibework);
      ok(await vwClient.sendVerificationEmail({ email }), vwClient, "vibework send-verification-email (no session)");
      const { token } = await mailFrom(vibework, email, "verify-email");
      assertVerificationJwt(token, email, "vibework's token");

      const callbackURL = `${node.url}/verified`;
      const url = `${node.url}/api/auth/verify-email?token=${token}${withCallback ? `&callbackURL=${encodeURIComponent(callbackURL)}` : ""}`;
      const opened = await follow(url);
      if (withCallback) {
        assert.equal(opened.status, 302, describeFollow("Node, vibework's token", opened));
        assert.equal(opened.location, callbackURL);
      } else {
        assert.equal(opened.status, 200, describeFollow("Node, vibework's token", opened));
        assert.deepEqual(JSON.parse(opened.body), { status: true, user: null });
      }
      assert.equal(await emailVerifiedInDb(user.id), true, "email_verified = 1 in the shared database");
    }
  });

  test("a reset token requested on one server resets the password on the other", async () => {
    for (const [from, to] of [[vibework, node], [node, vibework]]) {
      const { email } = await signedUp(from, { email: uniqueEmail("reset-across") });
      const requester = makeClient(from);
      ok(await requester.requestPasswordReset({ email, redirectTo: `${from.url}/reset` }), requester, `${from.name} request-password-reset`);
      const { token } = await mailFrom(from, email, "reset-password");
      const resetter = makeClient(to);
      assert.deepEqual(ok(await resetter.resetPassword({ newPassword: NEW_PASSWORD, token }), resetter, `${to.name} reset-password`), { status: true });
      for (const server of [node, vibework]) {
        const c = makeClient(server);
        ok(await c.signIn.email({ email, password: NEW_PASSWORD }), c, `${server.name} sign-in with the password reset on ${to.name}`);
      }
      const reused = makeClient(from);
      assertError(await reused.resetPassword({ newPassword: "yet another passphrase", token }), 400, "INVALID_TOKEN", undefined, `${from.name}: the token used on ${to.name}`);
    }
  });
});

describe("anti-enumeration", () => {
  // The raw answer (status, content type, body text) of `call` made by a fresh client.
  async function answer(server, call) {
    const client = makeClient(server);
    const started = Date.now();
    await call(client);
    const l = client.last;
    return { status: l.status, type: l.headers.get("content-type"), body: l.body, ms: Date.now() - started };
  }
  const shown = (a) => `${a.status} ${a.type} ${a.body}`;

  test("request-password-reset answers an unknown email exactly as a known one, on both servers alike", async () => {
    const answers = {};
    for (const server of [node, vibework]) {
      const { email } = await signedUp(server, { email: uniqueEmail("known") });
      const redirectTo = `${server.url}/reset`;
      const known = await answer(server, (c) => c.requestPasswordReset({ email, redirectTo }));
      const unknown = await answer(server, (c) => c.requestPasswordReset({ email: uniqueEmail("nobody"), redirectTo }));
      await mailFrom(server, email, "reset-password"); // the known user's mail, read and removed
      assert.equal(known.status, 200, `${server.name}: ${shown(known)}`);
      assert.deepEqual(JSON.parse(known.body), { status: true, message: RESET_MESSAGE });
      assert.deepEqual(shown(unknown), shown(known), `${server.name}: unknown vs known email`);
      answers[server === node ? "node" : "vibework"] = known;
    }
    assert.equal(shown(answers.vibework), shown(answers.node), "vibework's answer is Node's, byte for byte");
  });

  test("send-verification-email without a session answers unknown, unverified and verified emails alike, after 500 ms", async () => {
    const answers = {};
    for (const server of [node, vibework]) {
      const unverified = await signedUp(server, { email: uniqueEmail("unverified") });
      const verified = await signedUp(server, { email: uniqueEmail("verified") });
      await query("UPDATE user SET email_verified = 1 WHERE id = ?", [verified.user.id]);
      const results = {
        unverified: await answer(server, (c) => c.sendVerificationEmail({ email: unverified.email })),
        verified: await answer(server, (c) => c.sendVerificationEmail({ email: verified.email })),
        unknown: await answer(server, (c) => c.sendVerificationEmail({ email: uniqueEmail("nobody") })),
      };
      await mailFrom(server, unverified.email, "verify-email"); // only the unverified user is mailed
      for (const [kind, a] of Object.entries(results)) {
        assert.equal(shown(a), shown(results.unverified), `${server.name}: ${kind} vs unverified`);
        assert.ok(a.ms >= 490, `${server.name}: ${kind} answered after ${a.ms} ms (the floor is 500 ms)`);
      }
      assert.equal(results.unverified.status, 200);
      assert.deepEqual(JSON.parse(results.unverified.body), { status: true });
      answers[server === node ? "node" : "vibework"] = results.unverified;
    }
    assert.equal(shown(answers.vibework), shown(answers.node), "vibework's answer is Node's, byte for byte");
  });
});

describe("the email endpoints' errors, compared", () => {
  // An HS256 verification JWT signed here with the shared secret.
  function mintJwt(claims) {
    const part = (o) => Buffer.from(JSON.stringify(o)).toString("base64url");
    const unsigned = `${part({ alg: "HS256" })}.${part(claims)}`;
    return `${unsigned}.${createHmac("sha256", Buffer.from(env.AUTH_SECRET, "utf8")).update(unsigned).digest("base64url")}`;
  }
  const now = () => Math.floor(Date.now() / 1000);
  // status, Location and the parsed body (key order aside). vibework adds its request id to error
  // bodies, an extra field the client passes through (client.test.mjs allows it alike).
  const raw = async (url, init = {}) => {
    const response = await fetch(url, { redirect: "manual", ...init, signal: AbortSignal.timeout(30_000) });
    const text = await response.text();
    let body = text;
    try {
      body = text === "" ? "" : JSON.parse(text);
    } catch {}
    if (body && typeof body === "object" && typeof body.requestId === "string" && url.startsWith(vibework.url)) delete body.requestId;
    const normalized = JSON.stringify(body && typeof body === "object" ? Object.fromEntries(Object.entries(body).sort()) : body);
    return `${response.status}${response.headers.has("location") ? ` Location ${response.headers.get("location")}` : ""} ${normalized}`;
  };

  test("expired, unknown-user and malformed tokens; reset links without a callbackURL; resets without a token", async () => {
    const { email } = await signedUp(vibework, { email: uniqueEmail("errors") });
    const cases = {
      "an expired token": (s) => raw(`${s.url}/api/auth/verify-email?token=${mintJwt({ email, iat: now() - 7200, exp: now() - 3600 })}`),
      "an expired token, with a callbackURL": (s) =>
        raw(`${s.url}/api/auth/verify-email?token=${mintJwt({ email, iat: now() - 7200, exp: now() - 3600 })}&callbackURL=${encodeURIComponent(`${s.url}/cb?x=1`)}`),
      "a token for an unknown user": (s) => raw(`${s.url}/api/auth/verify-email?token=${mintJwt({ email: uniqueEmail("ghost"), iat: now(), exp: now() + 3600 })}`),
      "not a JWT": (s) => raw(`${s.url}/api/auth/verify-email?token=not-a-jwt`),
      "an untrusted callbackURL": (s) => raw(`${s.url}/api/auth/verify-email?token=x&callbackURL=${encodeURIComponent("https://evil.example/cb")}`),
      "a reset link without callbackURL": (s) => raw(`${s.url}/api/auth/reset-password/abcdefghijklmnopqrstuvwx`),
      "a reset link with an unknown token": (s) =>
        raw(`${s.url}/api/auth/reset-password/abcdefghijklmnopqrstuvwx?callbackURL=${encodeURIComponent(`${s.url}/reset`)}`),
      "reset-password without a token": (s) =>
        raw(`${s.url}/api/auth/reset-password`, { method: "POST", headers: { "content-type": "application/json", origin: s.url }, body: JSON.stringify({ newPassword: NEW_PASSWORD }) }),
      "reset-password with an unknown token": (s) =>
        raw(`${s.url}/api/auth/reset-password`, { method: "POST", headers: { "content-type": "application/json", origin: s.url }, body: JSON.stringify({ newPassword: NEW_PASSWORD, token: "abcdefghijklmnopqrstuvwx" }) }),
      "request-password-reset with an untrusted redirectTo": (s) =>
        raw(`${s.url}/api/auth/request-password-reset`, { method: "POST", headers: { "content-type": "application/json", origin: s.url }, body: JSON.stringify({ email, redirectTo: "https://evil.example/reset" }) }),
    };
    const deviations = [];
    for (const [what, call] of Object.entries(cases)) {
      // The servers' own URLs differ; the answers are compared with each replaced by <server>.
      const fromNode = (await call(node)).replaceAll(node.url, "<server>");
      const fromVibework = (await call(vibework)).replaceAll(vibework.url, "<server>");
      if (fromNode !== fromVibework) deviations.push(`${what}:\n    node:     ${fromNode}\n    vibework: ${fromVibework}`);
    }
    assert.deepEqual(deviations, [], `vibework answers differently from Node:\n  ${deviations.join("\n  ")}`);
  });
});
