// The images named on a command line (`loom sim --images DIR|FILE…`): files as given, folders
// searched recursively in sorted order. An image's label is known when its parent folder is named
// after one of the model's classes (the {CLASS}/ layout the trainer reads).
import { readdirSync, statSync } from "node:fs";
import { basename, dirname, extname, join } from "node:path";
import { LoomError } from "../core/errors.js";
import { IMAGE_EXTENSIONS } from "./decode.js";

export interface ListedImage {
  path: string;
  /** Index into the classes, when the parent folder names one. */
  label?: number;
}

function isImage(name: string): boolean {
  return IMAGE_EXTENSIONS.includes(extname(name).toLowerCase());
}

function imagesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true })
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
    .flatMap((e) => {
      const p = join(dir, e.name);
      if (e.isDirectory()) return imagesUnder(p);
      return e.isFile() && isImage(e.name) ? [p] : [];
    });
}

export function listImages(args: readonly string[], classes: readonly string[] = []): ListedImage[] {
  const paths = args.flatMap((a) => {
    let dir: boolean;
    try {
      dir = statSync(a).isDirectory();
    } catch {
      throw new LoomError("data", `${a} does not exist`);
    }
    if (!dir) return [a];
    const found = imagesUnder(a);
    if (found.length === 0)
      throw new LoomError(
        "data",
        `${a} holds no ${IMAGE_EXTENSIONS.join("/")} images (searched recursively)`,
      );
    return found;
  });
  return paths.map((path) => {
    const label = classes.indexOf(basename(dirname(path)));
    return label >= 0 ? { path, label } : { path };
  });
}
