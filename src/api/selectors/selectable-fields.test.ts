import { test } from "node:test";
import assert from "node:assert/strict";
import { BadRequestError } from "../meta/status-errors.js";
import { parseFieldSelector } from "./field-selector.js";
import { fieldLabelsFor, fieldsFor, validateFieldSelector } from "./selectable-fields.js";

function refusal(group: string, kind: string, selector: string): string {
  try {
    validateFieldSelector(group, kind, selector);
  } catch (e) {
    assert.ok(e instanceof BadRequestError, `expected BadRequestError, got ${String(e)}`);
    assert.equal(e.code, 400);
    return e.message;
  }
  assert.fail(`expected ${selector} to be refused for ${kind}`);
}

const pod = {
  apiVersion: "v1",
  kind: "Pod",
  metadata: { name: "p1", namespace: "ns1" },
  spec: {
    nodeName: "node-a", restartPolicy: "Always", schedulerName: "default-scheduler",
    serviceAccountName: "sa", serviceAccount: "sa", hostNetwork: true,
  },
  status: { phase: "Running", podIP: "10.0.0.5", podIPs: [{ ip: "10.0.0.5" }, { ip: "fd00::5" }], nominatedNodeName: "" },
};

test("a pod's selectable fields are those of upstream's PodToSelectableFields", () => {
  assert.deepEqual(fieldsFor("", "Pod", pod), {
    "metadata.name": "p1",
    "metadata.namespace": "ns1",
    "spec.nodeName": "node-a",
    "spec.restartPolicy": "Always",
    "spec.schedulerName": "default-scheduler",
    "spec.serviceAccountName": "sa",
    "spec.hostNetwork": "true",
    "status.phase": "Running",
    "status.podIP": "10.0.0.5",
    "status.nominatedNodeName": "",
  });
});

test("a pod without a security context reads spec.hostNetwork as false and podIP from podIPs", () => {
  const fields = fieldsFor("", "Pod", { metadata: { name: "p", namespace: "d" }, spec: {}, status: { podIPs: [{ ip: "10.1.1.1" }] } });
  assert.equal(fields["spec.hostNetwork"], "false");
  assert.equal(fields["status.podIP"], "10.1.1.1");
  assert.equal(fields["spec.nodeName"], "");
});

test("kubectl get pods --field-selector spec.foo=x is refused with the apiserver's exact 400 message", () => {
  // kubectl prefixes it: Unable to find "/v1, Resource=pods" that match label selector "", field selector "spec.foo=x": …
  assert.equal(refusal("", "Pod", "spec.foo=x"), "field label not supported: spec.foo");
});

test("every documented pod field label is accepted, and spec.host means spec.nodeName", () => {
  const sel = validateFieldSelector("", "Pod",
    "metadata.name=a,metadata.namespace=b,spec.nodeName=c,spec.restartPolicy=d,spec.schedulerName=e," +
    "spec.serviceAccountName=f,spec.hostNetwork=true,status.phase=g,status.podIP=h,status.nominatedNodeName=i");
  assert.equal(sel.requirements.length, 10);
  assert.equal(validateFieldSelector("", "Pod", "spec.host=node-a").toString(), "spec.nodeName=node-a");
  assert.equal(validateFieldSelector("", "Pod", "spec.host=node-a").matches(fieldsFor("", "Pod", pod)), true);
});

test("status.podIPs is accepted for pods but, absent from the field set, only matches the empty value", () => {
  const fields = fieldsFor("", "Pod", pod);
  assert.equal(validateFieldSelector("", "Pod", "status.podIPs=10.0.0.5").matches(fields), false);
  assert.equal(validateFieldSelector("", "Pod", "status.podIPs=").matches(fields), true);
});

test("a validated selector matches objects by their selectable fields", () => {
  const fields = fieldsFor("", "Pod", pod);
  assert.equal(validateFieldSelector("", "Pod", "status.phase!=Running").matches(fields), false);
  assert.equal(validateFieldSelector("", "Pod", "spec.nodeName=node-a,metadata.namespace=ns1").matches(fields), true);
  assert.equal(validateFieldSelector("", "Pod", parseFieldSelector("metadata.name=p2")).matches(fields), false);
});

