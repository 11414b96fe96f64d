/**
 * Attaching to a container's main process through conmon, as CRI-O does: conmon keeps the
 * container's stdio and serves it on a SOCK_SEQPACKET unix socket named `attach` in the
 * bundle (conmon src/conn_sock.c). Every packet conmon sends is one read of the container's
 * output with a leading byte naming the pipe (2 stdout, 3 stderr: conmon's stdpipe_t); what
 * the client sends is raw input for the container's stdin. Terminal resizes go through the
 * control fifo `ctl` in the bundle as `1 HEIGHT WIDTH\n` (conmon src/ctrl.c, WIN_RESIZE_EVENT).
 *
 * When a client's connection ends, conmon closes the container's stdin unless it was started
 * with --leave-stdin-open, which the container manager passes unless the container asked
 * for stdinOnce: that is exactly Kubernetes' stdinOnce rule.
 *
 * Node cannot open SEQPACKET sockets itself; node-unix-socket can. Socket paths are limited
 * to 108 bytes and bundles live deep below the runtime root, so the socket is reached
 * through /proc/self/fd of an open bundle directory, as conmon binds it.
 */
import { closeSync, constants, existsSync, openSync } from "node:fs";
import { join } from "node:path";
import { SeqpacketSocket } from "node-unix-socket";
import { RuntimeError } from "../errors.js";
import type { AttachOptions, AttachSession, TerminalSize } from "../runtime.js";
import { winResizeEvent, writeControlMessage } from "./conmon-control.js";

/** conmon's stdpipe_t values that lead each packet (src/utils.h). */
const stdoutPipe = 2;
const stderrPipe = 3;

/** Writes one resize message to conmon's control fifo; a gone conmon is not an error. */
function resizeThroughFifo(bundle: string, size: TerminalSize): void {
  if (size.width > 0 && size.height > 0) writeControlMessage(bundle, winResizeEvent, size.height, size.width);
}

/** The least time between two resize messages to conmon. */
const resizeSpacingMs = 30;

/**
 * conmon 2.1 can lose the second of two control messages that arrive back to back (seen
 * with kubectl attach, which sends size+1 then size to force a redraw): the terminal kept
 * the first. So resizes are spaced out, and only the newest size of a burst is written.
 */
function spacedResizes(write: (size: TerminalSize) => void): (size: TerminalSize) => void {
  let pending: TerminalSize | undefined;
  let timer: NodeJS.Timeout | undefined;
  const flush = (): void => {
    timer = undefined;
    if (!pending) return;
    const size = pending;
    pending = undefined;
    write(size);
    timer = setTimeout(flush, resizeSpacingMs);
    timer.unref();
  };
  return (size) => {
    pending = size;
    if (!timer) flush();
  };
}

/**
 * conmon listens on the attach socket with a backlog of 10 (src/conn_sock.c). A burst of
 * attaches beyond it makes the non-blocking connect fail with EAGAIN, which node-unix-socket
 * 0.2 reports with whatever errno its cleanup left (often "No such file or directory"). While
 * the socket file exists, a failed connect is tried again for a short while: conmon drains
 * its backlog in milliseconds.
 */
const connectAttempts = 50;
const connectRetryMs = 20;

async function connectAttachSocket(bundle: string): Promise<SeqpacketSocket> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await connectAttachSocketOnce(bundle);
    } catch (e) {
      if (attempt >= connectAttempts || !existsSync(join(bundle, "attach"))) throw e;
      await new Promise((resolve) => setTimeout(resolve, connectRetryMs));
    }
  }
}

function connectAttachSocketOnce(bundle: string): Promise<SeqpacketSocket> {
  let dirFd: number;
  try {
    dirFd = openSync(bundle, constants.O_RDONLY | constants.O_DIRECTORY);
  } catch (e) {
    return Promise.reject(new RuntimeError("NotFound", `container bundle ${bundle} is gone`, { cause: e }));
  }
  return new Promise<SeqpacketSocket>((resolve, reject) => {
    const socket = new SeqpacketSocket();
    const fail = (e: unknown): void => {
      closeSync(dirFd);
      socket.destroy();
      reject(new RuntimeError("Internal", `cannot attach: conmon's attach socket: ${e instanceof Error ? e.message : String(e)}`, { cause: e }));
    };
    socket.once("error", fail);
    try {
      socket.connect(`/proc/self/fd/${dirFd}/attach`, () => {
        socket.off("error", fail);
        closeSync(dirFd);
        resolve(socket);
      });
    } catch (e) {
      fail(e);
    }
  });
}

/** Joins the container's stdio until its output ends or `detach` is called. */
export async function attachThroughConmon(bundle: string, o: AttachOptions): Promise<AttachSession> {
  const socket = await connectAttachSocket(bundle);
  let ended = false;
  let finish!: () => void;
  const done = new Promise<void>((resolve) => (finish = resolve));
  const end = (): void => {
    if (ended) return;
    ended = true;
    o.stdin?.off("data", onInput);
    socket.destroy();
    finish();
  };
  socket.on("data", (packet: Buffer) => {
    if (packet.length < 2) return;
    const payload = packet.subarray(1);
    if (packet[0] === stdoutPipe) o.stdout?.write(payload);
    else if (packet[0] === stderrPipe) (o.tty ? o.stdout : o.stderr)?.write(payload);
  });
  // conmon closes every attach connection when it exits, after the container's output is drained.
  socket.once("end", end);
  socket.once("close", end);
  socket.on("error", end);

  const onInput = (b: Buffer | string): void => {
    if (!ended) socket.write(typeof b === "string" ? Buffer.from(b) : b);
  };
  if (o.stdin) {
    o.stdin.on("data", onInput);
    // Half-close: conmon then closes the container's stdin unless --leave-stdin-open (stdinOnce false).
    o.stdin.once("end", () => {
      if (!ended) socket.end();
    });
    o.stdin.on("error", () => {});
  }
  const resize = spacedResizes((size) => {
    if (!ended) resizeThroughFifo(bundle, size);
  });
  if (o.size) resize(o.size);
  return { done, resize, detach: end };
}
