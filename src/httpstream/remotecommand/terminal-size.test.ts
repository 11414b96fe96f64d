/** Decoding the resize stream (spec §7.2: `{"Width":100,"Height":30}\n` on channel 4). */
import assert from "node:assert/strict";
import { Readable } from "node:stream";
import { test } from "node:test";
import { JsonValueSplitter, parseTerminalSize, terminalSizes, type TerminalSize } from "./terminal-size.js";

const parseCases: Array<{ text: string; want: TerminalSize | undefined }> = [
  { text: '{"Width":100,"Height":30}', want: { width: 100, height: 30 } },
  { text: '{"width":80,"height":24}', want: { width: 80, height: 24 } },
  { text: '{"Width":80}', want: { width: 80, height: 0 } },
  { text: '{"Width":-1,"Height":2}', want: undefined },
  { text: '{"Width":70000,"Height":2}', want: undefined },
  { text: '{"Width":"80","Height":2}', want: undefined },
  { text: "[80,24]", want: undefined },
  { text: "x", want: undefined },
];

for (const c of parseCases) {
  test(`parseTerminalSize(${c.text})`, () => {
    assert.deepEqual(parseTerminalSize(c.text), c.want);
  });
}

const splitCases: Array<{ name: string; chunks: string[]; want: string[] }> = [
  { name: "newline-terminated values", chunks: ['{"Width":1}\n{"Width":2}\n'], want: ['{"Width":1}', '{"Width":2}'] },
  { name: "values back to back", chunks: ['{"Width":1}{"Width":2}'], want: ['{"Width":1}', '{"Width":2}'] },
  { name: "a value split across chunks", chunks: ['{"Wid', 'th":1', "}\n"], want: ['{"Width":1}'] },
  { name: "braces inside strings", chunks: ['{"a":"}{\\""}'], want: ['{"a":"}{\\""}'] },
  { name: "garbage between values", chunks: ['{"Width":1} x'], want: ['{"Width":1}', "x"] },
];

for (const c of splitCases) {
  test(`JsonValueSplitter: ${c.name}`, () => {
    const splitter = new JsonValueSplitter();
    assert.deepEqual(c.chunks.flatMap((chunk) => splitter.push(chunk)), c.want);
  });
}

test("terminalSizes yields each size and stops at the first malformed one", async () => {
  const stream = Readable.from([Buffer.from('{"Width":100,"Height":30}\n{"Width":12'), Buffer.from('0,"Height":40}\nnope\n{"Width":1,"Height":1}\n')]);
  const seen: TerminalSize[] = [];
  for await (const size of terminalSizes(stream)) seen.push(size);
  assert.deepEqual(seen, [
    { width: 100, height: 30 },
    { width: 120, height: 40 },
  ]);
});
