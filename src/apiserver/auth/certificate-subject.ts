/**
 * Reading a subject as Node renders it (`getPeerCertificate().subject`,
 * `X509Certificate.toLegacyObject().subject`): an attribute that occurs once is a string,
 * one that repeats is an array.
 */

export interface RenderedSubject {
  readonly CN?: string | readonly string[];
  readonly O?: string | readonly string[];
}

/**
 * The common name, or undefined when there is none. With several, the last one wins, as in
 * Go's pkix.Name that upstream's x509 authenticator reads.
 */
export function commonNameOf(subject: RenderedSubject): string | undefined {
  const names = valuesOf(subject.CN);
  const last = names[names.length - 1];
  return last === "" ? undefined : last;
}

/** Every organization, in certificate order. */
export function organizationsOf(subject: RenderedSubject): string[] {
  return valuesOf(subject.O);
}

function valuesOf(value: string | readonly string[] | undefined): string[] {
  if (value === undefined) return [];
  return typeof value === "string" ? [value] : [...value];
}
