/**
 * @peculiar/x509 registers its algorithms with tsyringe, and tsyringe refuses to load
 * unless the `Reflect` metadata API (the "reflect-metadata" proposal) exists. The
 * library only uses it to read constructor parameter types of classes that take none,
 * so three functions over a WeakMap are enough; we do not depend on the full polyfill.
 *
 * Import this module before "@peculiar/x509" (ESM evaluates imports in order). If the
 * real polyfill is already loaded, it is left alone.
 */

type MetadataTable = Map<unknown, unknown>;

const tables = new WeakMap<object, Map<PropertyKey | undefined, MetadataTable>>();

function ownTable(target: object, property: PropertyKey | undefined, create: boolean): MetadataTable | undefined {
  let byProperty = tables.get(target);
  if (byProperty === undefined) {
    if (!create) return undefined;
    byProperty = new Map();
    tables.set(target, byProperty);
  }
  let table = byProperty.get(property);
  if (table === undefined && create) {
    table = new Map();
    byProperty.set(property, table);
  }
  return table;
}

function getOwnMetadata(key: unknown, target: object, property?: PropertyKey): unknown {
  return ownTable(target, property, false)?.get(key);
}

// Like the proposal, inherited metadata is found along the prototype chain.
function getMetadata(key: unknown, target: object, property?: PropertyKey): unknown {
  for (let current: object | null = target; current !== null; current = Object.getPrototypeOf(current)) {
    const table = ownTable(current, property, false);
    if (table?.has(key)) return table.get(key);
  }
  return undefined;
}

function defineMetadata(key: unknown, value: unknown, target: object, property?: PropertyKey): void {
  ownTable(target, property, true)!.set(key, value);
}

const reflect = Reflect as unknown as Record<string, unknown>;
if (typeof reflect["getMetadata"] !== "function") {
  for (const [name, fn] of Object.entries({ getMetadata, getOwnMetadata, defineMetadata })) {
    Object.defineProperty(Reflect, name, { value: fn, writable: true, configurable: true });
  }
}
