// Drives npm age-encryption (typage) for the interop tests.
//   node age-typage.mjs encrypt [-a] [-p PASS] [-r RECIPIENT]... IN OUT
//   node age-typage.mjs decrypt [-p PASS] [-i KEYFILE]... IN OUT
//   node age-typage.mjs keygen            (prints the identity, then the recipient)
import { readFileSync, writeFileSync } from "node:fs";
const age = await import(process.env.AGS_PEERS + "/node_modules/age-encryption/dist/index.js");

const [cmd, ...rest] = process.argv.slice(2);
let armor = false, pass = null;
const recips = [], ids = [], pos = [];
for (let i = 0; i < rest.length; i++) {
	if (rest[i] === "-a") armor = true;
	else if (rest[i] === "-p") pass = rest[++i];
	else if (rest[i] === "-r") recips.push(rest[++i]);
	else if (rest[i] === "-i") ids.push(rest[++i]);
	else pos.push(rest[i]);
}
if (cmd === "keygen") {
	const id = await age.generateIdentity();
	console.log(id);
	console.log(await age.identityToRecipient(id));
} else if (cmd === "encrypt") {
	const e = new age.Encrypter();
	if (pass !== null) e.setPassphrase(pass);
	for (const r of recips) e.addRecipient(r);
	let ct = await e.encrypt(readFileSync(pos[0]));
	writeFileSync(pos[1], armor ? age.armor.encode(ct) : ct);
} else if (cmd === "decrypt") {
	const d = new age.Decrypter();
	if (pass !== null) d.addPassphrase(pass);
	for (const f of ids)
		for (const line of readFileSync(f, "utf8").split("\n"))
			if (line.startsWith("AGE-SECRET-KEY-")) d.addIdentity(line.trim());
	let ct = readFileSync(pos[0]);
	if (ct.subarray(0, 10).toString() === "-----BEGIN") ct = age.armor.decode(ct.toString());
	writeFileSync(pos[1], await d.decrypt(ct));
} else {
	console.error("unknown command");
	process.exit(2);
}
