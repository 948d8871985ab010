# Every exit code the sops command line can return, one row each, as Go
# sops 3.13.2 returns it (cmd/sops/codes/codes.go).  "# go:" names the Go
# case a row mirrors.  Go never returns 5 (ErrorReadingConfig), 52
# (MacNotFound), 61 (ConfigFileNotFound) or 111 (NoEncryptionKeyFound)
# although codes.go lists them; neither do we.

### 0: decrypt
# go: main.go decrypt, success
run: . $SRC/tests/cli/sops-exit-lib.sh; sops decrypt e.yaml
stdout: a: 1
stdout: b: two

### 1: encrypt with no recipient and no .sops.yaml
# go: main.go keyGroups "config file not found, or has no creation rules, and no keys provided through command line options" (plain error -> toExitError -> ErrorGeneric)
run: . $SRC/tests/cli/sops-exit-lib.sh; sops encrypt p.yaml
exit: 1
stderr~: config file not found, or has no creation rules, and no keys provided

### 1: a .sops.yaml whose rules do not match the file
# go: main.go loadConfig -> config.LoadCreationRuleForFile "no matching creation rules found" (toExitError -> ErrorGeneric)
run: . $SRC/tests/cli/sops-exit-lib.sh; printf 'creation_rules:\n  - path_regex: ^nomatch$\n    age: %s\n' "$R" >.sops.yaml; sops encrypt p.yaml
exit: 1
stderr~: no matching creation rules found

### 1: a broken .sops.yaml
# go: main.go loadConfig -> config error (toExitError -> ErrorGeneric); 5 is never returned
run: . $SRC/tests/cli/sops-exit-lib.sh; printf 'creation_rules: [\n' >.sops.yaml; sops encrypt p.yaml
exit: 1
stderr~: \.sops\.yaml

### 1: updatekeys without a .sops.yaml
# go: main.go updatekeys -> updatekeys.UpdateKeys config.LoadForFile error (plain error, ErrorGeneric); 61 is never returned
run: . $SRC/tests/cli/sops-exit-lib.sh; sops updatekeys -y e.yaml
exit: 1
stderr~: config file not found

### 1: --extract of a path that is not in the file
# go: decrypt.go extract "error truncating tree" (plain error -> ErrorGeneric)
run: . $SRC/tests/cli/sops-exit-lib.sh; sops decrypt --extract '["nope"]' e.yaml
exit: 1
stderr~: nope

### 1: filestatus of a missing file
# go: main.go filestatus -> filestatuscmd.FileStatus read error (plain error, urfave/cli exit 1)
run: . $SRC/tests/cli/sops-exit-lib.sh; sops filestatus missing.yaml
exit: 1
stderr~: missing\.yaml

### 1: a key service variable alone is not an age recipient
# go: main.go keyGroups takes SOPS_KMS_ARN as --kms; agesops has no KMS and says so (ErrorGeneric)
run: . $SRC/tests/cli/sops-exit-lib.sh; SOPS_KMS_ARN=arn:aws:kms:us-east-1:1:key/x sops encrypt p.yaml
exit: 1
stderr~: SOPS_KMS_ARN

### 2: encrypt of a file that does not parse
# go: encrypt.go LoadPlainFile "Error unmarshalling file" CouldNotReadInputFile
run: . $SRC/tests/cli/sops-exit-lib.sh; printf 'a: [\n' >bad.yaml; sops encrypt --age "$R" bad.yaml
exit: 2
stderr~: bad\.yaml

### 3: --output into a directory that does not exist
# go: common.go / main.go os.WriteFile error CouldNotWriteOutputFile
run: . $SRC/tests/cli/sops-exit-lib.sh; sops decrypt --output nodir/out.yaml e.yaml
exit: 3
stderr~: nodir/out\.yaml

### 7: set with an index that is not a sops path
# go: main.go set "Invalid set index format" ErrorInvalidSetFormat
run: . $SRC/tests/cli/sops-exit-lib.sh; sops set e.yaml 'a' '"x"'
exit: 7

