/** `peapod <command>`: the composition root, the only place that picks backends. */
import { serverCommand } from "./server-command.js";
import { agentCommand } from "./agent-command.js";
import { resetCommand } from "./reset-command.js";
import { imageCommand } from "./image-command.js";
import { UsageError } from "./flags.js";

const commands: Record<string, { run(args: string[]): Promise<number>; summary: string }> = {
  server: serverCommand,
  agent: agentCommand,
  image: imageCommand,
  reset: resetCommand,
};

function help(): string {
  const rows = Object.entries(commands).map(([name, c]) => `  ${name.padEnd(10)} ${c.summary}`);
  return `Peapod: a lightweight Kubernetes-compatible pod engine.\n\nUsage: peapod <command> [flags]\n\nCommands:\n${rows.join("\n")}\n\nRun 'peapod <command> --help' for the flags of a command.\n`;
}

async function main(argv: string[]): Promise<number> {
  const [name, ...args] = argv;
  if (!name || name === "help" || name === "--help" || name === "-h") {
    process.stdout.write(help());
    return name ? 0 : 2;
  }
  const command = commands[name];
  if (!command) {
    process.stderr.write(`peapod: unknown command ${JSON.stringify(name)}\n\n${help()}`);
    return 2;
  }
  try {
    return await command.run(args);
  } catch (e) {
    if (e instanceof UsageError) {
      process.stderr.write(`peapod ${name}: ${e.message}\n`);
      return 2;
    }
    process.stderr.write(`peapod ${name}: ${e instanceof Error ? e.message : String(e)}\n`);
    return 1;
  }
}

main(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
});
