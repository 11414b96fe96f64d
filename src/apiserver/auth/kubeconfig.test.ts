import assert from "node:assert/strict";
import { type ChildProcess, execFile } from "node:child_process";
import { mkdtemp, readFile, rm, stat } from "node:fs/promises";
import type { IncomingMessage, ServerResponse } from "node:http";
import { type Server, createServer } from "node:https";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { TLSSocket } from "node:tls";
import { after, before, describe, test } from "node:test";
import { parse } from "yaml";
import { authenticateClientCertificate, servingTlsOptions } from "./client-cert-authenticator.js";
import { buildAdminKubeconfig, writeKubeconfigAtomically } from "./kubeconfig.js";
import { type Pki, ensurePki } from "./pki.js";
import type { UserInfo } from "./user-info.js";

const SERVER_VERSION = { major: "1", minor: "32", gitVersion: "v1.32.0", platform: "linux/amd64" };

describe("admin kubeconfig", () => {
  let dir: string;
  let pki: Pki;

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), "peapod-kubeconfig-"));
    pki = await ensurePki(join(dir, "data"), { hosts: [] });
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  test("embeds the CA and the client credentials and makes its context current, without a namespace", () => {
    const text = buildAdminKubeconfig({
      serverUrl: "https://127.0.0.1:6443",
      caPem: pki.ca.certPem,
      certPem: pki.admin.certPem,
      keyPem: pki.admin.keyPem,
    });
    const config = parse(text);
    const decode = (data: string): string => Buffer.from(data, "base64").toString("utf8");
    assert.equal(config.apiVersion, "v1");
    assert.equal(config.kind, "Config");
    assert.equal(config["current-context"], "peapod");
    assert.deepEqual(config.contexts, [{ name: "peapod", context: { cluster: "peapod", user: "admin" } }]);
    assert.equal(config.clusters[0].name, "peapod");
    assert.equal(config.clusters[0].cluster.server, "https://127.0.0.1:6443");
    assert.equal(decode(config.clusters[0].cluster["certificate-authority-data"]), pki.ca.certPem);
    assert.equal(config.users[0].name, "admin");
    assert.equal(decode(config.users[0].user["client-certificate-data"]), pki.admin.certPem);
    assert.equal(decode(config.users[0].user["client-key-data"]), pki.admin.keyPem);
  });

  test("is written readable by its owner only, creating the directory", async () => {
    const path = join(dir, "home", ".kube", "config");
    await writeKubeconfigAtomically(path, "first");
    await writeKubeconfigAtomically(path, "second");
    assert.equal(await readFile(path, "utf8"), "second");
    assert.equal((await stat(path)).mode & 0o777, 0o600);
  });

  describe("with the real kubectl", () => {
    let server: Server;
    const seenUsers: (UserInfo | undefined)[] = [];
    const children = new Set<ChildProcess>();

    before(async () => {
      server = createServer(servingTlsOptions(pki.apiserver, pki.ca.certPem), (req: IncomingMessage, res: ServerResponse) => {
        seenUsers.push(authenticateClientCertificate(req.socket as TLSSocket));
        if (req.url?.split("?")[0] !== "/version") {
          res.writeHead(404).end();
          return;
        }
        res.setHeader("content-type", "application/json");
        res.end(JSON.stringify(SERVER_VERSION));
      });
      await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    });
    after(async () => {
      for (const child of children) if (child.pid !== undefined && child.exitCode === null) process.kill(child.pid, "SIGKILL");
      server?.closeAllConnections();
      await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
    });

    function kubectl(args: string[]): Promise<string> {
      return new Promise((resolve, reject) => {
        const child = execFile("kubectl", args, { timeout: 30_000, env: { PATH: process.env["PATH"], HOME: dir } }, (error, stdout, stderr) => {
          children.delete(child);
          if (error) reject(new Error(`kubectl ${args.join(" ")}: ${error.message}\n${stderr}`));
          else resolve(stdout);
        });
        children.add(child);
      });
    }

    test("kubectl trusts the serving certificate and presents the admin client certificate", async () => {
      const kubeconfig = join(dir, "kubeconfig");
      const port = (server.address() as AddressInfo).port;
      await writeKubeconfigAtomically(
        kubeconfig,
        buildAdminKubeconfig({ serverUrl: `https://127.0.0.1:${port}`, caPem: pki.ca.certPem, certPem: pki.admin.certPem, keyPem: pki.admin.keyPem }),
      );
      const output = JSON.parse(await kubectl(["--kubeconfig", kubeconfig, "--cache-dir", join(dir, "cache"), "version", "-o", "json"]));
      assert.equal(output.serverVersion.minor, "32");
      assert.equal(output.serverVersion.gitVersion, "v1.32.0");
      assert.ok(seenUsers.length > 0, "the server saw no request");
      for (const user of seenUsers) {
        assert.deepEqual(user, { username: "admin", groups: ["system:masters", "system:authenticated"] });
      }
    });
  });
});
