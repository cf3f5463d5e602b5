// vibework and a Node Better-Auth 1.7 app (server.mjs) on one MySQL database with one secret:
// users, password hashes and session cookies made by either are accepted by the other.
import assert from "node:assert/strict";
import { after, describe, test } from "node:test";
import {
  COOKIE,
  CookieJar,
  PASSWORD,
  assertSession,
  assertUser,
  closeDb,
  credentialAccount,
  makeClient,
  ok,
  query,
  servers,
  signedUp,
  uniqueEmail,
} from "./lib.mjs";

after(closeDb);

const { node, vibework } = servers;
const SCRYPT = /^[0-9a-f]{32}:[0-9a-f]{128}$/;
const ARGON2ID = /^\$argon2id\$v=19\$m=\d+,t=\d+,p=\d+\$[A-Za-z0-9+/]+\$[A-Za-z0-9+/]+$/;

// The same cookie jar on both servers, as a browser shares cookies across ports of one host.
function pair(jar = new CookieJar()) {
  return { jar, node: makeClient(node, { jar }), vibework: makeClient(vibework, { jar }) };
}

// The raw get-session body of each server for the same cookies.
async function bothSessions(p) {
  ok(await p.node.getSession(), p.node, "node get-session");
  const fromNode = JSON.parse(p.node.last.body);
  ok(await p.vibework.getSession(), p.vibework, "vibework get-session");
  const fromVibework = JSON.parse(p.vibework.last.body);
  return { fromNode, fromVibework };
}

