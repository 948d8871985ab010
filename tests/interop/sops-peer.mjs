// Decrypts a sops file with an independent implementation and prints the
// result as JSON (one line per document).
//   node sops-peer.mjs decoder FILE KEYFILE yaml|json
//       npm sops-decoder: verifies the MAC.  The data key is unwrapped with
//       Debian's Go `age` binary from sops.age[0].enc and handed over through
//       a stubbed AWS KMS client (sops-decoder only knows KMS).
//   node sops-peer.mjs sopsage FILE KEYFILE yaml|json
//       npm sops-age: its own age (typage) and AES-GCM (@noble); no MAC check.
//   node sops-peer.mjs plain FILE - yaml|json
//       the plaintext parsed by the same YAML/JSON reader, for comparison.
import { readFileSync } from "node:fs";
import { execFileSync } from "node:child_process";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const require = createRequire(join(here, "peers", "package.json"));
const [mode, file, keyfile, type] = process.argv.slice(2);
const text = readFileSync(file, "utf8");

function docs() {
	if (type === "json") return [JSON.parse(text)];
	const YAML = require("yaml");
	return YAML.parseAllDocuments(text).map((d) => d.toJS());
}

if (mode === "decoder") {
	const kms = require("@aws-sdk/client-kms");
	const decoder = require("sops-decoder");
	for (const tree of docs()) {
		if (!tree.sops || !tree.sops.mac) throw new Error("no sops metadata / mac");
		const enc = tree.sops.age[0].enc;
		const key = execFileSync("age", ["-d", "-i", keyfile], { input: enc });
		if (key.length !== 32) throw new Error(`data key has ${key.length} bytes`);
		kms.KMSClient.prototype.send = async () => ({ Plaintext: new Uint8Array(key) });
		tree.sops.kms = [{ arn: "arn:aws:kms:us-east-1:000000000000:key/stub", enc: "AA==" }];
		const out = await decoder.decrypt(tree);
		console.log(JSON.stringify(out));
	}
} else if (mode === "sopsage") {
	const { decryptSops } = await import(join(here, "peers", "node_modules", "sops-age", "dist", "index.js"));
	const secretKey = readFileSync(keyfile, "utf8").split("\n").find((l) => l.startsWith("AGE-SECRET-KEY-"));
	const out = await decryptSops(text, { secretKey, fileType: type });
	console.log(JSON.stringify(out));
} else if (mode === "plain") {
	for (const tree of docs()) console.log(JSON.stringify(tree));
} else {
	throw new Error("mode: decoder|sopsage|plain");
}
