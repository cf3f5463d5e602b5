// The official Better-Auth client (better-auth/client) against each server: the email/password
// flows and their errors, with the shapes of /work/shared/better-auth.md §2, §3 and §9.
// Better-Auth on Node runs first as the reference; vibework must answer the same.
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import {
  COOKIE,
  DAY,
  DONT_REMEMBER,
  PASSWORD,
  TOKEN,
  assertAbout,
  assertError,
  assertSession,
  assertSignedSessionCookie,
  assertUser,
  assertWireDates,
  closeDb,
  makeClient,
  ok,
  parseSetCookie,
  query,
  signedUp,
  servers,
  targets,
  uniqueEmail,
} from "./lib.mjs";

after(closeDb);

for (const server of targets) {
  describe(server.name, () => {
    test("signUp.email returns {token, user}, sets the signed session cookie, stores a lower-case email", async () => {
      const email = uniqueEmail("Mixed.Case").replace("example", "Example");
      const client = makeClient(server);
      const data = ok(await client.signUp.email({ email, password: PASSWORD, name: "Ada Lovelace" }), client, "sign-up");
      assert.deepEqual(Object.keys(data).sort(), ["token", "user"]);
      assert.match(data.token, TOKEN);
      assertUser(data.user, { email, name: "Ada Lovelace" });
      assert.equal(data.user.emailVerified, false);
      assert.equal(data.user.image, null);
      assert.equal(client.last.status, 200);
      assert.match(client.last.headers.get("content-type"), /^application\/json/);
      assertWireDates(client.last.body);
      assertSignedSessionCookie(client.lastCookie(COOKIE), data.token);
      assert.equal(client.lastCookie(DONT_REMEMBER), undefined, "no dont_remember cookie by default");

      const rows = await query("SELECT email, email_verified FROM user WHERE id = ?", [data.user.id]);
      assert.deepEqual(rows.map((r) => [r.email, Number(r.email_verified)]), [[email.toLowerCase(), 0]]);
    });

    test("getSession returns {session, user} for the cookie, with no-store caching", async () => {
      const { client, user, token } = await signedUp(server);
      const data = ok(await client.getSession(), client, "get-session");
      assert.deepEqual(Object.keys(data).sort(), ["session", "user"]);
      assertSession(data.session, { userId: user.id, token });
      assertUser(data.user, { email: user.email });
      assert.equal(data.user.id, user.id);
      assertAbout(data.session.expiresAt, 7 * DAY);
      assert.equal(data.session.userAgent, "vibework-e2e");
      assert.equal(client.last.headers.get("cache-control"), "no-store");
      assertWireDates(client.last.body);
      assert.equal(client.lastCookie(COOKIE), undefined, "no Set-Cookie in the common case (not due for a refresh)");
    });

    test("signIn.email with rememberMe true: {redirect:false, token, user}, a 7-day cookie and session", async () => {
      const { email, user } = await signedUp(server);
      const client = makeClient(server);
      const data = ok(await client.signIn.email({ email: email.toUpperCase(), password: PASSWORD, rememberMe: true }), client, "sign-in");
      assert.deepEqual(Object.keys(data).sort(), ["redirect", "token", "user"], "no url without a callbackURL");
      assert.equal(data.redirect, false);
      assert.match(data.token, TOKEN);
      assertUser(data.user, { email });
      assert.equal(data.user.id, user.id);
      assertWireDates(client.last.body);
      assertSignedSessionCookie(client.lastCookie(COOKIE), data.token);
      assert.equal(client.lastCookie(DONT_REMEMBER), undefined);

      const session = ok(await client.getSession(), client, "get-session");
      assertSession(session.session, { userId: user.id, token: data.token });
      assertAbout(session.session.expiresAt, 7 * DAY);
    });

    test("signIn.email with rememberMe false: a browser-session cookie, dont_remember, a 1-day session", async () => {
      const { email, user } = await signedUp(server);
      const client = makeClient(server);
      const data = ok(await client.signIn.email({ email, password: PASSWORD, rememberMe: false }), client, "sign-in");
      assert.match(data.token, TOKEN);
      assertSignedSessionCookie(client.lastCookie(COOKIE), data.token, { remember: false });
      const dontRemember = client.lastCookie(DONT_REMEMBER);
      assert.ok(dontRemember, `a ${DONT_REMEMBER} cookie: ${client.describeLast()}`);
      assert.match(decodeURIComponent(dontRemember.value), /^true\.[A-Za-z0-9+/]{43}=$/, "the signed value true");
      assert.equal(dontRemember.attributes["max-age"], undefined);

      const session = ok(await client.getSession(), client, "get-session");
      assertSession(session.session, { userId: user.id, token: data.token });
      assertAbout(session.session.expiresAt, DAY);
      // A 1-day session is always past its update age, but dont_remember means it never slides.
      assert.equal(client.lastCookie(COOKIE), undefined, "no refresh with dont_remember");
    });

    test("signIn.email with a callbackURL: redirect true and the url", async () => {
      const { email } = await signedUp(server);
      const client = makeClient(server);
      const data = ok(await client.signIn.email({ email, password: PASSWORD, callbackURL: "/dashboard" }), client, "sign-in");
      assert.equal(data.redirect, true);
      assert.equal(data.url, "/dashboard");
      assert.match(data.token, TOKEN);
    });

    test("updateUser changes name and image, answers {status:true}, re-issues the cookie, and getSession shows it", async () => {
      const { client, user, token } = await signedUp(server);
      const data = ok(await client.updateUser({ name: "Grace Hopper", image: "https://example.com/grace.png" }), client, "update-user");
      assert.deepEqual(data, { status: true });
      assertSignedSessionCookie(client.lastCookie(COOKIE), token);
      const session = ok(await client.getSession(), client, "get-session");
      assert.equal(session.user.name, "Grace Hopper");
      assert.equal(session.user.image, "https://example.com/grace.png");
      assert.ok(session.user.updatedAt.getTime() >= user.updatedAt.getTime());
      assert.equal(session.user.email, user.email);

      ok(await client.updateUser({ image: null }), client, "update-user image null");
      assert.equal(ok(await client.getSession(), client).user.image, null);
    });

    test("updateUser refuses an email change and an update with nothing to change", async () => {
      const { client } = await signedUp(server);
      assertError(await client.updateUser({ email: uniqueEmail() }), 400, "EMAIL_CAN_NOT_BE_UPDATED", "Email can not be updated", "update-user email");
      // emailVerified is a core field the client may not write: ignored, so nothing is left.
      const nothing = await client.$fetch("/update-user", { method: "POST", body: { emailVerified: true } });
      assertError(nothing, 400, undefined, "No fields to update", "update-user with no usable field");
      assert.equal(ok(await client.getSession(), client).user.emailVerified, false);
    });

    test("listSessions returns every live session of the user, tokens included", async () => {
      const { client, user, token, email } = await signedUp(server);
      const other = makeClient(server, { userAgent: "second-device" });
      const second = ok(await other.signIn.email({ email, password: PASSWORD }), other, "second sign-in");
      const list = ok(await client.listSessions(), client, "list-sessions");
      assert.ok(Array.isArray(list), "an array");
      assert.equal(list.length, 2);
      for (const s of list) assertSession(s, { userId: user.id });
      assert.deepEqual(list.map((s) => s.token).sort(), [token, second.token].sort());
      assert.equal(list.find((s) => s.token === second.token).userAgent, "second-device");
      assertWireDates(client.last.body);
    });

    test("revokeOtherSessions ends the other devices' sessions and keeps this one", async () => {
      const { client, token, email } = await signedUp(server);
      const other = makeClient(server);
      ok(await other.signIn.email({ email, password: PASSWORD }), other, "second sign-in");
      assert.deepEqual(ok(await client.revokeOtherSessions(), client, "revoke-other-sessions"), { status: true });
      assert.equal(ok(await other.getSession(), other), null, "the other device is signed out");
      const mine = ok(await client.getSession(), client);
      assert.equal(mine.session.token, token);
      assert.equal(ok(await client.listSessions(), client).length, 1);
    });

    test("revokeSession ends one session by token; revokeSessions ends all of them", async () => {
      const { client, email } = await signedUp(server);
      const a = makeClient(server);
      const b = makeClient(server);
      const ta = ok(await a.signIn.email({ email, password: PASSWORD }), a).token;
      ok(await b.signIn.email({ email, password: PASSWORD }), b);
      assert.deepEqual(ok(await client.revokeSession({ token: ta }), client, "revoke-session"), { status: true });
      assert.equal(ok(await a.getSession(), a), null);
      assert.ok(ok(await b.getSession(), b), "the other session survives");
      // An unknown token is answered the same (nothing is disclosed).
      assert.deepEqual(ok(await client.revokeSession({ token: "x".repeat(32) }), client), { status: true });
      assert.deepEqual(ok(await client.revokeSessions(), client, "revoke-sessions"), { status: true });
      assert.equal(ok(await b.getSession(), b), null);
      assert.equal(ok(await client.getSession(), client), null, "revoke-sessions includes the caller's own session");
    });

    test("changePassword with revokeOtherSessions: a new session and cookie, the others ended, only the new password works", async () => {
      const { client, user, token, email } = await signedUp(server);
      const other = makeClient(server);
      ok(await other.signIn.email({ email, password: PASSWORD }), other);
      const newPassword = "a brand new password";
      const data = ok(await client.changePassword({ currentPassword: PASSWORD, newPassword, revokeOtherSessions: true }), client, "change-password");
      assert.deepEqual(Object.keys(data).sort(), ["token", "user"]);
      assert.match(data.token, TOKEN);
      assert.notEqual(data.token, token);
      assertUser(data.user, { email });
      assert.equal(data.user.id, user.id);
      assertSignedSessionCookie(client.lastCookie(COOKIE), data.token);

      assert.equal(ok(await other.getSession(), other), null, "the other session is revoked");
      const mine = ok(await client.getSession(), client);
      assert.equal(mine.session.token, data.token, "the client now holds the new session");
      assert.equal(ok(await client.listSessions(), client).length, 1);

      const fresh = makeClient(server);
      assertError(await fresh.signIn.email({ email, password: PASSWORD }), 401, "INVALID_EMAIL_OR_PASSWORD", undefined, "old password");
      ok(await fresh.signIn.email({ email, password: newPassword }), fresh, "sign-in with the new password");
    });

    test("changePassword without revokeOtherSessions answers token null and keeps the sessions", async () => {
      const { client, token, email } = await signedUp(server);
      const other = makeClient(server);
      ok(await other.signIn.email({ email, password: PASSWORD }), other);
      const data = ok(await client.changePassword({ currentPassword: PASSWORD, newPassword: "another new password" }), client, "change-password");
      assert.equal(data.token, null);
      assertUser(data.user, { email });
      assert.ok(ok(await other.getSession(), other), "the other session survives");
      assert.equal(ok(await client.getSession(), client).session.token, token);
    });

    test("changePassword errors: wrong current password, short new password, no session", async () => {
      const { client } = await signedUp(server);
      assertError(await client.changePassword({ currentPassword: "not the password", newPassword: "whatever long enough" }), 400, "INVALID_PASSWORD", "Invalid password", "wrong currentPassword");
      assertError(await client.changePassword({ currentPassword: PASSWORD, newPassword: "short" }), 400, "PASSWORD_TOO_SHORT", "Password too short", "short newPassword");
      assertError(await client.changePassword({ currentPassword: PASSWORD, newPassword: "x".repeat(129) }), 400, "PASSWORD_TOO_LONG", "Password too long", "long newPassword");
      const anonymous = makeClient(server);
      assertError(await anonymous.changePassword({ currentPassword: PASSWORD, newPassword: "whatever long enough" }), 401, "UNAUTHORIZED", undefined, "no session");
    });

    test("getSession slides a session past its update age: expiresAt = now + 7 days and a fresh cookie", async () => {
      const { client, token } = await signedUp(server);
      // Extended 25 hours ago: due (updateAge is 1 day).
      await query("UPDATE session SET expires_at = UTC_TIMESTAMP(3) + INTERVAL 7 DAY - INTERVAL 25 HOUR, updated_at = UTC_TIMESTAMP(3) - INTERVAL 25 HOUR WHERE token = ?", [token]);
      const data = ok(await client.getSession(), client, "get-session of a due session");
      assertAbout(data.session.expiresAt, 7 * DAY);
      assertAbout(data.session.updatedAt, 0);
      assertSignedSessionCookie(client.lastCookie(COOKIE), token);
      const [row] = await query("SELECT expires_at FROM session WHERE token = ?", [token]);
      assertAbout(new Date(row.expires_at), 7 * DAY);

      // Not due (extended 23 hours ago): answered as stored, no Set-Cookie.
      await query("UPDATE session SET expires_at = UTC_TIMESTAMP(3) + INTERVAL 7 DAY - INTERVAL 23 HOUR WHERE token = ?", [token]);
      const again = ok(await client.getSession(), client);
      assertAbout(again.session.expiresAt, 7 * DAY - 23 * 3600);
      assert.equal(client.lastCookie(COOKIE), undefined);
      // disableRefresh: a due session is not extended.
      await query("UPDATE session SET expires_at = UTC_TIMESTAMP(3) + INTERVAL 7 DAY - INTERVAL 25 HOUR WHERE token = ?", [token]);
      const frozen = ok(await client.getSession({ query: { disableRefresh: true } }), client);
      assertAbout(frozen.session.expiresAt, 7 * DAY - 25 * 3600);
      assert.equal(client.lastCookie(COOKIE), undefined);
    });

    test("an expired session: getSession is null, the row is deleted, the cookie expired", async () => {
      const { client, token } = await signedUp(server);
      await query("UPDATE session SET expires_at = UTC_TIMESTAMP(3) - INTERVAL 1 MINUTE WHERE token = ?", [token]);
      const result = await client.getSession();
      assert.equal(result.error, null, client.describeLast());
      assert.equal(result.data, null);
      const cleared = client.lastCookie(COOKIE);
      assert.ok(cleared, `the stale cookie is expired: ${client.describeLast()}`);
      assert.equal(cleared.attributes["max-age"], "0");
      assert.deepEqual(await query("SELECT id FROM session WHERE token = ?", [token]), [], "the expired row is deleted");
    });

    test("listSessions needs a fresh session: 403 SESSION_NOT_FRESH once it is a day old", async () => {
      const { client, token } = await signedUp(server);
      await query("UPDATE session SET created_at = UTC_TIMESTAMP(3) - INTERVAL 2 DAY WHERE token = ?", [token]);
      assertError(await client.listSessions(), 403, "SESSION_NOT_FRESH", "Session is not fresh", "list-sessions with a 2-day-old session");
      assert.ok(ok(await client.getSession(), client), "the session itself is still valid");
    });

    test("signOut answers {success:true}, expires the cookies and deletes the session", async () => {
      const { client, token } = await signedUp(server);
      assert.deepEqual(ok(await client.signOut(), client, "sign-out"), { success: true });
      const cleared = client.lastCookie(COOKIE);
      assert.ok(cleared, `sign-out expires ${COOKIE}: ${client.describeLast()}`);
      assert.equal(cleared.value, "");
      assert.equal(cleared.attributes["max-age"], "0");
      assert.equal(client.jar.get(COOKIE), undefined);
      assert.equal(ok(await client.getSession(), client), null);
      assert.deepEqual(await query("SELECT id FROM session WHERE token = ?", [token]), [], "the row is deleted");
      // Signing out again without a session still succeeds.
      assert.deepEqual(ok(await client.signOut(), client, "second sign-out"), { success: true });
    });

    test("deleteUser with the password: {success:true, message}, cookies cleared, the user and its rows gone", async () => {
      const { client, user, email } = await signedUp(server);
      const data = ok(await client.deleteUser({ password: PASSWORD }), client, "delete-user");
      assert.deepEqual(data, { success: true, message: "User deleted" });
      const cleared = client.lastCookie(COOKIE);
      assert.ok(cleared, `delete-user expires ${COOKIE}: ${client.describeLast()}`);
      assert.equal(cleared.attributes["max-age"], "0");
      assert.equal(ok(await client.getSession(), client), null);
      for (const table of ["user", "session", "account"]) {
        const column = table === "user" ? "id" : "user_id";
        assert.deepEqual(await query(`SELECT 1 FROM \`${table}\` WHERE ${column} = ?`, [user.id]), [], `no ${table} row left`);
      }
      assertError(await makeClient(server).signIn.email({ email, password: PASSWORD }), 401, "INVALID_EMAIL_OR_PASSWORD", undefined, "sign-in after delete");
    });

    test("deleteUser errors: a wrong password, and a stale session without one (SESSION_EXPIRED)", async () => {
      const { client, token } = await signedUp(server);
      assertError(await client.deleteUser({ password: "not the password" }), 400, "INVALID_PASSWORD", "Invalid password", "delete-user, wrong password");
      await query("UPDATE session SET created_at = UTC_TIMESTAMP(3) - INTERVAL 2 DAY WHERE token = ?", [token]);
      assertError(await client.deleteUser(), 400, "SESSION_EXPIRED", "Session expired. Re-authenticate to perform this action.", "delete-user, stale session, no password");
      assert.ok(ok(await client.getSession(), client), "still signed in");
      // A fresh session needs no password.
      const { client: fresh } = await signedUp(server);
      assert.deepEqual(ok(await fresh.deleteUser(), fresh, "delete-user with a fresh session"), { success: true, message: "User deleted" });
    });

    test("getSession without a valid cookie is data null, not an error", async () => {
      const anonymous = makeClient(server);
      const none = await anonymous.getSession();
      assert.equal(none.error, null);
      assert.equal(none.data, null);
      assert.equal(anonymous.last.status, 200);
      assert.equal(anonymous.last.body, "null");

      const { client, token } = await signedUp(server);
      const forged = makeClient(server, { jar: client.jar.copy() });
      forged.jar.set(COOKIE, encodeURIComponent(`${token}.${"A".repeat(43)}=`));
      assert.equal(ok(await forged.getSession(), forged), null, "a bad signature is no session");
      const unsigned = makeClient(server);
      unsigned.jar.set(COOKIE, token);
      assert.equal(ok(await unsigned.getSession(), unsigned), null, "an unsigned token is no session");
    });

    test("sign-in errors: wrong password and unknown email are both 401 INVALID_EMAIL_OR_PASSWORD", async () => {
      const { email } = await signedUp(server);
      const client = makeClient(server);
      assertError(await client.signIn.email({ email, password: "wrong password!" }), 401, "INVALID_EMAIL_OR_PASSWORD", "Invalid email or password", "wrong password");
      assert.equal(client.lastCookie(COOKIE), undefined, "no cookie on failure");
      assertError(await client.signIn.email({ email: uniqueEmail("nobody"), password: PASSWORD }), 401, "INVALID_EMAIL_OR_PASSWORD", "Invalid email or password", "unknown email");
      assertError(await client.signIn.email({ email: "not-an-email", password: PASSWORD }), 400, "INVALID_EMAIL", "Invalid email", "bad email on sign-in");
    });

    test("sign-up errors: duplicate email 422, short and long passwords 400, bad email 400", async () => {
      const { email } = await signedUp(server);
      const client = makeClient(server);
      const dup = "User already exists. Use another email.";
      assertError(await client.signUp.email({ email, password: PASSWORD, name: "Again" }), 422, "USER_ALREADY_EXISTS_USE_ANOTHER_EMAIL", dup, "duplicate sign-up");
      assertError(await client.signUp.email({ email: email.toUpperCase(), password: PASSWORD, name: "Again" }), 422, "USER_ALREADY_EXISTS_USE_ANOTHER_EMAIL", dup, "duplicate sign-up, other case");
      assertError(await client.signUp.email({ email: uniqueEmail(), password: "1234567", name: "Short" }), 400, "PASSWORD_TOO_SHORT", "Password too short", "7-character password");
      assertError(await client.signUp.email({ email: uniqueEmail(), password: "x".repeat(129), name: "Long" }), 400, "PASSWORD_TOO_LONG", "Password too long", "129-character password");
      assertError(await client.signUp.email({ email: "not-an-email", password: PASSWORD, name: "Bad" }), 400, "VALIDATION_ERROR", "[body.email] Invalid email address", "bad email on sign-up");
      assert.equal(client.jar.names().length, 0, "no cookie from any failed sign-up");
      ok(await client.signUp.email({ email: uniqueEmail(), password: "12345678", name: "" }), client, "8 characters and an empty name are fine");
    });

    test("a foreign Origin is refused: 403 INVALID_ORIGIN; no Origin with a cookie: 403 MISSING_OR_NULL_ORIGIN", async () => {
      const { client } = await signedUp(server);
      const evil = makeClient(server, { jar: client.jar, origin: "http://evil.example" });
      assertError(await evil.signOut(), 403, "INVALID_ORIGIN", "Invalid origin", "sign-out from a foreign origin");
      assertError(await evil.updateUser({ name: "pwned" }), 403, "INVALID_ORIGIN", "Invalid origin", "update-user from a foreign origin");
      assertError(await evil.revokeOtherSessions(), 403, "INVALID_ORIGIN", "Invalid origin", "revoke-other-sessions from a foreign origin");
      const noOrigin = makeClient(server, { jar: client.jar, origin: null });
      assertError(await noOrigin.signOut(), 403, "MISSING_OR_NULL_ORIGIN", "Missing or null Origin", "sign-out with a cookie and no Origin");
      assert.ok(ok(await client.getSession(), client), "the session survived");
      assert.notEqual(ok(await client.getSession(), client).user.name, "pwned");

      const stranger = makeClient(server, { origin: "http://evil.example" });
      assertError(await stranger.signIn.email({ email: uniqueEmail(), password: PASSWORD }), 403, "INVALID_ORIGIN", "Invalid origin", "sign-in without cookies from a foreign origin");
      assertError(await stranger.signIn.email({ email: uniqueEmail(), password: PASSWORD, callbackURL: "http://evil.example/x" }), 403, undefined, undefined, "sign-in with a foreign callbackURL");
    });

    test("the session routes need a session: 401 UNAUTHORIZED", async () => {
      const anonymous = makeClient(server);
      assertError(await anonymous.listSessions(), 401, "UNAUTHORIZED", "Unauthorized", "list-sessions");
      assertError(await anonymous.updateUser({ name: "x" }), 401, "UNAUTHORIZED", "Unauthorized", "update-user");
      assertError(await anonymous.revokeOtherSessions(), 401, "UNAUTHORIZED", "Unauthorized", "revoke-other-sessions");
    });
  });
}