test("kinds without their own conversion accept only metadata.name and metadata.namespace", () => {
  assert.equal(
    refusal("", "ConfigMap", "data.x=1"),
    '"data.x" is not a known field selector: only "metadata.name", "metadata.namespace"',
  );
  assert.equal(refusal("apps", "Deployment", "spec.replicas=1"),
    '"spec.replicas" is not a known field selector: only "metadata.name", "metadata.namespace"');
  assert.deepEqual(fieldLabelsFor("", "ConfigMap"), ["metadata.name", "metadata.namespace"]);
  assert.equal(validateFieldSelector("", "ConfigMap", "metadata.namespace=x").toString(), "metadata.namespace=x");
});

test("apps/v1 ReplicaSet refuses status.replicas though its field set has it, as upstream does", () => {
  assert.equal(refusal("apps", "ReplicaSet", "status.replicas=0"),
    '"status.replicas" is not a known field selector: only "metadata.name", "metadata.namespace"');
  assert.deepEqual(fieldsFor("apps", "ReplicaSet", { metadata: { name: "rs", namespace: "d" }, status: { replicas: 3 } }), {
    "status.replicas": "3", "metadata.name": "rs", "metadata.namespace": "d",
  });
});

test("ReplicationControllers select by status.replicas", () => {
  const fields = fieldsFor("", "ReplicationController", { metadata: { name: "rc", namespace: "d" }, status: {} });
  assert.equal(fields["status.replicas"], "0");
  assert.equal(validateFieldSelector("", "ReplicationController", "status.replicas=0").matches(fields), true);
});

test("Jobs select by status.successful, from status.succeeded, with batch's own wording", () => {
  assert.equal(refusal("batch", "Job", "status.succeeded=1"), 'field label "status.succeeded" not supported for batchv1.Job');
  const fields = fieldsFor("batch", "Job", { metadata: { name: "j", namespace: "d" }, status: { succeeded: 2 } });
  assert.equal(fields["status.successful"], "2");
  assert.equal(validateFieldSelector("batch", "Job", "status.successful=2").matches(fields), true);
  assert.equal(refusal("batch", "CronJob", "status.successful=1"),
    '"status.successful" is not a known field selector: only "metadata.name", "metadata.namespace"');
});

test("cluster-scoped kinds: nodes and namespaces have no metadata.namespace field", () => {
  const node = { metadata: { name: "n1" }, spec: { unschedulable: true } };
  assert.deepEqual(fieldsFor("", "Node", node), { "spec.unschedulable": "true", "metadata.name": "n1" });
  assert.equal(refusal("", "Node", "metadata.namespace=x"), "field label not supported: metadata.namespace");
  assert.deepEqual(fieldsFor("", "Namespace", { metadata: { name: "d" }, status: { phase: "Active" } }), {
    "status.phase": "Active", "metadata.name": "d",
  });
  assert.equal(refusal("", "Namespace", "metadata.namespace=x"), "field label not supported: metadata.namespace");
});

test("secrets select by type and services by clusterIP and type", () => {
  assert.equal(fieldsFor("", "Secret", { metadata: { name: "s", namespace: "d" }, type: "Opaque" })["type"], "Opaque");
  assert.equal(refusal("", "Secret", "data.x=1"), "field label not supported: data.x");
  const svc = fieldsFor("", "Service", { metadata: { name: "s", namespace: "d" }, spec: { clusterIP: "None", type: "ClusterIP" } });
  assert.equal(validateFieldSelector("", "Service", "spec.clusterIP!=None").matches(svc), false);
  assert.equal(validateFieldSelector("", "Service", "spec.type=ClusterIP").matches(svc), true);
});

