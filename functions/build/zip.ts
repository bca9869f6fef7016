import { zipSync, type Zippable } from "fflate";
import * as fs from "node:fs";
import * as path from "node:path";

/** A fixed timestamp makes the zip (and its SHA-256, which drives redeploys) reproducible. */
const FIXED_MTIME = new Date("2020-01-01T00:00:00Z");

/** Zips a folder with sorted entries and fixed timestamps, so the same input gives the same bytes. */
export function zipFolder(folder: string): Uint8Array {
  const files: Zippable = {};
  const walk = (dir: string, prefix: string) => {
    for (const name of fs.readdirSync(dir).sort()) {
      const full = path.join(dir, name);
      const entry = prefix === "" ? name : `${prefix}/${name}`;
      if (fs.statSync(full).isDirectory()) walk(full, entry);
      else files[entry] = [fs.readFileSync(full), { mtime: FIXED_MTIME }];
    }
  };
  walk(folder, "");
  return zipSync(files, { level: 9 });
}
