// Renders the server's configuration table from its zod schema into docs/operations.md, between
// `<!-- config-table:start -->` and `<!-- config-table:end -->`, so the docs cannot drift from the code.
//
//   node scripts/config-table.mjs           rewrite the table (npm run docs:config)
//   node scripts/config-table.mjs --check   exit 1 if the table differs from the schema
//   --file <path>                            another markdown file with the same markers (tests)
//
// Reads the BUILT server (packages/server/dist): run `npm run build -w @relais/server` first.
import { readFileSync, writeFileSync } from "node:fs";
import { relative } from "node:path";
import { fileURLToPath } from "node:url";

const START = "<!-- config-table:start -->";
const END = "<!-- config-table:end -->";
const fileFlag = process.argv.indexOf("--file");
const docPath = fileFlag === -1 ? fileURLToPath(new URL("../docs/operations.md", import.meta.url)) : process.argv[fileFlag + 1];
const shownPath = relative(process.cwd(), docPath);
const serverEntry = new URL("../packages/server/dist/index.js", import.meta.url);

async function loadSchema() {
  try {
    return (await import(serverEntry.href)).configSchema;
  } catch (error) {
    console.error(`config-table: cannot load ${fileURLToPath(serverEntry)} (${error.message}); run \`npm run build -w @relais/server\``);
    process.exit(2);
  }
}

/** Peels `.default()`, `.optional()` and similar wrappers off a field, keeping the default. */
function describeField(field) {
  let type = field;
  let defaultValue;
  while (type.def.innerType) {
    if (type.def.type === "default") defaultValue = type.def.defaultValue;
    type = type.def.innerType;
  }
  const choices = type.def.type === "enum" ? Object.values(type.def.entries) : undefined;
  return { description: field.description, defaultValue, choices };
}

const cell = (text) => text.replaceAll("|", "\\|").replaceAll("\n", " ");

function renderTable(schema) {
  const rows = Object.entries(schema.shape).map(([name, field]) => {
    const { description, defaultValue, choices } = describeField(field);
    const shownDefault = defaultValue === undefined ? "unset" : `\`${String(defaultValue)}\``;
    const oneOf = choices ? `One of ${choices.map((choice) => `\`${choice}\``).join(", ")}.` : "";
    const meaning = [description, oneOf].filter(Boolean).join(" ");
    return `| \`${name}\` | ${shownDefault} | ${cell(meaning)} |`;
  });
  return ["| variable | default | meaning |", "|---|---|---|", ...rows].join("\n");
}

const schema = await loadSchema();
const doc = readFileSync(docPath, "utf8");
const start = doc.indexOf(START);
const end = doc.indexOf(END);
if (start === -1 || end < start) {
  console.error(`config-table: ${shownPath} needs the markers ${START} and ${END}, in that order`);
  process.exit(2);
}
const table = renderTable(schema);
const updated = `${doc.slice(0, start + START.length)}\n${table}\n${doc.slice(end)}`;
const variables = Object.keys(schema.shape).length;

if (process.argv.includes("--check")) {
  if (updated !== doc) {
    console.error(`config-table: ${shownPath} is stale; run \`npm run docs:config\``);
    process.exit(1);
  }
  console.log(`config-table: ${shownPath} is up to date (${variables} variables)`);
} else {
  if (updated !== doc) writeFileSync(docPath, updated);
  console.log(`config-table: ${updated === doc ? "unchanged" : "wrote"} ${variables} variables in ${shownPath}`);
}