const coreEvent = {
  metadata: { name: "p1.17f", namespace: "ns1" },
  involvedObject: {
    kind: "Pod", namespace: "ns1", name: "p1", uid: "u-1", apiVersion: "v1", resourceVersion: "42", fieldPath: "spec.containers{c}",
  },
  reason: "Scheduled", source: { component: "default-scheduler" }, reportingComponent: "default-scheduler", type: "Normal",
};

test("core events select by involvedObject, reason, source, reportingComponent and type", () => {
  const fields = fieldsFor("", "Event", coreEvent);
  assert.deepEqual(fields, {
    "involvedObject.kind": "Pod",
    "involvedObject.namespace": "ns1",
    "involvedObject.name": "p1",
    "involvedObject.uid": "u-1",
    "involvedObject.apiVersion": "v1",
    "involvedObject.resourceVersion": "42",
    "involvedObject.fieldPath": "spec.containers{c}",
    reason: "Scheduled",
    reportingComponent: "default-scheduler",
    source: "default-scheduler",
    type: "Normal",
    "metadata.name": "p1.17f",
    "metadata.namespace": "ns1",
  });
  // kubectl describe pod asks for exactly this
  const describe = validateFieldSelector("", "Event", "involvedObject.namespace=ns1,involvedObject.uid=u-1,involvedObject.name=p1");
  assert.equal(describe.matches(fields), true);
  assert.equal(refusal("", "Event", "message=x"), "field label not supported: message");
});

test("an event without a source is selected by its reporting component as source", () => {
  const fields = fieldsFor("", "Event", { ...coreEvent, source: {}, reportingComponent: "kubelet" });
  assert.equal(fields["source"], "kubelet");
});

test("events.k8s.io labels map onto the shared event fields", () => {
  const sel = validateFieldSelector("events.k8s.io", "Event", "regarding.name=p1,reportingController=kubelet");
  assert.equal(sel.toString(), "involvedObject.name=p1,reportingComponent=kubelet");
  const v1Event = {
    metadata: { name: "e", namespace: "ns1" },
    regarding: { kind: "Pod", name: "p1", namespace: "ns1" },
    reportingController: "kubelet", reason: "Pulled", type: "Normal",
  };
  assert.equal(sel.matches(fieldsFor("events.k8s.io", "Event", v1Event)), true);
  assert.equal(refusal("events.k8s.io", "Event", "involvedObject.name=p1"), "field label not supported: involvedObject.name");
});

test("certificate signing requests select by spec.signerName", () => {
  const fields = fieldsFor("certificates.k8s.io", "CertificateSigningRequest",
    { metadata: { name: "csr" }, spec: { signerName: "kubernetes.io/kubelet-serving" } });
  assert.deepEqual(fields, { "spec.signerName": "kubernetes.io/kubelet-serving", "metadata.name": "csr" });
});

test("unknown kinds expose name, and namespace when the object has one", () => {
  assert.deepEqual(fieldsFor("example.com", "Widget", { metadata: { name: "w", namespace: "d" } }), {
    "metadata.name": "w", "metadata.namespace": "d",
  });
  assert.deepEqual(fieldsFor("example.com", "Gadget", { metadata: { name: "g" } }), { "metadata.name": "g" });
});

test("malformed objects yield empty values instead of crashing", () => {
  for (const obj of [null, undefined, 5, "pod", [], { metadata: null }, { spec: "x", status: [] }, { status: { podIPs: [null] } }]) {
    const fields = fieldsFor("", "Pod", obj);
    assert.equal(fields["metadata.name"], "");
    assert.equal(fields["spec.hostNetwork"], "false");
    assert.equal(typeof fieldsFor("", "Event", obj)["involvedObject.name"], "string");
  }
});

test("the first refused label is reported in the selector's sorted order", () => {
  assert.equal(refusal("", "Pod", "zeta=1,alpha=2"), "field label not supported: alpha");
});

test("a malformed selector string is refused before any label check", () => {
  assert.equal(refusal("", "Pod", "spec.foo"), "invalid selector: 'spec.foo'; can't understand 'spec.foo'");
});
