/**
 * The static token file of upstream's --token-auth-file
 * (k8s.io/apiserver/pkg/authentication/token/tokenfile): CSV, one user per record,
 *
 *   token,user name,user uid[,"group1,group2"]
 *
 * Records with an empty token are skipped; fewer than three columns is an error.
 */

export interface TokenRecord {
  readonly token: string;
  readonly username: string;
  readonly uid: string;
  readonly groups: readonly string[];
}

export function parseTokenFile(text: string, path: string): TokenRecord[] {
  const records: TokenRecord[] = [];
  for (const fields of parseCsv(text, path)) {
    if (fields.length < 3) {
      throw new Error(`token file '${path}' must have at least 3 columns (token, user name, user uid), found ${fields.length}`);
    }
    const [token, username, uid, groups] = fields as [string, string, string, string | undefined];
    if (token === "") continue;
    records.push({ token, username, uid, groups: groups === undefined ? [] : groups.split(",").filter((g) => g !== "") });
  }
  return records;
}

/** One record as a CSV line (with its newline), quoting only what needs it. */
export function formatTokenRecord(record: TokenRecord): string {
  const fields = [record.token, record.username, record.uid];
  if (record.groups.length > 0) fields.push(record.groups.join(","));
  return `${fields.map(csvField).join(",")}\n`;
}

function csvField(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value;
}

/**
 * RFC 4180 records as Go's encoding/csv reads them with default settings: quoted fields
 * may hold commas, newlines and doubled quotes; a quote inside an unquoted field is an
 * error; blank lines are skipped.
 */
function parseCsv(text: string, path: string): string[][] {
  const records: string[][] = [];
  let line = 1;
  let i = 0;
  const fail = (what: string): never => {
    throw new Error(`token file '${path}': parse error on line ${line}: ${what}`);
  };
  while (i < text.length) {
    if (text[i] === "\n" || text.startsWith("\r\n", i)) {
      i += text[i] === "\n" ? 1 : 2;
      line++;
      continue;
    }
    const fields: string[] = [];
    for (;;) {
      let field = "";
      if (text[i] === '"') {
        i++;
        for (;;) {
          if (i >= text.length) fail('extraneous or missing " in quoted-field');
          if (text[i] === '"') {
            if (text[i + 1] === '"') {
              field += '"';
              i += 2;
              continue;
            }
            i++;
            break;
          }
          if (text[i] === "\n") line++;
          field += text[i++];
        }
        if (i < text.length && text[i] !== "," && text[i] !== "\n" && !text.startsWith("\r\n", i)) {
          fail('extraneous or missing " in quoted-field');
        }
      } else {
        while (i < text.length && text[i] !== "," && text[i] !== "\n" && !text.startsWith("\r\n", i)) {
          if (text[i] === '"') fail('bare " in non-quoted-field');
          field += text[i++];
        }
      }
      fields.push(field);
      if (text[i] === ",") {
        i++;
        continue;
      }
      break;
    }
    records.push(fields);
  }
  return records;
}
