// The judge of CliYamlDifferentialTest: the YAML the pinned wmill CLI writes for JSON documents.
//
// Reads newline-delimited JSON documents on stdin; for each, prints one line: the JSON string of
// stringify(JSON.parse(line), yamlOptions), exactly as `wmill sync pull` does it. The `yaml` library and
// `prioritizeName` are not separate packages: they are taken from the CLI's own bundle (esm/main.js), so the
// judge is the very code the CLI runs, whatever version it bundles.
import fs from 'node:fs';
import { createRequire } from 'node:module';

const bundlePath = new URL('./node_modules/windmill-cli/esm/main.js', import.meta.url);
const bundle = fs.readFileSync(bundlePath, 'utf8');

function slice(startMarker, endMarker, from = 0) {
  const start = bundle.indexOf(startMarker, from);
  if (start < 0) throw new Error(`yaml-judge: "${startMarker}" not found in ${bundlePath}`);
  const end = bundle.indexOf(endMarker, start + startMarker.length);
  if (end < 0) throw new Error(`yaml-judge: "${endMarker}" not found after "${startMarker}"`);
  return [start, end];
}

// esbuild's CommonJS wrappers of node_modules/yaml/dist/*, from the first to the end of index.js.
const [yamlStart] = slice('// node_modules/yaml/dist/nodes/identity.js', '\n');
const [, yamlEnd] = slice('// node_modules/yaml/dist/index.js', '\n// ');
const yamlSource = bundle.slice(yamlStart, yamlEnd);
const __commonJS = (cb, mod) => () => (mod || cb((mod = { exports: {} }).exports, mod), mod.exports);
const YAML = new Function('__commonJS', '__require', `${yamlSource}\nreturn require_dist();`)(
  __commonJS,
  createRequire(import.meta.url),
);

const [nameStart, nameEnd] = slice('function prioritizeName(name) {', '\n}\n');
const prioritizeName = new Function(`${bundle.slice(nameStart, nameEnd + 3)}\nreturn prioritizeName;`)();

// The CLI's yamlOptions (sync.ts), verbatim in behaviour.
const yamlOptions = {
  sortMapEntries: (a, b) => prioritizeName(String(a.key)).localeCompare(prioritizeName(String(b.key))),
  aliasDuplicateObjects: false,
  singleQuote: true,
};

// The options are copied above: fail loudly if a CLI upgrade changed them.
if (!/yamlOptions = \{\s*sortMapEntries: \(a, b\) => \{\s*return prioritizeName\(String\(a\.key\)\)\.localeCompare\(prioritizeName\(String\(b\.key\)\)\);\s*\},\s*aliasDuplicateObjects: false,\s*singleQuote: true\s*\};/.test(bundle)) {
  throw new Error('yaml-judge: the CLI bundle no longer holds the yamlOptions this judge copies');
}

// The CLI's WINDMILL_CUSTOM_TAGS (yamlParseFile), for --parse: fail loudly if a CLI upgrade changed them.
const customTags = ['!inline', '!inline_fileset'].map((tag) => {
  if (!bundle.includes(`tag: "${tag}",\n    resolve(value) {\n      return "${tag} " + value;`)) {
    throw new Error(`yaml-judge: the CLI bundle no longer resolves ${tag} as this judge does`);
  }
  return { tag, resolve: (value) => `${tag} ${value}` };
});

// With --parse, each line is the JSON string of a YAML text: the output is the YAML the CLI writes for what
// its yamlParseFile reads from it (CliYamlReadDifferentialTest), or "!error".
const parse = process.argv[2] === '--parse';
const input = fs.readFileSync(0, 'utf8');
const out = [];
for (const line of input.split('\n')) {
  if (line.length === 0) continue;
  let text;
  try {
    const value = parse ? YAML.parse(JSON.parse(line), { customTags }) : JSON.parse(line);
    text = YAML.stringify(value, yamlOptions);
  } catch (e) {
    text = `!error ${e.message}`;
  }
  out.push(JSON.stringify(text));
}
process.stdout.write(out.join('\n') + (out.length ? '\n' : ''));
