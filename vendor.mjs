// `make vendor`: builds static/vendor/ from the locked npm packages (after `npm ci`).
// The built files are committed, so running the application needs no Node; MANIFEST.json says
// which package and locked version each file came from, with its sha256, and
// tests/core/test_vendor.py checks that the committed files still match it.
import { createHash } from "node:crypto";
import { copyFileSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import * as sass from "sass";

const OUT = "static/vendor";
const lock = JSON.parse(readFileSync("package-lock.json", "utf8"));
const locked = (name) => lock.packages[`node_modules/${name}`].version;

rmSync(OUT, { recursive: true, force: true });
mkdirSync(OUT, { recursive: true });

// What each file is built from. GOV.UK Frontend's fonts (GDS Transport) and images (the crown,
// the crest, GOV.UK icons) are the UK government's and are not copied.
const files = [
  {
    file: "govuk-frontend.min.js",
    package: "govuk-frontend",
    copy: "node_modules/govuk-frontend/dist/govuk/govuk-frontend.min.js",
  },
  // Its last line names the map: the static files manifest refuses a reference to a missing file.
  {
    file: "govuk-frontend.min.js.map",
    package: "govuk-frontend",
    copy: "node_modules/govuk-frontend/dist/govuk/govuk-frontend.min.js.map",
  },
  { file: "htmx.min.js", package: "htmx.org", copy: "node_modules/htmx.org/dist/htmx.min.js" },
  {
    file: "app.css",
    package: "govuk-frontend",
    built: "static/scss/app.scss",
    with: { sass: locked("sass") },
  },
];

for (const entry of files) {
  const target = join(OUT, entry.file);
  if (entry.copy) {
    copyFileSync(entry.copy, target);
  } else {
    const result = sass.compile(entry.built, {
      loadPaths: ["node_modules"],
      style: "compressed",
      sourceMap: false,
    });
    writeFileSync(target, result.css + "\n");
  }
}

const manifest = {
  note: "Built by `make vendor` from package-lock.json; do not edit by hand.",
  packages: Object.fromEntries(
    ["govuk-frontend", "htmx.org", "sass"].map((name) => [name, locked(name)]),
  ),
  files: Object.fromEntries(
    files.map((entry) => [
      entry.file,
      {
        package: entry.package,
        version: locked(entry.package),
        ...(entry.copy ? { from: entry.copy.replace("node_modules/", "") } : {}),
        ...(entry.built ? { built_from: entry.built, with: entry.with } : {}),
        sha256: createHash("sha256").update(readFileSync(join(OUT, entry.file))).digest("hex"),
      },
    ]),
  ),
};
writeFileSync(join(OUT, "MANIFEST.json"), JSON.stringify(manifest, null, 2) + "\n");
console.log(`static/vendor/: ${files.map((entry) => entry.file).join(", ")}`);
