/**
 * Which name format each built-in kind demands (upstream Validate<Kind>Name variables in
 * pkg/apis/<group>/validation). Most kinds are DNS subdomains; namespaces are DNS labels
 * because they become DNS name parts; services are DNS-1035 labels because they become
 * environment-variable prefixes and DNS names.
 */
import { nameIsDNS1035Label, nameIsDNSLabel, nameIsDNSSubdomain, type NameValidator } from "./object-meta-validation.js";

const byKind: Record<string, NameValidator> = {
  "/Namespace": nameIsDNSLabel,
  "/Service": nameIsDNS1035Label,
  // StatefulSet pods are named <set>-<ordinal> and use it as hostname, so the set needs a label.
  "apps/StatefulSet": nameIsDNSLabel,
};

/** The name rule for a kind; DNS subdomain unless upstream says otherwise. */
export function nameValidatorFor(group: string, kind: string): NameValidator {
  return byKind[`${group}/${kind}`] ?? nameIsDNSSubdomain;
}
