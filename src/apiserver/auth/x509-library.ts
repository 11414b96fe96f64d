/**
 * The one place that loads @peculiar/x509: its dependency injection needs the Reflect
 * metadata polyfill loaded first, and the
 * library must be told to use Node's WebCrypto. Loaded lazily (dynamic import) by the
 * code that issues certificates, so a start that only reads existing files never pays
 * for it (~100 ms).
 */
import "reflect-metadata";
import * as x509 from "@peculiar/x509";
import { webcrypto } from "node:crypto";

// Node's webcrypto is the standard Crypto; only the type declarations differ.
x509.cryptoProvider.set(webcrypto as unknown as Parameters<typeof x509.cryptoProvider.set>[0]);

export { x509 };
