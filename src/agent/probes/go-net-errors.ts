/**
 * The texts Go's net package gives for failed dials, because probe failure messages reach
 * users in events (`Liveness probe failed: dial tcp 10.0.0.1:81: connect: connection
 * refused`) and people search for them.
 */

/** Go's net.JoinHostPort: IPv6 literals go in brackets. */
export function joinHostPort(host: string, port: number): string {
  return host.includes(":") ? `[${host}]:${port}` : `${host}:${port}`;
}


/** Go's syscall.Errno texts for the errors a connect can end with. */
const errnoTexts: Record<string, string> = {
  ECONNREFUSED: "connection refused",
  ECONNRESET: "connection reset by peer",
  EHOSTUNREACH: "no route to host",
  ENETUNREACH: "network is unreachable",
  ETIMEDOUT: "connection timed out",
  EADDRNOTAVAIL: "cannot assign requested address",
  EACCES: "permission denied",
  EPERM: "operation not permitted",
};

/** The `*net.OpError` text of a failed dial to host:port. */
export function dialErrorMessage(error: unknown, host: string, port: number): string {
  const e = error as NodeJS.ErrnoException;
  if (e.code === "ENOTFOUND" || e.code === "EAI_AGAIN" || e.code === "EAI_NONAME") {
    return `dial tcp: lookup ${host}: no such host`;
  }
  const text = e.code ? errnoTexts[e.code] : undefined;
  if (text) return `dial tcp ${joinHostPort(host, port)}: connect: ${text}`;
  return `dial tcp ${joinHostPort(host, port)}: ${e.message}`;
}

/** The text of a dial that did not finish within its timeout. */
export function dialTimeoutMessage(host: string, port: number): string {
  return `dial tcp ${joinHostPort(host, port)}: i/o timeout`;
}

/** True for errors raised while the socket was still connecting (Node marks them `syscall: connect`). */
export function isDialError(error: unknown): boolean {
  const e = error as NodeJS.ErrnoException;
  return e.syscall === "connect" || e.syscall === "getaddrinfo";
}
