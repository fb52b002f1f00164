// Package portal holds the rules of brasa's developer portal (seed 000 §7
// and Anexo I): developer accounts and sessions, support tickets
// ("chamados") that grant a developer access to an associado's files, the
// files of each account (cooperativa + conta) — CSRs, validated certificates
// and chains — the CSR signing jobs the CA carries out asynchronously, and the
// credentials generated on a validated certificate.
//
// The journey, as the seed tells it:
//
//  1. sign up and log in ([Service.SignUp], [Service.Login]);
//  2. open a chamado "Acesso à API Pix" with the CNPJ and the ID da adesão
//     ([Service.OpenChamado]); the sandbox approves it at once, `brasa
//     serve` waits for an operator ([Service.DecideChamado]);
//  3. "Registrar Novo CSR" ([Service.RegisterCSR]): brasa makes the key pair
//     and the CSR with the subject of Anexo IV and offers the CSR and the
//     private key with and without the passphrase; or the developer uploads a
//     CSR made by hand ([Service.UploadCSR]), whose subject is checked;
//  4. the CSR stays EM_PROCESSAMENTO until the [Worker] has the CA sign it;
//     then it is OK, and the account's file list gains the validated
//     certificate (CERTIFICADO_VALIDADO) and the full chain
//     (CERTIFICADO_CADEIA);
//  5. "Gerar nova Credencial" on the validated certificate
//     ([Service.GenerateCredential]) creates a client_id and client_secret
//     bound to it, with the scopes of the contract's modalities.
//
// The package holds rules only: persistence is the [Store] it declares, HTTP
// is internal/web/portal.
package portal
