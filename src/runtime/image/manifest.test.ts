import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { chainIds, ManifestError, mediaTypes, parseImageConfig, parseManifestDocument, selectPlatformManifest, sha256Digest, type Descriptor } from "./manifest.js";

const digest = (s: string) => sha256Digest(Buffer.from(s));
const json = (v: unknown) => Buffer.from(JSON.stringify(v));
const descriptor = (mediaType: string, platform?: Descriptor["platform"]): Descriptor => ({
  mediaType, digest: digest(JSON.stringify(platform ?? mediaType)), size: 10, ...(platform ? { platform } : {}),
});

describe("manifests, indexes and configs", () => {
  test("Docker schema 1 is refused with a clear message", () => {
    for (const body of [{ schemaVersion: 1, name: "x", tag: "1", fsLayers: [] }, { schemaVersion: 2, mediaType: mediaTypes.dockerSchema1Signed }]) {
      assert.throws(() => parseManifestDocument(json(body)), (e: unknown) => {
        assert.ok(e instanceof ManifestError);
        assert.match(e.message, /schema 1 .* not supported: rebuild or push the image with a schema 2 or OCI manifest/);
        return true;
      });
    }
    assert.throws(() => parseManifestDocument(json({ schemaVersion: 1 }), mediaTypes.dockerSchema1Signed), /application\/vnd\.docker\.distribution\.manifest\.v1\+prettyjws/);
  });

  test("manifests and indexes by media type, content type or shape", () => {
    const manifest = { schemaVersion: 2, config: descriptor(mediaTypes.ociConfig), layers: [descriptor(mediaTypes.ociLayerGzip)] };
    assert.equal(parseManifestDocument(json({ ...manifest, mediaType: mediaTypes.dockerManifest })).kind, "manifest");
    assert.equal(parseManifestDocument(json(manifest), mediaTypes.ociManifest).kind, "manifest");
    assert.equal(parseManifestDocument(json(manifest)).kind, "manifest");
    const index = { schemaVersion: 2, manifests: [descriptor(mediaTypes.ociManifest)] };
    assert.equal(parseManifestDocument(json(index), `${mediaTypes.dockerManifestList}; charset=utf-8`).kind, "index");
    assert.equal(parseManifestDocument(json(index)).kind, "index");
  });

  test("untrustworthy fields are refused", () => {
    const good = { schemaVersion: 2, mediaType: mediaTypes.ociManifest, config: descriptor(mediaTypes.ociConfig), layers: [] as Descriptor[] };
    assert.throws(() => parseManifestDocument(Buffer.from("{")), /not valid JSON/);
    assert.throws(() => parseManifestDocument(json({ ...good, config: { ...good.config, digest: "sha256:../../x" } })), /invalid digest/);
    assert.throws(() => parseManifestDocument(json({ ...good, layers: [{ ...descriptor(mediaTypes.ociLayer), size: -1 }] })), /invalid size/);
    assert.throws(() => parseManifestDocument(json({ ...good, layers: [descriptor("application/vnd.example.thing")] })), /unsupported media type/);
    assert.throws(() => parseManifestDocument(json({ ...good, schemaVersion: 3 })), /schemaVersion 3/);
    assert.throws(() => parseImageConfig(json({ rootfs: { type: "layers", diff_ids: ["md5:x"] } })), /invalid diff id/);
    assert.throws(() => parseImageConfig(json({ architecture: "amd64" })), /no rootfs.diff_ids/);
  });

  test("linux/amd64 is chosen from an index, preferring no variant", () => {
    const arm = descriptor(mediaTypes.ociManifest, { os: "linux", architecture: "arm64", variant: "v8" });
    const amd64v3 = descriptor(mediaTypes.ociManifest, { os: "linux", architecture: "amd64", variant: "v3" });
    const amd64 = descriptor(mediaTypes.ociManifest, { os: "linux", architecture: "amd64" });
    const windows = descriptor(mediaTypes.ociManifest, { os: "windows", architecture: "amd64" });
    const attestation = descriptor(mediaTypes.ociManifest, { os: "unknown", architecture: "unknown" });
    assert.equal(selectPlatformManifest({ schemaVersion: 2, manifests: [windows, arm, amd64v3, amd64, attestation] }), amd64);
    assert.equal(selectPlatformManifest({ schemaVersion: 2, manifests: [windows, arm, amd64v3] }), undefined);
  });

  test("chain ids per the OCI image spec", () => {
    const [a, b, c] = [digest("a"), digest("b"), digest("c")];
    const ab = sha256Digest(Buffer.from(`${a} ${b}`));
    assert.deepEqual(chainIds([a, b, c]), [a, ab, sha256Digest(Buffer.from(`${ab} ${c}`))]);
    assert.deepEqual(chainIds([]), []);
  });
});