### 8: --in-place and --output together
# go: main.go encrypt "cannot operate on both --output and --in-place" ErrorConflictingParameters
run: . $SRC/tests/cli/sops-exit-lib.sh; sops encrypt --age "$R" -i --output o.yaml p.yaml
exit: 8

### 25: a value that fails authentication
# go: common.go DecryptTree "Error decrypting tree" ErrorDecryptingTree
run: . $SRC/tests/cli/sops-exit-lib.sh; python3 -c "import re;s=open('e.yaml').read();s=re.sub(r'(?m)^(b: ENC\[AES256_GCM,data:)(.)',lambda m:m.group(1)+('B' if m.group(2)!='B' else 'C'),s);open('e.yaml','w').write(s)"; sops decrypt e.yaml
exit: 25

### 49: rotate --add-age on a file that does not exist
# go: main.go rotate "cannot add or remove keys on non-existent file" CannotChangeKeysFromNonExistentFile
run: . $SRC/tests/cli/sops-exit-lib.sh; sops rotate --add-age "$R" missing.yaml
exit: 49

### 51: MAC mismatch
# go: common.go DecryptTree "Cannot decrypt MAC" / "MAC mismatch" MacMismatch (lastmodified is the MAC's AAD)
run: . $SRC/tests/cli/sops-exit-lib.sh; sed -i 's/^\(    lastmodified: \).*/\1"2001-01-01T00:00:00Z"/' e.yaml; sops decrypt e.yaml
exit: 51
stderr~: MAC

### 91: --extract with a malformed path
# go: main.go decrypt "error parsing --extract path" InvalidTreePathFormat
run: . $SRC/tests/cli/sops-exit-lib.sh; sops decrypt --extract 'nope' e.yaml
exit: 91

### 92: encrypt of an empty file
# go: encrypt.go validateFileForEncryption NeedAtLeastOneDocument
run: . $SRC/tests/cli/sops-exit-lib.sh; : >empty.yaml; sops encrypt --age "$R" empty.yaml
exit: 92

### 100: sops with no arguments
# go: main.go app.Action "Error: no file specified" NoFileSpecified
run: . $SRC/tests/cli/sops-exit-lib.sh; sops
exit: 100

### 100: decrypt of a file that does not exist
# go: main.go decrypt "cannot operate on non-existent file" NoFileSpecified
run: . $SRC/tests/cli/sops-exit-lib.sh; sops decrypt missing.yaml
exit: 100
stderr~: missing\.yaml

### 112: --decryption-order naming a key type twice
# go: main.go decryptionOrder "Duplicate decryption key type" DuplicateDecryptionKeyType
run: . $SRC/tests/cli/sops-exit-lib.sh; sops decrypt --decryption-order age,age e.yaml
exit: 112
stderr~: Duplicate decryption key type: age

### 128: no identity opens the data key
# go: common.go DecryptTree GetDataKeyWithKeyServices CouldNotRetrieveKey
run: . $SRC/tests/cli/sops-exit-lib.sh; age-keygen -o other.txt 2>/dev/null; SOPS_AGE_KEY_FILE=$PWD/other.txt sops decrypt e.yaml
exit: 128

### 200: edit that changes nothing
# go: edit.go "File has not changed, exiting." FileHasNotBeenModified
run: . $SRC/tests/cli/sops-exit-lib.sh; EDITOR=true sops edit e.yaml
exit: 200

### 201: edit with no editor to be found
# go: edit.go runEditor "no editor available" NoEditorFound
run: . $SRC/tests/cli/sops-exit-lib.sh; PATH=/nonexistent EDITOR= SOPS_EDITOR= /bin/bash -c './sops edit e.yaml'
exit: 201

### 203: encrypt of a file that is already encrypted
# go: encrypt.go validateFileForEncryption FileAlreadyEncrypted
run: . $SRC/tests/cli/sops-exit-lib.sh; sops encrypt --age "$R" e.yaml
exit: 203
