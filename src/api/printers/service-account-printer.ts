/** The ServiceAccount row: NAME, SECRETS (number of listed secrets), AGE (upstream `printServiceAccount`). */
import { ageColumn, nameColumn } from "./common-columns.js";
import { translateTimestampSince } from "./human-duration.js";
import { lengthAt, metadataOf, stringAt, type JsonObject } from "./object-fields.js";
import { column, columns, type PrintedRow, type TablePrinter } from "./table.js";

const serviceAccountColumns = columns(
  nameColumn,
  column(
    "Secrets",
    "string",
    'Secrets is a list of the secrets in the same namespace that pods running using this ServiceAccount are allowed to use. Pods are only limited to this list if this service account has a "kubernetes.io/enforce-mountable-secrets" annotation set to "true". The "kubernetes.io/enforce-mountable-secrets" annotation is deprecated since v1.32. Prefer separate namespaces to isolate access to mounted secrets. This field should not be used to find auto-generated service account token secrets for use outside of pods. Instead, tokens can be requested directly using the TokenRequest API, or service account token secrets can be manually created. More info: https://kubernetes.io/docs/concepts/configuration/secret',
  ),
  ageColumn,
);

function printServiceAccount(serviceAccount: JsonObject, now: Date): PrintedRow {
  const metadata = metadataOf(serviceAccount);
  return {
    cells: [
      stringAt(metadata, "name"),
      lengthAt(serviceAccount, "secrets"),
      translateTimestampSince(metadata["creationTimestamp"], now),
    ],
  };
}

export const serviceAccountPrinter: TablePrinter = Object.freeze({
  columns: serviceAccountColumns,
  row: printServiceAccount,
});
