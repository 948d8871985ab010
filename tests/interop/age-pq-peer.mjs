// Drives npm age-encryption (typage 0.3.1) for the post-quantum interop
// tests and benchmark.  Usage (PEERS = tests/interop/peers):
//   node age-pq-peer.mjs keygen                       -> identity line
//   node age-pq-peer.mjs recipient IDENTITY           -> recipient line
//   node age-pq-peer.mjs encrypt [-a] RECIPIENT...    stdin -> stdout
//   node age-pq-peer.mjs decrypt IDENTITY_FILE        stdin (binary or armored) -> stdout
//   node age-pq-peer.mjs bench RECIPIENT IDENTITY SIZE N
//        -> "encrypt_us decrypt_us" per file, in-process, averaged over N
import { readFileSync, writeSync } from "node:fs";
import { join } from "node:path";

const peers = process.env.PEERS;
if (!peers) {
	console.error("PEERS not set");
	process.exit(2);
}
const age = await import(join(peers, "node_modules/age-encryption/dist/index.js"));

function stdin() {
	return new Uint8Array(readFileSync(0));
}

function out(buf) {
	let off = 0;
	while (off < buf.length)
		off += writeSync(1, buf, off, buf.length - off);
}

const [cmd, ...args] = process.argv.slice(2);
try {
	if (cmd === "keygen") {
		console.log(await age.generateHybridIdentity());
	} else if (cmd === "recipient") {
		console.log(await age.identityToRecipient(args[0]));
	} else if (cmd === "encrypt") {
		const e = new age.Encrypter();
		let armor = false;
		for (const a of args) {
			if (a === "-a")
				armor = true;
			else
				e.addRecipient(a);
		}
		const ct = await e.encrypt(stdin());
		if (armor)
			out(new TextEncoder().encode(age.armor.encode(ct)));
		else
			out(ct);
	} else if (cmd === "decrypt") {
		const d = new age.Decrypter();
		for (const line of readFileSync(args[0], "utf8").split("\n")) {
			if (line.startsWith("AGE-"))
				d.addIdentity(line.trim());
		}
		let ct = stdin();
		const text = new TextDecoder().decode(ct.subarray(0, 64));
		if (text.trimStart().startsWith("-----BEGIN AGE ENCRYPTED FILE-----"))
			ct = age.armor.decode(new TextDecoder().decode(ct));
		out(await d.decrypt(ct, "uint8array"));
	} else if (cmd === "bench") {
		const [recipient, identity, size, n] = [args[0], args[1], Number(args[2]), Number(args[3])];
		const pt = new Uint8Array(size).fill(0x61);
		const e = new age.Encrypter();
		e.addRecipient(recipient);
		const d = new age.Decrypter();
		d.addIdentity(identity);
		let ct = await e.encrypt(pt); // warm-up
		await d.decrypt(ct, "uint8array");
		let t0 = process.hrtime.bigint();
		for (let i = 0; i < n; i++)
			ct = await e.encrypt(pt);
		const enc = Number(process.hrtime.bigint() - t0) / 1000 / n;
		t0 = process.hrtime.bigint();
		for (let i = 0; i < n; i++) {
			const back = await d.decrypt(ct, "uint8array");
			if (back.length !== size)
				throw new Error("bad round trip");
		}
		const dec = Number(process.hrtime.bigint() - t0) / 1000 / n;
		console.log(`${enc.toFixed(1)} ${dec.toFixed(1)}`);
	} else {
		console.error("unknown command");
		process.exit(2);
	}
} catch (e) {
	console.error(`typage: ${e.message}`);
	process.exit(1);
}
