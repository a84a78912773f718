// Validates every object in the given YAML files offline against the kubernetes-models schemas (core API,
// Karpenter, prometheus-operator), then strictly: a field the schema does not know is an error (the models'
// own validate() accepts unknown fields). Usage: node validate.mjs FILE.yaml... ; exit 1 on any problem.
import { readFileSync } from "node:fs";
import { parseAllDocuments } from "yaml";

const packages = {
  "karpenter.sh": "@kubernetes-models/karpenter",
  "karpenter.k8s.aws": "@kubernetes-models/karpenter",
  "monitoring.coreos.com": "@kubernetes-models/prometheus-operator",
};

async function modelFor(apiVersion, kind) {
  const [group, version] = apiVersion.includes("/") ? apiVersion.split("/") : [null, apiVersion];
  const pkg = (group && packages[group]) ?? "kubernetes-models";
  const module = await import(group ? `${pkg}/${group}/${version}` : `${pkg}/${version}`);
  if (!module[kind]) throw new Error(`no model for ${apiVersion} ${kind}`);
  return module[kind];
}

// The schemas are compiled validators: they read exactly the properties they know (and enumerate maps whose
// keys are free). Wrapping the object in proxies that record each read shows which fields went unchecked.
function track(value, reads) {
  if (value === null || typeof value !== "object") return value;
  const seen = new Set();
  reads.set(value, seen);
  const children = new Map();
  return new Proxy(value, {
    get(target, key, receiver) {
      if (typeof key === "string") seen.add(key);
      const child = Reflect.get(target, key, receiver);
      if (child === null || typeof child !== "object") return child;
      if (!children.has(key)) children.set(key, track(child, reads));
      return children.get(key);
    },
    ownKeys(target) {
      for (const key of Reflect.ownKeys(target)) if (typeof key === "string") seen.add(key);
      return Reflect.ownKeys(target);
    },
  });
}

function unread(value, reads, path, out) {
  if (value === null || typeof value !== "object") return;
  const seen = reads.get(value);
  for (const key of Object.keys(value)) {
    const where = Array.isArray(value) ? `${path}[${key}]` : `${path}.${key}`;
    if (!seen || !seen.has(key)) out.push(where);
    else unread(value[key], reads, where, out);
  }
}

let failures = 0, count = 0;
for (const file of process.argv.slice(2)) {
  for (const doc of parseAllDocuments(readFileSync(file, "utf8"))) {
    if (doc.errors.length) { console.error(`${file}: ${doc.errors[0].message}`); failures++; continue; }
    const object = doc.toJS();
    if (!object) continue;
    const label = `${file}: ${object.kind}/${object.metadata?.name}`;
    count++;
    try {
      const Model = await modelFor(object.apiVersion, object.kind);
      const model = new Model(object);
      model.validate();
      const plain = JSON.parse(JSON.stringify(model));
      const reads = new WeakMap();
      Model.prototype.validate.call(track(plain, reads));
      const unknown = [];
      unread(plain, reads, "", unknown);
      if (unknown.length) { console.error(`${label}: unknown fields ${unknown.join(", ")}`); failures++; }
    } catch (error) {
      console.error(`${label}: ${error.message}`);
      failures++;
    }
  }
}
console.log(`validated ${count} objects, ${failures} problems`);
process.exit(failures === 0 && count > 0 ? 0 : 1);
