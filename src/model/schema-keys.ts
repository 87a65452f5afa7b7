// The keys a zod object schema allows at a JSON path, so an unknown key can be reported together
// with the closest allowed one. Walks the schema alongside the value (discriminated unions are
// resolved by the value's discriminator).
import type { z } from "zod";

type Def = {
  type: string;
  shape?: Record<string, z.ZodType>;
  innerType?: z.ZodType;
  element?: z.ZodType;
  options?: z.ZodType[];
  discriminator?: string;
  values?: unknown[];
  in?: z.ZodType;
};

const defOf = (s: z.ZodType): Def => (s as unknown as { _zod: { def: Def } })._zod.def;

/** Object schemas that can describe `value` at this point of the schema. */
function objectsAt(schema: z.ZodType, value: unknown): Def[] {
  const def = defOf(schema);
  switch (def.type) {
    case "object":
      return [def];
    case "optional":
    case "default":
    case "nullable":
    case "prefault":
      return objectsAt(def.innerType!, value);
    case "pipe":
      return objectsAt(def.in!, value);
    case "union": {
      const objects = def.options!.flatMap((o) => objectsAt(o, value));
      const tag = def.discriminator;
      if (!tag || typeof value !== "object" || value === null) return objects;
      const own = objects.filter((o) => {
        const lit = o.shape?.[tag];
        return lit !== undefined && defOf(lit).values?.includes((value as Record<string, unknown>)[tag]);
      });
      return own.length > 0 ? own : objects;
    }
    default:
      return [];
  }
}

function childSchemas(schema: z.ZodType, key: PropertyKey, value: unknown): z.ZodType[] {
  const def = defOf(schema);
  switch (def.type) {
    case "array":
      return typeof key === "number" ? [def.element!] : [];
    case "optional":
    case "default":
    case "nullable":
    case "prefault":
      return childSchemas(def.innerType!, key, value);
    case "pipe":
      return childSchemas(def.in!, key, value);
    default: {
      const objects = objectsAt(schema, value);
      return objects.flatMap((o) => (o.shape?.[String(key)] ? [o.shape[String(key)]!] : []));
    }
  }
}

/** Allowed keys of the object at `path` inside `json` under `schema` (empty if not an object). */
export function knownKeysAt(schema: z.ZodType, json: unknown, path: ReadonlyArray<PropertyKey>): string[] {
  let schemas = [schema];
  let value = json;
  for (const key of path) {
    schemas = schemas.flatMap((s) => childSchemas(s, key, value));
    value =
      typeof value === "object" && value !== null ? (value as Record<PropertyKey, unknown>)[key] : undefined;
  }
  const keys = schemas.flatMap((s) => objectsAt(s, value).flatMap((o) => Object.keys(o.shape ?? {})));
  return [...new Set(keys)];
}
