/** exec and attach, server side, over the WebSocket channel protocols or SPDY/3.1. */
export { parseRemoteCommandOptions, requestedCommand, type RemoteCommandOptions } from "./options.js";
export { type RemoteCommandStreams, type RunRemoteCommand } from "./run-remote-command.js";
export { serveRemoteCommand } from "./serve-remote-command.js";
export { remoteCommandStatus, type RemoteCommandRequest, type RemoteCommandResult } from "./status.js";
export { type TerminalSize } from "./terminal-size.js";
