/** Query → stream options, case by case, as the API server decodes them. */
import assert from "node:assert/strict";
import { test } from "node:test";
import { parseRemoteCommandOptions, requestedCommand } from "./options.js";

const cases: Array<{ query: string; want: ReturnType<typeof parseRemoteCommandOptions> }> = [
  { query: "command=ls&stdout=true&stderr=true", want: { stdin: false, stdout: true, stderr: true, tty: false } },
  { query: "stdin=true&stdout=true&stderr=true", want: { stdin: true, stdout: true, stderr: true, tty: false } },
  { query: "stdin=true&stdout=true&tty=true", want: { stdin: true, stdout: true, stderr: false, tty: true } },
  { query: "stdout=true&stderr=true&tty=true", want: { stdin: false, stdout: true, stderr: false, tty: true } },
  { query: "stdout=1&stderr=0", want: { stdin: false, stdout: true, stderr: false, tty: false } },
  { query: "stdout=TRUE&stderr=False", want: { stdin: false, stdout: true, stderr: false, tty: false } },
  { query: "stdout=yes", want: { stdin: false, stdout: true, stderr: false, tty: false } },
  { query: "stdout=false&stdout=true", want: { error: "you must specify at least 1 of stdin, stdout, stderr" } },
  { query: "command=ls", want: { error: "you must specify at least 1 of stdin, stdout, stderr" } },
  { query: "stderr=true&tty=true", want: { error: "you must specify at least 1 of stdin, stdout, stderr" } },
];

for (const c of cases) {
  test(`parseRemoteCommandOptions(?${c.query})`, () => {
    assert.deepEqual(parseRemoteCommandOptions(new URL(`http://x/exec?${c.query}`)), c.want);
  });
}

test("requestedCommand keeps every argument in order", () => {
  const url = new URL("http://x/exec?command=sh&command=-c&command=echo%20a%3Bexit%207&stdout=true");
  assert.deepEqual(requestedCommand(url), ["sh", "-c", "echo a;exit 7"]);
});