describe("shared database", () => {
  test("a user signed up through Node (scrypt) signs in through vibework", async (t) => {
    const { user, email } = await signedUp(node);
    const account = await credentialAccount(user.id);
    assert.match(account.password, SCRYPT, "Node wrote Better-Auth's scrypt hash");
    assert.equal(account.issuer, "local:credential");

    const client = makeClient(vibework);
    const data = ok(await client.signIn.email({ email, password: PASSWORD }), client, "vibework sign-in with a Node scrypt hash");
    assertUser(data.user, { email });
    assert.equal(data.user.id, user.id);
    assertSession(ok(await client.getSession(), client).session, { userId: user.id, token: data.token });

    // vibework (AUTH_REHASH, on by default) may rewrite the scrypt hash as Argon2id on sign-in;
    // the Node app still signs the user in (its verify hook accepts Argon2id, see server.mjs).
    const after = await credentialAccount(user.id);
    assert.ok(SCRYPT.test(after.password) || ARGON2ID.test(after.password), `a hash either server verifies: ${after.password.slice(0, 40)}`);
    t.diagnostic(`after vibework's sign-in the stored hash is ${SCRYPT.test(after.password) ? "still scrypt" : "Argon2id (rehashed)"}`);
    const again = makeClient(node);
    ok(await again.signIn.email({ email, password: PASSWORD }), again, "Node sign-in after vibework's sign-in");
    const wrong = makeClient(vibework);
    const refused = await wrong.signIn.email({ email, password: "not the password" });
    assert.equal(refused.error?.status, 401, wrong.describeLast());
  });

  test("a user signed up through vibework (Argon2id) signs in through Node", async () => {
    const email = uniqueEmail("vw");
    const client = makeClient(vibework);
    const { user } = ok(await client.signUp.email({ email, password: PASSWORD, name: "From vibework" }), client, "vibework sign-up");

    const [row] = await query("SELECT * FROM user WHERE id = ?", [user.id]);
    assert.equal(row.email, email);
    assert.equal(Number(row.email_verified), 0);
    const account = await credentialAccount(user.id);
    assert.equal(account.provider_id, "credential");
    assert.equal(account.account_id, user.id, "accountId = user.id");
    assert.equal(account.issuer, "local:credential", "1.7's issuer column");
    assert.match(account.password, ARGON2ID, "vibework writes Argon2id");
    assert.match(account.password, /^\$argon2id\$v=19\$m=19456,t=2,p=1\$/, "OWASP parameters");

    const nodeClient = makeClient(node);
    const data = ok(await nodeClient.signIn.email({ email, password: PASSWORD }), nodeClient, "Node sign-in with a vibework Argon2id hash");
    assertUser(data.user, { email, name: "From vibework" });
    assert.equal(data.user.id, user.id);
    const wrong = await makeClient(node).signIn.email({ email, password: "not the password" });
    assert.equal(wrong.error?.status, 401);
  });

  test("a scrypt hash written by Node for a changed password is accepted by vibework", async () => {
    const { client, email } = await signedUp(vibework);
    const nodeSide = makeClient(node, { jar: client.jar });
    const newPassword = "changed through node";
    ok(await nodeSide.changePassword({ currentPassword: PASSWORD, newPassword }), nodeSide, "Node change-password of a vibework user");
    const fresh = makeClient(vibework);
    ok(await fresh.signIn.email({ email, password: newPassword }), fresh, "vibework sign-in with Node's new hash");
    const old = await makeClient(vibework).signIn.email({ email, password: PASSWORD });
    assert.equal(old.error?.code, "INVALID_EMAIL_OR_PASSWORD");
  });

  test("Node's session cookie is accepted by vibework's get-session, with the same answer", async () => {
    const p = pair();
    const { token, user } = ok(await p.node.signUp.email({ email: uniqueEmail("n2v"), password: PASSWORD, name: "N" }), p.node);
    const data = ok(await p.vibework.getSession(), p.vibework, "vibework get-session with Node's cookie");
    assert.ok(data, `vibework recognises Node's cookie: ${p.vibework.describeLast()}`);
    assertSession(data.session, { userId: user.id, token });
    const { fromNode, fromVibework } = await bothSessions(p);
    assert.deepEqual(fromVibework, fromNode, "both servers describe the session identically");
  });

  test("vibework's session cookie is accepted by Node's get-session, with the same answer", async () => {
    const p = pair();
    const { token, user } = ok(await p.vibework.signUp.email({ email: uniqueEmail("v2n"), password: PASSWORD, name: "V" }), p.vibework);
    const data = ok(await p.node.getSession(), p.node, "Node get-session with vibework's cookie");
    assert.ok(data, `Node recognises vibework's cookie: ${p.node.describeLast()}`);
    assertSession(data.session, { userId: user.id, token });
    const { fromNode, fromVibework } = await bothSessions(p);
    assert.deepEqual(fromVibework, fromNode);
  });

  test("a rememberMe:false session from vibework keeps its dont_remember meaning on Node", async () => {
    const { email } = await signedUp(node);
    const p = pair();
    ok(await p.vibework.signIn.email({ email, password: PASSWORD, rememberMe: false }), p.vibework, "vibework sign-in, rememberMe false");
    const { fromNode, fromVibework } = await bothSessions(p);
    assert.deepEqual(fromVibework, fromNode);
    // Node's update-user re-issues the session cookie; with dont_remember present it stays a
    // browser-session cookie, so Node accepted vibework's signed dont_remember value.
    ok(await p.node.updateUser({ name: "still forgetful" }), p.node, "Node update-user");
    const reissued = p.node.lastCookie(COOKIE);
    if (reissued) assert.equal(reissued.attributes["max-age"], undefined, `Node keeps remember-me off: ${reissued.header}`);
  });

  test("sign-out through one server ends the session on the other", async () => {
    const p = pair();
    ok(await p.node.signUp.email({ email: uniqueEmail("out"), password: PASSWORD, name: "O" }), p.node);
    const kept = p.jar.copy();
    ok(await p.vibework.signOut(), p.vibework, "vibework sign-out of a Node session");
    const stale = makeClient(node, { jar: kept });
    assert.equal(ok(await stale.getSession(), stale), null, "Node no longer knows the session");

    const q = pair();
    ok(await q.vibework.signUp.email({ email: uniqueEmail("out2"), password: PASSWORD, name: "O2" }), q.vibework);
    const kept2 = q.jar.copy();
    ok(await q.node.signOut(), q.node, "Node sign-out of a vibework session");
    const after = makeClient(vibework, { jar: kept2 });
    assert.equal(ok(await after.getSession(), after), null, "vibework no longer knows the session");
  });

  test("an update through vibework is seen by Node, and one through Node by vibework", async () => {
    const p = pair();
    ok(await p.node.signUp.email({ email: uniqueEmail("upd"), password: PASSWORD, name: "Before" }), p.node);
    ok(await p.vibework.updateUser({ name: "Renamed by vibework", image: "https://example.com/a.png" }), p.vibework, "vibework update-user");
    const seen = ok(await p.node.getSession(), p.node);
    assert.equal(seen.user.name, "Renamed by vibework");
    assert.equal(seen.user.image, "https://example.com/a.png");
    ok(await p.node.updateUser({ name: "Renamed by node" }), p.node);
    assert.equal(ok(await p.vibework.getSession(), p.vibework).user.name, "Renamed by node");
    const { fromNode, fromVibework } = await bothSessions(p);
    assert.deepEqual(fromVibework, fromNode);
  });

  test("both servers list the same sessions, whichever made them", async () => {
    const { email } = await signedUp(node);
    const p = pair();
    ok(await p.vibework.signIn.email({ email, password: PASSWORD }), p.vibework);
    const other = makeClient(node);
    ok(await other.signIn.email({ email, password: PASSWORD }), other);
    ok(await p.node.listSessions(), p.node, "Node list-sessions");
    const fromNode = JSON.parse(p.node.last.body);
    ok(await p.vibework.listSessions(), p.vibework, "vibework list-sessions");
    const fromVibework = JSON.parse(p.vibework.last.body);
    const byId = (a, b) => a.id.localeCompare(b.id);
    assert.equal(fromNode.length, 3, "the sign-up's, vibework's and Node's sessions");
    assert.deepEqual(fromVibework.sort(byId), fromNode.sort(byId));

    // revoke-other-sessions through vibework ends the Node-made session.
    ok(await p.vibework.revokeOtherSessions(), p.vibework);
    assert.equal(ok(await other.getSession(), other), null);
  });
});
