import assert from "node:assert/strict";
import { mkdir, mkdtemp, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { after, describe, test } from "node:test";
import { NODE_TOKEN_USER, ensureNodeToken, tokenFilePath } from "./node-token.js";
import { TokenAuthenticator, bearerToken } from "./token-authenticator.js";
import { formatTokenRecord, parseTokenFile } from "./token-file.js";

const dataDirs: string[] = [];
after(async () => {
  await Promise.all(dataDirs.map((dir) => rm(dir, { recursive: true, force: true })));
});
async function freshDataDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "peapod-tokens-"));
  dataDirs.push(dir);
  return dir;
}

describe("token file", () => {
  test("reads token, user name, uid and optional quoted groups, skipping records without a token", () => {
    const text = 'abc,alice,1,"devs,ops"\r\n\n,nobody,2\n"x""y",bob,3\nz,carol,4,\n';
    assert.deepEqual(parseTokenFile(text, "tokens.csv"), [
      { token: "abc", username: "alice", uid: "1", groups: ["devs", "ops"] },
      { token: 'x"y', username: "bob", uid: "3", groups: [] },
      { token: "z", username: "carol", uid: "4", groups: [] },
    ]);
  });

  test("a record with fewer than three columns is an error naming the file", () => {
    assert.throws(
      () => parseTokenFile("abc,alice\n", "/etc/tokens.csv"),
      { message: "token file '/etc/tokens.csv' must have at least 3 columns (token, user name, user uid), found 2" },
    );
  });

  test("malformed quoting is an error with the line number", () => {
    assert.throws(() => parseTokenFile('a,b,c\nab"c,d,e\n', "t"), /line 2: bare " in non-quoted-field/);
    assert.throws(() => parseTokenFile('"abc,d,e\n', "t"), /extraneous or missing " in quoted-field/);
  });

  test("written records read back the same", () => {
    const records = [
      { token: "t1", username: "system:node:a", uid: "u1", groups: ["system:nodes", "x"] },
      { token: "t2", username: 'odd "name"', uid: "u2", groups: [] },
    ];
    assert.deepEqual(parseTokenFile(records.map(formatTokenRecord).join(""), "t"), records);
  });
});

describe("TokenAuthenticator", () => {
  const authenticator = new TokenAuthenticator(
    parseTokenFile("secret-one,alice,uid-1,devs\nsecret-two,bob,uid-2\nsecret-one,alice2,uid-3\n", "t"),
  );

  test("a known token authenticates as its user, with system:authenticated added", () => {
    assert.deepEqual(authenticator.authenticateToken("secret-two"), { username: "bob", uid: "uid-2", groups: ["system:authenticated"] });
  });

  test("with a duplicated token the last record wins", () => {
    assert.equal(authenticator.authenticateToken("secret-one")?.username, "alice2");
  });

  test("unknown tokens, prefixes and the empty token do not authenticate", () => {
    for (const token of ["secret-three", "secret-", "secret-twoo", ""]) assert.equal(authenticator.authenticateToken(token), undefined, token);
  });
});

describe("bearerToken", () => {
  test("takes the token of a Bearer Authorization header, the scheme in any case", () => {
    assert.equal(bearerToken("Bearer abc"), "abc");
    assert.equal(bearerToken("  bearer abc  "), "abc");
  });

  test("finds no token in other schemes, a bare scheme or no header", () => {
    for (const header of [undefined, "", "Basic YTpi", "Bearer", "Bearer  abc"]) assert.equal(bearerToken(header), undefined, String(header));
  });
});

describe("ensureNodeToken", () => {
  test("creates a random token once, in an owner-only token file the authenticator reads", async () => {
    const dataDir = await freshDataDir();
    const first = await ensureNodeToken(dataDir);
    assert.match(first.token, /^[0-9a-f]{64}$/);
    assert.equal(first.tokenFile, tokenFilePath(dataDir));
    assert.equal((await stat(first.tokenFile)).mode & 0o777, 0o600);
    assert.deepEqual(await ensureNodeToken(dataDir), first);

    const authenticator = await TokenAuthenticator.fromFile(first.tokenFile);
    assert.deepEqual(authenticator.authenticateToken(first.token), {
      username: NODE_TOKEN_USER.username,
      uid: NODE_TOKEN_USER.uid,
      groups: [...NODE_TOKEN_USER.groups, "system:authenticated"],
    });
    assert.notEqual((await ensureNodeToken(await freshDataDir())).token, first.token);
  });

  test("adds the node token to a token file an operator already wrote, keeping the operator's records", async () => {
    const dataDir = await freshDataDir();
    const tokenFile = tokenFilePath(dataDir);
    await mkdir(dirname(tokenFile), { recursive: true });
    await writeFile(tokenFile, "operator-token,ops,ops-uid"); // no final newline
    const node = await ensureNodeToken(dataDir);
    const authenticator = await TokenAuthenticator.fromFile(tokenFile);
    assert.equal(authenticator.authenticateToken("operator-token")?.username, "ops");
    assert.equal(authenticator.authenticateToken(node.token)?.username, NODE_TOKEN_USER.username);
  });
});
