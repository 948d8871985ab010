### kube without a subcommand: usage, exit 2
run: $AGS kube
exit: 2
stderr~: usage: agesops kube install-key

### kube --help: usage on stdout
run: $AGS kube --help
stdout~: exit codes: 0 ok, 75 transient failure \(retry\), 1 other failure, 2 usage

### unknown kube subcommand
run: $AGS kube destroy
exit: 2
stderr~: unknown subcommand 'destroy'

### --force needs --replace
run: $AGS keygen -o k 2>/dev/null; $AGS kube install-key --force k
exit: 2
stderr~: --force needs --replace

### --in-cluster conflicts with --kubeconfig
run: $AGS kube pubkey --in-cluster --kubeconfig x
exit: 2
stderr~: cannot be combined

### bad --request-timeout
run: $AGS kube pubkey --request-timeout 0
exit: 2
stderr~: --request-timeout

### install-key with two files
run: $AGS kube install-key a b
exit: 2
stderr~: one key file

### missing --kubeconfig file: one clear line, exit 1
run: $AGS keygen -o k 2>/dev/null; $AGS kube install-key --kubeconfig ./nope.yaml k
exit: 1
stderr~: ^agesops: error: \./nope\.yaml: 
stderr!: AGE-SECRET-KEY

### invalid kubeconfig YAML: file and line
run: printf 'clusters: [\n' > kc; $AGS kube pubkey --kubeconfig kc
exit: 1
stderr~: kc:[0-9]+:[0-9]+: 

### no current-context
run: printf 'apiVersion: v1\nkind: Config\n' > kc; $AGS kube pubkey --kubeconfig kc
exit: 1
stderr~: no current-context is set \(use --context\)

### bootstrap outside a cluster
run: env -u KUBERNETES_SERVICE_HOST -u KUBERNETES_SERVICE_PORT $AGS kube bootstrap
exit: 1
stderr~: not running in a cluster

### invalid namespace is refused before any request
run: printf 'apiVersion: v1\ncurrent-context: x\ncontexts:\n- name: x\n  context: {cluster: c}\nclusters:\n- name: c\n  cluster: {server: "https://127.0.0.1:1"}\n' > kc; $AGS kube pubkey --kubeconfig kc -n 'Bad/NS'
exit: 1
stderr~: invalid namespace 'Bad/NS'

### key file that is an SSH key is refused (Flux reads only age identities)
run: ssh-keygen -q -t ed25519 -N '' -f id >/dev/null; printf 'apiVersion: v1\ncurrent-context: x\ncontexts:\n- name: x\n  context: {cluster: c}\nclusters:\n- name: c\n  cluster: {server: "https://127.0.0.1:1"}\n' > kc; $AGS kube install-key --kubeconfig kc id
exit: 1
stderr~: id:1: not an age identity
stderr!: PRIVATE KEY

### missing certificate-authority file: named in one line
run: printf 'apiVersion: v1\ncurrent-context: x\ncontexts:\n- name: x\n  context: {cluster: c}\nclusters:\n- name: c\n  cluster: {server: "https://127.0.0.1:1", certificate-authority: pki/ca.pem}\n' > kc; $AGS kube pubkey --kubeconfig kc
exit: 1
stderr~: ^agesops: error: \./pki/ca\.pem: No such file or directory \(from kc\)$

### in-cluster without the service-account CA
run: mkdir sa; printf s3cr3t-sa-token > sa/token; KUBERNETES_SERVICE_HOST=127.0.0.1 KUBERNETES_SERVICE_PORT=1 AGESOPS_SERVICEACCOUNT_DIR=$PWD/sa $AGS kube bootstrap
exit: 1
stderr~: sa/ca\.crt: No such file or directory
stderr!: s3cr3t-sa-token
