// Decrypts a sops file with an independent implementation and prints the
// result as JSON (one line per document).
//   node sops-peer.mjs decoder FILE KEYFILE yaml|json
//       npm sops-decoder: verifies the MAC.  The data key is unwrapped with
//       Debian's Go `age` binary from sops.age[0].enc and handed over through
//       a stubbed AWS KMS client (sops-decoder only knows KMS).
//       With KEYFILE "gpg" the data key comes from sops.pgp[].enc through gpg.
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
	const all = docs();
	// sops' MAC spans every document of a multi-document file, while
	// sops-decoder checks one tree at a time: for several documents each is
	// decrypted without its MAC, and the MAC over all of them is recomputed
	// here with sops-decoder's own value walk order and toBytes rules.
	const multi = all.length > 1;
	const macEnc = all[0].sops && all[0].sops.mac;
	const lastmodified = all[0].sops && all[0].sops.lastmodified;
	const outs = [];
	let dataKey = null;
	for (const tree of all) {
		if (!tree.sops || !tree.sops.mac) throw new Error("no sops metadata / mac");
		let key = null;
		// KEYFILE "gpg": the data key comes from a pgp entry through plain gpg
		const entries = keyfile === "gpg" ? tree.sops.pgp || [] : tree.sops.age || [];
		for (const entry of entries) {
			try {
				const cmd = keyfile === "gpg" ? ["gpg", ["--batch", "-d"]] : ["age", ["-d", "-i", keyfile]];
				key = execFileSync(cmd[0], cmd[1], { input: entry.enc, stdio: ["pipe", "pipe", "ignore"] });
				break;
			} catch (e) {
				/* not this recipient's entry */
			}
		}
		if (!key) throw new Error("no age entry opens with " + keyfile);
		if (key.length !== 32) throw new Error(`data key has ${key.length} bytes`);
		kms.KMSClient.prototype.send = async () => ({ Plaintext: new Uint8Array(key) });
		tree.sops.kms = [{ arn: "arn:aws:kms:us-east-1:000000000000:key/stub", enc: "AA==" }];
		if (multi) delete tree.sops.mac;
		dataKey = key;
		outs.push(await decoder.decrypt(tree));
	}
	if (multi) {
		const { createHash } = await import("node:crypto");
		const h = createHash("sha512");
		const walk = (v) => {
			if (v === null || v === undefined) return;
			if (Array.isArray(v)) return v.forEach(walk);
			if (typeof v === "object") return Object.values(v).forEach(walk);
			h.update(typeof v === "boolean" ? (v ? "True" : "False") : String(v));
		};
		outs.forEach(walk);
		const want = String(decoder.decryptScalar(macEnc, dataKey, lastmodified));
		if (want !== h.digest("hex").toUpperCase()) throw new Error("Hash mismatch (all documents)");
	}
	for (const out of outs) console.log(JSON.stringify(out));
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
