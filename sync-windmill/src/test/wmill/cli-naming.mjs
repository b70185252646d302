// The wmill CLI's own naming functions, applied to the calls in a JSON file: the judge of
// CliNamingDifferentialTest. The functions are not exported by the bundle (and importing it runs the CLI),
// so their source text is cut out of the installed bundle at run time and evaluated here: nothing is
// copied into the test tree, and a new CLI release is judged by its own code.
//
// usage: node cli-naming.mjs <windmill-cli esm/main.js> <calls.json>
//   calls.json: [["lower", s], ["sanitize", s, preserveCase], ["assign", rawApp, [summary|null, ...]],
//                ["wsSuffix", s], ["toSpecific", path, ws], ["fromSpecific", path, ws], ...]
// prints a JSON array of results (a string, an array of strings, or {"error": message}), ASCII only.
import { readFileSync } from "node:fs";

const [bundlePath, callsPath] = process.argv.slice(2);
const bundle = readFileSync(bundlePath, "utf8");

/** The text of one top-level module of the bundle: from its `// file` comment to the next one. */
function moduleText(file) {
  const start = bundle.indexOf(`\n// ${file}\n`);
  if (start < 0) throw new Error(`module ${file} not found in ${bundlePath}`);
  const end = bundle.indexOf("\n// ", start + 1);
  return bundle.slice(start, end < 0 ? undefined : end);
}

/** The text of one top-level function (bundlers end each at a `}` in column 0). */
function functionText(name) {
  const start = bundle.indexOf(`\nfunction ${name}(`);
  if (start < 0) throw new Error(`function ${name} not found in ${bundlePath}`);
  const end = bundle.indexOf("\n}\n", start);
  return bundle.slice(start, end + 3);
}

/** A top-level `NAME = [ ... ]` assignment (inside an __esm initialiser), as a statement. */
function arrayAssignment(name) {
  const match = bundle.match(new RegExp(`\\n\\s*${name} = (\\[[^\\]]*\\]);`));
  if (!match) throw new Error(`${name} not found in ${bundlePath}`);
  return `var ${name} = ${match[1]};\n`;
}

const source = `
  var __esm = (fn) => fn;
  ${moduleText("windmill-utils-internal/src/path-utils/path-assigner.ts")}
  init_path_assigner();
  ${arrayAssignment("TRIGGER_TYPES")}
  ${functionText("getWorkspaceSpecificTypeKinds")}
  ${functionText("getFileTypeSuffix")}
  ${functionText("buildItemTypePattern")}
  ${functionText("toWorkspaceSpecificPath")}
  ${functionText("fromWorkspaceSpecificPath")}
  return { sanitizeForFilesystem, newPathAssigner, newRawAppPathAssigner,
           toWorkspaceSpecificPath, fromWorkspaceSpecificPath };
`;
const quietConsole = { ...console, warn() {}, log() {} };
const cli = new Function("console", source)(quietConsole);

function wsSuffix(name) {
  // toWorkspaceSpecificPath on a settings file exposes the sanitised name alone: settings.<name>.yaml
  const p = cli.toWorkspaceSpecificPath("settings.yaml", name);
  return p.slice("settings.".length, p.length - ".yaml".length);
}

function assign(rawApp, summaries) {
  const assigner = rawApp ? cli.newRawAppPathAssigner("bun")
                          : cli.newPathAssigner("bun", { skipInlineScriptSuffix: true });
  // assignPath returns ["<name>.", ext]: the name part is what is compared.
  return summaries.map((s) => assigner.assignPath(s, "bun")[0].slice(0, -1));
}

const ops = {
  lower: (s) => s.toLowerCase(),
  sanitize: (s, keep) => cli.sanitizeForFilesystem(s, keep ? { preserveCase: true } : undefined),
  assign,
  wsSuffix,
  toSpecific: (p, ws) => cli.toWorkspaceSpecificPath(p, ws),
  fromSpecific: (p, ws) => cli.fromWorkspaceSpecificPath(p, ws),
};

const calls = JSON.parse(readFileSync(callsPath, "utf8"));
const results = calls.map(([op, ...args]) => {
  try {
    return ops[op](...args);
  } catch (e) {
    return { error: String(e && e.message) };
  }
});
// ASCII only, every other UTF-16 unit escaped: lone surrogates survive the trip to Java.
process.stdout.write(JSON.stringify(results).replace(/[\u007f-\uffff]/g,
    (c) => "\\u" + c.charCodeAt(0).toString(16).padStart(4, "0")));
process.stdout.write("\n");
