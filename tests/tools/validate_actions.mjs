// Validates GitHub Actions files with @actions/workflow-parser (GitHub's own parser).
// Usage: node validate_actions.mjs workflow|action FILE
// Prints {"file", "kind", "errors": [...], "summary": {...}} as JSON; exit 0 when valid.
import { register } from "node:module";
import { readFileSync } from "node:fs";
import { basename } from "node:path";
import { pathToFileURL } from "node:url";

register("./json-loader.mjs", import.meta.url);

const npmDir = process.env.AUTOPILOT_NPM_DIR;
if (!npmDir) {
  console.error("set AUTOPILOT_NPM_DIR to the node_modules holding @actions/workflow-parser");
  process.exit(2);
}
const parserUrl = (sub) =>
  pathToFileURL(`${npmDir}/@actions/workflow-parser/dist/${sub}`).href;
const { parseWorkflow, convertWorkflowTemplate, NoOperationTraceWriter } = await import(
  parserUrl("index.js")
);
const { parseAction, convertActionTemplate } = await import(parserUrl("actions/index.js"));

const [kind, path] = process.argv.slice(2);
if (!["workflow", "action"].includes(kind) || !path) {
  console.error("usage: node validate_actions.mjs workflow|action FILE");
  process.exit(2);
}
const file = { name: basename(path), content: readFileSync(path, "utf8") };
const trace = new NoOperationTraceWriter();
const parsed = kind === "workflow" ? parseWorkflow(file, trace) : parseAction(file, trace);
const errors = parsed.context.errors.getErrors().map((e) => e.message);
let summary = {};
if (parsed.value && errors.length === 0) {
  if (kind === "workflow") {
    const template = await convertWorkflowTemplate(parsed.context, parsed.value);
    errors.push(...(template.errors ?? []).map((e) => e.Message ?? String(e)));
    summary = { jobs: (template.jobs ?? []).map((j) => j.id?.value ?? String(j.id)) };
  } else {
    const action = convertActionTemplate(parsed.context, parsed.value);
    errors.push(...parsed.context.errors.getErrors().map((e) => e.message));
    summary = {
      using: action.runs?.using,
      inputs: (action.inputs ?? []).map((i) => i.id),
      outputs: (action.outputs ?? []).map((o) => o.id),
    };
  }
}
console.log(JSON.stringify({ file: path, kind, errors, summary }));
process.exit(errors.length ? 1 : 0);