// Below the client: requests the client never sends by itself, or sends only in a browser,
// answered by both servers; Better-Auth's answer (status and body) is the expected one.
describe("raw requests: vibework answers as Better-Auth does", () => {
  const [node, vibework] = [servers.node, servers.vibework];
  const json = (body, headers = {}) => ({ method: "POST", headers: { "content-type": "application/json", ...headers }, body: JSON.stringify(body) });
  const cases = [
    ["an unknown route under the base path", "/api/auth/no-such-route", {}],
    ["a trailing slash", "/api/auth/get-session/", {}],
    ["a double slash", "/api/auth//get-session", {}],
    ["a wrong method on a known route (GET sign-in)", "/api/auth/sign-in/email", {}],
    ["POST get-session without deferSessionRefresh", "/api/auth/get-session", json({})],
    ["a text/plain body", "/api/auth/sign-in/email", { method: "POST", headers: { "content-type": "text/plain" }, body: "{}" }],
    ["malformed JSON", "/api/auth/sign-in/email", { method: "POST", headers: { "content-type": "application/json" }, body: "{nope" }],
    ["sign-up without a password", "/api/auth/sign-up/email", json({ email: "x@example.com", name: "x" })],
    ["sign-up with a number as the name", "/api/auth/sign-up/email", json({ email: "x@example.com", name: 5, password: PASSWORD })],
    ["sign-in without a body", "/api/auth/sign-in/email", { method: "POST", headers: { "content-type": "application/json" } }],
    ["sign-in as a cross-site navigation", "/api/auth/sign-in/email", json({ email: "x@example.com", password: PASSWORD }, { origin: null, "sec-fetch-site": "cross-site", "sec-fetch-mode": "navigate", "sec-fetch-dest": "document" })],
    ["sign-in with fetch metadata and no Origin", "/api/auth/sign-in/email", json({ email: "x@example.com", password: PASSWORD }, { origin: null, "sec-fetch-site": "same-origin", "sec-fetch-mode": "cors" })],
    ["sign-in with fetch metadata, no Origin and a bad body (the schema is checked first)", "/api/auth/sign-in/email", json({ email: "x@example.com", password: PASSWORD, rememberMe: 1 }, { origin: null, "sec-fetch-mode": "cors" })],
    ["sign-in from a foreign Origin without cookies", "/api/auth/sign-in/email", json({ email: "x@example.com", password: PASSWORD }, { origin: "http://evil.example" })],
    ["sign-in with a foreign callbackURL", "/api/auth/sign-in/email", json({ email: "x@example.com", password: PASSWORD, callbackURL: "https://evil.example/" })],
    ["sign-in with a protocol-relative callbackURL", "/api/auth/sign-in/email", json({ email: "x@example.com", password: PASSWORD, callbackURL: "//evil.example/" })],
    ["change-password with an empty body and no session (validation before the session)", "/api/auth/change-password", json({})],
    ["revoke-session without a token and no session", "/api/auth/revoke-session", json({})],
    ["sign-out without a cookie", "/api/auth/sign-out", json({})],
    ["get-session with a cookie that has no signature", "/api/auth/get-session", { headers: { cookie: `${COOKIE}=${"a".repeat(32)}` } }],
  ];
  const signedIn = {};  // server name -> {cookie, email}: a user of each server, for the cases that need one
  const form = (fields, headers = {}) => ({ method: "POST", headers: { "content-type": "application/x-www-form-urlencoded", ...headers }, body: new URLSearchParams(fields).toString() });
  const withSession = (init) => (server) => ({ ...init, headers: { ...init.headers, cookie: signedIn[server.name].cookie, origin: server.url } });
  const ownEmail = (init) => (server) => ({ ...init, body: init.body.replace("OWN_EMAIL", signedIn[server.name].email) });
  cases.push(
    ["sign-up with a form body", "/api/auth/sign-up/email", (server) => form({ email: uniqueEmail(server === node ? "form-n" : "form-v"), password: PASSWORD, name: "Form" })],
    ["sign-in with a form body and a wrong password", "/api/auth/sign-in/email", ownEmail(form({ email: "OWN_EMAIL", password: "wrong password" }))],
    ["sign-in with rememberMe as a string", "/api/auth/sign-in/email", ownEmail(json({ email: "OWN_EMAIL", password: PASSWORD, rememberMe: "false" }))],
    ["sign-in with an empty password", "/api/auth/sign-in/email", ownEmail(json({ email: "OWN_EMAIL", password: "" }))],
    ["sign-in with a numeric password", "/api/auth/sign-in/email", ownEmail(json({ email: "OWN_EMAIL", password: 12345678 }))],
    ["sign-in with JSON and a charset", "/api/auth/sign-in/email", ownEmail({ method: "POST", headers: { "content-type": "application/json; charset=utf-8" }, body: JSON.stringify({ email: "OWN_EMAIL", password: "wrong password" }) })],
    ["sign-up with emailVerified true (ignored) and an image", "/api/auth/sign-up/email", (server) => json({ email: uniqueEmail(server === node ? "ev-n" : "ev-v"), password: PASSWORD, name: "EV", emailVerified: true, image: "https://example.com/i.png" })],
    ["sign-up without a name", "/api/auth/sign-up/email", json({ email: "nameless@example.com", password: PASSWORD })],
    ["sign-up with 4 emoji (8 UTF-16 units: long enough)", "/api/auth/sign-up/email", (server) => json({ email: uniqueEmail(server === node ? "emoji-n" : "emoji-v"), password: "😀😀😀😀", name: "E" })],
    ["sign-up with 7 accented letters (too short)", "/api/auth/sign-up/email", json({ email: "accent@example.com", password: "ééééééé", name: "A" })],
    ["sign-up with a relative callbackURL", "/api/auth/sign-up/email", (server) => json({ email: uniqueEmail(server === node ? "cb-n" : "cb-v"), password: PASSWORD, name: "CB", callbackURL: "/welcome?from=signup" })],
    ["update-user with a JSON array", "/api/auth/update-user", withSession({ method: "POST", headers: { "content-type": "application/json" }, body: "[1,2]" })],
    ["change-password with a wrong current password", "/api/auth/change-password", withSession(json({ currentPassword: "not it at all", newPassword: "whatever long enough" }))],
    ["revoke-session with a number as the token", "/api/auth/revoke-session", withSession(json({ token: 5 }))],
    ["sign-out with a cookie and a trusted Referer but no Origin", "/api/auth/sign-out", (server) => ({ method: "POST", headers: { "content-type": "application/json", cookie: signedIn[server.name].cookie, origin: null, referer: `${server.url}/some/page` }, body: "{}" })],
    ["sign-out with a cookie and Origin: null", "/api/auth/sign-out", (server) => ({ method: "POST", headers: { "content-type": "application/json", cookie: signedIn[server.name].cookie, origin: "null" }, body: "{}" })],
    ["get-session with disableCookieCache=false (any non-empty string is true)", "/api/auth/get-session?disableCookieCache=false", withSession({})],
  );
  // Ids, tokens, dates and e-mail addresses differ between the servers; their shapes must not.
  const normalize = (v) => {
    if (Array.isArray(v)) return v.map(normalize);
    if (v && typeof v === "object") return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, normalize(x)]));
    if (typeof v === "string" && TOKEN.test(v)) return "<32-char id or token>";
    if (typeof v === "string" && /^\d{4}-\d{2}-\d{2}T[\d:.]+Z$/.test(v)) return "<date>";
    if (typeof v === "string" && v.endsWith("@example.com")) return "<email>";
    if (typeof v === "string" && v.startsWith("http://127.0.0.1:")) return "<own origin>" + new URL(v).pathname;
    return v;
  };
  const answer = async (server, path, init) => {
    if (typeof init === "function") init = init(server);
    // Node's fetch sends Sec-Fetch-Mode: cors, as a browser does, and Better-Auth then requires an
    // Origin on sign-in/sign-up: every case sends its server's own origin unless it says otherwise
    // (origin: null sends none).
    const headers = { origin: server.url, ...init.headers };
    if (headers.origin === null) delete headers.origin;
    init = { ...init, headers };
    const response = await fetch(server.url + path, { ...init, signal: AbortSignal.timeout(30_000) });
    const text = await response.text();
    let body = text;
    try {
      body = text === "" ? "" : JSON.parse(text);
    } catch {}
    // vibework adds its request id to error bodies; the client passes unknown fields through, so
    // that extra field is allowed (and the only one).
    if (server === servers.vibework && body && typeof body === "object" && typeof body.requestId === "string") delete body.requestId;
    return { status: response.status, body: normalize(body), setCookies: response.headers.getSetCookie().map((c) => parseSetCookie(c).name).sort() };
  };
  before(async () => {
    for (const server of [node, vibework]) {
      const { client, email } = await signedUp(server);
      signedIn[server.name] = { cookie: client.jar.header(), email };
    }
  });
  // The one deliberate difference: Better-Auth 1.7 takes {"name": 5} (its update-user schema is
  // an untyped record) and stores "5"; vibework refuses a name that is not a string.
  test("update-user with a number as the name: vibework says 400 naming the field", async () => {
    const init = withSession(json({ name: 5 }))(vibework);
    const actual = await answer(vibework, "/api/auth/update-user", init);
    assert.equal(actual.status, 400);
    assert.equal(actual.body.message, "[body.name] Invalid input: expected string, received number");
  });
  for (const [what, path, init] of cases) {
    test(what, async () => {
      const expected = await answer(node, path, init);
      const actual = await answer(vibework, path, init);
      const shown = typeof init === "function" ? init(vibework) : init;
      const request = `${shown.method ?? "GET"} ${path} ${shown.body ?? ""}`;
      assert.deepEqual(actual, expected, `${request}\n  Better-Auth: ${JSON.stringify(expected)}\n  vibework:    ${JSON.stringify(actual)}`);
    });
  }
});
