// Independent check of a sops file agesops wrote: the data key is unwrapped
// with npm age-encryption (typage), then npm sops-decoder decrypts every
// value and verifies the MAC (its KMS client stubbed to hand over the key).
// Usage: node sops-more-verify.mjs FILE KEYFILE   -> prints the JSON tree.
//        node sops-more-verify.mjs FILE hex:DATAKEY (a data key rebuilt elsewhere)
import fs from "node:fs";
import { createRequire } from "node:module";
const require = createRequire(import.meta.url);
const peers = new URL("./peers/node_modules/", import.meta.url).pathname;
const YAML = require(peers + "yaml");
const age = await import(peers + "age-encryption/dist/index.js");
const { KMSClient } = require(peers + "@aws-sdk/client-kms");
const decoder = require(peers + "sops-decoder");

const [file, keyfile] = process.argv.slice(2);
const text = fs.readFileSync(file, "utf8");
const tree = file.endsWith(".json") ? JSON.parse(text) : YAML.parse(text);
let key = null;
if (keyfile.startsWith("hex:")) {
  key = Uint8Array.from(Buffer.from(keyfile.slice(4), "hex"));
} else {
  const ids = fs.readFileSync(keyfile, "utf8").split("\n").filter((l) => l.startsWith("AGE-SECRET-KEY-"));
  const d = new age.Decrypter();
  for (const id of ids) d.addIdentity(id);
  for (const e of tree.sops.age || []) {
    try {
      key = await d.decrypt(age.armor.decode(e.enc));
      break;
    } catch (err) {}
  }
}
if (!key) {
  console.error("no identity opens the data key");
  process.exit(3);
}
KMSClient.prototype.send = async () => ({ Plaintext: key });
tree.sops.kms = [{ arn: "arn:aws:kms:us-east-1:000000000000:key/stub", created_at: "", enc: "c3R1Yg==" }];
process.stdout.write(JSON.stringify(await decoder.decrypt(tree)) + "\n");
