/**
 * Nodes and pod bindings (pkg/apis/core/validation ValidateNode, ValidateNodeUpdate,
 * validateNodeTaints, ValidatePodBinding). Node status is written by the agent and only its
 * resource quantities are checked.
 */
import { duplicate, FieldPath, forbidden, goSyntaxValue, invalid, notSupported, required, type FieldError } from "../../meta/field-errors.js";
import { isValidLabelValue } from "../../meta/name-validation.js";
import { nameIsDNSSubdomain, validateObjectMeta, validateObjectMetaUpdate, validateQualifiedName } from "../../meta/object-meta-validation.js";
import { formatQuantity, quantitySign, tryParseQuantity } from "../../meta/quantity.js";
import type { ObjectMeta } from "../../meta/object.js";
import { validateTaintEffect } from "./scheduling-validation.js";
import type { Node, Taint } from "./node-types.js";

export type { Node, Taint } from "./node-types.js";

/** Upstream reports spec.taints under metadata (it passes the metadata path down). */
function validateTaints(taints: readonly Taint[], path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  const seen = new Set<string>();
  taints.forEach((t, i) => {
    const p = path.index(i);
    errs.push(...validateQualifiedName(t.key ?? "", p.child("key")));
    const msgs = isValidLabelValue(t.value ?? "");
    if (msgs.length) errs.push(invalid(p.child("value"), t.value ?? "", msgs.join(";")));
    errs.push(...validateTaintEffect(t.effect ?? "", false, p.child("effect")));
    const key = `${t.effect ?? ""}\u0000${t.key ?? ""}`;
    if (seen.has(key)) {
      const shown = goSyntaxValue(`core.Taint{Key:${JSON.stringify(t.key ?? "")}, Value:${JSON.stringify(t.value ?? "")}, Effect:${JSON.stringify(t.effect ?? "")}, TimeAdded:<nil>}`);
      errs.push({ ...duplicate(p, shown), detail: "taints must be unique by key and effect pair" });
    } else {
      seen.add(key);
    }
  });
  return errs;
}

function validateNodeResources(node: Node): FieldError[] {
  const errs: FieldError[] = [];
  for (const list of ["capacity", "allocatable"] as const) {
    for (const [name, raw] of Object.entries(node.status?.[list] ?? {})) {
      const path = FieldPath.root("status").child(list, name);
      const q = tryParseQuantity(raw).quantity;
      if (q && quantitySign(q) < 0) errs.push(invalid(path, formatQuantity(q), "must be greater than or equal to 0"));
    }
  }
  return errs;
}

export function validateNode(node: Node): FieldError[] {
  const meta = FieldPath.root("metadata");
  const errs = validateObjectMeta(node.metadata, { namespaced: false, nameValidator: nameIsDNSSubdomain });
  if (node.spec?.taints?.length) errs.push(...validateTaints(node.spec.taints, meta.child("taints")));
  errs.push(...validateNodeResources(node));
  return errs;
}

export function validateNodeUpdate(n: Node, o: Node): FieldError[] {
  const meta = FieldPath.root("metadata");
  const errs = validateObjectMetaUpdate(n.metadata, o.metadata);
  errs.push(...validateNodeResources(n));
  const oldCIDRs = o.spec?.podCIDRs ?? [];
  const newCIDRs = n.spec?.podCIDRs ?? [];
  const cidrMsg = "node updates may not change podCIDR except from \"\" to valid";
  if (oldCIDRs.length) {
    if (oldCIDRs.length !== newCIDRs.length) errs.push(forbidden(FieldPath.root("spec").child("podCIDRs"), cidrMsg));
    else oldCIDRs.forEach((c, i) => {
      if (c !== newCIDRs[i]) errs.push(forbidden(FieldPath.root("spec").child("podCIDRs"), cidrMsg));
    });
  }
  if (o.spec?.providerID && o.spec.providerID !== n.spec?.providerID) {
    errs.push(forbidden(FieldPath.root("spec").child("providerID"), "node updates may not change providerID except from \"\" to valid"));
  }
  if (n.spec?.taints?.length) errs.push(...validateTaints(n.spec.taints, meta.child("taints")));
  return errs;
}

export interface Binding {
  metadata?: ObjectMeta;
  target?: { kind?: string; name?: string; [k: string]: unknown };
}

/** A binding names the node a pod goes to. */
export function validateBinding(b: Binding): FieldError[] {
  const errs: FieldError[] = [];
  const kind = b.target?.kind ?? "";
  if (kind && kind !== "Node") errs.push(notSupported(FieldPath.root("target").child("kind"), kind, ["Node", "<empty>"]));
  if (!b.target?.name) errs.push(required(FieldPath.root("target").child("name")));
  return errs;
}
