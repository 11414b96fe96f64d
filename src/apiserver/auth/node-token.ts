/**
 * The shared secret a node presents to join the cluster, kept as a record of the static
 * token file DATA/pki/tokens.csv so the API server's TokenAuthenticator knows it.
 */
import { randomBytes } from "node:crypto";
import { chmod, mkdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { writeFileAtomically } from "../../base/index.js";
import { pkiDirectory } from "./pki.js";
import { formatTokenRecord, parseTokenFile } from "./token-file.js";

/** The identity every node token authenticates as. Group as upstream's node identities. */
export const NODE_TOKEN_USER = { username: "peapod-node", uid: "peapod-node", groups: ["system:nodes"] } as const;

export function tokenFilePath(dataDir: string): string {
  return join(pkiDirectory(dataDir), "tokens.csv");
}

export interface NodeToken {
  readonly token: string;
  /** The token file that holds it (for TokenAuthenticator.fromFile). */
  readonly tokenFile: string;
}

/** Returns the node token, creating it (256 random bits, hex) on the first call. */
export async function ensureNodeToken(dataDir: string): Promise<NodeToken> {
  const directory = pkiDirectory(dataDir);
  await mkdir(directory, { recursive: true, mode: 0o700 });
  await chmod(directory, 0o700);
  const tokenFile = tokenFilePath(dataDir);

  let text = "";
  try {
    text = await readFile(tokenFile, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
  }
  const existing = parseTokenFile(text, tokenFile).find((record) => record.username === NODE_TOKEN_USER.username);
  if (existing !== undefined) return { token: existing.token, tokenFile };

  const token = randomBytes(32).toString("hex");
  const separator = text === "" || text.endsWith("\n") ? "" : "\n";
  await writeFileAtomically(tokenFile, text + separator + formatTokenRecord({ token, ...NODE_TOKEN_USER }), { mode: 0o600 });
  return { token, tokenFile };
}
